"""ludcmp (PolyBench): LU factorization followed by the forward and backward solves."""
import numpy as np


def kernel(A, b, x, y):
    N = A.shape[0]
    for i in range(N):
        for j in range(i):
            A[i, j] -= A[i, :j] @ A[:j, j]
            A[i, j] /= A[j, j]
        for j in range(i, N):
            A[i, j] -= A[i, :i] @ A[:i, j]
    for i in range(N):
        y[i] = b[i] - A[i, :i] @ y[:i]
    for i in range(N - 1, -1, -1):
        x[i] = (y[i] - A[i, i + 1:] @ x[i + 1:]) / A[i, i]


def init(n, dtype, rng):
    n = min(n, 20)
    A = (rng.random((n, n)) + n * np.eye(n)).astype(dtype)
    b, x, y = (rng.random(n).astype(dtype) for _ in range(3))
    return kernel, (A, b, x, y)
