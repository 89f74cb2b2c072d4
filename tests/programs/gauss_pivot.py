"""Gaussian elimination with partial pivoting, textbook style: the pivot row found with argmax of a column slice,
rows swapped through index lists, the trailing block updated with an outer product, then back substitution."""
import numpy as np


def solve(A, b):
    A = A.copy()
    b = b.copy()
    n = A.shape[0]
    for k in range(n - 1):
        p = k + np.argmax(np.abs(A[k:, k]))
        A[[k, p]] = A[[p, k]]
        b[[k, p]] = b[[p, k]]
        f = A[k + 1:, k] / A[k, k]
        A[k + 1:, k:] -= f[:, None] * A[k, k:]
        b[k + 1:] -= f * b[k]
    x = np.zeros_like(b)
    for i in range(n - 1, -1, -1):
        x[i] = (b[i] - A[i, i + 1:] @ x[i + 1:]) / A[i, i]
    return x


def init(n, dtype, rng):
    return solve, (rng.standard_normal((n, n)).astype(dtype) + n * np.eye(n, dtype=dtype) * 0.1,
                   rng.standard_normal(n).astype(dtype))


TOL = {"float32": (2e-3, 1e-4), "float64": (1e-8, 1e-10)}
