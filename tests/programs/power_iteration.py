"""Power iteration for the dominant eigenpair; returns the Rayleigh quotient (a Python-float-like scalar)."""
import numpy as np


def power_iteration(A, num_iters=20):
    b = np.ones(A.shape[1], dtype=A.dtype)
    for _ in range(num_iters):
        b_new = A @ b
        b = b_new / np.sqrt(b_new @ b_new)
    eig = b @ A @ b
    return eig, b


def init(n, dtype, rng):
    M = rng.random((n, n))
    return power_iteration, ((M + M.T).astype(dtype),)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-8, 1e-10)}
