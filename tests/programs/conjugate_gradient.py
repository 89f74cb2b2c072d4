"""Conjugate gradient for an SPD system, a fixed number of iterations (textbook form)."""
import numpy as np


def cg(A, b, x, iters):
    r = b - A @ x
    p = r.copy()
    rsold = r @ r
    for i in range(iters):
        Ap = A @ p
        alpha = rsold / (p @ Ap)
        x += alpha * p
        r -= alpha * Ap
        rsnew = r @ r
        p = r + (rsnew / rsold) * p
        rsold = rsnew
    return x


def init(n, dtype, rng):
    M = rng.random((n, n))
    A = M @ M.T + n * np.eye(n)
    return cg, (A.astype(dtype), rng.random(n).astype(dtype), np.zeros(n, dtype), 6)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-8, 1e-10)}
