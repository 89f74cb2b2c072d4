"""symm (PolyBench): C := alpha*A*B + beta*C with A symmetric, only its lower triangle read."""
import numpy as np


def kernel(alpha, beta, C, A, B):
    temp2 = np.empty((C.shape[1],), dtype=C.dtype)
    C *= beta
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            C[:i, j] += alpha * B[i, j] * A[i, :i]
            temp2[j] = B[:i, j] @ A[i, :i]
        C[i, :] += alpha * B[i, :] * A[i, i] + alpha * temp2


def init(n, dtype, rng):
    m = min(n, 12)
    alpha, beta = (float(v) for v in rng.uniform(0.5, 2, 2))
    return kernel, (alpha, beta, rng.random((m, m + 2)).astype(dtype), rng.random((m, m)).astype(dtype),
                    rng.random((m, m + 2)).astype(dtype))
