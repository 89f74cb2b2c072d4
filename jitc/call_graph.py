"""Method calls of a loaded module tree, checked before anything runs: no method reaches itself (a crafted file
whose forward calls forward would recurse until Python's stack ran out) and call chains stay shallow."""
from __future__ import annotations

from .errors import LoadError


def check_calls(calls: dict[int, list], labels: dict[int, str], max_depth: int) -> None:
    """calls: id(graph) -> the graphs its prim::CallMethod nodes call; labels: id(graph) -> `method linear.forward`.
    Raises LoadError naming the cycle or the chain that is too deep."""
    depth_of: dict[int, int] = {}  # finished graphs: the longest call chain below them

    def visit(g: int, chain: list[int]) -> int:
        if g in chain:
            cycle = " -> ".join(labels[x] for x in chain[chain.index(g):] + [g])
            raise LoadError(f"recursive method calls ({cycle}): compiled methods cannot call themselves")
        if g in depth_of:
            return depth_of[g]
        if len(chain) >= max_depth:
            raise LoadError(f"method calls nested deeper than {max_depth} (from {labels[chain[0]]})")
        below = max((visit(id(t), chain + [g]) + 1 for t in calls.get(g, ())), default=0)
        depth_of[g] = below
        return below

    for g in calls:
        visit(g, [])
