"""Inserting op calls into a graph: shared by the tracer and the script compiler so both build the same IR."""
from __future__ import annotations

import numpy as np

from .ir import Graph, Value
from .ops import OpDef
from .types import TensorType, Type


def abstract(v):
    """What shape inference sees for an input: a constant's Python value (a tensor constant's type), otherwise
    the value's type."""
    if isinstance(v, Value):
        if v.node is not None and v.node.kind == "prim::TupleConstruct":  # known items stay known
            return tuple(abstract(x) for x in v.node.inputs)
        if v.node is not None and v.node.kind == "prim::Constant":
            v = v.node.attrs.get("value")
        else:
            return v.type
    return TensorType.of(np.asarray(v)) if isinstance(v, (np.ndarray, np.generic)) else v


def as_value(graph: Graph, v, source: str | None = None) -> Value:
    return v if isinstance(v, Value) else graph.insert_constant(v, source)


def infer(op: OpDef, inputs: list) -> Type:
    return op.infer(op, *(abstract(v) for v in inputs))


def insert_op(graph: Graph, op: OpDef, args: list, source: str | None = None, out_type: Type | None = None) -> Value:
    """Insert `op(*args)` where args are bound (see ops.bind) Values or Python constants; returns the output."""
    inputs = [as_value(graph, a, source) for a in args]
    if out_type is None:
        out_type = infer(op, inputs)
    return graph.insert(op.name, inputs, [out_type], source=source).output
