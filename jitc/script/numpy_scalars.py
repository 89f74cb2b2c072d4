"""Which scripted values are certainly NumPy scalars (not 0-d arrays), known before shapes are: NumPy-scalar
constants, `np.sqrt(n)` of Python scalars, full reductions (`x.sum()`), and what ufuncs make of NumPy scalars
(NumPy decides, on stand-ins). They are immutable: `s += 1` rebinds s (an alias keeps the old value, and the
sum promotes as `s + 1` does) where an array is written in place."""
from __future__ import annotations

import numpy as np

from ..ir import Value
from ..ops import OPS
from ..ops.registry import REDUCTION
from ..types import ScalarType, TensorType

_STAND_INS = {"int": 1, "float": 1.0, "bool": True, "complex": 1j}


def _constant(v: Value):
    node = v.node
    return (True, node.attrs.get("value")) if node is not None and node.kind == "prim::Constant" else (False, None)


def is_numpy_scalar(v: Value, depth: int = 8) -> bool:
    node = v.node
    if not isinstance(v.type, TensorType) or node is None or depth == 0:
        return False
    is_const, value = _constant(v)
    if is_const:
        return isinstance(value, np.generic)
    op = OPS.get(node.kind)
    if op is None:
        return False
    if op.kind == REDUCTION:  # x.sum(), np.max(x): no axis, no keepdims
        rest = [_constant(x) for x in node.inputs[1:3]]
        return len(rest) >= 1 and rest[0] == (True, None) and all(c == (True, False) for c in rest[1:])
    stand_ins = []
    for x in node.inputs:
        is_const, c = _constant(x)
        if isinstance(x.type, TensorType) and is_numpy_scalar(x, depth - 1):
            stand_ins.append(np.float64(1.0))
        elif isinstance(x.type, ScalarType) and x.type.name in _STAND_INS:
            stand_ins.append(c if is_const else _STAND_INS[x.type.name])
        elif is_const and not isinstance(c, (np.ndarray, np.generic)):
            stand_ins.append(c)  # a dtype name, an axis
        else:
            return False  # an array, or a value whose kind is not known before shapes are
    try:
        with np.errstate(all="ignore"):
            return isinstance(op.impl(*stand_ins), np.generic)
    except Exception:  # noqa: BLE001  (stand-ins the op cannot take: not known to be a scalar)
        return False
