"""ScriptFunction and ScriptModule: what `trace` and `script` return: callable, printable, saveable."""
from __future__ import annotations

import operator
from collections import OrderedDict

import numpy as np

from .errors import JitcError, SignatureError
from .ir import Graph
from .types import ScalarType, TensorType

_BAD_KINDS = {"O": "object", "V": "structured/void", "M": "datetime", "m": "timedelta", "S": "bytes", "U": "str"}


def refuse_keywords(name: str, kwargs: dict) -> None:
    if kwargs:
        raise SignatureError(f"{name}() takes its arguments by position only, got keyword argument(s) "
                             f"{', '.join(repr(k) for k in kwargs)}")


def refuse_subclass(a: np.ndarray, what: str) -> None:
    """ndarray subclasses give operators and reductions their own meaning (np.matrix's `*` is a product, a
    MaskedArray's sum skips masked values); compiled code computes plain ndarray semantics, so it refuses them."""
    if type(a) is not np.ndarray:
        cls = f"{type(a).__module__}.{type(a).__qualname__}"
        raise SignatureError(f"{what} is a {cls}, an ndarray subclass whose operations may mean something else than "
                             "plain NumPy's (jitc would silently drop that); pass np.asarray(...) for ndarray "
                             "semantics, or call the function uncompiled")


def check_args(graph: Graph, args: tuple, name: str, skip_self: bool) -> list:
    """Guard a call against the graph's signature: arity, arrays where arrays are expected, usable dtypes."""
    params = graph.inputs[1:] if skip_self else graph.inputs
    if len(args) != len(params):
        names = ", ".join(p.name for p in params)
        raise SignatureError(f"{name}() expects {len(params)} argument{'s' * (len(params) != 1)} ({names}), "
                             f"got {len(args)}")
    out = []
    for p, a in zip(params, args):
        if isinstance(p.type, TensorType):
            if isinstance(a, np.generic):
                a = np.asarray(a)
            if not isinstance(a, np.ndarray):
                raise SignatureError(f"{name}(): argument '{p.name}' must be a NumPy array, got {type(a).__name__}")
            refuse_subclass(a, f"{name}(): argument '{p.name}'")
            if a.dtype.kind in _BAD_KINDS or a.dtype.fields is not None:
                raise SignatureError(f"{name}(): argument '{p.name}' has unsupported dtype {a.dtype} "
                                     f"({_BAD_KINDS.get(a.dtype.kind, 'structured')})")
        elif isinstance(p.type, ScalarType) and p.type.name in ("int", "float", "bool"):
            ok = {"int": (int, np.integer), "float": (float, int, np.floating, np.integer), "bool": (bool, np.bool_)}
            if not isinstance(a, ok[p.type.name]) or (p.type.name == "int" and isinstance(a, bool)):
                raise SignatureError(f"{name}(): argument '{p.name}' must be {p.type.name}, got {type(a).__name__}")
        out.append(a)
    return out


def eager_if_overlapping(run, eager, args, kwargs):
    """run(); when the arguments it writes overlap others, the user's Python code `eager` gives NumPy's results."""
    from .errors import OverlappingArguments

    try:
        return run()
    except OverlappingArguments:
        if eager is None:
            raise
        return eager(*args, **kwargs)


class _Inspectable:
    """Calling, saving and inspecting compiled code: shared by ScriptFunction and ScriptModule."""

    # Calls go straight to `_call`: the compiled entry of the last signature (a builtin: no Python frame), which
    # takes `_general_call` itself when its guards fail; before any compilation, `_general_call`.
    __call__ = property(operator.attrgetter("_call"))

    def save(self, path) -> None:
        """Write a self-contained file (IR text + raw arrays, no pickle); read it back with `jitc.load`."""
        from .serialization.saving import save

        save(self, path)

    def __reduce__(self):
        from .pickling import reduce_script

        return reduce_script(self)

    def __copy__(self):
        from .pickling import copy_script

        return copy_script(self)

    def _executor_and_values(self, args):
        from .runtime import executor_for

        graph, module, name = self._compiled_target()
        args = check_args(graph, args, name, skip_self=module is not None)
        ex = executor_for(self, name, graph, module)
        return ex, ex._arguments(args)

    def graph_for(self, *args) -> Graph:
        """The specialized, optimized graph (with its prim::FusionGroups) that runs for these inputs."""
        ex, values = self._executor_and_values(args)
        compiled = ex.specialization(values)
        return compiled.graph if hasattr(compiled, "graph") else ex.prepare(values)

    def _compiled_for(self, args):
        ex, values = self._executor_and_values(args)
        compiled = ex.specialization(values)
        if not hasattr(compiled, "library"):
            from .errors import CompileError

            raise CompileError("this signature runs on the interpreter: there is no native code to show")
        if not compiled.library.optimized_ir:  # loaded from the disk cache: compile again to show the IR
            from .runtime.pipeline import compile_graph

            compiled = compile_graph(compiled.graph, f"jitc_{ex.name}", use_cache=False)
        return compiled

    def inspect_llvm(self, *args) -> str:
        """The optimized LLVM IR of the specialization for these inputs."""
        return self._compiled_for(args).library.optimized_ir

    def inspect_asm(self, *args) -> str:
        """The host assembly of the specialization for these inputs."""
        return self._compiled_for(args).library.asm

    def explain(self, *args) -> str:
        """Why a call with these inputs would compile (e.g. "input 'x' dim 0: 64 -> 65"), or that it would not."""
        ex, values = self._executor_and_values(args)
        return ex.explain(values)

    def cache_info(self) -> list[dict]:
        """One entry per compiled signature: signature, compile time (and per stage), hits."""
        return [info for ex in self.__dict__.get("_executors", {}).values() for info in ex.cache_info()]


class ScriptFunction(_Inspectable):
    """A compiled function: `.graph` (IR), `.code` (Python), callable with NumPy arrays."""

    def __init__(self, graph: Graph, name: str, eager=None):
        self.graph = graph
        self.name = name
        self.value_inputs: frozenset[int] = frozenset()  # scalar inputs compiled by value (a trace baked them)
        self.traced_values: dict[int, object] = {}         # ... and the values the trace baked
        self.__name__ = name
        self._call = self._general_call
        self._eager = eager  # the Python function: runs when arguments it writes overlap others (see above)

    @property
    def code(self) -> str:
        from .pycode import graph_to_python

        return graph_to_python(self.graph, self.name)

    @property
    def inlined_graph(self) -> Graph:
        from .passes.inline import inline_calls

        return inline_calls(self.graph)

    def _general_call(self, *args, **kwargs):
        from .nn.module import HOOKS
        from .runtime import run_function

        refuse_keywords(self.name, kwargs)
        if HOOKS.call is not None:  # called while tracing: the tracer copies this graph into the trace
            return HOOKS.call(self, args, {})
        return eager_if_overlapping(lambda: run_function(self, args), self._eager, args, kwargs)

    def __repr__(self) -> str:
        return f"<jitc.ScriptFunction {self.name}>"

    def _compiled_target(self):
        return self.graph, None, self.name


class ScriptModule(_Inspectable):
    """A module tree with graphs for its methods; parameters are shared with the original module."""

    def __init__(self, original_name: str):
        d = self.__dict__
        d["original_name"] = original_name
        d["_modules"] = OrderedDict()
        d["_parameters"] = OrderedDict()
        d["_methods"] = OrderedDict()   # name -> Graph, first input is self
        d["_constants"] = OrderedDict()  # non-array attributes (ints, floats, ...), read by GetAttr
        d["_call"] = self._general_call
        d["_eager"] = None  # the original module, whose methods run when arguments they write overlap others

    def __getattr__(self, name: str):
        d = self.__dict__  # read with .get: copy and pickle probe instances whose tables are not set yet
        for table in ("_modules", "_parameters", "_constants"):
            if name in d.get(table, ()):
                return d[table][name]
        if name in d.get("_methods", ()):
            return _BoundMethod(self, name)
        raise AttributeError(f"ScriptModule '{d.get('original_name', '?')}' has no attribute '{name}'")

    def __setattr__(self, name: str, value) -> None:
        if name in self._parameters:
            from codegen.symbols import GENERATION

            GENERATION.value += 1  # compiled fast paths hold parameter arrays: retire them
            value = np.asarray(value)
            if value.shape != self._parameters[name].shape:
                raise SignatureError(f"parameter '{name}' has shape {self._parameters[name].shape}, got {value.shape}")
            self._parameters[name] = value
        elif isinstance(value, ScriptModule):
            self._modules[name] = value
        elif name in self._constants:
            raise JitcError(f"'{name}' of {self.original_name} is a constant baked into its compiled graphs when it "
                            "was scripted or traced; change it on the original module and script it again")
        else:
            self._constants[name] = value

    @property
    def graph(self) -> Graph:
        return self._methods["forward"]

    @property
    def inlined_graph(self) -> Graph:
        from .passes.inline import inline_calls

        return inline_calls(self.graph, self)

    @property
    def code(self) -> str:
        from .pycode import graph_to_python

        return "\n".join(graph_to_python(g, name) for name, g in self._methods.items())

    def named_modules(self, prefix: str = ""):
        yield prefix, self
        for name, m in self._modules.items():
            yield from m.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self, prefix: str = ""):
        for mod_name, m in self.named_modules(prefix):
            for name, p in m._parameters.items():
                yield (f"{mod_name}.{name}" if mod_name else name), p

    def state_dict(self) -> OrderedDict:
        return OrderedDict((name, p.copy()) for name, p in self.named_parameters())


    def _general_call(self, *args, **kwargs):
        refuse_keywords("forward", kwargs)
        return self.forward(*args)  # through forward, so a tracer calling this module still sees the call

    def _compiled_target(self):
        return self._methods["forward"], self, "forward"

    def forward(self, *args):
        return _BoundMethod(self, "forward")(*args)

    def __repr__(self) -> str:
        lines = [f"original_name={self.original_name}"]
        lines += [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        if len(lines) == 1:
            return f"{self.original_name}({lines[0]})"
        return f"{self.original_name}(\n  " + "\n  ".join(lines) + "\n)"


class _BoundMethod:
    """`scripted.forward` / `module.helper`: runs the method's graph with the module as `self`."""

    def __init__(self, module: ScriptModule, name: str, binder=None):
        self.module, self.name = module, name
        self.binder = binder  # an arguments.CallBinder: keywords and defaults bind by the Python signature

    def __call__(self, *args, **kwargs):
        from .nn.module import HOOKS
        from .runtime import run_method

        if self.binder is not None:
            args = tuple(self.binder.bind(args, kwargs))
        else:
            refuse_keywords(self.name, kwargs)
        if HOOKS.call is not None and self.name == "forward":
            return HOOKS.call(self.module, args, {})
        original = self.module.__dict__["_eager"]
        return eager_if_overlapping(lambda: run_method(self.module, self.name, args),
                                    getattr(original, self.name, None), args, {})

    @property
    def graph(self) -> Graph:
        return self.module._methods[self.name]
