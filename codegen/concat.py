"""Concatenation: each input is copied (with NumPy's dtype conversion) into its slab of the output."""
from __future__ import annotations

from jitc.ir import Node
from jitc.ops.abstract import normalize_axes

from .dims import is_symbolic, size
from .elementwise import emit_copy
from .loops import Buf


def lower_concatenate(lw, node: Node) -> Buf:
    parts = lw.env[node.inputs[0]]
    out = lw.result_buf(node.output)
    (axis,) = normalize_axes(lw.const(node.inputs[1]), len(out.shape), "concatenate")
    offset = 0
    for part in parts:
        if is_symbolic((part.shape[axis], out.size)) or (part.shape[axis] and out.size):  # (an empty copy is a no-op)
            ptr = out.at(lw.b, size(lw.b, offset * out.strides[axis]))
            emit_copy(lw.module, lw.b, part, Buf(ptr, out.dtype, part.shape, out.strides), lw.symbols, lw.threads)
        offset += part.shape[axis]
    return out
