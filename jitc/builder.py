"""Inserting op calls into a graph: shared by the tracer and the script compiler so both build the same IR."""
from __future__ import annotations

from .ir import Graph, Value
from .ops import OpDef
from .ops.abstract import abstract_input as abstract
from .ops.registry import ELEMENTWISE, SCALAR
from .symbolic import Sym
from .types import INT, Type


def as_value(graph: Graph, v, source: str | None = None) -> Value:
    return v if isinstance(v, Value) else graph.insert_constant(v, source)


def infer(op: OpDef, inputs: list) -> Type:
    args = [abstract(v) for v in inputs]
    if op.kind in (SCALAR, ELEMENTWISE):  # a symbolic size is an int known at run time: for types, an int
        args = [INT if isinstance(a, Sym) else a for a in args]
    if op.input_key is not None:
        return op.infer(op, *args, op.input_key(inputs))
    return op.infer(op, *args)


def insert_op(graph: Graph, op: OpDef, args: list, source: str | None = None, out_type: Type | None = None) -> Value:
    """Insert `op(*args)` where args are bound (see ops.bind) Values or Python constants; returns the output."""
    inputs = [as_value(graph, a, source) for a in args]
    if out_type is None:
        out_type = infer(op, inputs)
    return graph.insert(op.name, inputs, [out_type], source=source).output
