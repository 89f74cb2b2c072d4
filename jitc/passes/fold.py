"""Constant folding after specialization: scalar arithmetic, sizes of known shapes, tuples, constant branches."""
from __future__ import annotations

import math

import numpy as np

from ..ir import Block, Graph, Node
from ..ops import OPS
from ..ops.registry import SCALAR, on_python_scalars
from ..ops.results import numpy_gives_scalar
from ..symbolic import Sym, SymbolicError, is_symbolic
from ..types import NONE, ScalarType, TensorType, TupleType

_MAX_FOLDED_ELEMENTS = 64
SIZE_ARITHMETIC = ("aten::add", "aten::sub", "aten::mul", "aten::floor_divide", "aten::neg", "aten::__range_length",
                   "aten::__derive_index", "prim::min", "prim::max")
# facts a specialized array type fixes: `x.size`, `x.dtype`
SHAPE_FACTS = {"aten::numel": lambda t: math.prod(t.shape),  # a symbolic product when a size is data-dependent
               "prim::dtype": lambda t: np.dtype(t.dtype).name}  # larger array constants stay computed at run time rather than embedded


def _const(v):
    n = v.node
    return (True, n.attrs.get("value")) if n is not None and n.kind == "prim::Constant" else (False, None)


def fold_constants(graph: Graph) -> None:
    _fold_block(graph, graph.block)


def _fold_block(graph: Graph, block: Block) -> None:
    for node in list(block.nodes):
        if node.owning_block is None:
            continue
        for sub in node.blocks:
            _fold_block(graph, sub)
        fold_node(graph, node)


def _replace(graph: Graph, node: Node, values: list) -> None:
    with graph.inserting_before(node):
        for out, value in zip(node.outputs, values):
            out.replace_all_uses_with(graph.insert_constant(value, node.source))
    node.destroy()


def fold_node(graph: Graph, node: Node) -> None:
    """Replace node by constants when its inputs (or its inputs' static shapes) determine its outputs."""
    kind = node.kind
    consts = [_const(v) for v in node.inputs]
    known = all(k for k, _ in consts)
    args = [c for _, c in consts]
    if kind == "aten::size" and isinstance(node.inputs[0].type, TensorType) and node.inputs[0].type.shape is not None:
        if len(args) < 2 or consts[1][0]:
            shape = node.inputs[0].type.shape
            _replace(graph, node, [tuple(shape) if args[1] is None else shape[args[1]]])
    elif kind in SHAPE_FACTS and isinstance(node.inputs[0].type, TensorType) and node.inputs[0].type.shape is not None \
            and node.inputs[0].type.dtype is not None:
        _replace(graph, node, [SHAPE_FACTS[kind](node.inputs[0].type)])
    elif kind == "prim::ListConstruct" and known:
        _replace(graph, node, [tuple(args)])
    elif kind in ("aten::len", "aten::dim") and isinstance(node.inputs[0].type, TensorType) \
            and node.inputs[0].type.shape is not None and (kind == "aten::dim" or node.inputs[0].type.shape):
        shape = node.inputs[0].type.shape
        _replace(graph, node, [len(shape) if kind == "aten::dim" else shape[0]])
    elif kind == "prim::TupleUnpack" and node.inputs[0].node is not None \
            and node.inputs[0].node.kind == "prim::TupleConstruct":
        for out, src in zip(node.outputs, node.inputs[0].node.inputs):
            out.replace_all_uses_with(src)
        node.destroy()
    elif kind == "prim::TupleUnpack" and known and isinstance(node.inputs[0].type, TupleType):
        _replace(graph, node, list(args[0]))
    elif kind == "prim::TupleIndex" and node.inputs[0].node is not None and consts[1][0] \
            and node.inputs[0].node.kind == "prim::TupleConstruct":
        node.output.replace_all_uses_with(node.inputs[0].node.inputs[args[1]])
        node.destroy()
    elif kind == "aten::index_put" and _replaces_with_scatter(node):
        # a[...] = index_scatter(a, ...): the scatter's result is the new version (and is made in place)
        node.output.replace_all_uses_with(node.inputs[1])
        node.destroy()
    elif known and any(is_symbolic(a) for a in args):
        _fold_symbolic(graph, node, args)
    elif kind in ("aten::__is__", "aten::__isnot__") and _decided(node.inputs[0]) and consts[1] == (True, None):
        is_none = node.inputs[0].type == NONE
        _replace(graph, node, [is_none if kind == "aten::__is__" else not is_none])
    elif kind == "prim::unchecked_cast" and _decided(node.inputs[0]):
        node.output.replace_all_uses_with(node.inputs[0])
        node.destroy()
    elif kind == "prim::If" and known:
        _inline_branch(graph, node, node.blocks[0] if args[0] else node.blocks[1])
    elif kind in OPS and known and node.inputs and node.outputs and on_python_scalars(OPS[kind], args):
        try:
            value = OPS[kind].python(*args)
        except (ArithmeticError, ValueError):  # 7 // 0, range(0, 9, 0): raised when (and if) the code runs
            return
        _replace(graph, node, [value])
    elif kind in OPS and known and node.inputs and node.outputs and _foldable(node):
        with np.errstate(all="ignore"):
            value = OPS[kind].impl(*args)
        if isinstance(node.output.type, ScalarType):
            value = {"int": int, "float": float, "bool": bool}.get(node.output.type.name, lambda x: x)(value)
        elif np.ndim(value) == 0 and numpy_gives_scalar(node.output):  # what eager NumPy would return
            value = np.asarray(value)[()]
        _replace(graph, node, [value])


def _replaces_with_scatter(node: Node) -> bool:
    base, value, index = node.inputs[:3]
    producer = value.node
    if producer is None or producer.kind != "aten::index_scatter" or producer.inputs[0] is not base:
        return False
    ok, steps = _const(index)
    return ok and steps == () and isinstance(base.type, TensorType) and base.type.shape is not None and \
        (base.type.dtype, base.type.shape) == (value.type.dtype, value.type.shape)


def _fold_symbolic(graph: Graph, node: Node, args: list) -> None:
    """Size arithmetic on symbolic sizes folds to a symbolic size (`B * 2` for B = x.shape[0] = s0 gives 2*s0);
    anything else on them (a comparison, a float conversion) is computed at run time."""
    op = OPS.get(node.kind)
    if node.kind not in SIZE_ARITHMETIC or not all(isinstance(a, (int, Sym)) and not isinstance(a, bool) for a in args):
        return
    try:
        value = (op.python or op.impl)(*args)
    except (ArithmeticError, SymbolicError):
        return
    _replace(graph, node, [value])


def _foldable(node: Node) -> bool:
    t = node.output.type
    if OPS[node.kind].kind == SCALAR or isinstance(t, ScalarType):
        return True
    return isinstance(t, TensorType) and t.shape is not None and not is_symbolic(t.shape) and \
        int(np.prod(t.shape)) <= _MAX_FOLDED_ELEMENTS \
        and OPS[node.kind].kind not in ("view", "creation")


def _inline_branch(graph: Graph, node: Node, block: Block) -> None:
    for inner in list(block.nodes):
        inner.owning_block.nodes.remove(inner)
        inner.owning_block = None
        with graph.inserting_before(node):
            graph.insert_node(inner)
    for out, ret in zip(node.outputs, block.returns):
        out.replace_all_uses_with(ret)
    node.destroy()


def _decided(v) -> bool:
    """Whether a value's type says if it is None (a `Tensor?` does not; an unknown or uninitialized one neither)."""
    return v.type == NONE or isinstance(v.type, (TensorType, ScalarType)) and not (
        v.node is not None and v.node.kind == "prim::Uninitialized")
