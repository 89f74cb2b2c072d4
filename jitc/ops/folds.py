"""Reductions and scans the backend runs as one loop over the reduced axis per output element (codegen/fold.py):
prod, any, all, argmax, argmin, and the cumulative cumsum and cumprod along one axis."""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..types import TENSOR, TensorType
from .abstract import is_unknown, normalize_axes, result_dtype, tensor
from .reductions import reduced_shape
from .registry import KERNEL, REQUIRED, OpDef, register

ARG_REDUCTIONS = ("argmax", "argmin")


def infer_fold(op, a, axis=None, keepdims=False):
    if not isinstance(a, TensorType) or is_unknown(a):
        return TENSOR
    if isinstance(axis, TensorType) or isinstance(keepdims, TensorType):
        raise ShapeError(f"{op.short}: axis and keepdims must be constants")
    if op.short in ARG_REDUCTIONS:
        if axis is not None and not isinstance(axis, int):
            raise ShapeError(f"{op.short}: axis must be an int or None, got {axis!r}")
        axes = normalize_axes(axis, len(a.shape), op.short)
        if any(a.shape[i] == 0 for i in axes):
            raise ShapeError(f"{op.short}: attempt to get {op.short} of an empty sequence")
        if axis is None and keepdims:
            return tensor(np.intp, (1,) * len(a.shape))
    shape = reduced_shape(a.shape, axis, keepdims, op.short)
    axes = normalize_axes(axis, len(a.shape), op.short)
    if op.short in ARG_REDUCTIONS:
        return tensor(np.intp, shape)
    return tensor(result_dtype(op, [a, None if axis is None else tuple(range(len(axes))), False], len(a.shape)), shape)


def _fold(name, fn):
    def impl(a, axis=None, keepdims=False):
        return fn(a, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)

    register(OpDef(f"aten::{name}", KERNEL, impl, (("a", REQUIRED), ("axis", None), ("keepdims", False)), infer_fold,
                   f"np.{name}({{0}}, axis={{1}}, keepdims={{2}})", functions=(fn,), methods=(name,)))


for _name in ("prod", "any", "all", *ARG_REDUCTIONS):
    _fold(_name, getattr(np, _name))


def infer_scan(op, a, axis, dtype=None):
    if not isinstance(a, TensorType) or is_unknown(a):
        return TENSOR
    (axis,) = normalize_axes(axis, len(a.shape), op.short)
    probe = np.ones((1,) * len(a.shape), a.dtype)
    return tensor(op.impl(probe, axis, dtype).dtype, a.shape)


def _scan(name, fn):
    register(OpDef(f"aten::{name}", KERNEL, lambda a, axis, dtype=None: fn(a, axis=axis, dtype=dtype),
                   (("a", REQUIRED), ("axis", REQUIRED), ("dtype", None)), infer_scan,
                   f"np.{name}({{0}}, axis={{1}}, dtype={{2}})"))


_scan("cumsum", np.cumsum)
_scan("cumprod", np.cumprod)
