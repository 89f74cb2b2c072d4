"""Right-looking LU (Doolittle, no pivoting): scale the column, rank-1 update of the trailing block."""
import numpy as np


def lu_inplace(A):
    n = A.shape[0]
    for k in range(n - 1):
        A[k + 1:, k] /= A[k, k]
        A[k + 1:, k + 1:] -= A[k + 1:, k:k + 1] * A[k:k + 1, k + 1:]
    return A


def init(n, dtype, rng):
    A = rng.random((n, n)) + n * np.eye(n)
    return lu_inplace, (A.astype(dtype),)
