"""Differences, polynomials and 1-D signals written over slicing, take, matmul and elementwise ops: np.diff,
np.polyval, np.sinc, np.convolve."""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from . import prims
from .table import decomposition, unsupported


def _as_array(a):
    """A Python scalar or list argument as NumPy reads it (np.asanyarray); arrays as they are."""
    return a if hasattr(a, "shape") else np.asarray(a)


def _along(axis: int, item) -> tuple:
    return (slice(None),) * axis + (item,)


@decomposition(np.diff)
def diff(a, n=1, axis=-1, prepend=None, append=None):
    """NumPy's: `prepend`/`append` broadcast to one slice along axis and joined, then n first differences
    (`!=` for bools, as NumPy's subtract has no bool loop). None stands for "not given" (NumPy's _NoValue)."""
    if n == 0:
        return a
    if n < 0:
        raise ShapeError(f"order must be non-negative but got {n!r}")
    a = _as_array(a)
    if a.ndim == 0:
        raise ShapeError("diff requires input that is at least one dimensional")
    if not -a.ndim <= axis < a.ndim:
        raise ShapeError(f"axis {axis} is out of bounds for array of dimension {a.ndim}")
    axis %= a.ndim
    ends = []
    for values in (prepend, append):
        if values is not None:
            values = _as_array(values)
            if values.ndim == 0:
                values = np.broadcast_to(values, a.shape[:axis] + (1,) + a.shape[axis + 1:])
            ends.append(values)
        else:
            ends.append(None)
    if ends[0] is not None or ends[1] is not None:
        a = np.concatenate([x for x in (ends[0], a, ends[1]) if x is not None], axis=axis)
    for _ in range(n):
        later, earlier = a[_along(axis, slice(1, None))], a[_along(axis, slice(None, -1))]
        a = np.not_equal(later, earlier) if a.dtype == np.bool_ else later - earlier
    return a


@decomposition(np.polyval)
def polyval(p, x):
    """Horner's rule as NumPy runs it: from zeros_like(x), `y = y * x + pv` for each coefficient (a NumPy
    scalar, so float64 coefficients make a float32 x's result float64)."""
    p, x = _as_array(p), _as_array(x)
    if p.ndim == 0:
        raise ShapeError("np.polyval: the coefficients must be a sequence (iteration over a 0-d array)")
    y = np.zeros_like(x)
    for i in range(p.shape[0]):
        y = y * x + p[i]
    return y


@decomposition(np.sinc)
def sinc(x):
    """NumPy's: y = pi * where(x == 0, 1e-20, x); sin(y) / y (so sinc(0) is 1)."""
    x = _as_array(x)
    y = np.pi * np.where(x == 0, 1.0e-20, x)
    return np.sin(y) / y


_CONVOLVE_MODES = ("full", "same", "valid")


@decomposition(np.convolve)
def convolve(a, v, mode="full"):
    """Discrete linear convolution as NumPy computes it (the longer array slides over the shorter): the output
    rows of the full convolution that the mode keeps, each a dot product of a window of the zero-padded longer
    array with the reversed shorter one (one gather and one matmul, so the dtype is matmul's, as correlate's)."""
    if mode not in _CONVOLVE_MODES:
        raise ShapeError(f"np.convolve: mode must be one of {_CONVOLVE_MODES}, got {mode!r}")
    a, v = np.atleast_1d(_as_array(a)), np.atleast_1d(_as_array(v))
    if a.ndim != 1 or v.ndim != 1:
        raise ShapeError("np.convolve: object too deep for desired array (both inputs must be 1-D)")
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    n, m = a.shape[0], v.shape[0]
    if m == 0:
        raise ShapeError(f"{'a' if n == 0 else 'v'} cannot be empty")
    if a.dtype.kind == "c" or v.dtype.kind == "c":
        raise unsupported("np.convolve of complex arrays")
    start, length = {"full": (0, n + m - 1), "same": ((m - 1) // 2, n), "valid": (m - 1, n - m + 1)}[mode]
    padded = np.concatenate([prims.zeros((m - 1,), a.dtype.name), a, prims.zeros((m - 1,), a.dtype.name)])
    windows = np.take(padded, np.arange(start, start + length)[:, None] + np.arange(m)[None, :])
    return windows @ v[::-1]
