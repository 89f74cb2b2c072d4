"""Lowering of matrix products (lower.py's Lowering walks the graph and calls these): a matmul/linear node, a
product with its elementwise epilogue, and an attention group (a product, a row group, a product)."""
from __future__ import annotations

import numpy as np

from jitc.ir import Graph, Node, Value
from jitc.ops import OPS
from jitc.ops.abstract import broadcast, normalize_axes
from jitc.types import TensorType

from .attention import emit_attention
from .dims import same
from .elementwise import emit_copy, emit_fusion_group
from .loops import Buf
from .matmul import calls_blas, emit_matmul


def lower_matmul(lw, node: Node, op, operands: list | None = None, out: Buf | None = None) -> None:
    """A matmul/linear node; for an epilogue group, its operands are outer values and out is given."""
    operands = node.inputs if operands is None else operands
    a, w = lw.buf(operands[0]), lw.buf(operands[1])
    bias = lw.env[operands[2]] if op.name == "aten::linear" and len(operands) > 2 else None
    if op.name == "aten::linear":
        w = Buf(w.ptr, w.dtype, w.shape[::-1], w.strides[::-1])
    out = lw.result_buf(node.output) if out is None else out
    # 1-d operands take part as a row (left) or a column (right), as in NumPy
    a2 = _as_matrix(a, left=True)
    w2 = _as_matrix(w, left=False)
    out_shape = _broadcast_batch(a2.shape[:-2], w2.shape[:-2]) + (a2.shape[-2], w2.shape[-1])
    o2 = Buf(out.ptr, out.dtype, out_shape, TensorType.contiguous(out.dtype, out_shape).strides)
    if isinstance(bias, Buf):
        emit_copy(lw.module, lw.b, bias, out)
    emit_matmul(lw.module, lw.b, _batched(a2, out_shape[:-2]), _batched(w2, out_shape[:-2]), o2,
                accumulate=isinstance(bias, Buf), symbols=lw.symbols, threads=lw.threads, alloc=lw.alloc,
                w_value=_constant_matrix(operands[1], lw.embedded, transposed=op.name == "aten::linear"))
    lw.env[node.output] = out


def lower_matmul_epilogue(lw, node: Node, sub: Graph, product: Node, inputs: list) -> None:
    """The product goes straight into the group's output buffer; the elementwise rest of the group then
    runs over that buffer in place, reading each product element just before overwriting it."""
    outer = dict(zip(sub.inputs, node.inputs))
    for v in product.inputs:
        if v.node is not None and v.node.kind == "prim::Constant":
            lw.env[v] = v.node.attrs.get("value")
    out = lw.result_buf(node.output)
    lower_matmul(lw, product, OPS[product.kind], [outer.get(v, v) for v in product.inputs], out)
    rest = [n for n in sub.block.nodes if n is not product]
    kernel_inputs = [x if any(u is not product for u in v.uses) else None for v, x in zip(sub.inputs, inputs)]
    emit_fusion_group(lw.module, lw.b, sub, kernel_inputs, [out], lw.symbols, lw.threads, rest, product.output)
    lw.env[node.output] = out


def lower_attention(lw, node: Node, sub: Graph) -> None:
    """An attention group (codegen/attention.py) as one kernel; as its three nodes one after another when its
    products are large enough for BLAS (which then runs them faster than our GEMM)."""
    for v, outer in zip(sub.inputs, node.inputs):
        lw.env[v] = lw.env[outer]
    first, group, second = [n for n in sub.block.nodes if n.kind != "prim::Constant"]
    for n in sub.block.nodes:
        if n.kind == "prim::Constant":
            lw.node(n)
    if lw.symbols is not None and (calls_blas(first) or calls_blas(second)):
        out = lw.result_buf(node.output)
        lw.node(first)
        lw.node(group)
        lower_matmul(lw, second, OPS[second.kind], None, out)
        lw.env[node.output] = out
        return
    out = _transposed_layout(lw, node) or lw.result_buf(node.output)
    s_type = first.output.type
    scores = lw.alloc(s_type.dtype, s_type.shape)
    batch = tuple(s_type.shape[:-2])
    row_inputs = [scores if x is first.output else lw.env[x] if isinstance(lw.env[x], Buf) else lw.scalar(x)[:2]
                  for x in group.inputs]
    a, w, v = (_batched(lw.buf(x), batch) for x in (first.inputs[0], first.inputs[1], second.inputs[1]))
    emit_attention(lw.module, lw.b, a, w, v, scores, out, group.attrs["subgraph"], row_inputs, lw.alloc,
                   lw.threads, lw.symbols)
    lw.env[node.output] = out


def _transposed_layout(lw, node: Node) -> Buf | None:
    """Where an attention group writes its output when its one user is a transpose that keeps the last axis last
    (heads back between tokens): in that view's row-major order, so the view is contiguous and a reshape after it
    (heads concatenated) copies nothing. None otherwise."""
    uses = node.output.uses
    if node.output in lw.out_slot or len(uses) != 1 or not isinstance(uses[0], Node) or \
            uses[0].kind != "aten::transpose" or len(uses[0].inputs) < 2:
        return None
    t = node.output.type
    axes = normalize_axes(lw.static(uses[0].inputs[1]), len(t.shape), "transpose")
    if axes[-1] != len(t.shape) - 1:
        return None
    dense = lw.alloc(t.dtype, tuple(t.shape[a] for a in axes))
    return Buf(dense.ptr, dense.dtype, tuple(t.shape), tuple(dense.strides[axes.index(d)] for d in range(len(axes))))


def _as_matrix(buf: Buf, left: bool) -> Buf:
    if len(buf.shape) != 1:
        return buf
    if left:
        return Buf(buf.ptr, buf.dtype, (1,) + buf.shape, (0,) + buf.strides)
    return Buf(buf.ptr, buf.dtype, buf.shape + (1,), buf.strides + (0,))


def _constant_matrix(v: Value, embedded: dict, transposed: bool) -> np.ndarray | None:
    """The value of a constant 2-D right operand (an exported model's weight), as the product reads it."""
    value = v.node.attrs.get("value") if v.node is not None and v.node.kind == "prim::Constant" else embedded.get(v)
    if not isinstance(value, np.ndarray) or value.ndim != 2:
        return None
    return value.T if transposed else value


def _broadcast_batch(a: tuple, b: tuple) -> tuple:
    return broadcast((a, b), "matmul")


def _batched(buf: Buf, batch: tuple) -> Buf:
    pad = len(batch) - (len(buf.shape) - 2)
    shape = (1,) * pad + buf.shape
    strides = (0,) * pad + buf.strides
    strides = tuple(0 if i < len(batch) and same(shape[i], 1) else s for i, s in enumerate(strides))
    return Buf(buf.ptr, buf.dtype, batch + shape[-2:], strides)
