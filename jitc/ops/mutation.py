"""Mutation, functionalized: the frontends turn `A[index] = v`, `x += y`, `out=`, `np.copyto` and `x.fill` into
pure ops that give the *new version* of an array, and write the final versions of mutated inputs back with
`aten::copy_` at the end of the graph. Passes stay pure SSA; the backend makes the writes in place.

`aten::index_put(a, value, index, casting)` is `a` with `a[index] = value` applied (NumPy's setitem: `value`
broadcast to the selected view, cast with `casting`). `index` is a tuple of view steps, each the short name of a
view op and its arguments after the array: `("slice", 0, 1, -1, None)`, `("select", 1, %i)`, `("unsqueeze", 0)`,
`("transpose", None)`; the steps compose as the reads `A[...]` do (see jitc/indexing.py).
"""
from __future__ import annotations

import numpy as np

from ..errors import CastingError, InPlaceCastError, ShapeError
from ..symbolic import Sym, same
from ..types import TENSOR, ScalarType, TensorType
from .abstract import broadcast, infer_elementwise, is_unknown
from .registry import ELEMENTWISE, OPS, REQUIRED, OpDef, register

R = REQUIRED
SCATTER = "scatter"
WRITE_STEPS = ("select", "slice", "unsqueeze", "transpose")
# NumPy's x.real and x.imag are views of x; jitc computes them as new arrays, so writing into one is refused
PART_OPS = ("aten::real", "aten::imag")


def view_step(a: np.ndarray, step: tuple) -> np.ndarray:
    """One step of a write's index on a concrete array; a full selection stays a (0-d) view."""
    name, dim, *args = step
    if name == "select":
        return a[(slice(None),) * (dim % a.ndim) + (args[0], Ellipsis)]  # (negative: counted from the end)
    return OPS[f"aten::{name}"].impl(a, dim, *args)


def check_cast(src_dtype, dst_dtype, casting: str, view_ndim: int = 1, what: str = "") -> None:
    """NumPy's casting rules for writes: setitem casts unsafely; an in-place ufunc (`c += b`, `out=`) and
    `np.copyto` need same_kind. `A[i] += v` is an in-place ufunc on the view `A[i]` unless that is a scalar
    ("same_kind_if_view")."""
    if casting == "same_kind_if_view":
        casting = "same_kind" if view_ndim else "unsafe"
    if casting == "unsafe" or np.can_cast(src_dtype, dst_dtype, casting.replace("_copy", "")):
        return
    if casting == "same_kind_copy":
        raise CastingError(f"Cannot cast array data from dtype('{np.dtype(src_dtype)}') to "
                           f"dtype('{np.dtype(dst_dtype)}') according to the rule 'same_kind'{what}")
    raise InPlaceCastError(f"Cannot cast ufunc output from dtype('{np.dtype(src_dtype)}') to "
                           f"dtype('{np.dtype(dst_dtype)}') with casting rule 'same_kind'{what}")


def _index_put(a, value, index=(), casting="unsafe"):
    out = np.array(a, copy=True)
    view = out
    for step in index:
        view = view_step(view, step)
    value = np.asarray(value)
    check_cast(value.dtype, out.dtype, casting, view.ndim)
    view[...] = value
    return out


def view_type(a: TensorType, index) -> TensorType:
    """The type of the view an index selects (unknown when the array or a step is)."""
    for name, dim, *args in index:
        if is_unknown(a):
            return TENSOR
        a = OPS[f"aten::{name}"].infer(OPS[f"aten::{name}"], a, dim, *args)
    return a


def _settable(value_shape: tuple, view_shape: tuple) -> bool:
    """NumPy's setitem broadcasts the value to the view after dropping the value's leading 1s."""
    shape = tuple(value_shape)
    while len(shape) > len(view_shape) and same(shape[0], 1):
        shape = shape[1:]
    try:
        return broadcast([shape, view_shape], "setitem") == tuple(view_shape)
    except ShapeError:
        return False


def infer_index_put(op, a, value, index=(), casting="unsafe"):
    if is_unknown(a):
        return TENSOR
    if not isinstance(index, tuple) or any(not isinstance(s, tuple) or s[0] not in WRITE_STEPS for s in index):
        raise ShapeError(f"index_put: malformed index {index!r}")
    view = view_type(a, index)
    ndim = 1 if is_unknown(view) else len(view.shape)
    if isinstance(value, TensorType) and not is_unknown(value):
        if not is_unknown(view) and not _settable(value.shape, view.shape):
            raise ShapeError(f"could not broadcast input array from shape {tuple(value.shape)} into shape "
                             f"{tuple(view.shape)}")
        check_cast(value.dtype, a.dtype, casting, ndim)
    elif casting != "unsafe" and isinstance(value, (ScalarType, bool, int, float)):
        name = value.name if isinstance(value, ScalarType) else "int" if isinstance(value, Sym) else type(value).__name__
        check_cast(np.dtype({"bool": np.bool_, "int": np.int64}.get(name, np.float64)), a.dtype, casting, ndim)
    return a


def _masked_put(mask, value, a):
    """`a[mask] = value` for a boolean mask of a's shape: `where(mask, value, a)` in a's dtype."""
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        out = np.array(a, copy=True)
        out[mask] = value
        return out
    return np.where(mask, value, a).astype(np.asarray(a).dtype, copy=False)


def infer_masked_put(op, mask, value, a):
    if any(is_unknown(t) for t in (mask, value, a) if isinstance(t, TensorType)):
        return TENSOR
    if not isinstance(mask, TensorType) or mask.dtype != np.bool_:
        raise ShapeError("assigning through an integer index array is not supported in compiled code "
                         "(use a boolean mask, or a loop over the indices)")
    if tuple(mask.shape) != tuple(a.shape):
        raise ShapeError(f"boolean index of shape {tuple(mask.shape)} does not match the indexed array's shape "
                         f"{tuple(a.shape)}")
    if isinstance(value, TensorType):
        broadcast([value.shape, a.shape], "boolean mask assignment")
    return TensorType.contiguous(a.dtype, a.shape)


def _copy(a):
    return np.array(a, copy=True)


def _copy_into(dst, src):
    np.copyto(dst, src, casting="unsafe")
    return dst


def infer_copy_into(op, dst, src):
    return dst


register(OpDef("aten::index_put", SCATTER, _index_put,
               (("a", R), ("value", R), ("index", ()), ("casting", "unsafe")), infer_index_put,
               "jitc.ops.mutation.index_put({0}, {1}, {2}, {3})", tensor_params=(0, 1)))
register(OpDef("aten::masked_put", ELEMENTWISE, _masked_put, (("mask", R), ("value", R), ("a", R)),
               infer_masked_put, "jitc.ops.mutation.masked_put({0}, {1}, {2})",
               lambda b, c, x, y: b.select(c, x, y), (0, 1, 2), compute="condition"))
register(OpDef("aten::copy", ELEMENTWISE, _copy, (("a", R),), infer_elementwise, "np.copy({0})",
               lambda b, x: x, functions=(np.copy,), methods=("copy",)))
# the write-back of a mutated input (it returns dst, which nothing reads): never removed by dead-code elimination
register(OpDef("aten::copy_", SCATTER, _copy_into, (("dst", R), ("src", R)), infer_copy_into,
               "jitc.ops.mutation.copy_into({0}, {1})", tensor_params=(0, 1)))

index_put, masked_put, copy_into = _index_put, _masked_put, _copy_into
