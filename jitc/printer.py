"""Prints graphs in TorchScript's text format; `jitc.parse_ir` reads the same format back."""
from __future__ import annotations

import json

import numpy as np

from .ir import Block, Graph, Node, Value


def format_literal(value) -> str:
    """Attribute values: Python literals, strings in double quotes, arrays as `<Tensor>` (kept only in memory)."""
    if isinstance(value, (bool, int, type(None))):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(format_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(format_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, (np.ndarray, np.generic)):
        return "<Tensor>"
    raise TypeError(f"cannot print attribute value {value!r}")


def _decl(v: Value) -> str:
    return f"%{v.name} : {v.type}"


def _uses(values: list[Value]) -> str:
    return ", ".join(f"%{v.name}" for v in values)


def _node_lines(node: Node, indent: str) -> list[str]:
    attrs = ""
    if node.attrs:
        attrs = "[" + ", ".join(f"{k}={format_literal(v)}" for k, v in node.attrs.items()) + "]"
    lhs = ", ".join(_decl(v) for v in node.outputs)
    line = f"{indent}{lhs + ' = ' if lhs else ''}{node.kind}{attrs}({_uses(node.inputs)})"
    if node.source:
        line += f"  # {node.source}"
    lines = [line]
    for i, block in enumerate(node.blocks):
        lines.append(f"{indent}  block{i}({', '.join(_decl(p) for p in block.params)}):")
        lines.extend(_block_lines(block, indent + "    "))
        lines.append(f"{indent}    -> ({_uses(block.returns)})")
    return lines


def _block_lines(block: Block, indent: str) -> list[str]:
    lines = []
    for node in block.nodes:
        lines.extend(_node_lines(node, indent))
    return lines


def print_graph(graph: Graph) -> str:
    params = (",\n" + " " * 6).join(_decl(p) for p in graph.inputs)
    lines = [f"graph({params}):"]
    lines.extend(_block_lines(graph.block, "  "))
    lines.append(f"  return ({_uses(graph.outputs)})")
    return "\n".join(lines) + "\n"
