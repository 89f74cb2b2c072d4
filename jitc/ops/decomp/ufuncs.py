"""Ufunc spellings written over other ops: np.angle, np.divmod, np.positive, `x.item()`, and the ufunc methods
`np.<ufunc>.outer/.reduce/.accumulate` of add, multiply, maximum and minimum (over broadcasting, the reductions
and the scans)."""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from ..registry import ufunc_method
from . import prims
from .table import decomposition, no_out, unsupported


@decomposition(np.angle)
def angle(z, deg=False):
    """NumPy's: arctan2(imag, real); a real z is arctan2(0, z)."""
    complex_z = (z.dtype if hasattr(z, "dtype") else np.asarray(z).dtype).kind == "c"
    a = np.arctan2(np.imag(z), np.real(z)) if complex_z else np.arctan2(0, z)
    return a * (180 / np.pi) if deg else a


@decomposition(np.divmod, name="divmod", arity=lambda x1, x2: 2)
def divmod_(x1, x2):
    return np.floor_divide(x1, x2), np.remainder(x1, x2)


@decomposition(np.positive)
def positive(x):
    """A copy (NumPy has no bool loop for it: that raises NumPy's TypeError through NumPy)."""
    if x.dtype == np.bool_:
        raise unsupported("np.positive of a bool array")
    return np.copy(x)


_ITEM = {"b": prims.to_bool, "i": prims.to_int, "u": prims.to_int, "f": prims.to_float}


@decomposition(methods=("item",))
def item(a, *args):
    """The one element as a Python scalar (int, float or bool by the dtype's kind)."""
    if args:
        raise unsupported("x.item(index)")
    if a.size != 1:
        raise ShapeError("item(): can only convert an array of size 1 to a Python scalar")
    if a.dtype.kind not in _ITEM:
        raise unsupported(f"x.item() of a {a.dtype} array")
    return _ITEM[a.dtype.kind](a)


def _shape(a) -> tuple:
    return tuple(a.shape) if hasattr(a, "shape") else np.shape(a)  # an array or a Python scalar


def _strong(a):
    """outer() reads Python scalars as arrays (np.add.outer(float32_array, 2.5) is float64): not weak."""
    return a if hasattr(a, "shape") else np.asarray(a)


def _outer(ufunc):
    def outer(A, B, /):
        """r[i..., j...] = ufunc(A[i...], B[j...]): A gets B's dimensions as trailing 1s, then broadcasting."""
        A, B = _strong(A), _strong(B)
        return ufunc(np.reshape(A, _shape(A) + (1,) * len(_shape(B))), B)
    return outer


def _reduce(reduction):
    def reduce(array, axis=0, dtype=None, out=None, keepdims=False):
        """The reduction (np.sum for add: small ints add up in int64 alike); dtype= computes in that dtype."""
        no_out(out, "ufunc.reduce")
        x = array if dtype is None else array.astype(dtype)
        result = reduction(x, axis=axis, keepdims=keepdims)
        return result if dtype is None else result.astype(dtype)
    return reduce


def _accumulate(scan, name: str):
    def accumulate(array, axis=0, dtype=None, out=None):
        no_out(out, "ufunc.accumulate")
        if axis is None and len(_shape(array)) != 1:
            raise ShapeError(f"np.{name}.accumulate: accumulate does not allow multiple axes")
        return scan(array, axis=0 if axis is None else axis, dtype=dtype)
    return accumulate


for _ufunc, _reduction in ((np.add, np.sum), (np.multiply, np.prod), (np.maximum, np.max), (np.minimum, np.min)):
    _name = _ufunc.__name__
    decomposition(ufunc_method(_ufunc, "outer"), name=f"{_name}.outer")(_outer(_ufunc))
    decomposition(ufunc_method(_ufunc, "reduce"), name=f"{_name}.reduce")(_reduce(_reduction))
for _ufunc, _scan in ((np.add, np.cumsum), (np.multiply, np.cumprod)):
    decomposition(ufunc_method(_ufunc, "accumulate"), name=f"{_ufunc.__name__}.accumulate")(
        _accumulate(_scan, _ufunc.__name__))
