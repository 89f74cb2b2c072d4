"""Attention fusion: `softmax(q @ k.T) @ v` (a product, a row group over its rows, a product of the result) becomes
one `prim::FusionGroup` holding the two products around the row group. The backend runs it as one kernel per
block of query rows: the scores of those rows are computed, normalized and multiplied by v while they are in
cache, and the score array never makes a round trip through memory between three kernels.

The shapes: a (..., M, K) @ b (..., K, N) -> s (..., M, N); a row group over s's rows (reductions over N) gives
p of s's shape, read only by p @ v with v (..., N, D), whose batch dims are s's. All of one float dtype, of
static sizes; s and p have no other users."""
from __future__ import annotations

import numpy as np

from ..ir import Block, Graph, Node, Value
from ..symbolic import is_symbolic
from ..types import TensorType
from .fuse import materialize
from .rowfuse import row_reduction_shape

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def fuse_attention(graph: Graph) -> None:
    _block(graph, graph.block)


def _block(graph: Graph, block: Block) -> None:
    for node in list(block.nodes):
        for sub in node.blocks:
            _block(graph, sub)
        if node.kind == "aten::matmul" and len(node.inputs) == 2:
            members = _pattern(node, block)
            if members is not None:
                materialize(graph, members, node)


def _tensor(v: Value):
    t = v.type
    if not isinstance(t, TensorType) or t.shape is None or is_symbolic(tuple(t.shape)) or len(t.shape) < 2:
        return None
    return t if np.dtype(t.dtype) in _FLOATS else None


def _only_use(v: Value, user: Node) -> bool:
    return v.uses == [user]


def _pattern(second: Node, block: Block) -> list[Node] | None:
    """[first product, row group, second] when `second` is the end of an attention pattern, else None."""
    p, v = second.inputs
    group = p.node
    if group is None or group.kind != "prim::FusionGroup" or group.owning_block is not block or \
            len(group.outputs) != 1 or not _only_use(p, second):
        return None
    sub: Graph = group.attrs["subgraph"]
    scores = [x for x in group.inputs if x.node is not None and x.node.kind == "aten::matmul"
              and x.node.owning_block is block and len(x.node.inputs) == 2 and _only_use(x, group)]
    if len(scores) != 1:
        return None
    s = scores[0]
    first = s.node
    types = [_tensor(x) for x in (*first.inputs, s, p, v, second.output)]
    if None in types or len({np.dtype(t.dtype) for t in types}) != 1:
        return None
    s_shape = tuple(types[2].shape)
    if tuple(types[3].shape) != s_shape or tuple(types[5].shape[:-2]) != s_shape[:-2]:
        return None
    rows = {row_reduction_shape(n) for n in sub.block.nodes}
    if s_shape not in rows:
        return None
    return [first, group, second]
