"""A graph's outputs as the caller sees them: a flat list of values the entry writes, and a template that
rebuilds the returned structure (tuples, None, the caller's own arrays and NumPy views of them)."""
from __future__ import annotations

import numpy as np

from jitc.errors import CompileError
from jitc.ir import Graph, Value
from jitc.ops.results import numpy_gives_scalar
from jitc.symbolic import SymbolicError, is_symbolic
from jitc.types import NONE, SCALAR_DTYPES, ScalarType, TensorType, TupleType

from .abi import OutputSpec
from .compact import output_room
from .views import VIEWS


def flatten_outputs(graph: Graph, dedupe: bool = True) -> tuple[list[Value], object]:
    """The graph's outputs as a flat list of values plus a template (nested tuples of indices) to rebuild them.
    With dedupe, a value returned twice is one output returned twice (as NumPy returns the same array), a
    returned input is that input (template entry -1 - its index: the caller's object) and None is None."""
    flat: list[Value] = []

    def walk(v: Value):
        if v.node is not None and v.node.kind == "prim::TupleConstruct":
            return tuple(walk(x) for x in v.node.inputs)
        if dedupe and v.type == NONE:
            return None
        if dedupe and v.block is graph.block and isinstance(v.type, TensorType):
            return -1 - graph.inputs.index(v)
        view = _view_of_input(graph, v) if dedupe else None
        if view is not None:
            return view
        if isinstance(v.type, TupleType):
            raise CompileError("returning a tuple that is not built in the graph cannot be compiled")
        if dedupe and v in flat:
            return flat.index(v)
        flat.append(v)
        return len(flat) - 1

    template = [walk(v) for v in graph.outputs]
    return flat, template[0] if len(template) == 1 else tuple(template)


def _view_of_input(graph: Graph, v: Value) -> dict | None:
    """A returned view of an input (constant view steps): the caller gets a NumPy view of its own array, as
    NumPy returns one. Template entry {"view": -1 - input index, "steps": [(op short name, *args), ...]}."""
    steps = []
    while v.node is not None and v.node.kind in VIEWS and v.node.kind != "aten::reshape":
        args = v.node.inputs[1:]
        if any(a.node is None or a.node.kind != "prim::Constant" for a in args):
            return None
        steps.append([v.node.kind.split("::")[1], *(a.node.attrs.get("value") for a in args)])
        if is_symbolic(steps[-1]):  # the runtime makes the view from numbers (such code stays static)
            raise SymbolicError(f"returning a view of an input whose bounds are sizes ({steps[-1]})")
        v = v.node.inputs[0]
    if not steps or v.block is not graph.block or not isinstance(v.type, TensorType):
        return None
    return {"view": -1 - graph.inputs.index(v), "steps": steps[::-1]}


def has_views(template) -> bool:
    if isinstance(template, tuple):
        return any(has_views(t) for t in template)
    return isinstance(template, dict)


def views_as_bases(template):
    """The template of the CPython entry: it returns each view's base input in the view's place, and the runtime
    makes the view (NumPy's view machinery is not worth redoing in native code)."""
    if isinstance(template, tuple):
        return tuple(views_as_bases(t) for t in template)
    return template["view"] if isinstance(template, dict) else template


def output_spec(v: Value) -> OutputSpec:
    t = v.type
    if isinstance(t, TensorType):
        return OutputSpec(np.dtype(t.dtype), tuple(t.shape), False, numpy_gives_scalar(v), output_room(t.shape))
    return OutputSpec(SCALAR_DTYPES[t.name] if isinstance(t, ScalarType) and t.name in SCALAR_DTYPES else
                      _fail(f"cannot return a value of type {t} from compiled code"), (), True)


def _fail(msg: str):
    raise CompileError(msg)
