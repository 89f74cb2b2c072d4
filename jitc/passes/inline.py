"""Inline `prim::CallMethod` on known submodules: the whole model as one graph (TorchScript's inlined_graph)."""
from __future__ import annotations

from ..ir import Block, Graph
from .clone import clone_graph, clone_nodes


def inline_calls(graph: Graph, module=None) -> Graph:
    """A copy of graph where each method call on a submodule reachable from `module` (the graph's self) is
    replaced by the method's own (recursively inlined) body."""
    graph = clone_graph(graph)
    modules = {graph.inputs[0]: module} if module is not None and graph.inputs else {}
    _inline_block(graph, graph.block, modules)
    return graph


def _inline_block(graph: Graph, block: Block, modules: dict) -> None:
    for node in list(block.nodes):
        if node.kind == "prim::GetAttr" and node.inputs[0] in modules:
            target = modules[node.inputs[0]]._modules.get(node.attrs["name"])
            if target is not None:
                modules[node.output] = target
        elif node.kind == "prim::CallMethod" and node.inputs[0] in modules:
            target = modules[node.inputs[0]]
            body = inline_calls(target._methods[node.attrs["name"]], target)
            env = dict(zip(body.inputs, node.inputs))
            with graph.inserting_before(node):
                clone_nodes(body.block, graph, env)
            node.output.replace_all_uses_with(env[body.outputs[0]])
            node.destroy()
        for sub in node.blocks:
            _inline_block(graph, sub, modules)
