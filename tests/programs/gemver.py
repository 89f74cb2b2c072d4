"""gemver (PolyBench): rank-2 update of A, then two matrix-vector products updating x and w in place."""
import numpy as np


def kernel(alpha, beta, A, u1, v1, u2, v2, w, x, y, z):
    A += np.outer(u1, v1) + np.outer(u2, v2)
    x += beta * y @ A + z
    w += alpha * A @ x


def init(n, dtype, rng):
    A = rng.random((n, n)).astype(dtype)
    vecs = [rng.random(n).astype(dtype) for _ in range(8)]
    alpha, beta = (float(v) for v in rng.uniform(0.5, 2, 2))
    return kernel, (alpha, beta, A, *vecs)
