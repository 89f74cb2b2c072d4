"""Mutation while tracing, functionalized as scripting does it (see jitc/script/memory.py, writes.py).

The concrete arrays really change (NumPy views alias), so the traced run computes what eager NumPy computes. In
the graph, each proxy knows its root proxy and the view steps from it; a write makes a new version of the root
(`aten::index_put`), and a view's graph value is derived again from its root's current version when read. At the
end, inputs whose root changed are written back with `aten::copy_`, and a returned input is the input itself.
"""
from __future__ import annotations

import numpy as np

from .indexing import index_steps
from .ir import Graph, Value
from .ops import OPS
from .ops.mutation import PART_OPS, WRITE_STEPS, check_cast
from .ops.registry import VIEW
from .ops.shared_results import write_refusal


class ProxyMemory:
    """What a proxy is in memory: its root proxy and the view steps from it (the root itself: no steps)."""

    def __init__(self, root, steps: tuple = (), derived_from: Value | None = None):
        self.root, self.steps, self.derived_from = root, steps, derived_from
        self.shared = None  # a view in NumPy computed as a new array: (how it was spelled, [(base, its version)])


def root_of(proxy):
    root = proxy.memory.root
    return proxy if root is None else root


def track_view(tracer, op, base, result) -> None:
    """A view op's result proxy views its input's memory."""
    if op.kind != VIEW or not hasattr(base, "memory") or not hasattr(result, "memory"):
        return
    if op.short == "reshape" and not np.may_share_memory(result.value, base.value):
        return  # NumPy copied (the base's strides allow no view): a new array, as in NumPy
    node = result._ir.node
    args = tuple(v.node.attrs.get("value") if v.node.kind == "prim::Constant" else v for v in node.inputs[1:])
    mem = base.memory
    root = root_of(base)
    result.memory = ProxyMemory(root, mem.steps + ((op.short, *args),), root._ir)


def share_memory(result, bound: list, spelled: str, numpy_result) -> None:
    """The result of a call that may give a view in NumPy (ops/shared_results.py), against NumPy's own result on
    the concrete values: a view of an argument computed as a new array is marked, so writing through it and
    reading it after that argument changed are refused; a view where NumPy copied (np.ravel of strided memory)
    becomes a new array."""
    from .proxy import Proxy

    bases = [root_of(a) for a in _flat(bound) if isinstance(a, Proxy)]
    items = result if isinstance(result, tuple) else (result,)
    theirs = numpy_result if isinstance(numpy_result, (tuple, list)) else (numpy_result,)
    for item, their in zip(items, theirs):
        if not isinstance(item, Proxy):
            continue
        viewed = [b for b in bases if root_of(item) is b]  # (a copy is new memory: it cannot overlap an input)
        if not viewed and any(np.may_share_memory(their, b.value) for b in bases):
            root_of(item).memory.shared = (spelled, [(b, b._ir) for b in bases])
        elif viewed and not any(np.may_share_memory(their, b.value) for b in viewed):
            ir = current_ir(item)
            item.memory, item._ir, item.value = ProxyMemory(None), ir, item.value.copy()


def _flat(items):
    for x in items:
        yield from _flat(x) if isinstance(x, (tuple, list)) else (x,)


def _check_shared(proxy, what: str) -> None:
    shared = root_of(proxy).memory.shared
    if shared is None:
        return
    spelled, bases = shared
    if what == "write":
        raise proxy._tracer.unsupported(write_refusal(spelled))
    if any(b._ir is not version for b, version in bases):
        raise proxy._tracer.unsupported(f"reading the result of {spelled} (a view in NumPy) after the array it "
                                        "views was written")


def current_ir(proxy) -> Value:
    """The proxy's graph value for the current content of its memory."""
    _check_shared(proxy, "read")
    mem = proxy.memory
    if mem.root is None or mem.derived_from is mem.root._ir:
        return proxy._ir
    value = mem.root._ir
    graph = value.graph
    for name, *args in mem.steps:
        value = _insert(graph, OPS[f"aten::{name}"], [value, *args])
    proxy._ir, mem.derived_from = value, mem.root._ir
    return value


def _insert(graph: Graph, op, args: list) -> Value:
    from .builder import insert_op
    from .source import user_location

    loc = user_location()
    return insert_op(graph, op, args, str(loc) if loc else None)


def write(tracer, target, index, value, casting: str = "unsafe") -> None:
    """`target[index] = value` on a proxy (index may be () for the whole array, or a boolean mask proxy)."""
    from .proxy import Proxy

    if not isinstance(target, Proxy):
        raise tracer.unsupported("writing a traced array into an array that is not traced")
    mem = target.memory
    root = root_of(target)
    _check_shared(target, "write")
    if root._ir.node is not None and root._ir.node.kind in PART_OPS:
        raise tracer.unsupported("writing into .real or .imag (a view of the complex array in NumPy)")
    concrete = value.value if isinstance(value, Proxy) else value
    if isinstance(index, Proxy):
        if index.dtype != np.bool_:
            raise tracer.unsupported("assigning through an integer index array")
        target.value[index.value] = concrete
        if any(n != 1 for n in np.shape(concrete)):  # values for the selected elements, in C order (scatter.py)
            masked = tracer.record(OPS["aten::index_assign"], (target, index, value), {})
        else:
            masked = tracer.record(OPS["aten::masked_put"], (index, value, target), {})
        _put(tracer, root, mem.steps, masked, "unsafe")
        return
    items = index if isinstance(index, tuple) else (index,)
    if any(isinstance(i, Proxy) for i in items):
        index = tuple(int(i) if isinstance(i, Proxy) else i for i in items)
    steps = tuple((OPS[name].short, *args) for name, *args in index_steps(index, target.ndim))
    if isinstance(value, Proxy) and root_of(value) is root and value.memory.steps == mem.steps + steps:
        return  # `A[i] += v` writes the view A[i] in place, then Python assigns it to A[i] again
    view = target.value[index] if steps else target.value
    if casting != "unsafe":
        check_cast(np.asarray(concrete).dtype, target.dtype, casting, np.ndim(view))
    if isinstance(view, np.ndarray):
        view[...] = concrete
    else:
        target.value[index] = concrete
    _put(tracer, root, mem.steps + steps, value, casting)


def _put(tracer, root, steps: tuple, value, casting: str) -> None:
    for step in steps:
        if step[0] not in WRITE_STEPS:
            raise tracer.unsupported(f"writing through a view made by {step[0]}")
    from .proxy import Proxy

    graph = tracer.frame.graph
    v = current_ir(value) if isinstance(value, Proxy) else tracer.ir_of(value, None)
    root._ir = _insert(graph, OPS["aten::index_put"], [current_ir(root), v, steps, casting])


def augmented(tracer, op_name: str, target, other):
    """`x op= y` on a proxy: NumPy's in-place ufunc (same_kind casting); returns x itself. An element picked by
    integer indexing (`x[0] += v`) is a NumPy scalar, not a view: the result is new (Python then assigns it)."""
    result = tracer.record(OPS[op_name], (target, other), {})
    if target.memory.root is not None and target.ndim == 0:
        return result
    write(tracer, target, (), result, "same_kind")
    return target


def write_back(graph: Graph, inputs: list) -> None:
    """Inputs whose memory changed get their final content at the end of the trace."""
    for proxy in inputs:
        value = getattr(proxy, "input_value", None)  # None: a Python scalar argument
        if value is not None and proxy._ir is not value:
            _insert(graph, OPS["aten::copy_"], [value, proxy._ir])


def returned(proxy) -> Value:
    """A returned proxy: an input (or a view of one) is the caller's array, else its current value."""
    mem = proxy.memory
    root = root_of(proxy)
    value = getattr(root, "input_value", None)
    if value is None:
        return current_ir(proxy)
    for name, *args in mem.steps:
        value = _insert(value.graph, OPS[f"aten::{name}"], [value, *args])
    return value
