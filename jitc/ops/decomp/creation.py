"""Creation written over zeros, arange and elementwise ops: empty, full, arange, linspace, eye, tri, triu, meshgrid,
np.array of scalars and tuples."""
from __future__ import annotations

import numpy as np

from ...types import SCALAR_DTYPES, ScalarType, TensorType
from . import prims
from .table import decomposition, unsupported


def _dtype_name(dtype) -> str | None:
    return None if dtype is None else dtype if isinstance(dtype, str) else np.dtype(dtype).name


@decomposition(np.empty)
def empty(shape, dtype=float, order="C", *, device=None, like=None):
    return prims.zeros(shape, _dtype_name(dtype))  # any content is an empty array's; zeros are the cheapest


@decomposition(np.empty_like)
def empty_like(prototype, dtype=None, order="K", subok=True, shape=None, *, device=None):
    if shape is not None:
        raise unsupported("np.empty_like(shape=...)")
    return np.zeros_like(prototype, dtype=_dtype_name(dtype))


def _scalar_dtype(v) -> np.dtype:
    """The dtype NumPy gives a Python scalar, also for a scripted scalar value (`n = x.shape[0]`)."""
    from .symbolic import Symbolic

    if isinstance(v, Symbolic) and isinstance(v.ir.type, ScalarType):
        return SCALAR_DTYPES[v.ir.type.name]
    return np.asarray(v).dtype


def _is_scalar(v) -> bool:
    """A Python number, or a scripted scalar value (a float argument)."""
    from .symbolic import Symbolic

    return isinstance(v, (int, float)) or isinstance(v, Symbolic) and isinstance(v.ir.type, ScalarType)


def _fill_dtype(fill_value):
    if isinstance(fill_value, (bool, int, float)):
        return np.asarray(fill_value).dtype.name
    return fill_value.dtype.name


@decomposition(np.full)
def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    dtype = _dtype_name(dtype) or _fill_dtype(fill_value)
    return np.add(prims.zeros(shape, dtype), fill_value).astype(dtype)


@decomposition(np.full_like)
def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    if shape is not None:
        raise unsupported("np.full_like(shape=...)")
    dtype = _dtype_name(dtype) or a.dtype.name
    return np.add(np.zeros_like(a, dtype=dtype), fill_value).astype(dtype)


@decomposition(np.arange)
def arange(start, stop=None, step=None, dtype=None, *, device=None, like=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    dtype = _dtype_name(dtype) or np.result_type(*(_scalar_dtype(v) for v in (start, stop, step))).name
    return prims.arange(start, stop, step, dtype)


def _is_0d(v) -> bool:
    """A scripted 0-d array (a NumPy scalar argument); its shape is read once specialized (NeedsShapes)."""
    from .symbolic import Symbolic

    return isinstance(v, Symbolic) and isinstance(v.ir.type, TensorType) and v.shape == ()


def _bound_for_result_type(v):
    """What np.result_type sees of a linspace bound: a 0-d array's dtype, or a (weak) Python float."""
    return v.dtype if _is_0d(v) else 0.0


@decomposition(np.linspace)
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    if retstep or axis != 0 or not all(_is_scalar(v) or _is_0d(v) for v in (start, stop)):
        raise unsupported("np.linspace with retstep, axis or array bounds")
    # NumPy computes in the bounds' inexact result type: float32 for NumPy float32 scalars
    dt = np.result_type(*(_bound_for_result_type(v) for v in (start, stop)), 0.0).name
    div = num - 1 if endpoint else num
    step = (stop - start) / div if div > 0 else np.nan
    i = prims.arange(0, num, 1, dt)
    y = i * step + start if div > 0 else i * 0.0 + start
    if endpoint and num > 1:
        y = np.where(i == num - 1, float(stop) if isinstance(stop, (int, float)) else stop * 1.0, y)
    return y.astype(_dtype_name(dtype) or dt)


def _index_grid(n, m, k):
    rows = prims.arange(0, n, 1, "int64").reshape((n, 1))
    return rows + k, prims.arange(0, m, 1, "int64").reshape((1, m))


@decomposition(np.eye)
def eye(N, M=None, k=0, dtype=float, order="C", *, device=None, like=None):
    rows, cols = _index_grid(N, N if M is None else M, k)
    return (rows == cols).astype(_dtype_name(dtype))


@decomposition(np.identity)
def identity(n, dtype=None, *, like=None):
    return np.eye(n, dtype=dtype or float)


@decomposition(np.tri)
def tri(N, M=None, k=0, dtype=float, *, like=None):
    rows, cols = _index_grid(N, N if M is None else M, k)
    return (cols <= rows).astype(_dtype_name(dtype))


@decomposition(np.tril)
def tril(m, k=0):
    return np.where(np.tri(m.shape[-2], m.shape[-1], k, dtype=bool), m, np.zeros_like(m))


@decomposition(np.triu)
def triu(m, k=0):
    return np.where(np.tri(m.shape[-2], m.shape[-1], k - 1, dtype=bool), np.zeros_like(m), m)


@decomposition(np.meshgrid, arity=lambda xi, copy, sparse, indexing: len(xi))
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise unsupported(f"np.meshgrid(indexing={indexing!r})")
    n = len(xi)
    sizes = [x.size for x in xi]
    if indexing == "xy" and n > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, x in enumerate(xi):
        pos = (1 - i if i < 2 else i) if indexing == "xy" and n > 1 else i
        shape = tuple(-1 if d == pos else 1 for d in range(n))
        x = np.reshape(x, shape)
        out.append(x if sparse else np.broadcast_to(x, tuple(sizes)))
    return tuple(out)


def _as_array(x):
    """A scripted Python scalar becomes a 0-d array of its NumPy dtype (int64, float64, bool)."""
    from .symbolic import Symbolic

    if isinstance(x, Symbolic) and isinstance(x.ir.type, ScalarType):
        return np.add(prims.zeros((), SCALAR_DTYPES[x.ir.type.name].name), x)
    return x


@decomposition(np.array)
def array(object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, like=None):
    if ndmin:
        raise unsupported("np.array(ndmin=...)")
    if isinstance(object, (tuple, list)):
        result = np.stack([_as_array(x) for x in object])
    else:
        result = np.copy(_as_array(object))
    return result if dtype is None else result.astype(_dtype_name(dtype))
