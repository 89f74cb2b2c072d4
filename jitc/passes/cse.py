"""Common-subexpression elimination: identical pure nodes on identical inputs are computed once."""
from __future__ import annotations

from ..ir import Block, Graph
from ..printer import format_literal


def eliminate_common_subexpressions(graph: Graph) -> None:
    _block(graph.block, {})


def _key(node):
    try:
        attrs = tuple((k, format_literal(v)) for k, v in node.attrs.items())
    except TypeError:
        return None
    if any(v == "<Tensor>" for _, v in attrs):
        return None  # array constants are compared by identity, not worth hashing
    types = tuple(v.type for v in node.outputs)  # the types themselves: not every dtype has an IR name
    return node.kind, tuple(id(v) for v in node.inputs), attrs, types


def _block(block: Block, seen: dict) -> None:
    seen = dict(seen)  # a nested block sees its parents' expressions, not its siblings'
    duplicates = []
    for node in list(block.nodes):
        if node.blocks:
            for sub in node.blocks:
                _block(sub, seen)
            continue
        key = _key(node)
        if key is None:
            continue
        if key in seen:
            for old, new in zip(node.outputs, seen[key].outputs):
                old.replace_all_uses_with(new)
            duplicates.append(node)
        else:
            seen[key] = node
    block.destroy_nodes(duplicates)
