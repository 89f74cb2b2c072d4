"""Reductions written over sum/mean/max/min/prod and elementwise ops: var, std, ptp, average, count_nonzero,
the nan* family, cumulative sums, norms and traces; plus NumPy's full signatures of sum/mean/astype."""
from __future__ import annotations

import math

import numpy as np

from . import prims
from .linalg import singular_values
from .table import decomposition, no_out, unsupported


def _axes(axis, ndim: int) -> tuple[int, ...]:
    axes = tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % max(ndim, 1) for a in axes)


def _count(a, axis) -> int:
    return math.prod(a.shape[i] for i in _axes(axis, a.ndim))


def _isnan(a):
    return np.not_equal(a, a)  # true for NaN only (and never for integers)


def _in_dtype(reduction, a, axis, dtype, keepdims):
    """NumPy's dtype= for sum and mean: accumulate in dtype and return it."""
    if dtype is None:
        return reduction(a, axis, keepdims)
    return reduction(a.astype(dtype), axis, keepdims).astype(dtype)


@decomposition(np.sum, methods=("sum",))
def sum(a, axis=None, dtype=None, out=None, keepdims=False):
    no_out(out, "sum")
    return _in_dtype(prims.sum, a, axis, dtype, keepdims)


@decomposition(np.mean, methods=("mean",))
def mean(a, axis=None, dtype=None, out=None, keepdims=False):
    no_out(out, "mean")
    return _in_dtype(prims.mean, a, axis, dtype, keepdims)


@decomposition(methods=("astype",))
def astype(a, dtype, order="K", casting="unsafe", subok=True, copy=True):
    return prims.to(a, dtype)


@decomposition(np.var, methods=("var",))
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    no_out(out, "var")
    x = a if dtype is None else a.astype(dtype)
    if x.dtype == np.float16:  # NumPy's _var: half sums divided in half (np.mean of half divides in float32)
        d = x - np.sum(x, axis=axis, keepdims=True) / _count(a, axis)
        return np.sum(_squares(d), axis=axis, keepdims=keepdims) / max(_count(a, axis) - ddof, 0)
    d = x - np.mean(x, axis=axis, keepdims=True)
    squares = _squares(d)  # |d|^2: the variance of complex values is real
    if ddof == 0:
        return np.mean(squares, axis=axis, keepdims=keepdims)
    return np.sum(squares, axis=axis, keepdims=keepdims) / max(_count(a, axis) - ddof, 0)


@decomposition(np.std, methods=("std",))
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    return np.sqrt(np.var(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims))


@decomposition(np.ptp)
def ptp(a, axis=None, out=None, keepdims=False):
    no_out(out, "ptp")
    return np.max(a, axis=axis, keepdims=keepdims) - np.min(a, axis=axis, keepdims=keepdims)


@decomposition(np.average)
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    if returned:
        raise unsupported("np.average(returned=True)")
    if weights is None:
        return np.mean(a, axis=axis, keepdims=keepdims)
    w = weights
    if w.ndim == 1 and a.ndim > 1:
        if not isinstance(axis, int):
            raise unsupported("np.average with 1-d weights needs an int axis")
        w = w.reshape(tuple(-1 if i == axis % a.ndim else 1 for i in range(a.ndim)))
    scale = np.sum(w + 0 * a, axis=axis, keepdims=keepdims)
    return np.sum(a * w, axis=axis, keepdims=keepdims) / scale


@decomposition(np.count_nonzero)
def count_nonzero(a, axis=None, *, keepdims=False):
    return np.sum(a != 0, axis=axis, keepdims=keepdims)


@decomposition(np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False):
    return np.sum(np.where(_isnan(a), 0, a), axis=axis, dtype=dtype, out=out, keepdims=keepdims)


@decomposition(np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False):
    if a.dtype.kind != "f":
        return np.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims)
    total = np.sum(np.where(_isnan(a), 0, a), axis=axis, dtype=dtype, out=out, keepdims=keepdims)
    return (total / np.sum(~_isnan(a), axis=axis, keepdims=keepdims)).astype(dtype or a.dtype)


def _nan_extreme(a, axis, keepdims, reduce, fill):
    if a.dtype.kind != "f":
        return reduce(a, axis=axis, keepdims=keepdims)
    m = reduce(np.where(_isnan(a), fill, a), axis=axis, keepdims=keepdims)
    return np.where(np.all(_isnan(a), axis=axis, keepdims=keepdims), np.nan, m)


@decomposition(np.nanmax)
def nanmax(a, axis=None, out=None, keepdims=False):
    no_out(out, "nanmax")
    return _nan_extreme(a, axis, keepdims, np.max, -np.inf)


@decomposition(np.nanmin)
def nanmin(a, axis=None, out=None, keepdims=False):
    no_out(out, "nanmin")
    return _nan_extreme(a, axis, keepdims, np.min, np.inf)


def _scan(scan, a, axis, dtype, out, name):
    no_out(out, name)
    if axis is None:
        a, axis = a.reshape(-1), 0
    return scan(a, axis, dtype)


@decomposition(np.cumsum, methods=("cumsum",))
def cumsum(a, axis=None, dtype=None, out=None):
    return _scan(prims.cumsum, a, axis, dtype, out, "cumsum")


@decomposition(np.cumprod, methods=("cumprod",))
def cumprod(a, axis=None, dtype=None, out=None):
    return _scan(prims.cumprod, a, axis, dtype, out, "cumprod")


def _squares(x):
    """|x|^2 elementwise; of complex numbers the sum of the parts' squares, as NumPy's norm computes it."""
    if x.dtype.kind == "c":
        re, im = np.real(x), np.imag(x)
        return re * re + im * im
    return x * x


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return np.sqrt(np.sum(_squares(x), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return np.max(np.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return np.min(np.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum((x != 0) * 1.0, axis=axis, keepdims=keepdims).astype(x.dtype)
    if ord == 1:
        return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise unsupported(f"np.linalg.norm(ord={ord!r}) of a vector")
    return np.sum(np.abs(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):
    row, col = axes
    if ord in (None, "fro"):
        result = np.sqrt(np.sum(_squares(x), axis=axes))
    elif ord in (1, -1):
        col = col - 1 if col > row else col
        result = (np.max if ord == 1 else np.min)(np.sum(np.abs(x), axis=row), axis=col)
    elif ord in (np.inf, -np.inf):
        row = row - 1 if row > col else row
        result = (np.max if ord == np.inf else np.min)(np.sum(np.abs(x), axis=col), axis=row)
    elif ord in (2, -2, "nuc"):
        s = singular_values(np.moveaxis(x, (row, col), (-2, -1)))
        if ord == "nuc" or ord == 2 and s.shape[-1] == 0:
            result = np.sum(s, axis=-1)
        else:
            result = (np.max if ord == 2 else np.min)(s, axis=-1)
    else:
        raise unsupported(f"np.linalg.norm(ord={ord!r}) of a matrix")
    if keepdims:
        result = result.reshape(tuple(1 if i in axes else d for i, d in enumerate(x.shape)))
    return result


@decomposition(np.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):
    x = x * 1.0  # NumPy computes norms of integer and bool arrays in float64
    if axis is None and ord is None:
        result = np.sqrt(np.sum(_squares(x)))
        return result.reshape((1,) * x.ndim) if keepdims else result
    if axis is None:
        axis = tuple(range(x.ndim))
    axes = _axes(axis, x.ndim)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise unsupported(f"np.linalg.norm over {len(axes)} axes")


@decomposition(np.trace, methods=("trace",))
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    no_out(out, "trace")
    return np.sum(np.diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)
