"""Shape and dtype propagation for one input signature: every value gets its static type (the specialization)."""
from __future__ import annotations

import numpy as np

from ..builder import infer, insert_op
from ..errors import CompileError, JitcError, RuntimeShapeError, ShapeError, UnboundError
from ..ir import Block, Graph, Node
from ..ops import OPS
from ..ops.decomp import expand
from ..ops.decomp.table import UnsupportedError
from ..ops.registry import COMPOSITE
from ..symbolic import Sym, reset_unbacked, unbacked
from ..types import INT, TENSOR, ListType, ScalarType, TensorType, TupleType, Type
from .fold import fold_node

_counters = {"symbolic": False}  # whether loop counters are symbols (see specialize)


def specialize(graph: Graph, input_types: list[Type], symbolic_counters: bool = False) -> None:
    """Set the inputs' types and re-infer every node's output types in place. Values the types determine
    (`x.shape[0]`, arithmetic on them, shape lists) are folded on the way, so later shapes can use them; raises
    RuntimeShapeError when an array's shape still depends on a value known only at run time. With
    `symbolic_counters`, the counter of a loop with a known trip count is a symbol ranging over its iterations
    (jitc/symbolic.py), so `A[k + 1:]` in `for k in range(n)` has a shape: `n - u0 - 1` rows."""
    if symbolic_counters:  # (not for every graph: specialization may specialize a graph within one)
        reset_unbacked()
    _counters["symbolic"] = symbolic_counters
    try:
        for v, t in zip(graph.inputs, input_types):
            v.type = t
        _block(graph.block)
    finally:
        _counters["symbolic"] = False
    node = _unresolved(graph.block)
    if node is not None:
        raise RuntimeShapeError(f"the shape of {node.kind} depends on a value known only at run time{_at(node)}")


def _block(block: Block) -> None:
    for node in list(block.nodes):  # composites are replaced by their (already typed) primitives on the way
        if node.owning_block is block:  # not folded away while specializing an earlier node
            _node(node)
        if node.owning_block is block:  # nor expanded into primitives
            fold_node(block.graph, node)


def _unresolved(block: Block) -> Node | None:
    for node in block.nodes:
        for sub in node.blocks:
            found = _unresolved(sub)
            if found is not None:
                return found
        if node.kind != "prim::Uninitialized" and any(_unknown(v.type) for v in node.outputs):
            return node
    return None


def _buffer_type(t: Type) -> Type:
    """Values merged by prim::If / carried by prim::Loop live in their own contiguous buffers."""
    return TensorType.contiguous(t.dtype, t.shape) if isinstance(t, TensorType) and not _unknown(t) else t


def _same(a: Type, b: Type) -> bool:
    if isinstance(a, TensorType) and isinstance(b, TensorType):
        return a.dtype == b.dtype and a.shape == b.shape
    return a == b


def _unknown(t: Type) -> bool:
    return isinstance(t, TensorType) and (t.dtype is None or t.shape is None)


def _constant(v) -> bool:
    return v.node is not None and v.node.kind == "prim::Constant"


def _from_uninitialized(v) -> bool:
    return v.node is not None and v.node.kind == "prim::Uninitialized"


def _settle(v, t: Type) -> None:
    """A prim::Uninitialized value takes the type of what it stands in for (its value is never read)."""
    if _from_uninitialized(v):
        v.type = _buffer_type(t)


def _node(node: Node) -> None:
    kind = node.kind
    if kind == "prim::Uninitialized":
        return  # typed by _settle from the branch or loop that gives it a real value
    if kind in OPS and OPS[kind].kind == COMPOSITE:
        _expand(node)
    elif kind in OPS:
        try:
            node.output.type = infer(OPS[kind], node.inputs)
        except JitcError as e:  # e.g. shapes that do not broadcast: say where, in the user's code
            raise type(e)(f"{e}{_at(node)}") from None
    elif kind == "prim::ListConstruct":
        scalars = all(isinstance(v.type, ScalarType) for v in node.inputs)
        node.output.type = ListType(INT) if scalars else ListType(TENSOR)  # int[] shapes, Tensor[] to concatenate
    elif kind == "prim::TupleConstruct":
        node.output.type = TupleType(tuple(v.type for v in node.inputs))
    elif kind == "prim::TupleUnpack":
        if len(node.outputs) != len(node.inputs[0].type.elems):
            raise ShapeError(f"cannot unpack {len(node.inputs[0].type.elems)} values into {len(node.outputs)} names"
                             f"{_at(node)}")
        for v, t in zip(node.outputs, node.inputs[0].type.elems):
            v.type = t
    elif kind == "prim::TupleIndex":
        node.output.type = node.inputs[0].type.elems[node.inputs[1].node.attrs["value"]]
    elif kind == "prim::If" and _constant(node.inputs[0]):  # `if n_rep == 1` on a constant: only the taken
        taken = node.blocks[0 if node.inputs[0].node.attrs["value"] else 1]  # branch exists (fold inlines it)
        _block(taken)
        for v, r in zip(node.outputs, taken.returns):
            v.type = r.type
    elif kind == "prim::If":
        for b in node.blocks:
            _block(b)
        for i, v in enumerate(node.outputs):
            r0, r1 = node.blocks[0].returns[i], node.blocks[1].returns[i]
            _settle(r0, r1.type)
            _settle(r1, r0.type)
            t0, t1 = r0.type, r1.type
            if not _same(t0, t1):
                raise CompileError(f"the branches of an if give {t0} and {t1} for output {i}"
                                   f"{_at(node)}: the compiled code needs one static type")
            v.type = _buffer_type(t0)
    elif kind == "prim::Loop":
        _loop(node)
    elif kind != "prim::Constant":
        raise CompileError(f"cannot specialize {kind}{_at(node)}")


def _expand(node: Node) -> None:
    """A decomposition that needed shapes (a scripted np.split, np.einsum, ...): its primitives, now typed."""
    graph = node.graph
    try:
        with graph.inserting_before(node):
            result = expand(graph, OPS[node.kind], list(node.inputs), node.source)
    except UnsupportedError as e:  # not native: this signature runs the graph's np:: node through NumPy
        raise CompileError(f"{e}{_at(node)}") from None
    except JitcError as e:
        raise type(e)(f"{e}{_at(node)}") from None
    node.output.replace_all_uses_with(result)
    node.destroy()


def _symbolic_counter(node: Node) -> None:
    """Replace the uses of the loop's counter by its symbol (lowering stores the counter where kernels read it)."""
    body, trips = node.blocks[0], node.inputs[0]
    if "counter" in node.attrs or trips.node is None or trips.node.kind != "prim::Constant":
        return
    count = trips.node.attrs.get("value")
    if not isinstance(count, (int, Sym)) or isinstance(count, bool):
        return
    graph = node.graph
    with graph.inserting_before(body.nodes[0]) if body.nodes else graph.inserting_at_end(body):
        counter = graph.insert_constant(unbacked(0, count - 1), node.source)
    body.params[0].replace_all_uses_with(counter)
    node.attrs["counter"] = counter.node.attrs["value"]


def _runs(node: Node) -> None:
    """A loop that must run (a name its body assigns first is read after it): its trip count must be known."""
    trips = node.inputs[0]
    count = trips.node.attrs.get("value") if trips.node is not None and trips.node.kind == "prim::Constant" else None
    if not isinstance(count, int) or isinstance(count, bool):
        raise CompileError(f"a name assigned only inside this loop is read after it: the trip count must be known"
                           f"{_at(node)}")  # the executor specializes the int arguments by value then
    if count < 1:
        raise UnboundError(f"a name assigned only inside the loop is read after it, but the loop runs {count} "
                           f"times{_at(node)}")


def _loop(node: Node) -> None:
    if node.attrs.get("runs"):
        _runs(node)
    if _counters["symbolic"]:
        _symbolic_counter(node)
    body = node.blocks[0]
    carried = [_buffer_type(v.type) for v in node.inputs[2:]]
    for p, t in zip(body.params[1:], carried):
        p.type = t
    _block(body)
    if any(_from_uninitialized(v) for v in node.inputs[2:]):  # learn those types from the body, then redo it
        for v, p, r in zip(node.inputs[2:], body.params[1:], body.returns[1:]):
            if _from_uninitialized(v):
                _settle(v, r.type)
                p.type = _buffer_type(r.type)
        _block(body)
    if _promote_scalars(node):
        _block(body)
    for p, r in zip(body.params[1:], body.returns[1:]):
        if _unknown(r.type) and not _unknown(p.type):  # a shape from the counter: retried with it a symbol
            raise RuntimeShapeError(f"the shape of a loop-carried value depends on a value known only at run "
                                    f"time{_at(node)}")
        if not _same(p.type, r.type):
            raise CompileError(f"a loop-carried value changes type from {p.type} to {r.type}{_at(node)}: "
                               "the compiled code needs one static type")
    for v, p in zip(node.outputs, body.params[1:]):
        v.type = p.type


def _promote_scalars(loop: Node) -> bool:
    """A Python scalar carried by a loop whose body makes it a NumPy scalar (`t = 0.0; t += np.tanh(a[i])`) is
    carried as that 0-d array from the start: the initial value converted as NumPy's first `+` would."""
    body, changed = loop.blocks[0], False
    for k, (p, r) in enumerate(zip(body.params[1:], body.returns[1:])):
        if isinstance(p.type, ScalarType) and isinstance(r.type, TensorType) and r.type.shape == ():
            init = loop.inputs[2 + k]
            graph = loop.graph
            with graph.inserting_before(loop):
                zero = insert_op(graph, OPS["aten::zeros"], [(), np.dtype(r.type.dtype).name], loop.source)
                converted = insert_op(graph, OPS["aten::add"], [init, zero], loop.source)
            loop.set_input(2 + k, converted)
            p.type = _buffer_type(converted.type)
            changed = True
    return changed


def _at(node: Node) -> str:
    return f" (at {node.source})" if node.source else ""
