"""Cholesky factorization in place, lower triangle (PolyBench cholesky, NumPy port)."""
import numpy as np


def kernel(A):
    A[0, 0] = np.sqrt(A[0, 0])
    for i in range(1, A.shape[0]):
        for j in range(i):
            A[i, j] -= np.dot(A[i, :j], A[j, :j])
            A[i, j] /= A[j, j]
        A[i, i] -= np.dot(A[i, :i], A[i, :i])
        A[i, i] = np.sqrt(A[i, i])


def init(n, dtype, rng):
    n = min(n, 20)
    M = rng.random((n, n))
    return kernel, ((M @ M.T + n * np.eye(n)).astype(dtype),)
