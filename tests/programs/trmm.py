"""trmm (PolyBench): B := alpha * A^T B with A unit upper triangular (the strict part stored)."""
import numpy as np


def kernel(alpha, A, B):
    for i in range(B.shape[0]):
        for j in range(B.shape[1]):
            B[i, j] += np.dot(A[i + 1:, i], B[i + 1:, j])
    B *= alpha


def init(n, dtype, rng):
    m = min(n, 12)
    return kernel, (float(rng.uniform(0.5, 2)), rng.random((m, m)).astype(dtype), rng.random((m, m + 3)).astype(dtype))
