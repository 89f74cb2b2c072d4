"""Gauss-Seidel iterations for a diagonally dominant system; returns the solution and its residual norm."""
import numpy as np


def gauss_seidel(A, b, x0, iterations=10):
    x = x0.copy()
    n = len(b)
    for _ in range(iterations):
        for i in range(n):
            s1 = A[i, :i] @ x[:i]
            s2 = A[i, i + 1:] @ x[i + 1:]
            x[i] = (b[i] - s1 - s2) / A[i, i]
    residual = np.sqrt(np.sum((A @ x - b) ** 2))
    return x, residual


def init(n, dtype, rng):
    A = rng.random((n, n)) + 2 * n * np.eye(n)
    return gauss_seidel, (A.astype(dtype), rng.random(n).astype(dtype), np.zeros(n, dtype))


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
