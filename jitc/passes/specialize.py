"""Shape and dtype propagation for one input signature: every value gets its static type (the specialization)."""
from __future__ import annotations

import numpy as np

from ..builder import infer, insert_op
from ..errors import CompileError, JitcError, RuntimeShapeError, ShapeError
from ..ir import Block, Graph, Node
from ..ops import OPS
from ..ops.decomp import expand
from ..ops.decomp.table import UnsupportedError
from ..ops.registry import COMPOSITE, ELEMENTWISE
from ..symbolic import Sym, reset_unbacked, unbacked
from ..types import INT, TENSOR, ListType, ScalarType, TensorType, TupleType, Type
from .clone import clone_node
from .fold import fold_node
from .peel import can_peel, drop_if_never_runs, peel_first_iteration, spare_body

_counters = {"symbolic": False, "unroll": False, "peel": False}  # loop counters as symbols, loops unrolled, peeled
MAX_UNROLL = 16  # trips of a loop unrolled when its shapes depend on the counter in a way symbols cannot say
UNROLL_BUDGET = 4096  # nodes all unrolled copies of one specialization may add (nested loops multiply)
_weak_merges: list = []  # If outputs whose Python-scalar branch became a 0-d array (see _scalar_as_array)


class PeelNeeded(CompileError):
    """A loop's first iteration changes a carried value's type: specialize again with `peel_loops`."""


def specialize(graph: Graph, input_types: list[Type], symbolic_counters: bool = False,
               unroll_loops: bool = False, peel_loops: bool = False) -> None:
    """Set the inputs' types and re-infer every node's output types in place. Values the types determine
    (`x.shape[0]`, arithmetic on them, shape lists) are folded on the way, so later shapes can use them; raises
    RuntimeShapeError when an array's shape still depends on a value known only at run time. With
    `symbolic_counters`, the counter of a loop with a known trip count is a symbol ranging over its iterations
    (jitc/symbolic.py), so `A[k + 1:]` in `for k in range(n)` has a shape: `n - u0 - 1` rows. With
    `unroll_loops`, a loop of at most MAX_UNROLL trips known here is unrolled, each trip's counter a constant
    (`y[::n // 2 ** i]` for i in range(4): a stride no symbol expresses). A loop whose first iterations change a
    carried value's type raises PeelNeeded, unless `peel_loops` (see passes/peel.py: each loop's body is kept
    aside before it is specialized, which costs time only those graphs need to spend)."""
    if symbolic_counters:  # (not for every graph: specialization may specialize a graph within one)
        reset_unbacked()
    _counters["symbolic"], _counters["peel"] = symbolic_counters, peel_loops
    unrolling, _counters["unroll"] = _counters["unroll"], unroll_loops
    budget, _counters["budget"] = _counters.get("budget", UNROLL_BUDGET), UNROLL_BUDGET
    _weak_merges.clear()
    try:
        for v, t in zip(graph.inputs, input_types):
            v.type = t
        _block(graph.block)
        _check_weak_merges()
    finally:
        _counters["symbolic"] = _counters["peel"] = False
        _counters["unroll"], _counters["budget"] = unrolling, budget
        _weak_merges.clear()
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
            r0, r1 = _scalar_as_array(node, i, r0, r1), _scalar_as_array(node, i, r1, r0)
            t0, t1 = r0.type, r1.type
            if not _same(t0, t1):
                raise CompileError(f"the branches of an if give {t0} and {t1} for output {i}"
                                   f"{_at(node)}: the compiled code needs one static type")
            v.type = _buffer_type(t0)
    elif kind == "prim::Loop" and _never_runs(node):  # its body's shapes may not exist (`A[k:]` of an empty A)
        for v, init in zip(node.outputs, node.inputs[2:]):
            v.replace_all_uses_with(init)
        node.destroy()
    elif kind == "prim::Loop":
        _loop(node)
    elif kind == "prim::Constant" and isinstance(node.attrs.get("value"), (np.ndarray, np.generic)):
        node.output.type = TensorType.of(np.asarray(node.attrs["value"]))  # scripted graphs say `Tensor`
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


def _never_runs(loop: Node) -> bool:
    trips = loop.inputs[0]
    return _constant(trips) and type(trips.node.attrs.get("value")) is int and trips.node.attrs["value"] <= 0


def _loop(node: Node) -> None:
    if _counters["unroll"] and _unrollable(node):
        _unroll(node)
        return
    if _counters["symbolic"]:
        _symbolic_counter(node)
    spare = spare_body(node) if _counters["peel"] and "counter" not in node.attrs else None
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
    changed = [(p.type, r.type) for p, r in zip(body.params[1:], body.returns[1:]) if not _same(p.type, r.type)]
    if changed and drop_if_never_runs(node):
        if spare is not None:
            spare.clear()
        return
    if changed and spare is None and can_peel(node):
        raise PeelNeeded(f"a loop-carried value changes type in the loop's first iteration{_at(node)}")
    if changed and spare is not None and peel_first_iteration(node, spare):
        if node.owning_block is not None:  # the rest of the loop, on the types the first iteration made
            _loop(node)
        else:
            spare.clear()
        return
    if changed:
        (before, after), peeled = changed[0], node.attrs.get("peeled", 0)
        again = f" in each of its first {peeled + 1} iterations" if peeled else ""
        raise CompileError(f"a loop-carried value changes type from {before} to {after}{again}{_at(node)}: the "
                           "compiled code needs one static type from the iteration on where it stops changing "
                           "(a loop whose first iteration may not run keeps its entry types)")
    if spare is not None:
        spare.clear()
    for v, p in zip(node.outputs, body.params[1:]):
        v.type = p.type


def _scalar_as_array(node: Node, i: int, r, other):
    """`np.sign(x[0]) if x[0] != 0 else 1.0`: a Python scalar beside a NumPy scalar becomes that 0-d array, made
    in its own branch as NumPy's `+` with the other's dtype would (an int array's dtype never holds a float).
    NumPy's result keeps the Python scalar weak, so _check_weak_merges accepts only uses where that is alike."""
    if not (isinstance(r.type, ScalarType) and isinstance(other.type, TensorType) and other.type.shape == ()):
        return r
    block = next(b for b in node.blocks if b.returns[i] is r)
    graph = node.graph
    with graph.inserting_at_end(block):
        zero = insert_op(graph, OPS["aten::zeros"], [(), np.dtype(other.type.dtype).name], node.source)
        converted = insert_op(graph, OPS["aten::add"], [r, zero], node.source)
    block.returns[i] = converted
    r.uses.remove(block)
    converted.uses.append(block)
    _weak_merges.append((node.outputs[i], r.type))
    return converted


def _check_weak_merges() -> None:
    """A merged Python scalar computes as NumPy's weak one where the 0-d array's dtype is what every use would
    have anyway: stored into an array of that dtype, or in an elementwise op with an array of that dtype that
    gives that dtype. Anywhere else (returned, a reduction, a float32 scalar beside a float64 array, where the
    Python float would stay exact) the branches need different static types: CompileError (NumPy runs it)."""
    for v, scalar in _weak_merges:
        dtype = v.type.dtype
        for use in v.uses:
            if not _same_as_weak(use, v, dtype):
                where = use.owning_node if isinstance(use, Block) else use
                raise CompileError(f"the branches of an if give {scalar} and {v.type}{_at(v.node)}, and the value "
                                   f"is used where they differ{_at(where) if where is not None else ''}: the "
                                   "compiled code needs one static type")


def _same_as_weak(use, v, dtype) -> bool:
    if isinstance(use, Block):
        return False
    if use.kind in ("aten::index_put", "aten::copy_"):
        dst = use.inputs[0].type
        return use.inputs[0] is not v and isinstance(dst, TensorType) and dst.dtype == dtype
    if use.kind not in OPS or OPS[use.kind].kind != ELEMENTWISE or not isinstance(use.output.type, TensorType):
        return False
    others = [x.type for x in use.inputs if x is not v]
    return use.output.type.dtype == dtype and any(isinstance(t, TensorType) and t.dtype == dtype for t in others) \
        and all(t.dtype == dtype for t in others if isinstance(t, TensorType))


def _unrollable(loop: Node) -> bool:
    """A for loop (no break: its condition stays a constant True) of a few trips known now."""
    trips, go, body = loop.inputs[0], loop.inputs[1], loop.blocks[0]
    known = [v for v in (trips, go, body.returns[0]) if _constant(v)]
    if len(known) != 3:
        return False
    count = trips.node.attrs.get("value")
    if not (isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= MAX_UNROLL and
            go.node.attrs.get("value") is True and body.returns[0].node.attrs.get("value") is True):
        return False
    cost = count * sum(1 for _ in body.walk())
    if cost > _counters["budget"]:
        return False
    _counters["budget"] -= cost
    return True


class _Outer(dict):
    """A clone's value map: values from outside the loop body stand for themselves."""

    def __missing__(self, v):
        return v


def _unroll(loop: Node) -> None:
    """The body once per trip before the loop, the counter a constant, the carried values threaded through;
    then the copies are specialized as the block's own nodes would have been."""
    graph, block, body = loop.graph, loop.owning_block, loop.blocks[0]
    carried = list(loop.inputs[2:])
    with graph.inserting_before(loop):
        start = block.nodes.index(loop)
        for trip in range(loop.inputs[0].node.attrs["value"]):
            env = _Outer(zip(body.params, [graph.insert_constant(trip, loop.source), *carried]))
            for n in body.nodes:
                clone_node(n, graph, env)
            carried = [env[r] for r in body.returns[1:]]
        copies = block.nodes[start:block.nodes.index(loop)]
    for v, final in zip(loop.outputs, carried):
        v.replace_all_uses_with(final)
    loop.destroy()
    for n in copies:
        if n.owning_block is block:
            _node(n)
        if n.owning_block is block:
            fold_node(graph, n)


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
