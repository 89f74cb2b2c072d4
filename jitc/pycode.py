"""`.code`: a graph printed as Python source that runs on NumPy and computes what the graph computes."""
from __future__ import annotations

import re

import numpy as np

from .ir import Block, Graph, Node, Value
from .ops import OPS
from .ops.decomp.table import composite_code
from .ops.registry import COMPOSITE

_INDENT = "    "


def ident(v: Value) -> str:
    """A Python identifier for a value: `x.1` -> `x_1`, `5` -> `_5`."""
    name = re.sub(r"\W", "_", v.name)
    return f"_{name}" if name[0].isdigit() else name


def literal(value) -> str:
    if isinstance(value, float):
        return repr(value) if np.isfinite(value) else f'float("{value}")'
    if isinstance(value, (np.ndarray, np.generic)):
        a = np.asarray(value)
        return f"np.array({literal(a.ravel().tolist())}, dtype=np.{a.dtype.name}).reshape({a.shape})"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(v) for v in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, str):
        return repr(value)
    return repr(value)


class _Printer:
    def __init__(self):
        self.lines: list[str] = []
        self.names: dict[Value, str] = {}
        self.taken: set[str] = {"np", "jitc", "getattr", "range", "float", "int", "bool"}

    def ident(self, v: Value) -> str:
        """ident(v), made unique in this function (`%_0` and `%0` would both be `_0`)."""
        name = self.names.get(v)
        if name is None:
            name = base = ident(v)
            k = 0
            while name in self.taken:
                k += 1
                name = f"{base}_{k}"
            self.taken.add(name)
            self.names[v] = name
        return name

    def expr(self, v: Value) -> str:
        if v.node is not None and v.node.kind == "prim::Constant":
            text = literal(v.node.attrs.get("value"))
            return f"({text})" if text.startswith("-") else text
        return self.ident(v)

    def emit(self, indent: str, text: str) -> None:
        self.lines.append(indent + text)

    def assign(self, indent: str, targets: list[Value], sources: list[Value]) -> None:
        pairs = [(self.ident(t), self.expr(s)) for t, s in zip(targets, sources) if self.ident(t) != self.expr(s)]
        if pairs:
            self.emit(indent, ", ".join(t for t, _ in pairs) + " = " + ", ".join(s for _, s in pairs))

    def block(self, block: Block, indent: str, targets: list[Value] | None = None) -> None:
        """The block's statements, then `targets = <block returns>` when given (a branch's or loop's results)."""
        start = len(self.lines)
        for node in block.nodes:
            self.node(node, indent)
        if targets is not None:
            self.assign(indent, targets, block.returns)
        if len(self.lines) == start:
            self.emit(indent, "pass")

    def node(self, node: Node, indent: str) -> None:
        outs = ", ".join(self.ident(v) for v in node.outputs)
        args = [self.expr(v) for v in node.inputs]
        kind = node.kind
        if kind == "prim::Constant":
            return
        if kind == "prim::GetAttr":
            name = node.attrs["name"]
            attr = f".{name}" if name.isidentifier() else None
            self.emit(indent, f"{outs} = {args[0]}{attr}" if attr else f"{outs} = getattr({args[0]}, {name!r})")
        elif kind == "prim::CallMethod":
            self.emit(indent, f"{outs} = {args[0]}.{node.attrs['name']}({', '.join(args[1:])})")
        elif kind == "prim::TupleConstruct":
            self.emit(indent, f"{outs} = ({', '.join(args)}{',' if len(args) == 1 else ''})")
        elif kind == "prim::ListConstruct":
            self.emit(indent, f"{outs} = [{', '.join(args)}]")
        elif kind == "prim::TupleUnpack":
            self.emit(indent, f"{outs}{',' if len(node.outputs) == 1 else ''} = {args[0]}")
        elif kind == "prim::TupleIndex":
            self.emit(indent, f"{outs} = {args[0]}[{args[1]}]")
        elif kind == "prim::If":
            self.if_(node, indent, args[0])
        elif kind == "prim::Loop":
            self.loop(node, indent, args)
        elif kind == "prim::FusionGroup":
            self.fusion_group(node, indent)
        else:
            op = OPS[kind]
            code = composite_code(op, node.inputs, args) if op.kind == COMPOSITE else op.code.format(*args)
            self.emit(indent, f"{outs} = {code}" if outs else code)

    def if_(self, node: Node, indent: str, cond: str) -> None:
        for i, (header, block) in enumerate(zip((f"if {cond}:", "else:"), node.blocks)):
            self.emit(indent, header)
            self.block(block, indent + _INDENT, node.outputs)

    def loop(self, node: Node, indent: str, args: list[str]) -> None:
        body = node.blocks[0]
        counter, carried = body.params[0], body.params[1:]
        self.assign(indent, carried, node.inputs[2:])
        always = _is_true(node.inputs[1]) and _is_true(body.returns[0])
        inner = indent + _INDENT
        if always:
            self.emit(indent, f"for {self.ident(counter)} in range({args[0]}):")
        else:
            cond = f"_cond_{self.ident(counter)}"
            self.emit(indent, f"{cond}, {self.ident(counter)} = {args[1]}, 0")
            self.emit(indent, f"while {cond} and {self.ident(counter)} < {args[0]}:")
        self.block(body, inner)
        self.assign(inner, carried, body.returns[1:])
        if not always:
            self.emit(inner, f"{cond}, {self.ident(counter)} = {self.expr(body.returns[0])}, {self.ident(counter)} + 1")
        self.assign(indent, node.outputs, carried)

    def fusion_group(self, node: Node, indent: str) -> None:
        sub: Graph = node.attrs["subgraph"]
        self.assign(indent, sub.inputs, node.inputs)
        self.block(sub.block, indent)
        self.assign(indent, node.outputs, sub.outputs)


def _is_true(v: Value) -> bool:
    return v.node is not None and v.node.kind == "prim::Constant" and v.node.attrs.get("value") is True


def graph_to_python(graph: Graph, name: str = "forward") -> str:
    """Python source of a function equivalent to graph (a method's graph has `self` as its first input)."""
    p = _Printer()
    params = ", ".join(p.ident(v) for v in graph.inputs)
    p.emit("", f"def {name}({params}):")
    for node in graph.block.nodes:  # no `pass` needed: the return follows
        p.node(node, _INDENT)
    rets = [p.expr(v) for v in graph.outputs]
    p.emit(_INDENT, f"return {rets[0]}" if len(rets) == 1 else f"return ({', '.join(rets)})")
    return "\n".join(p.lines) + "\n"
