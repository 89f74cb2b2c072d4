"""Which 0-d results NumPy hands back as NumPy scalars (`np.float32(...)`) rather than 0-d arrays: ufuncs,
reductions and products do, `np.where`, `astype`, `reshape` and creation do not. NumPy decides: the producing
op's implementation runs on stand-ins of the node's inputs (zero-stride arrays of the real shapes, so views and
products cost nothing; reductions on all-ones shapes of the same rank)."""
from __future__ import annotations

import numpy as np

from ..ir import Value
from ..symbolic import MIN_SIZE, Sym
from ..types import ScalarType, TensorType
from .abstract import _STAND_IN
from .registry import OPS, REDUCTION

SCALAR_PRODUCT = "numpy_scalars"  # marks a product of NumPy scalars (passes/scalar_math.py; codegen reads it)


def numpy_gives_scalar(v: Value) -> bool:
    """True when eager NumPy would return this 0-d value as a NumPy scalar."""
    t = v.type
    if not isinstance(t, TensorType) or t.shape != ():
        return False
    node = v.node
    if node is None:  # a graph input returned as it came
        return False
    if node.kind == "prim::Constant":  # a NumPy scalar constant, or one folded from ops NumPy gives scalars
        return isinstance(node.attrs.get("value"), np.generic)
    if node.kind == "aten::to":  # NumPy scalars' astype gives NumPy scalars (np.float32(n) in scripted code)
        return numpy_gives_scalar(node.inputs[0])
    if node.kind == "prim::FusionGroup":
        return numpy_gives_scalar(node.attrs["subgraph"].outputs[node.outputs.index(v)])
    if node.kind == "prim::If":
        i = node.outputs.index(v)
        return all(numpy_gives_scalar(block.returns[i]) for block in node.blocks)
    op = OPS.get(node.kind)
    if op is None:
        return False
    try:
        args = [_stand_in(x, op.kind == REDUCTION) for x in node.inputs]
        with np.errstate(all="ignore"):
            return isinstance(op.impl(*args), np.generic)
    except Exception:  # noqa: BLE001  (a stand-in the op cannot take: keep the array)
        return False


def _stand_in(v: Value, reduced: bool):
    if v.node is not None and v.node.kind == "prim::Constant":
        return v.node.attrs.get("value")
    t = v.type
    if isinstance(t, ScalarType):
        return _STAND_IN[t.name]
    if not isinstance(t, TensorType) or t.dtype is None or t.shape is None:
        raise TypeError("no stand-in")
    shape = (1,) * len(t.shape) if reduced else tuple(MIN_SIZE if isinstance(d, Sym) else d for d in t.shape)
    return np.broadcast_to(np.zeros((), t.dtype), shape)
