"""Functions whose result length is the number of true (nonzero) elements, over the masked_select primitive:
`np.flatnonzero`, `np.nonzero`, 1-argument `np.where`, `np.argwhere`, `np.extract`. Every index array of one
call comes from one selection, so they share its length (and broadcast together)."""
from __future__ import annotations

import math

import numpy as np

from ...errors import ShapeError
from ...types import TensorType
from ..registry import OPS, overload
from . import prims
from .table import decomposition, unsupported


def _truth(a):
    return a if np.dtype(a.dtype) == np.bool_ else np.not_equal(a, 0)


def _flat_positions(a):
    """The C-order positions of a's nonzero elements (int64, as NumPy's intp)."""
    return prims.masked_select(prims.arange(0, math.prod(a.shape), 1, "int64"), np.reshape(_truth(a), -1))


def _count(a) -> int | None:
    return len(a.shape) if isinstance(a, TensorType) and a.shape is not None else None


def _no_zero_d(a, what: str) -> None:
    if a.ndim == 0:
        raise ShapeError(f"Calling {what} on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.")


@decomposition(np.flatnonzero)
def flatnonzero(a):
    return _flat_positions(a)


@decomposition(np.nonzero, methods=("nonzero",), arity=_count, tuples=True)
def nonzero(a):
    _no_zero_d(a, "nonzero")
    flat = _flat_positions(a)
    strides = [math.prod(a.shape[d + 1:]) for d in range(a.ndim)]
    return tuple((flat // s if d == 0 else flat // s % a.shape[d]) if s != 1 else flat % a.shape[d] if d else flat
                 for d, s in enumerate(strides))


overload(np.where, 1, OPS["np::nonzero"])  # np.where(condition) is np.asarray(condition).nonzero()


@decomposition(np.argwhere)
def argwhere(a):
    if a.ndim == 0:
        raise unsupported("np.argwhere of a 0-d array")
    return np.stack(nonzero(a), axis=1)


@decomposition(np.extract)
def extract(condition, arr):
    if math.prod(condition.shape) != math.prod(arr.shape):
        raise unsupported("np.extract with a condition and an array of different sizes")
    return prims.masked_select(np.reshape(arr, -1), np.reshape(_truth(condition), -1))
