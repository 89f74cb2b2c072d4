"""`jitc.trace`: run the model once on proxy arrays and record every NumPy op into a graph."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .builder import insert_op
from .errors import JitcError, SignatureError
from .indexing import index_steps
from .ir import Graph, Value
from .nn.module import HOOKS, Module
from .ops import OPS, OpDef, bind
from .ops.decomp import UnsupportedError
from .ops.decomp.indexing import getitem, is_advanced
from .ops.registry import COMPOSITE, decompose
from .proxy import Proxy, ScalarProxy, describe_value
from .script_module import ScriptFunction, ScriptModule, check_args, refuse_subclass
from .source import user_location
from .trace_writes import returned, track_view, write_back
from .types import TENSOR, ListType, ModuleType, TensorType, TupleType, type_of_constant

MAX_OPS_PER_LINE = 256  # more, from one source line, is a Python loop unrolled into the trace


class TracingCheckError(JitcError):
    """check_trace found that the traced graph does not reproduce the eager results."""


@dataclass
class _Frame:
    """One graph being recorded: the top-level function/forward or a submodule's forward."""

    graph: Graph
    module: Module | None = None
    self_value: Value | None = None
    attrs: dict = field(default_factory=dict)  # (id(owner), name) -> Value, so each GetAttr is emitted once


class Tracer:
    def __init__(self):
        self.frames: list[_Frame] = []
        self.script_modules: dict[int, ScriptModule] = {}  # id(nn.Module) -> its ScriptModule
        self.recorded: dict = {}  # (file, line) -> ops recorded there
        self.value_inputs: frozenset[int] = frozenset()  # scalar inputs whose value the trace bakes in

    @property
    def frame(self) -> _Frame:
        return self.frames[-1]

    # ---- recording
    def ir_of(self, a, source: str | None):
        """The graph value (or Python constant) for an argument: proxies give their value, arrays a constant."""
        if isinstance(a, Proxy):
            if a.ir.graph is not self.frame.graph:
                raise JitcError(f"a traced array from another module's trace was used here{self._at()}; "
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
                return decompose(op, bound)  # its NumPy code runs on the proxies and records the primitives
            except UnsupportedError as e:
                raise JitcError(f"{e}{self._at()}") from None
        concrete = [_unwrap(a) for a in bound]
        result = op.impl(*concrete)
        inputs = [self.ir_of(a, str(loc) if loc else None) for a in bound]
        inputs = [insert_op_const(self.frame.graph, v, loc) for v in inputs]
        result_type = TensorType.of(np.asarray(result)) if isinstance(result, (np.ndarray, np.generic)) \
            else type_of_constant(result)
        value = insert_op(self.frame.graph, op, inputs, str(loc) if loc else None, out_type=result_type)
        if isinstance(result, (np.ndarray, np.generic)):
            proxy = Proxy(self, result if isinstance(result, np.ndarray) else np.asarray(result), value)
            track_view(self, op, bound[0], proxy)
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
            raise JitcError(f"{e}{self._at()}") from None
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
                            f"Python loop is being unrolled into the graph{self._at()}; use jitc.script (it keeps the "
                            "loop a prim::Loop)")

    def unsupported(self, what: str) -> JitcError:
        return JitcError(f"{what} is not supported by jitc{self._at()}")

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

    def _at(self) -> str:
        loc = user_location()
        return f" (at {loc}: {loc.source_line().strip()})" if loc else ""

    # ---- modules
    def getattr_hook(self, owner: Module, name: str, value):
        path = self._path_to(owner)
        if path is None or not isinstance(value, np.ndarray):
            return value  # not reachable from the module being traced: a constant
        return Proxy(self, value, self._get_attr_chain(path + [name], value))

    def _path_to(self, owner) -> list[str] | None:
        frame = self.frame
        if frame.module is None:
            return None
        for name, m in frame.module.named_modules():
            if m is owner:
                return name.split(".") if name else []
        return None

    def _get_attr_chain(self, path: list[str], leaf) -> Value:
        frame = self.frame
        value, owner = frame.self_value, frame.module
        for name in path:
            key = (id(owner), name)
            target = owner._modules.get(name) if name in owner._modules else leaf
            if key not in frame.attrs:
                t = ModuleType(type(target).__name__) if isinstance(target, (Module, ScriptModule)) \
                    else TensorType.of(target)
                if isinstance(target, ScriptModule):
                    t = ModuleType(target.original_name)
                node = frame.graph.insert("prim::GetAttr", [value], [t], {"name": name})
                node.output.set_name(f"_{name}" if name[:1].isdigit() else name)  # `%_0` for Sequential's "0"
                frame.attrs[key] = node.output
            value, owner = frame.attrs[key], target
        return value

    def call_hook(self, module, args, kwargs):
        if isinstance(module, ScriptFunction):
            check_args(module.graph, tuple(_concrete(args)), module.name, skip_self=False)
            return self._inline_script(module.graph, list(args))
        if kwargs:
            raise JitcError(f"keyword arguments to module calls are not supported when tracing{self._at()}")
        path = self._path_to(module)
        if path is None or not path:
            if isinstance(module, ScriptModule):
                return self._inline_script(module.graph, [module, *args])
            return module.forward(*args)  # a module that is not an attribute: its ops are recorded inline
        loc = user_location()
        target_value = self._get_attr_chain(path, module)
        if isinstance(module, ScriptModule):
            outputs = _run_concrete(module, args)
        else:
            outputs = self.trace_module(module, args)
        if any(n.kind == "aten::copy_" for n in self.script_module_for(module).graph.nodes()):
            raise self.unsupported(f"calling the submodule '{'.'.join(path)}', which writes to its arguments in "
                                   "place,")
        graph = self.frame.graph
        inputs = [target_value] + [insert_op_const(graph, self.ir_of(a, None), loc) for a in args]
        out_type = _type_of_result(outputs)
        node = graph.insert("prim::CallMethod", inputs, [out_type], {"name": "forward"}, str(loc) if loc else None)
        return self._wrap_outputs(node.output, outputs, loc)

    def _wrap_outputs(self, value: Value, outputs, loc):
        if isinstance(outputs, tuple):
            unpack = self.frame.graph.insert("prim::TupleUnpack", [value], [_type_of_result(o) for o in outputs],
                                             source=str(loc) if loc else None)
            return tuple(self._wrap_outputs(v, o, loc) for v, o in zip(unpack.outputs, outputs))
        if isinstance(outputs, np.ndarray):
            return Proxy(self, outputs, value)
        return outputs

    def _inline_script(self, graph: Graph, args: list):
        """A ScriptFunction (or unattached ScriptModule) called while tracing: its graph is copied in whole, so its
        control flow stays (prim::If/prim::Loop are not baked)."""
        from .interpreter import run_graph
        from .passes.clone import clone_block_into

        concrete = [a.value if isinstance(a, Proxy) else a for a in args]
        results = run_graph(graph, concrete)
        env = {}
        for p, a in zip(graph.inputs, args):
            v = self.ir_of(a, None)
            env[p] = v if isinstance(v, Value) else insert_op_const(self.frame.graph, v, None)
        clone_block_into(graph.block, self.frame.graph.block, env)
        outs = [self._wrap_outputs(env[r], c, None) for r, c in zip(graph.outputs, results)]
        return outs[0] if len(outs) == 1 else tuple(outs)

    def trace_module(self, module: Module, args):
        """Trace module.forward into its own graph (TorchScript keeps one graph per submodule)."""
        graph = Graph()
        self_value = graph.add_input(ModuleType(type(module).__name__), "self")
        frame = _Frame(graph, module, self_value)
        names = _param_names(module.forward, len(args))
        proxies = [self._input_proxy(graph, a, i, n) for i, (a, n) in enumerate(zip(args, names))]
        self.frames.append(frame)
        try:
            result = module.forward(*proxies)
        finally:
            self.frames.pop()
        self._set_outputs(graph, result, proxies)
        sm = self.script_module_for(module)
        sm._methods.setdefault("forward", graph)
        return _concrete(result)

    def _input_proxy(self, graph: Graph, a, i: int, name: str | None = None):
        """A traced input over a copy of the example (the traced run may write to it; the caller's stays)."""
        if isinstance(a, Proxy):
            a = a.value
        if isinstance(a, np.generic):
            a = np.asarray(a)
        if isinstance(a, (bool, int, float)):
            return ScalarProxy(self, a, graph.add_input(type_of_constant(a), name), frozenset({i}))
        if not isinstance(a, np.ndarray):
            raise SignatureError(f"trace: example input {i} must be a NumPy array or a Python int/float/bool, got "
                                 f"{type(a).__name__}")
        refuse_subclass(a, f"trace: example input {i}")
        value = graph.add_input(TensorType.of(a), name)
        proxy = Proxy(self, a.copy(), value)
        proxy.input_value = value
        return proxy

    def _set_outputs(self, graph: Graph, result, inputs: list) -> None:
        self.frames.append(_Frame(graph))
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
        return graph.insert_constant(np.asarray(result) if isinstance(result, np.generic) else result)

    def script_module_for(self, module: Module) -> ScriptModule:
        if isinstance(module, ScriptModule):
            return module
        sm = self.script_modules.get(id(module))
        if sm is None:
            sm = ScriptModule(type(module).__name__)
            sm.__dict__["_eager"] = module
            self.script_modules[id(module)] = sm
            sm._parameters.update(module._parameters)
            for name, value in vars(module).items():
                if not name.startswith("_") and name not in ("training",):
                    sm._constants[name] = value
            for name, child in module._modules.items():
                sm._modules[name] = self.script_module_for(child)
        return sm


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


def _concrete(result):
    if isinstance(result, (tuple, list)):
        return tuple(_concrete(r) for r in result)
    if isinstance(result, Proxy):
        return result.value
    return result


def _type_of_result(result):
    if isinstance(result, tuple):
        return TupleType(tuple(_type_of_result(r) for r in result))
    return TensorType.of(result) if isinstance(result, np.ndarray) else type_of_constant(result)


def _run_concrete(module: ScriptModule, args):
    from .runtime import run_method

    return run_method(module, "forward", tuple(a.value if isinstance(a, Proxy) else a for a in args))


def _param_names(fn, n: int) -> list[str | None]:
    """Graph input names from the Python signature (`%x`, `%h`), as TorchScript does."""
    import inspect

    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:n]]
    return names + [None] * (n - len(names))


def _tracer_warning():
    from .errors import TracerWarning

    return TracerWarning


def trace(fn_or_module, example_inputs, check_trace: bool = True):
    """Record what fn_or_module does on example_inputs; returns a ScriptFunction or ScriptModule."""
    if not isinstance(example_inputs, tuple):
        example_inputs = (example_inputs,)
    tracer = Tracer()
    saved = HOOKS.call, HOOKS.getattr
    HOOKS.call = lambda m, a, k: tracer.call_hook(m, a, k) if tracer.frames else m.forward(*a, **k)
    HOOKS.getattr = lambda owner, name, v: tracer.getattr_hook(owner, name, v) if tracer.frames else v
    try:
        if isinstance(fn_or_module, Module):
            tracer.trace_module(fn_or_module, example_inputs)
            result = tracer.script_module_for(fn_or_module)
        elif callable(fn_or_module):
            graph = Graph()
            names = _param_names(fn_or_module, len(example_inputs))
            proxies = [tracer._input_proxy(graph, a, i, n) for i, (a, n) in enumerate(zip(example_inputs, names))]
            tracer.frames.append(_Frame(graph))
            try:
                out = fn_or_module(*proxies)
            finally:
                tracer.frames.pop()
            tracer._set_outputs(graph, out, proxies)
            name = getattr(fn_or_module, "__name__", "")
            result = ScriptFunction(graph, name if name.isidentifier() else "traced_fn", eager=fn_or_module)
            result.value_inputs = tracer.value_inputs
            result.traced_values = {i: example_inputs[i] for i in tracer.value_inputs}
        else:
            raise SignatureError(f"trace() expects a function or a jitc.nn.Module, got {type(fn_or_module).__name__}")
    finally:
        HOOKS.call, HOOKS.getattr = saved
    for g in _graphs(result):
        g.lint()
    if check_trace:
        _check(result, fn_or_module, example_inputs)
    return result


def _graphs(obj):
    if isinstance(obj, ScriptFunction):
        yield obj.graph
    else:
        for _, m in obj.named_modules():
            yield from m._methods.values()


def _check(traced, fn, inputs) -> None:
    """Run the model eagerly again and the trace on the same inputs: hidden state (counters, globals, randomness)
    that the trace baked in shows up as a difference. The trace runs on the reference interpreter, so tracing
    does not depend on (or wait for) native compilation."""
    from .interpreter import run_graph

    eager_inputs, graph_inputs = ([a.copy() if isinstance(a, np.ndarray) else a for a in inputs] for _ in "12")
    expected = fn(*eager_inputs)
    if isinstance(traced, ScriptFunction):
        got = run_graph(traced.graph, graph_inputs)
    else:
        got = run_graph(traced.inlined_graph, [traced, *graph_inputs])
    got = got[0] if len(got) == 1 else tuple(got)
    flat_got, flat_exp = _flatten((got, *graph_inputs)), _flatten((expected, *eager_inputs))  # writes count too
    if len(flat_got) != len(flat_exp) or not all(_close(g, e) for g, e in zip(flat_got, flat_exp)):
        raise TracingCheckError("check_trace: the traced graph does not reproduce the eager outputs (or writes to "
                                "its arguments) on the example inputs (the model may depend on state the trace "
                                "cannot see)")


def _close(got, expected) -> bool:
    if got is None or expected is None:
        return got is expected
    return np.shape(got) == np.shape(expected) and np.allclose(got, expected, rtol=1e-5, atol=1e-6, equal_nan=True)


def _flatten(x) -> list:
    if isinstance(x, (tuple, list)):
        return [y for item in x for y in _flatten(item)]
    return [x]
