"""Dead-code elimination: a reverse walk dropping nodes whose outputs nobody uses. Ops are pure; the only effects
are the write-back of a mutated input (`aten::copy_`), which stays, and the length a boolean mask selection
(`aten::masked_select`) or a slice with run-time bounds sets: those stay while the size symbol is still read
(`len(x[mask])`)."""
from __future__ import annotations

from ..ir import Block, Graph
from ..ops.shapes import slice_key
from ..symbolic import Sym


def eliminate_dead_code(graph: Graph) -> None:
    read = _symbols_read(graph)
    _block(graph.block, read)


def _block(block: Block, read: set) -> None:
    for node in reversed(list(block.nodes)):
        if node.kind != "aten::copy_" and all(not v.uses for v in node.outputs) and not _sets_read_size(node, read):
            node.destroy()
            continue
        for sub in node.blocks:
            _block(sub, read)


def _sets_read_size(node, read: set) -> bool:
    if node.kind not in SETS_SIZES or node.kind == "aten::slice" and slice_key(node.inputs) is None:
        return False  # (a slice by loop counters or sizes sets nothing)
    return any(isinstance(d, Sym) and d.name in read for d in getattr(node.output.type, "shape", None) or ())


SETS_SIZES = ("aten::masked_select", "aten::slice")  # a selection's length; a slice's with run-time bounds


def _symbols_read(graph: Graph) -> set:
    """The size symbols the other nodes mention, in their output types or constant values (a superset of what
    stays alive: enough to never drop a selection or slice whose length is read)."""
    names: set = set()
    for node in graph.nodes():
        if node.kind in SETS_SIZES:
            continue
        if node.kind == "prim::Constant":
            _collect(node.attrs.get("value"), names)
        for v in node.outputs:
            _collect(getattr(v.type, "shape", None), names)
    return names


def _collect(value, names: set) -> None:
    if isinstance(value, Sym):
        names |= value.symbols
    elif isinstance(value, (tuple, list)):
        for x in value:
            _collect(x, names)
