"""Array constants created after the runtime lifted the graph's constants to inputs (index arrays and masks that
decompositions build once shapes are known): private read-only globals in the module, in C order."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.types import TensorType

from .loops import Buf, pointer_type
from .scalar import storage_type


def constant_array(module: ir.Module, b: ir.IRBuilder, value: np.ndarray) -> Buf:
    value = np.ascontiguousarray(value)
    elem = storage_type(value.dtype)
    flat = value.reshape(-1)
    kind = value.dtype.kind
    items = [int(v) for v in flat] if kind in "iub" else \
        [[float(v.real), float(v.imag)] for v in flat] if kind == "c" else [float(v) for v in flat]
    array_type = ir.ArrayType(elem, max(len(items), 1))
    g = ir.GlobalVariable(module, array_type, module.get_unique_name("const"))
    g.linkage, g.global_constant = "private", True
    zero = [0.0, 0.0] if kind == "c" else 0
    g.initializer = ir.Constant(array_type, [ir.Constant(elem, v) for v in items] or [ir.Constant(elem, zero)])
    t = TensorType.contiguous(value.dtype, value.shape)
    return Buf(b.bitcast(g, pointer_type(value.dtype)), value.dtype, t.shape, t.strides)
