"""Sorting over the sort and argsort primitives (along the last axis; another axis is moved last and back):
np.sort, np.argsort and `.argsort()`, np.median. The kernel's merge sort is stable, so every `kind` gives
NumPy's kind='stable' order (NumPy's default introsort leaves the order of equal keys unspecified; the values
np.sort returns are the same for every kind)."""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from . import prims
from .table import decomposition, unsupported

_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


def _along_last(primitive, a, axis, kind, order, what: str):
    if order is not None:
        raise unsupported(f"np.{what}(order=...) (structured arrays)")
    if kind not in _KINDS:
        raise ShapeError(f"{what}: kind must be one of 'quicksort', 'mergesort', 'heapsort' or 'stable', got {kind!r}")
    a = a if hasattr(a, "shape") else np.asarray(a)
    if a.dtype.kind == "c":
        raise unsupported(f"np.{what} of complex arrays")
    if axis is None:
        return primitive(np.reshape(a, -1))
    if a.ndim == 0 and what == "argsort":  # NumPy's argsort reads a 0-d array as one element
        a = np.reshape(a, (1,))
    if not -a.ndim <= axis < a.ndim:
        raise ShapeError(f"axis {axis} is out of bounds for array of dimension {a.ndim}")
    axis %= a.ndim
    if axis == a.ndim - 1:
        return primitive(a)
    return np.moveaxis(primitive(np.moveaxis(a, axis, -1)), -1, axis)


@decomposition(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    return _along_last(prims.sort, a, axis, kind, order, "sort")


@decomposition(np.argsort, methods=("argsort",))
def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    return _along_last(prims.argsort, a, axis, kind, order, "argsort")


@decomposition(np.median)
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """NumPy's: the middle element of the sorted values (the mean of the two middle ones for an even count);
    NaN where the values hold a NaN (sorted last)."""
    if out is not None:
        raise unsupported("np.median(out=...)")
    a = a if hasattr(a, "shape") else np.asarray(a)
    if not isinstance(axis, (int, type(None))):
        raise unsupported("np.median over several axes")
    if a.dtype.kind == "c":
        raise unsupported("np.median of complex arrays")
    shape, full = a.shape, a.ndim
    if axis is None:
        a, axis = np.reshape(a, -1), 0
    elif not -full <= axis < max(full, 1):
        raise ShapeError(f"axis {axis} is out of bounds for array of dimension {full}")
    axis %= a.ndim
    ordered = np.sort(a, axis=axis)
    n = ordered.shape[axis]
    if n == 0:
        raise unsupported("np.median of an empty array (NumPy warns and gives NaN)")

    def at(i):  # the sorted values' i-th along axis, the axis kept
        return np.take(ordered, [i], axis=axis)

    middle = np.mean(np.concatenate([at((n - 1) // 2), at(n // 2)], axis=axis), axis=axis, keepdims=True)
    if ordered.dtype.kind == "f":
        middle = np.where(np.isnan(at(n - 1)), np.nan, middle)
    if keepdims:
        return np.reshape(middle, tuple(1 if d == axis or a.ndim != full else shape[d] for d in range(full)))
    return np.reshape(middle, ordered.shape[:axis] + ordered.shape[axis + 1:])
