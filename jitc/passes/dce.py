"""Dead-code elimination: a reverse walk dropping nodes whose outputs nobody uses (all ops are pure)."""
from __future__ import annotations

from ..ir import Block, Graph


def eliminate_dead_code(graph: Graph) -> None:
    _block(graph.block)


def _block(block: Block) -> None:
    for node in reversed(list(block.nodes)):
        if all(not v.uses for v in node.outputs):
            node.destroy()
            continue
        for sub in node.blocks:
            _block(sub)
