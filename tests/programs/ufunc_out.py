"""Allocation-free update with ufunc out= arguments (the usual NumPy performance idiom)."""
import numpy as np


def axpby_inplace(a, x, b, y, work):
    np.multiply(x, a, out=work)
    np.multiply(y, b, out=y)
    np.add(y, work, out=y)
    np.sqrt(np.abs(y, out=work), out=work)
    return work


def init(n, dtype, rng):
    x, y = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    return axpby_inplace, (float(rng.uniform(0.5, 2)), x, float(rng.uniform(0.5, 2)), y, rng.random(n).astype(dtype))
