"""NumPy functions whose result shares memory with an array argument (a view, or the argument itself) that jitc
computes as new arrays (their decompositions): a write through such a result must reach the argument, and a read
of it must see the argument's later writes. Neither can be compiled, so scripting (script/memory.py) and tracing
(trace_writes.py) refuse both instead of computing on a silent copy."""
from __future__ import annotations

import numpy as np

from ..ir import Value
from .mutation import PART_OPS
from .registry import OpDef

_VIEW_FUNCTIONS = {np.squeeze, np.expand_dims, np.atleast_1d, np.atleast_2d, np.atleast_3d, np.swapaxes,
                   np.moveaxis, np.rollaxis, np.ravel, np.flip, np.fliplr, np.flipud, np.rot90, np.broadcast_to,
                   np.broadcast_arrays, np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit, np.real, np.imag,
                   np.diagonal, np.unstack, np.matrix_transpose, np.permute_dims}
_VIEW_METHODS = {"squeeze", "swapaxes", "ravel", "diagonal"}
_NO_COPY_FUNCTIONS = {np.array}  # the argument itself unless copy=True (the default)
_NO_COPY_METHODS = {"astype"}


def shared_result(op: OpDef, bound: list) -> str | None:
    """How the user spelled a call (op and its bound arguments) whose result shares memory with an argument in
    NumPy ('np.squeeze'), or None."""
    if op.name in PART_OPS:
        return f".{op.short}"
    spelled = [f"np.{f.__name__}" for f in op.functions if f in _VIEW_FUNCTIONS]
    spelled += [f".{m}()" for m in op.methods if m in _VIEW_METHODS]
    names = [p for p, _ in op.params]
    if not spelled and "copy" in names and (set(op.functions) & _NO_COPY_FUNCTIONS or set(op.methods) & _NO_COPY_METHODS):
        copy = bound[names.index("copy")]
        if isinstance(copy, Value) and copy.node is not None and copy.node.kind == "prim::Constant":
            copy = copy.node.attrs.get("value")
        if copy is False or copy is None:
            spelled = [f"np.{f.__name__}(copy={copy})" for f in op.functions] or \
                      [f".{m}(copy={copy})" for m in op.methods]
    return spelled[0] if spelled else None


def write_refusal(spelled: str) -> str:
    """Why a write through such a result is refused."""
    if spelled in (".real", ".imag"):
        return "writing into .real or .imag (a view of the complex array in NumPy)"
    return f"writing through the result of {spelled} (a view of its argument in NumPy)"
