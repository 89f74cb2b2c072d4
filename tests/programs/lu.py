"""LU decomposition without pivoting, in place (PolyBench lu, NumPy port)."""
import numpy as np


def kernel(A):
    for i in range(A.shape[0]):
        for j in range(i):
            A[i, j] -= A[i, :j] @ A[:j, j]
            A[i, j] /= A[j, j]
        for j in range(i, A.shape[0]):
            A[i, j] -= A[i, :i] @ A[:i, j]


def init(n, dtype, rng):
    n = min(n, 20)
    A = rng.random((n, n)) + n * np.eye(n)
    return kernel, (A.astype(dtype),)
