"""Views (transpose, select, slice, unsqueeze, reshape): no code, a new pointer, shape and strides over the same
memory. A dynamic index (a loop counter) is bounds-checked; reshape copies only a non-contiguous input."""
from __future__ import annotations

import numpy as np

from jitc.errors import CompileError
from jitc.ir import Node
from jitc.ops.abstract import normalize_axes
from jitc.symbolic import Sym, is_symbolic, slice_indices
from jitc.types import TensorType

from .dims import size, size_slot
from .elementwise import emit_copy
from .loops import Buf, i64
from .scalar import cast, load


def view_transpose(lw, node: Node, src: Buf, axes=None) -> Buf:
    axes = tuple(reversed(range(len(src.shape)))) if axes is None else normalize_axes(axes, len(src.shape), "T")
    return Buf(src.ptr, src.dtype, tuple(src.shape[a] for a in axes), tuple(src.strides[a] for a in axes))


def view_select(lw, node: Node, src: Buf, dim, x) -> Buf:
    """x: a Python int, a loop counter's symbol, or a scalar (llvm value, dtype, _) known only at run time (the
    last two bounds-checked; an error names node's line)."""
    (dim,) = normalize_axes(dim, len(src.shape), "select")
    n, b = src.shape[dim], lw.b
    if isinstance(x, Buf):  # a 0-d integer array read from data (`E[:, obs[t]]`): its element
        if x.dtype.kind not in "iu" or x.size != 1:
            raise CompileError(f"only integers can index an array, got a {x.dtype} array")
        x = (load(b, x.ptr, x.dtype), x.dtype, None)
    if isinstance(x, int):
        index = size(b, x + n if x < 0 else x)
    else:  # a loop counter's expression may be in range only on the iterations that run: checked as they run
        value = size(b, x) if isinstance(x, Sym) else cast(b, x[0], x[1], np.int64)
        index = b.select(b.icmp_signed("<", value, i64(0)), b.add(value, size(b, n)), value)
        lw.error(lw.index_error(dim, n, node, value), b.icmp_unsigned(">=", index, size(b, n)))  # negatives too
    ptr = b.gep(src.ptr, [b.mul(index, size(b, src.strides[dim]))], inbounds=True)
    return Buf(ptr, src.dtype, src.shape[:dim] + src.shape[dim + 1:], src.strides[:dim] + src.strides[dim + 1:])


def view_slice(lw, node: Node, src: Buf, dim, start=None, stop=None, step=None) -> Buf:
    (dim,) = normalize_axes(dim, len(src.shape), "slice")
    if isinstance(start, tuple) or isinstance(stop, tuple):
        return _runtime_slice(lw, node, src, dim, start, stop)
    begin, step, n = slice_indices(start, stop, step, src.shape[dim])
    if is_symbolic((begin, n, src.strides[dim])):  # (an empty view's pointer is never read)
        ptr = lw.b.gep(src.ptr, [size(lw.b, begin * src.strides[dim])])
    else:
        ptr = lw.b.gep(src.ptr, [i64(begin * src.strides[dim] if n else 0)], inbounds=True)
    return Buf(ptr, src.dtype, src.shape[:dim] + (n,) + src.shape[dim + 1:],
               src.strides[:dim] + (src.strides[dim] * step,) + src.strides[dim + 1:])


def _runtime_slice(lw, node: Node, src: Buf, dim: int, start, stop) -> Buf:
    """A unit-step slice whose bounds are scalars known only at run time: Python's clamping computed here, and
    the length stored in its symbol's slot (jitc.ops.shapes._runtime_slice) for the kernels that follow."""
    b, n = lw.b, size(lw.b, src.shape[dim])

    def clamped(x, default):
        if x is None:
            return default
        v = cast(b, x[0], x[1], np.int64) if isinstance(x, tuple) else size(b, x)
        wrapped = b.add(v, n)
        below = b.select(b.icmp_signed("<", wrapped, i64(0)), i64(0), wrapped)
        return b.select(b.icmp_signed("<", v, i64(0)), below, b.select(b.icmp_signed(">", v, n), n, v))

    begin, end = clamped(start, i64(0)), clamped(stop, n)
    length = b.sub(end, begin)
    length = b.select(b.icmp_signed("<", length, i64(0)), i64(0), length)
    rows = node.output.type.shape[dim]
    b.store(length, size_slot(b, rows.name))
    ptr = b.gep(src.ptr, [b.mul(begin, size(b, src.strides[dim]))])  # (an empty view's pointer is never read)
    return Buf(ptr, src.dtype, src.shape[:dim] + (rows,) + src.shape[dim + 1:], src.strides)


def view_unsqueeze(lw, node: Node, src: Buf, dim) -> Buf:
    (dim,) = normalize_axes(dim, len(src.shape) + 1, "expand_dims")
    return Buf(src.ptr, src.dtype, src.shape[:dim] + (1,) + src.shape[dim:], src.strides[:dim] + (0,) + src.strides[dim:])


def _on_node(view):
    """A view of the table over a node: its array input's Buf and the other inputs' constants or scalars."""
    return lambda lw, node: view(lw, node, lw.buf(node.inputs[0]), *(lw.env[v] for v in node.inputs[1:]))


def view_reshape(lw, node: Node) -> Buf:
    src = lw.buf(node.inputs[0])
    t = node.output.type
    if not src.contiguous:
        dense = lw.alloc(src.dtype, src.shape)
        emit_copy(lw.module, lw.b, src, dense)
        src = dense
    c = TensorType.contiguous(t.dtype, t.shape)
    return Buf(src.ptr, src.dtype, c.shape, c.strides)


STEPS = {"transpose": view_transpose, "select": view_select, "slice": view_slice, "unsqueeze": view_unsqueeze}
VIEWS = {**{f"aten::{name}": _on_node(view) for name, view in STEPS.items()}, "aten::reshape": view_reshape}
