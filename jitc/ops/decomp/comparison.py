"""Whole-array comparisons and complex tests: np.allclose and np.array_equal (Python bools, as NumPy returns),
np.isreal and np.iscomplex (elementwise, over the imaginary part)."""
from __future__ import annotations

import numpy as np

from ...symbolic import Sym
from . import prims
from .table import decomposition, unsupported


@decomposition(np.allclose)
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return prims.to_bool(np.all(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


@decomposition(np.array_equal)
def array_equal(a1, a2, equal_nan=False):
    if tuple(a1.shape) != tuple(a2.shape):
        if any(isinstance(d, Sym) for d in (*a1.shape, *a2.shape)):
            raise unsupported("np.array_equal of arrays whose shapes only the call knows")
        return False
    same = a1 == a2
    if equal_nan and a1.dtype.kind in "fc" and a2.dtype.kind in "fc":
        same = same | (np.isnan(a1) & np.isnan(a2))
    return prims.to_bool(np.all(same))


@decomposition(np.isreal)
def isreal(x):
    return np.imag(x) == 0


@decomposition(np.iscomplex)
def iscomplex(x):
    return np.imag(x) != 0
