"""What parse_ir's lint cannot know about a loaded graph: node kinds and arities, and its GetAttr/CallMethod
nodes against the loaded module tree."""
from __future__ import annotations

import numpy as np

from ..errors import LoadError
from ..ir import Graph
from ..ops import OPS
from ..script_module import ScriptModule
from ..types import ModuleType, TensorType

# Node kinds a loaded graph may use besides the op table's (mirrors interpreter.run_node), with their shape:
# (blocks, min inputs, max inputs or None, outputs or None).
_PRIMS = {
    "prim::Constant": (0, 0, 0, 1),
    "prim::GetAttr": (0, 1, 1, 1),
    "prim::CallMethod": (0, 1, None, 1),
    "prim::TupleConstruct": (0, 0, None, 1),
    "prim::ListConstruct": (0, 0, None, 1),
    "prim::TupleUnpack": (0, 1, 1, None),
    "prim::TupleIndex": (0, 2, 2, 1),
    "prim::If": (2, 1, 1, None),
    "prim::Loop": (1, 2, None, None),
}


def fits(t: TensorType, array) -> bool:
    """An array agrees with a (possibly partly unknown) tensor type."""
    same_dtype = t.dtype is None or np.dtype(t.dtype).newbyteorder("<") == array.dtype.newbyteorder("<")
    return same_dtype and (t.shape is None or tuple(t.shape) == array.shape)


def verify_graph(graph: Graph, module: ScriptModule | None, path: str) -> list[Graph]:
    """What parse_ir's lint cannot know: node kinds and arities, and that every GetAttr/CallMethod names an
    attribute or method of the right kind on the module tree. Returns the method graphs it calls."""
    modules, called = {}, []
    if module is not None:
        first = graph.inputs[0].type if graph.inputs else None
        if first != ModuleType(module.original_name):
            raise LoadError(f"{path}: a method's first input must be __jitc__.{module.original_name}, got {first}")
        modules[graph.inputs[0]] = module
    for i, node in enumerate(graph.nodes()):
        where = f"{path}: node {i} ({node.kind})"
        _check_arity(node, where)
        if node.kind == "prim::Constant" and node.attrs.keys() != {"value"}:
            raise LoadError(f"{where}: needs exactly one attribute, value")
        if node.kind not in ("prim::GetAttr", "prim::CallMethod"):
            continue
        name = node.attrs.get("name")
        owner = modules.get(node.inputs[0])
        if owner is None or not isinstance(name, str) or len(node.attrs) != 1:
            raise LoadError(f"{where}: needs a name attribute and a module reachable from self as input")
        out = node.outputs[0].type
        if node.kind == "prim::CallMethod":
            target = owner._methods.get(name)
            if target is None or len(target.inputs) != len(node.inputs):
                raise LoadError(f"{where}: module {owner.original_name} has no method '{name}' taking "
                                f"{len(node.inputs) - 1} arguments")
            called.append(target)
        elif name in owner._modules:
            sub = owner._modules[name]
            if out != ModuleType(sub.original_name):
                raise LoadError(f"{where}: '{name}' is submodule {sub.original_name} but the node's type is {out}")
            modules[node.outputs[0]] = sub
        elif name in owner._parameters:
            p = owner._parameters[name]
            if not isinstance(out, TensorType) or not fits(out, p):
                raise LoadError(f"{where}: parameter '{name}' is {p.dtype}{list(p.shape)} but the node's type is {out}")
        elif name in owner._constants:
            if isinstance(out, (TensorType, ModuleType)):
                raise LoadError(f"{where}: '{name}' is a constant but the node's type is {out}")
        else:
            raise LoadError(f"{where}: module {owner.original_name} has no attribute '{name}'")
    return called


def _check_arity(node, where: str) -> None:
    op = OPS.get(node.kind)
    if op is not None:
        shape = (0, len(op.params), len(op.params), 1)
    elif node.kind in _PRIMS:
        shape = _PRIMS[node.kind]
    else:
        raise LoadError(f"{where}: unknown node kind")
    blocks, lo, hi, outs = shape
    n_in, n_out = len(node.inputs), len(node.outputs)
    if len(node.blocks) != blocks or n_in < lo or (hi is not None and n_in > hi) or (outs is not None and n_out != outs):
        raise LoadError(f"{where}: wrong number of inputs ({n_in}), outputs ({n_out}) or blocks ({len(node.blocks)})")
    if node.kind == "prim::If" and any(len(b.params) or len(b.returns) != n_out for b in node.blocks):
        raise LoadError(f"{where}: each block must take no parameters and return {n_out} values")
    if node.kind == "prim::Loop":
        body = node.blocks[0]
        if n_out != n_in - 2 or len(body.params) != n_in - 1 or len(body.returns) != n_in - 1:
            raise LoadError(f"{where}: loop-carried values do not match the body's parameters and returns")
