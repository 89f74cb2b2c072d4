"""Reductions over all axes or some: sum, mean, max, min (NumPy's `axis`/`keepdims`)."""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..types import TENSOR, TensorType
from .abstract import is_unknown, normalize_axes, result_dtype, tensor
from .registry import REDUCTION, REQUIRED, OpDef, register

PARAMS = (("a", REQUIRED), ("axis", None), ("keepdims", False))


def reduced_shape(shape, axis, keepdims, what) -> tuple[int, ...]:
    axes = normalize_axes(axis, len(shape), what)
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def infer_reduction(op, a, axis=None, keepdims=False):
    if not isinstance(a, TensorType) or is_unknown(a):
        return TENSOR
    if isinstance(axis, TensorType) or isinstance(keepdims, TensorType):
        raise ShapeError(f"{op.short}: axis and keepdims must be constants")
    shape = reduced_shape(a.shape, axis, keepdims, op.short)
    axes = normalize_axes(axis, len(a.shape), op.short)
    if op.short in ("max", "min") and any(a.shape[i] == 0 for i in axes):
        raise ShapeError(f"{op.short}: zero-size array to reduction operation which has no identity")
    dtype = result_dtype(op, [a, None if axis is None else tuple(range(len(axes))), False], len(a.shape))
    return tensor(dtype, shape)


def reduction(name, fn, aliases=()):
    def impl(a, axis=None, keepdims=False):
        return fn(a, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)

    register(OpDef(f"aten::{name}", REDUCTION, impl, PARAMS, infer_reduction,
                   f"np.{name}({{0}}, axis={{1}}, keepdims={{2}})", functions=(fn, *aliases), methods=(name,)))


reduction("sum", np.sum)
reduction("mean", np.mean)
reduction("max", np.max, (np.amax,))
reduction("min", np.min, (np.amin,))
