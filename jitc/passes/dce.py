"""Dead-code elimination: a reverse walk dropping nodes whose outputs nobody uses. Ops are pure; the only effect
is the write-back of a mutated input (`aten::copy_`), which stays."""
from __future__ import annotations

from ..ir import Block, Graph


def eliminate_dead_code(graph: Graph) -> None:
    _block(graph.block)


def _block(block: Block) -> None:
    for node in reversed(list(block.nodes)):
        if node.kind != "aten::copy_" and all(not v.uses for v in node.outputs):
            node.destroy()
            continue
        for sub in node.blocks:
            _block(sub)
