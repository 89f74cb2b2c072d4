"""Writes through an index array, functionalized like the other writes (mutation.py).

`aten::index_scatter(a, indices, values, reduce)` is `a` after, along axis 0, `a[indices] = values` (reduce
"set": NumPy's setitem, the last of repeated indices wins) or `np.<ufunc>.at(a, indices, values)` (reduce "add",
"sub", "mul", "maximum", "minimum": repeated indices accumulate, in order, computed in the promoted dtype and
cast back unsafely, as NumPy 2 does). Indices are integers (negative ones
wrap); one out of range raises NumPy's IndexError before anything is written.

`aten::index_assign(a, index, value, augment)` is `a[index] = value` (augment "set") or `a[index] op= value`
(augment the operator's dunder, "__add__"), for an index array whose dtype scripting does not know yet: once it
does (specialization), a boolean mask becomes `aten::masked_put` and an integer array a gather, the operator and
`aten::index_scatter`, each with NumPy's casting rules."""
from __future__ import annotations

import numpy as np

from ..errors import CompileError, ShapeError
from ..symbolic import broadcast_symbolic
from ..types import TENSOR, TensorType
from .abstract import is_unknown, result_dtype
from .decomp import prims
from .decomp.table import infer_composite, unsupported
from .mutation import check_cast
from .registry import COMPOSITE, KERNEL, OPS, REQUIRED, OpDef, register

R = REQUIRED
UFUNCS = {np.add: "add", np.subtract: "sub", np.multiply: "mul", np.maximum: "maximum", np.minimum: "minimum"}
_NUMPY = {name: ufunc for ufunc, name in UFUNCS.items()}


def _index_scatter(a, indices, values, reduce="set"):
    out = np.array(a, copy=True)
    if reduce == "set":
        out[indices] = values
    else:
        _NUMPY[reduce].at(out, indices, values)
    return out


def loop_dtype(a: TensorType, values, reduce: str) -> np.dtype:
    """The dtype `np.<ufunc>.at` computes in (NEP 50: a Python scalar value is weak), before the cast to a's."""
    if reduce == "set":
        return np.dtype(a.dtype)
    return result_dtype(OPS[f"aten::{reduce}"], [TensorType(a.dtype, (1,), (1,)), values])


def infer_index_scatter(op, a, indices, values, reduce="set"):
    if any(is_unknown(t) for t in (a, indices, values) if isinstance(t, TensorType)):
        return TENSOR
    if reduce != "set" and reduce not in _NUMPY:
        raise CompileError(f"index_scatter: unknown reduction {reduce!r}")
    if not isinstance(indices, TensorType) or np.dtype(indices.dtype).kind not in "iu":
        raise CompileError("np.ufunc.at with boolean or non-integer indices is not supported in compiled code")
    if not a.shape:
        raise CompileError("writing through an index array into a 0-d array is not supported in compiled code")
    if reduce != "set" and np.dtype(a.dtype).kind == "b":
        raise CompileError(f"np.{_NUMPY[reduce].__name__}.at on a boolean array is not supported in compiled code")
    region = tuple(indices.shape) + tuple(a.shape[1:])
    if isinstance(values, TensorType):
        shape = tuple(values.shape)
        if reduce == "set":
            while len(shape) > len(region) and shape[0] == 1:  # setitem drops the value's leading 1s
                shape = shape[1:]
        # a symbolic length: the same symbol matches; another one raises SymbolicError (not decided here)
        if broadcast_symbolic([shape, region]) != region:
            raise ShapeError(f"shape mismatch: value array of shape {tuple(values.shape)} could not be broadcast "
                             f"to indexing result of shape {region}")
    return TensorType.contiguous(a.dtype, a.shape)  # np.<ufunc>.at casts its result to a's dtype unsafely


def _index_assign(a, index, value, augment="set"):
    out = np.array(a, copy=True)
    if augment == "set":
        out[index] = value
        return out
    region = out[index]
    out[index] = getattr(region, augment.replace("__", "__i", 1))(value)  # NumPy: in place on the gathered copy
    return out


def _assign_decomposition(a, index, value, augment="set"):
    kind = np.dtype(index.dtype).kind
    if kind not in "biu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    if kind == "b" and any(n != 1 for n in _shape(value)):  # values for the selected elements, in C order
        return _masked_scatter(a, index, value, augment)
    if kind == "b":  # one value for every selected element
        if tuple(index.shape) != tuple(a.shape):
            raise unsupported("assigning through a boolean mask of another shape than the array's")
        if augment != "set":
            value = getattr(a, augment)(value)
            check_cast(value.dtype, a.dtype, "same_kind")
        return prims.masked_put(index, value, a)
    if augment != "set":
        value = getattr(prims.take(a, index, 0), augment)(value)
        check_cast(value.dtype, a.dtype, "same_kind")
    return prims.index_scatter(a, index, value, "set")


def _masked_scatter(a, mask, value, augment: str):
    """`a[mask] = values` (`a[mask] op= values`): the mask's true positions, in C order, written with
    index_scatter along the mask's dimensions flattened into one; the values' length must be the selection's."""
    m = mask.ndim
    if tuple(mask.shape) != tuple(a.shape[:m]):
        raise unsupported("assigning through a boolean mask that does not match the array's leading dimensions")
    rows = 1
    for n in mask.shape:
        rows = rows * n
    flat = np.reshape(a, (rows,) + tuple(a.shape[m:]))
    positions = prims.masked_select(prims.arange(0, rows, 1, "int64"), np.reshape(mask, -1))
    if augment != "set":
        value = getattr(prims.take(flat, positions, 0), augment)(value)
        check_cast(value.dtype, a.dtype, "same_kind")
    return np.reshape(prims.index_scatter(flat, positions, value, "set"), a.shape)


def _shape(value) -> tuple:
    """The shape of a decomposition's argument: () for Python and graph scalars."""
    ir = getattr(value, "ir", None)
    if ir is not None and not isinstance(ir.type, TensorType):
        return ()
    return tuple(getattr(value, "shape", ()))


register(OpDef("aten::index_scatter", KERNEL, _index_scatter,
               (("a", R), ("indices", R), ("values", R), ("reduce", "set")), infer_index_scatter,
               "jitc.ops.scatter.index_scatter({0}, {1}, {2}, {3})", tensor_params=(0, 1, 2)))
register(OpDef("aten::index_assign", COMPOSITE, _index_assign,
               (("a", R), ("index", R), ("value", R), ("augment", "set")), infer_composite,
               "jitc.ops.scatter.index_assign({0}, {1}, {2}, {3})", tensor_params=(0, 1, 2),
               decompose=_assign_decomposition))

index_scatter, index_assign = _index_scatter, _index_assign
