"""Structural deep copy of graphs and blocks (keeps tensor constants, which the text form does not)."""
from __future__ import annotations

from ..ir import Block, Graph, Node, Value


def clone_nodes(src: Block, graph: Graph, env: dict[Value, Value]) -> None:
    """Copy src's nodes to graph's insertion point, mapping values through env (updated in place)."""
    for node in src.nodes:
        clone_node(node, graph, env)


def clone_block_into(src: Block, dst: Block, env: dict[Value, Value]) -> None:
    with dst.graph.inserting_at_end(dst):
        clone_nodes(src, dst.graph, env)


def clone_node(node: Node, graph: Graph, env: dict[Value, Value]) -> Node:
    """Insert a copy of node (blocks included) at graph's insertion point."""
    new = graph.insert(node.kind, [env[v] for v in node.inputs], [v.type for v in node.outputs],
                       node.attrs, node.source)
    for old, v in zip(node.outputs, new.outputs):
        if not old.name.isdigit():
            v.set_name(old.name)
        env[old] = v
    for block in node.blocks:
        copy_block(block, new.add_block(), env)
    return new


def copy_block(block: Block, into: Block, env: dict) -> None:
    """`block`'s params, nodes and returns copied into the empty block `into` (env maps old values to new)."""
    for p in block.params:
        env[p] = into.add_param(p.type, None if p.name.isdigit() else p.name)
    clone_block_into(block, into, env)
    for r in block.returns:
        into.add_return(env[r])


def clone_graph(graph: Graph) -> Graph:
    new = Graph()
    env: dict[Value, Value] = {}
    for p in graph.inputs:
        env[p] = new.add_input(p.type, p.name)
    clone_block_into(graph.block, new.block, env)
    for r in graph.outputs:
        new.block.add_return(env[r])
    return new
