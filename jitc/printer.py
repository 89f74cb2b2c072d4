"""Prints graphs in TorchScript's text format; `jitc.parse_ir` reads the same format back."""
from __future__ import annotations

import json

import numpy as np

from .ir import Block, Graph, Node, Value
from .symbolic import Sym


def format_literal(value) -> str:
    """Attribute values: Python literals, strings in double quotes, arrays as `<Tensor>` (kept only in memory)."""
    if isinstance(value, (bool, type(None))):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        return repr(float(value))  # np.float64 is a float whose repr is not a literal
    if isinstance(value, complex):
        return f"complex({float(value.real)!r}, {float(value.imag)!r})"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(format_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(format_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, (np.ndarray, np.generic)):
        return "<Tensor>"
    if isinstance(value, Sym):  # a symbolic size: `s0`, `2*s0 - 1`
        return str(value)
    raise TypeError(f"cannot print attribute value {value!r}")


def _decl(v: Value) -> str:
    return f"%{v.name} : {v.type}"


def _uses(values: list[Value]) -> str:
    return ", ".join(f"%{v.name}" for v in values)


def _node_lines(node: Node, indent: str, subgraphs: list) -> list[str]:
    kind, attrs = node.kind, {k: v for k, v in node.attrs.items() if not isinstance(v, Graph)}
    for v in node.attrs.values():
        if isinstance(v, Graph):  # fusion groups: printed after the graph, as TorchScript does
            kind = f"{kind}_{len(subgraphs)}"
            subgraphs.append((kind, v))
    attr_text = "[" + ", ".join(f"{k}={format_literal(v)}" for k, v in attrs.items()) + "]" if attrs else ""
    lhs = ", ".join(_decl(v) for v in node.outputs)
    line = f"{indent}{lhs + ' = ' if lhs else ''}{kind}{attr_text}({_uses(node.inputs)})"
    if node.source:
        line += f"  # {node.source.replace(chr(10), ' ')}"
    lines = [line]
    for i, block in enumerate(node.blocks):
        lines.append(f"{indent}  block{i}({', '.join(_decl(p) for p in block.params)}):")
        lines.extend(_block_lines(block, indent + "    ", subgraphs))
        lines.append(f"{indent}    -> ({_uses(block.returns)})")
    return lines


def _block_lines(block: Block, indent: str, subgraphs: list) -> list[str]:
    lines = []
    for node in block.nodes:
        lines.extend(_node_lines(node, indent, subgraphs))
    return lines


def print_graph(graph: Graph, subgraphs: list | None = None) -> str:
    """TorchScript's text form. Subgraphs (of fusion groups, also nested ones: `subgraphs` is the outermost
    graph's list) are numbered once across the whole text and printed after the outermost graph."""
    outermost = subgraphs is None
    subgraphs = [] if outermost else subgraphs
    params = (",\n" + " " * 6).join(_decl(p) for p in graph.inputs)
    lines = [f"graph({params}):"]
    lines.extend(_block_lines(graph.block, "  ", subgraphs))
    lines.append(f"  return ({_uses(graph.outputs)})")
    text = "\n".join(lines) + "\n"
    if outermost:
        for kind, sub in subgraphs:  # a nested group's subgraphs join the list while it is walked
            text += f"with {kind} = " + print_graph(sub, subgraphs)
    return text
