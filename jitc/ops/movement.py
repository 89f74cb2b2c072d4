"""Ops that move data into a fresh array: concatenation, gather along an axis (integer-array indexing), boolean
mask selection, arange, copy. Each is one small kernel in codegen/ (concat.py, gather.py, compact.py, arange.py);
copy is elementwise and fuses."""
from __future__ import annotations

import numpy as np

from ..errors import BooleanIndexError, ShapeError
from ..symbolic import Sym, SymbolicError, arange_length, is_symbolic, same, unbacked, unbacked_for
from ..types import TENSOR, TensorType
from .abstract import expression_key, is_unknown, normalize_axes, tensor
from .registry import KERNEL, REQUIRED, OpDef, register

R = REQUIRED


def infer_concatenate(op, arrays, axis=0):
    if not isinstance(arrays, list) or any(not isinstance(a, TensorType) or is_unknown(a) for a in arrays):
        return TENSOR
    if not arrays:
        raise ShapeError("concatenate: need at least one array to concatenate")
    ndim = len(arrays[0].shape)
    if ndim == 0:
        raise ShapeError("concatenate: zero-dimensional arrays cannot be concatenated")
    (axis,) = normalize_axes(axis, ndim, "concatenate")
    for a in arrays[1:]:
        if len(a.shape) != ndim:
            raise ShapeError(f"concatenate: all the input arrays must have same number of dimensions, got "
                             f"{arrays[0].shape} and {a.shape}")
        if any(d != e for i, (d, e) in enumerate(zip(a.shape, arrays[0].shape)) if i != axis):
            raise ShapeError(f"concatenate: the array dimensions except for the concatenation axis must match "
                             f"exactly, got {arrays[0].shape} and {a.shape}")
    shape = list(arrays[0].shape)
    shape[axis] = sum(a.shape[axis] for a in arrays)
    dtype = np.result_type(*(np.dtype(a.dtype) for a in arrays))
    return tensor(dtype, shape)


def infer_take(op, a, indices, axis):
    if is_unknown(a) or not isinstance(indices, TensorType) or is_unknown(indices):
        return TENSOR
    if np.dtype(indices.dtype).kind not in "iu":
        raise ShapeError(f"take: index arrays must be integers, got {np.dtype(indices.dtype)}")
    (axis,) = normalize_axes(axis, len(a.shape), "take")
    count = 1
    for n in indices.shape:
        count = count * n
    if same(a.shape[axis], 0) and not isinstance(count, Sym) and count > 0:  # (else the kernel checks each index)
        raise ShapeError(f"cannot do a non-empty take from an empty axes (axis {axis})")
    return tensor(a.dtype, a.shape[:axis] + tuple(indices.shape) + a.shape[axis + 1:])


def infer_masked_select(op, a, mask, key=None):
    """`a[mask]` for a boolean mask over a's leading dimensions: its rows where the mask is true, in C order. The
    row count is known only once the mask is read: a symbol ranging from 0 to the mask's size, whose value the
    kernel stores where later kernels read sizes (PyTorch's unbacked sizes). Selections by one mask (key, from
    the expression of the mask) share it, so they broadcast together."""
    if is_unknown(a) or not isinstance(mask, TensorType) or is_unknown(mask):
        return TENSOR
    if np.dtype(mask.dtype) != np.bool_:
        raise ShapeError(f"masked_select: the mask must be a boolean array, got {np.dtype(mask.dtype)}")
    m = len(mask.shape)
    if m > len(a.shape):
        raise BooleanIndexError(f"too many indices for array: array is {len(a.shape)}-dimensional, but {m} were "
                                "indexed")
    for axis, (n, k) in enumerate(zip(a.shape, mask.shape)):
        if not same(n, k):
            if isinstance(n, Sym) or isinstance(k, Sym):
                raise SymbolicError(f"whether the mask's axis {axis} ({k}) matches the array's ({n}) depends on the size")
            raise BooleanIndexError(f"boolean index did not match indexed array along axis {axis}; size of axis is "
                                    f"{n} but size of corresponding boolean axis is {k}")
    room = 1
    for n in mask.shape:
        room = room * n
    rows = unbacked(0, room) if key is None else unbacked_for(key, 0, room)
    return tensor(a.dtype, (rows,) + tuple(a.shape[m:]))


def count_key(inputs: list):
    """A key for the count of the mask's true elements (the last input): the mask's expression."""
    return expression_key(inputs[-1])


def _arange(start, stop, step, dtype):
    return np.arange(start, stop, step, dtype=dtype)


def infer_arange(op, start, stop, step, dtype):
    if not all(isinstance(v, (int, float, Sym)) for v in (start, stop, step)):
        return TENSOR
    if isinstance(step, (int, float)) and step == 0:
        raise ShapeError("arange: step must not be zero")
    if is_symbolic((start, stop, step)):  # `np.arange(n)` for an int argument n, `np.arange(x.shape[0])`
        return tensor(np.dtype(dtype), (arange_length(start, stop, step),))
    return tensor(np.dtype(dtype), (max(0, int(np.ceil((stop - start) / step))),))


register(OpDef("aten::concatenate", KERNEL, lambda arrays, axis=0: np.concatenate(arrays, axis=axis),
               (("arrays", R), ("axis", 0)), infer_concatenate, "np.concatenate({0}, axis={1})"))
register(OpDef("aten::take", KERNEL, lambda a, indices, axis: np.take(a, indices, axis=axis),
               (("a", R), ("indices", R), ("axis", R)), infer_take, "np.take({0}, {1}, axis={2})", tensor_params=(0, 1)))
register(OpDef("aten::masked_select", KERNEL, lambda a, mask: a[mask], (("a", R), ("mask", R)), infer_masked_select,
               "{0}[{1}]", tensor_params=(0, 1), input_key=count_key))
register(OpDef("aten::arange", KERNEL, _arange, (("start", R), ("stop", R), ("step", R), ("dtype", R)), infer_arange,
               "np.arange({0}, {1}, {2}, dtype={3})", tensor_params=()))
# aten::copy (np.copy, x.copy()) is registered with the other memory ops in mutation.py
