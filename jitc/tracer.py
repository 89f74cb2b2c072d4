"""The tracer: records each NumPy op run on proxy arrays into the graph being traced, with its inputs and outputs."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .builder import insert_op
from .errors import JitcError, SignatureError
from .indexing import index_steps
from .ir import Graph, Value
from .nn.module import Module
from .ops import OPS, OpDef, bind
from .ops.decomp import UnsupportedError
from .ops.decomp.indexing import getitem, is_advanced
from .ops.mutation import PART_OPS
from .ops.registry import COMPOSITE, decompose
from .ops.shared_results import shared_result
from .proxy import Proxy, ScalarProxy, describe_value
from .script_module import ScriptModule, refuse_subclass
from .source import user_location
from .trace_writes import returned, share_memory, track_view, write_back
from .types import TENSOR, ListType, TensorType, TupleType, type_of_constant

MAX_OPS_PER_LINE = 256  # more, from one source line, is a Python loop unrolled into the trace


@dataclass
class Frame:
    """One graph being recorded: the top-level function/forward or a submodule's forward."""

    graph: Graph
    module: Module | None = None
    self_value: Value | None = None
    attrs: dict = field(default_factory=dict)  # (id(owner), name) -> Value, so each GetAttr is emitted once


class Tracer:
    """The trace in progress: a stack of graphs being recorded (submodule calls push one, see trace_modules.py)."""

    def __init__(self):
        self.frames: list[Frame] = []
        self.script_modules: dict[int, ScriptModule] = {}  # id(nn.Module) -> its ScriptModule
        self.recorded: dict = {}  # (file, line) -> ops recorded there
        self.value_inputs: frozenset[int] = frozenset()  # scalar inputs whose value the trace bakes in

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    # ---- recording
    def ir_of(self, a, source: str | None):
        """The graph value (or Python constant) for an argument: proxies give their value, arrays a constant."""
        if isinstance(a, Proxy):
            if a.ir.graph is not self.frame.graph:
                raise JitcError(f"a traced array from another module's trace was used here{self.where()}; "
                                "pass it as an argument instead")
            return a.ir
        if isinstance(a, (list, tuple)):
            if _is_array_list(a):
                items = [insert_op_const(self.frame.graph, self.ir_of(x, source), source) for x in a]
                return self.frame.graph.insert("prim::ListConstruct", items, [ListType(TENSOR)], source=source).output
            if any(isinstance(x, Proxy) for x in a):
                return tuple(int(x) for x in a)  # e.g. a shape built from traced values: baked (warned)
            return a
        if isinstance(a, np.generic):
            return np.asarray(a)
        if isinstance(a, type) and issubclass(a, np.generic) or isinstance(a, np.dtype):
            return np.dtype(a).name
        return a

    def record(self, op: OpDef, args, kwargs) -> Proxy:
        loc = user_location()
        where = f" at {loc}" if loc else ""
        self._count(loc)
        bound = bind(op, tuple(args), kwargs, where)
        for i, a in enumerate(bound):  # a traced scalar as an axis, a shape, a dtype: the trace holds its value
            if isinstance(a, ScalarProxy) and i not in op.tensor_params:
                self.bake(a)
                bound[i] = a.value
        if op.kind == COMPOSITE:
            try:
                result = decompose(op, bound)  # its NumPy code runs on the proxies and records the primitives
            except UnsupportedError as e:
                raise JitcError(f"{e}{self.where()}") from None
            spelled = shared_result(op, bound)
            if spelled is not None:  # NumPy's own result says whether it is a view (np.ravel: by the strides)
                share_memory(result, bound, spelled, op.impl(*[_unwrap(a) for a in bound]))
            return result
        concrete = [_unwrap(a) for a in bound]
        result = op.impl(*concrete)
        inputs = [self.ir_of(a, str(loc) if loc else None) for a in bound]
        inputs = [insert_op_const(self.frame.graph, v, loc) for v in inputs]
        result_type = TensorType.of(np.asarray(result)) if isinstance(result, (np.ndarray, np.generic)) \
            else type_of_constant(result)
        value = insert_op(self.frame.graph, op, inputs, str(loc) if loc else None, out_type=result_type)
        if isinstance(result, (np.ndarray, np.generic)):
            proxy = Proxy(self, result if isinstance(result, np.ndarray) else np.asarray(result), value)
            proxy.numpy_scalar = isinstance(result, np.generic)
            track_view(self, op, bound[0], proxy)
            if op.name in PART_OPS and bound[0] is not None:
                share_memory(proxy, bound, shared_result(op, bound), result)
            return proxy
        return result

    def record_scalar(self, op: OpDef, args, value) -> ScalarProxy:
        """Python arithmetic on traced scalars: recorded, with the value Python computed."""
        loc = user_location()
        self._count(loc)
        inputs = [insert_op_const(self.frame.graph, self.ir_of(a, None), loc) for a in args]
        out = insert_op(self.frame.graph, op, inputs, str(loc) if loc else None, out_type=type_of_constant(value))
        sources = frozenset().union(*(a.sources for a in args if isinstance(a, ScalarProxy)))
        return ScalarProxy(self, value, out, sources)

    def bake(self, scalar: ScalarProxy) -> None:
        """A traced scalar used as a Python value (a range bound, a condition): the trace holds its value, so it is
        specialized to the values of the inputs it came from."""
        self.value_inputs |= scalar.sources

    def index(self, x: Proxy, index) -> Proxy:
        try:
            if is_advanced(index):
                return getitem(x, index, self.index)
        except UnsupportedError as e:
            raise JitcError(f"{e}{self.where()}") from None
        items = index if isinstance(index, tuple) else (index,)
        for i in items:
            if isinstance(i, Proxy) and (i.ndim != 0 or i.dtype.kind not in "iu"):
                raise self.unsupported(f"indexing with a {i.dtype} array of shape {i.shape} (advanced indexing)")
        if any(isinstance(i, Proxy) for i in items):
            index = tuple(int(i) if isinstance(i, Proxy) else i for i in items)
        for name, *args in index_steps(index, x.ndim):
            x = self.record(OPS[name], (x, *args), {})
        return x

    def _count(self, loc) -> None:
        """Refuse to unroll a Python loop into a huge graph: one source line recorded over and over is a loop."""
        key = (loc.path, loc.line) if loc else None
        n = self.recorded[key] = self.recorded.get(key, 0) + 1
        if n > MAX_OPS_PER_LINE:
            raise JitcError(f"tracing recorded the op at {loc or 'one line'} more than {MAX_OPS_PER_LINE} times: a "
                            f"Python loop is being unrolled into the graph{self.where()}; use jitc.script (it keeps the "
                            "loop a prim::Loop)")

    def unsupported(self, what: str) -> JitcError:
        return JitcError(f"{what} is not supported by jitc{self.where()}")

    def warn_baked(self, what: str, value):
        loc = user_location()
        shown = describe_value(value)
        msg = (f"Converting a traced array to {what} might cause the trace to be incorrect: the value ({shown}) is "
               f"baked into the trace as a constant, so other inputs will not change it"
               f"{f' (at {loc})' if loc else ''}. Use jitc.script to keep data-dependent control flow.")
        if loc:
            warnings.warn_explicit(msg, _tracer_warning(), loc.path, loc.line)
        else:
            warnings.warn(msg, _tracer_warning(), stacklevel=3)
        return value

    def where(self) -> str:
        """` (at file:line: source)` for messages, where the user's code is on the stack."""
        loc = user_location()
        return f" (at {loc}: {loc.source_line().strip()})" if loc else ""

    # ---- graph inputs and outputs
    def input_proxy(self, graph: Graph, a, i: int, name: str | None = None):
        """A traced input over a copy of the example (the traced run may write to it; the caller's stays)."""
        if isinstance(a, Proxy):
            a = a.value
        if isinstance(a, np.generic):
            a = np.asarray(a)
        if isinstance(a, (bool, int, float, complex)):
            return ScalarProxy(self, a, graph.add_input(type_of_constant(a), name), frozenset({i}))
        if not isinstance(a, np.ndarray):
            raise SignatureError(f"trace: example input {i} must be a NumPy array or a Python int/float/complex/bool, got "
                                 f"{type(a).__name__}")
        refuse_subclass(a, f"trace: example input {i}")
        value = graph.add_input(TensorType.of(a), name)
        proxy = Proxy(self, _copy_keeping_strides(a), value)
        proxy.input_value = value
        return proxy

    def set_outputs(self, graph: Graph, result, inputs: list) -> None:
        self.frames.append(Frame(graph))
        try:
            with graph.inserting_at_end(graph.block):
                write_back(graph, inputs)
                graph.block.add_return(self._output_value(graph, result))
        finally:
            self.frames.pop()

    def _output_value(self, graph: Graph, result) -> Value:
        if isinstance(result, (tuple, list)):
            items = [self._output_value(graph, r) for r in result]
            return graph.insert("prim::TupleConstruct", items, [TupleType(tuple(v.type for v in items))]).output
        if isinstance(result, Proxy):
            return returned(result)
        if not isinstance(result, (np.ndarray, np.generic, bool, int, float, str, type(None))):
            raise SignatureError(f"trace: outputs must be arrays, Python scalars or (nested) tuples/lists of them, "
                                 f"got {type(result).__name__}")
        return graph.insert_constant(result)  # a NumPy scalar stays one (results.numpy_gives_scalar)


def insert_op_const(graph: Graph, v, loc) -> Value:
    if isinstance(v, Value):
        return v
    return graph.insert_constant(v, str(loc) if loc else None)


def _is_array_list(a) -> bool:
    """A list of arrays (np.concatenate's first argument) rather than a shape built from traced scalars."""
    return any(isinstance(x, Proxy) for x in a) and all(isinstance(x, (Proxy, np.ndarray)) for x in a) \
        and any(x.ndim > 0 for x in a)


def _unwrap(a):
    """An op argument's concrete value (lists of arrays keep their type: NumPy reads them as sequences)."""
    if isinstance(a, (list, tuple)):
        return type(a)(_unwrap(x) for x in a)
    return a.value if isinstance(a, Proxy) else a


def _tracer_warning():
    from .errors import TracerWarning

    return TracerWarning


def _copy_keeping_strides(a: np.ndarray) -> np.ndarray:
    """A copy of an input with its strides: what NumPy makes a view of while tracing (a reshape) is what it makes
    a view of in the caller's array."""
    if a.flags.c_contiguous or a.size == 0 or any(s % a.itemsize for s in a.strides):
        return a.copy()
    low = sum(s * (n - 1) for s, n in zip(a.strides, a.shape) if s < 0)
    high = sum(s * (n - 1) for s, n in zip(a.strides, a.shape) if s > 0)
    buffer = np.empty((high - low) // a.itemsize + 1, a.dtype)
    copy = np.ndarray(a.shape, a.dtype, buffer, offset=-low, strides=a.strides)
    copy[...] = a
    return copy
