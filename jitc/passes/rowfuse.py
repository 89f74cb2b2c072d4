"""Row-wise fusion: reductions over the last axis and the elementwise work around them on the same rows become one
`prim::FusionGroup` (softmax, log-softmax, layernorm, RMSNorm, logsumexp). The backend runs such a group as one
kernel per block of rows: it reads a row once and makes its later passes while the row is still in cache.

For rows of shape S = (..., N) a member is: an elementwise op of shape S (a row value), an elementwise op of the
reduced shape S[:-1] + (1,) or S[:-1] (a per-row value), or a sum/mean/max/min over the last axis of a row value.
Row values may read per-row values only in the keepdims shape (which broadcasts along the row). Groups grow from
a consumer back into its producers, like elementwise fusion, and are kept only when some work follows a
reduction on the same rows (otherwise plain fusion already makes one pass).
"""
from __future__ import annotations

from ..ir import Block, Graph, Node, Value
from ..ops import OPS
from ..ops.abstract import normalize_axes
from ..ops.registry import REDUCTION
from ..symbolic import Sym
from ..types import TensorType
from .fuse import fusible, materialize

ROW, PER_ROW, REDUCE = "row", "per-row", "reduce"
_ROW_REDUCTIONS = ("sum", "mean", "max", "min")


def fuse_rows(graph: Graph) -> None:
    _block(graph, graph.block)


def _shape(v: Value):
    t = v.type
    return tuple(t.shape) if isinstance(t, TensorType) and t.shape is not None else None


def _constant(v: Value):
    if v.node is None or v.node.kind != "prim::Constant":
        raise LookupError
    return v.node.attrs.get("value")


def row_reduction_shape(node: Node):
    """S when node is a sum/mean/max/min over exactly the last axis of an S-shaped array (N > 1), else None."""
    op = OPS.get(node.kind)
    if op is None or op.kind != REDUCTION or op.short not in _ROW_REDUCTIONS or len(node.inputs) < 2:
        return None
    shape = _shape(node.inputs[0])
    if not shape or (not isinstance(shape[-1], Sym) and shape[-1] <= 1):  # (a symbolic row may be of any length)
        return None
    try:
        axes = normalize_axes(_constant(node.inputs[1]), len(shape), op.short)
    except (LookupError, TypeError):
        return None
    return shape if axes == (len(shape) - 1,) else None


def role(node: Node, rows: tuple):
    if row_reduction_shape(node) == rows:
        return REDUCE
    if not fusible(node):
        return None
    shape = _shape(node.output)
    if shape == rows:
        return ROW
    return PER_ROW if shape in (rows[:-1] + (1,), rows[:-1]) else None


def _compatible(consumer: Node, value: Value, rows: tuple) -> bool:
    """Whether a member consumer may read the member value `value` per row."""
    kind, shape = role(consumer, rows), _shape(value)
    if kind == REDUCE:
        return consumer.inputs[0] is value and shape == rows
    if kind == ROW:
        return shape in (rows, rows[:-1] + (1,))
    return kind == PER_ROW and shape == _shape(consumer.output)


def _top_level(node: Node, block: Block):
    while node is not None and node.owning_block is not block:
        node = node.owning_block.owning_node if node.owning_block else None
    return node


def _block(graph: Graph, block: Block) -> None:
    for node in list(block.nodes):
        for sub in node.blocks:
            _block(graph, sub)
    row_shapes = {row_reduction_shape(n) for n in block.nodes} - {None}
    if not row_shapes:  # most blocks: nothing to do, and nothing to pay for
        return
    position = {n: i for i, n in enumerate(block.nodes)}
    grouped: set[Node] = set()
    tried: set[tuple] = set()  # (node, rows) already inside a group that was not worth it: not a seed again
    for seed in reversed(list(block.nodes)):
        if seed in grouped:
            continue
        for rows in _candidate_rows(seed, row_shapes):
            if (seed, rows) in tried:
                continue
            members = _grow(seed, rows, block, position, grouped)
            if _worth_it(members, rows):
                grouped.update(members)
                materialize(graph, sorted(members, key=position.get), seed)
                break
            tried.update((n, rows) for n in members)


def _candidate_rows(seed: Node, row_shapes: set) -> list[tuple]:
    found = [row_reduction_shape(seed)]
    if fusible(seed):
        found.append(_shape(seed.output))
        found += [row_reduction_shape(v.node) for v in seed.inputs if v.node is not None]
    return [s for s in dict.fromkeys(found) if s in row_shapes]


SIBLING_SCAN_LIMIT = 8  # a value read by more nodes than this (a model's input) is not scanned for siblings


def _grow(seed: Node, rows: tuple, block: Block, position: dict, grouped: set) -> set[Node]:
    """The group grown back from seed (a worklist: each member is expanded once; a producer refused because a
    user was not yet a member is looked at again when that user joins and is expanded)."""
    if role(seed, rows) is None:
        return set()
    members = {seed}

    def joinable(n: Node) -> bool:
        """n may move to the seed: eligible, reads members compatibly, and its value is needed only by members or
        after the seed."""
        if n in members or n in grouped or n.owning_block is not block or role(n, rows) is None or \
                len(n.outputs) != 1 or not all(_compatible(n, w, rows) for w in n.inputs if w.node in members):
            return False
        users = [u for u in n.output.uses if isinstance(u, Node)]
        return all(_compatible(u, n.output, rows) for u in users if u in members) and \
            all(u in members or position.get(u, -1) > position[seed] for u in (_top_level(u, block) for u in users))

    pending = [seed]
    while pending:
        member = pending.pop()
        for v in member.inputs:
            if v.node is None or v.node in members:
                continue
            # a sibling reading the same value before the seed (e.sum() beside e / e.sum()) comes along
            siblings = v.uses if len(v.uses) <= SIBLING_SCAN_LIMIT else []
            for u in siblings:
                if isinstance(u, Node) and position.get(u, -1) < position[seed] and joinable(u):
                    members.add(u)
                    pending.append(u)
            if joinable(v.node):
                members.add(v.node)
                pending.append(v.node)
    return members


def _worth_it(members: set[Node], rows: tuple) -> bool:
    """Two reductions, or work on the rows after a reduction: what separate kernels would read twice."""
    reductions = [n for n in members if role(n, rows) == REDUCE]
    if len(reductions) > 1:
        return True
    after = {r.output for r in reductions}
    return bool(reductions) and any(v in after for n in members for v in n.inputs)
