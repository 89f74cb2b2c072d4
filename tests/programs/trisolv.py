"""Triangular solve L x = b by forward substitution (PolyBench trisolv, NumPy port): x written in place."""
import numpy as np


def kernel(L, x, b):
    for i in range(x.shape[0]):
        x[i] = (b[i] - L[i, :i] @ x[:i]) / L[i, i]


def init(n, dtype, rng):
    L = np.tril(rng.random((n, n))) + n * np.eye(n)
    return kernel, (L.astype(dtype), rng.random(n).astype(dtype), rng.random(n).astype(dtype))
