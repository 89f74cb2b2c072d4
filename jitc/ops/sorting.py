"""Sorting along the last axis: the values (np.sort) or the indices that sort them (np.argsort), by a stable
merge sort (codegen/sort.py). The decompositions (decomp/selection.py) move another axis last and back."""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..types import TENSOR
from .abstract import is_unknown, tensor
from .registry import KERNEL, REQUIRED, OpDef, register


def _infer(dtype_of):
    def infer(op, a):
        if is_unknown(a):
            return TENSOR
        if not a.shape:
            raise ShapeError(f"{op.short}: a 0-d array has no axis to sort along")
        if np.dtype(a.dtype).kind == "c":
            raise ShapeError(f"{op.short}: complex arrays are sorted by the decomposition, not the kernel")
        return tensor(dtype_of(a.dtype), a.shape)
    return infer


register(OpDef("aten::sort", KERNEL, lambda a: np.sort(a, axis=-1, kind="stable"), (("a", REQUIRED),),
               _infer(lambda dt: dt), "np.sort({0}, axis=-1, kind='stable')"))
register(OpDef("aten::argsort", KERNEL, lambda a: np.argsort(a, axis=-1, kind="stable"), (("a", REQUIRED),),
               _infer(lambda dt: np.int64), "np.argsort({0}, axis=-1, kind='stable')"))
