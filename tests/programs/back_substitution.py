"""Back substitution U x = b, walking the rows from the bottom up."""
import numpy as np


def back_substitution(U, b):
    n = len(b)
    x = np.zeros(n, dtype=U.dtype)
    for i in range(n - 1, -1, -1):
        x[i] = (b[i] - np.sum(U[i, i + 1:] * x[i + 1:])) / U[i, i]
    return x


def init(n, dtype, rng):
    U = np.triu(rng.random((n, n))) + n * np.eye(n)
    return back_substitution, (U.astype(dtype), rng.random(n).astype(dtype))
