"""Levinson-Durbin recursion for a Toeplitz system (PolyBench durbin, NumPy port): reversed slices."""
import numpy as np


def kernel(r):
    y = np.empty_like(r)
    alpha = -r[0]
    beta = 1.0
    y[0] = -r[0]
    for k in range(1, r.shape[0]):
        beta *= 1.0 - alpha * alpha
        alpha = -(r[k] + np.dot(np.flip(r[:k]), y[:k])) / beta
        y[:k] += alpha * np.flip(y[:k])
        y[k] = alpha
    return y


def init(n, dtype, rng):
    r = 0.5 ** np.arange(1, n + 1) * rng.uniform(0.5, 1.0, n)
    return kernel, (r.astype(dtype),)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
