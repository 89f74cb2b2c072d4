"""The reference interpreter: runs any graph with the op table's NumPy implementations (the oracle)."""
from __future__ import annotations

import numpy as np

from .errors import JitcError, ShapeError
from .ir import Block, Graph, Node
from .ops import OPS
from .ops.registry import on_python_scalars
from .types import ScalarType


def run_graph(graph: Graph, inputs: list) -> list:
    """Execute graph on concrete inputs; returns the list of outputs."""
    env = dict(zip(graph.inputs, inputs))
    return run_block(graph.block, env)


def run_block(block: Block, env: dict) -> list:
    for node in block.nodes:
        results = run_node(node, env)
        for v, r in zip(node.outputs, results):
            env[v] = r
    return [env[v] for v in block.returns]


def _python_scalar(value, type_):
    """Scalar-typed values stay Python numbers (as in TorchScript), not NumPy scalars."""
    if isinstance(type_, ScalarType) and isinstance(value, (np.generic, np.ndarray)):
        return {"int": int, "float": float, "bool": bool}.get(type_.name, lambda v: v)(value.item())
    return value


def _loop(node: Node, env: dict, args: list) -> list:
    max_trips, cond, *carried = args
    body = node.blocks[0]
    i = 0
    while cond and i < max_trips:
        env.update(zip(body.params, [i, *carried]))
        cond, *carried = run_block(body, env)
        i += 1
    return carried


def run_node(node: Node, env: dict) -> list:
    args = [env[v] for v in node.inputs]
    kind = node.kind
    if kind == "prim::Constant":
        return [node.attrs.get("value")]
    if kind == "prim::GetAttr":
        return [getattr(args[0], node.attrs["name"])]
    if kind == "prim::CallMethod":
        from .runtime import run_method
        from .script_module import ScriptModule

        if isinstance(args[0], ScriptModule):
            return [run_method(args[0], node.attrs["name"], tuple(args[1:]))]
        return [getattr(args[0], node.attrs["name"])(*args[1:])]
    if kind in ("prim::TupleConstruct", "prim::ListConstruct"):
        return [tuple(args) if kind == "prim::TupleConstruct" else list(args)]
    if kind == "prim::TupleUnpack":
        if len(args[0]) != len(node.outputs):
            raise JitcError(f"cannot unpack {len(args[0])} values into {len(node.outputs)}{_at(node)}")
        return list(args[0])
    if kind == "prim::TupleIndex":
        return [args[0][args[1]]]
    if kind == "prim::If":
        return run_block(node.blocks[0] if args[0] else node.blocks[1], env)
    if kind == "prim::Loop":
        return _loop(node, env, args)
    if kind == "prim::FusionGroup":
        return run_graph(node.attrs["subgraph"], args)
    op = OPS.get(kind)
    if op is None:
        raise JitcError(f"the interpreter does not know {kind}{_at(node)}")
    if on_python_scalars(op, args):
        return [op.python(*args)]  # Python's semantics: big ints, ZeroDivisionError, True + True == 2
    try:
        with np.errstate(all="ignore"):
            result = op.impl(*args)
    except ValueError as e:
        raise ShapeError(f"{op.short}{_at(node)}: {e}") from e
    return [_python_scalar(result, node.outputs[0].type)]


def _at(node: Node) -> str:
    return f" (at {node.source})" if node.source else ""
