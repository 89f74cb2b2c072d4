"""`@jitc.compile`: the front door. Scripts the function, model object or bound method once per kind of call
(tracing only when the source cannot be scripted and the trace is free of data-dependent Python conversions),
then runs native code per signature. What neither can compile runs through NumPy, with one FallbackWarning."""
from __future__ import annotations

import functools
import inspect
import operator
import warnings

from .arguments import CallBinder, ConstKind, flatten
from .errors import FallbackWarning, JitcError, ScriptError, SignatureError, TracerWarning
from .fast_calls import install
from .nn.module import Module
from .runtime.executor import disabled, signature
from .script_module import ScriptModule, eager_if_overlapping

EAGER = "eager"  # marker: this kind of call runs through NumPy


class _Deferred:
    """Tracing raised an error of the program (or of jitc): the call runs through NumPy. If NumPy raises too, that
    is the answer; if it runs, jitc could not compile it, and that is warned about once."""

    def __init__(self, reason: str):
        self.reason, self.warned = reason, False


class _Target:
    """A scripted or traced ScriptFunction, or a ScriptModule and the method to run."""

    def __init__(self, obj, method: str | None = None):
        self.obj, self.method = obj, method

    def run(self, args: list, owner):
        from .runtime import run_function, run_method

        if self.method is None:
            return run_function(self.obj, tuple(args), owner=owner)
        return run_method(self.obj, self.method, tuple(args), owner=owner)

    def inspectable(self):
        return self.obj if self.method in (None, "forward") else getattr(self.obj, self.method)


class _Installer:
    """Receives the native entry of the specialization a call ran (executor.py) and makes it the fast path of
    calls shaped like this one (fast_calls.py)."""

    def __init__(self, cf, nargs: int, kinds: tuple):
        self.cf, self.nargs, self.kinds = cf, nargs, kinds

    def install_fast_path(self, compiled, params: tuple, generation: int, by_value: dict) -> None:
        cf = self.cf
        # native guards check arguments and parameters, and Module attribute assignment retires them; a plain
        # object's attributes can change unseen, so the fast path checks them by identity
        watched = None if cf.model is None or isinstance(cf.model, Module) else cf.state
        install(cf, compiled, params, generation, by_value, self.nargs, self.kinds, watched)


class CompiledFunction:
    """What `@jitc.compile` returns: call it like the original; inspect what it compiled to."""

    def __init__(self, fn, fallback: str = "warn", dynamic: bool | None = None):
        self.fn, self.fallback, self.dynamic = fn, fallback, dynamic
        self.model, self.method = _model_and_method(fn)
        entry = fn if self.model is None else _method_function(self.model, self.method)
        self.binder = CallBinder(entry, skip_self=self.model is not None)
        self.state = _model_state(self.model)
        self._variants: dict = {}   # argument kinds -> _Target, or a ScriptError when scripting failed
        self._traced: dict = {}     # (kinds, signature) -> _Target or EAGER
        if inspect.isfunction(fn) or inspect.ismethod(fn):
            functools.update_wrapper(self, fn, updated=())
        self._call = self._general_call
        self._disabled = disabled()  # JITC_DISABLE is read when the function is wrapped
        if entry is not None:
            self._variant(self.binder.default_kinds())  # scripting errors show early (JITC_DEBUG), not at a call

    @classmethod
    def _restore(cls, fn, fallback: str, variants: dict, traced: dict, wrapper: dict):
        """A CompiledFunction from its parts (unpickled or copied, see pickling.py): nothing is compiled again
        until a call needs it."""
        self = cls.__new__(cls)
        self.dynamic = None
        self.__dict__.update(wrapper)
        self.fn, self.fallback = fn, fallback
        self.model, self.method = _model_and_method(fn)
        entry = fn if self.model is None else _method_function(self.model, self.method)
        self.binder = CallBinder(entry, skip_self=self.model is not None)
        self.state = _model_state(self.model)
        self._variants, self._traced = variants, traced
        if inspect.isfunction(fn) or inspect.ismethod(fn):
            self.__wrapped__ = fn
        self._call = self._general_call
        self._disabled = disabled()
        for target in (*variants.values(), *traced.values()):
            if isinstance(target, _Target):
                _apply_options(target, fallback, self.dynamic)
        return self

    def __reduce__(self):
        from .pickling import reduce_compiled

        return reduce_compiled(self)

    def __copy__(self):
        from .pickling import copy_compiled

        return copy_compiled(self)

    def __deepcopy__(self, memo):
        from .pickling import copy_compiled

        return copy_compiled(self, memo)

    # ---- compiling
    def _variant(self, kinds: tuple):
        target = self._variants.get(kinds)
        if target is None:
            try:
                target = self._script(kinds)
                _apply_options(target, self.fallback, self.dynamic)
            except ScriptError as e:
                target = e
            except (JitcError, RecursionError) as e:
                target = ScriptError(str(e))
            except Exception as e:  # noqa: BLE001  (a bug in the script compiler must not reach the user)
                target = ScriptError(f"internal error while scripting ({type(e).__name__}: {_short(str(e))}); "
                                     "please report it")
            self._variants[kinds] = target
        return target

    def _script(self, kinds: tuple) -> _Target:
        from .script import Session

        session = Session()
        if self.model is None:
            if not inspect.isfunction(self.fn):
                raise ScriptError(f"cannot script {_name(self.fn)}: it is not a Python function")
            target = _Target(session.script_function(self.fn, kinds))
            graph = target.obj.graph
        else:
            sm = session.script_module(self.model, compile_forward=False)
            graph = session.method_graph(self.model, self.method, kinds)
            if graph is None:
                raise ScriptError(f"{type(self.model).__name__} has no method '{self.method}' to compile")
            target = _Target(sm, self.method)
        if getattr(graph, "list_return", None) is not None:
            raise graph.list_return
        return target

    def _target_for(self, bound: list, kinds: tuple):
        """The target running this call (scripted, else traced for its signature), or EAGER."""
        target = self._variant(kinds)
        if isinstance(target, _Target):
            return target
        flat = flatten(bound, kinds)
        key = (kinds, signature(flat))
        traced = self._traced.get(key)
        if traced is None or isinstance(traced, _Target) and _baked_differently(traced.obj, flat):
            traced = self._traced[key] = self._trace(bound, kinds, target)
        return traced

    def _trace(self, bound: list, kinds: tuple, script_error: ScriptError):
        from .trace import trace
        from .types import BOOL, COMPLEX, FLOAT, INT, TENSOR

        reason = f"scripting failed ({script_error})"
        if all(k in (TENSOR, INT, FLOAT, COMPLEX, BOOL) or k is None or isinstance(k, ConstKind) for k in kinds):
            consts = {i: a for i, (a, k) in enumerate(zip(bound, kinds)) if isinstance(k, ConstKind)}

            def with_constants(*values):  # None/str arguments are constants of the trace, as in scripting
                it = iter(values)
                return self.fn(*(consts[i] if i in consts else next(it) for i in range(len(bound))))

            fn = with_constants if consts else self.fn
            with warnings.catch_warnings():
                warnings.simplefilter("error", TracerWarning)
                try:
                    traced = trace(fn, tuple(flatten(bound, kinds)), check_trace=False)
                    target = _Target(traced, "forward" if isinstance(traced, ScriptModule) else None)
                    _apply_options(target, self.fallback, self.dynamic)
                    return target
                except TracerWarning as w:
                    reason += f" and tracing would bake a data-dependent value into the graph ({w})"
                except JitcError as e:
                    reason += f"; tracing failed too ({e})"
                except Exception as e:  # noqa: BLE001  (the function itself fails: NumPy reports it eagerly)
                    reason += f"; tracing failed too ({type(e).__name__}: {_short(str(e))})"
                    if self.fallback != "error":
                        return _Deferred(reason)
        return self._eager(reason)

    def _eager(self, reason: str):
        message = f"jitc.compile cannot compile {_name(self.fn)}: {reason}"
        if self.fallback == "error":
            raise JitcError(message)
        if self.fallback == "warn":
            warnings.warn(f"{message}; it runs through NumPy (eagerly) instead", FallbackWarning, stacklevel=4)
        return EAGER

    # ---- calls
    # the last signature's native entry (a builtin, no Python frame); it falls back to _general_call itself
    __call__ = property(operator.attrgetter("_call"))

    def _general_call(self, *args, **kwargs):
        if self._disabled:
            return self.fn(*args, **kwargs)
        bound = self.binder.bind(args, kwargs)
        try:
            kinds = self.binder.kinds(bound)
        except SignatureError as e:
            return self._run_eagerly(str(e), args, kwargs)
        if self.state is not None and self.state.changed():
            self._variants.clear()  # a new submodule or constant: compile again
            self._traced.clear()
        target = self._target_for(bound, kinds)
        if target is EAGER:
            return self.fn(*args, **kwargs)
        if isinstance(target, _Deferred):
            result = self.fn(*args, **kwargs)  # NumPy's own error, if the program fails, is the answer
            if not target.warned:  # it ran: jitc could not compile it
                target.warned = True
                self._eager(target.reason)
            return result
        owner = None if kwargs else _Installer(self, len(args), kinds)  # keyword calls keep the general path
        return eager_if_overlapping(lambda: target.run(flatten(bound, kinds), owner), self.fn, args, kwargs)

    def _run_eagerly(self, reason: str, args, kwargs):
        key = ("eager", reason)
        if key not in self._traced:
            self._traced[key] = self._eager(reason)
        return self.fn(*args, **kwargs)

    # ---- inspection
    def _target(self, args):
        """The ScriptFunction/ScriptModule that runs these arguments (export and the inspect_* methods)."""
        return self._target_and_inputs(args)[0]

    def _target_and_inputs(self, args):
        bound = self.binder.bind(args, {})
        kinds = self.binder.kinds(bound)
        target = self._target_for(bound, kinds)
        if target is EAGER or isinstance(target, _Deferred):
            raise JitcError(f"{_name(self.fn)} runs through NumPy for these arguments: there is no compiled code")
        return target.inspectable(), flatten(bound, kinds)

    @property
    def script_module(self):
        """The ScriptModule/ScriptFunction compiled for array arguments (None when it could not be scripted)."""
        target = self._variants.get(self.binder.default_kinds())
        return target.inspectable() if isinstance(target, _Target) else None

    def graph_for(self, *args):
        target, inputs = self._target_and_inputs(args)
        return target.graph_for(*inputs)

    def inspect_llvm(self, *args) -> str:
        target, inputs = self._target_and_inputs(args)
        return target.inspect_llvm(*inputs)

    def inspect_asm(self, *args) -> str:
        target, inputs = self._target_and_inputs(args)
        return target.inspect_asm(*inputs)

    def explain(self, *args) -> str:
        return self._target(args).explain(*args)

    def cache_info(self) -> list[dict]:
        targets = [t for t in (*self._variants.values(), *self._traced.values()) if isinstance(t, _Target)]
        return [info for t in targets for info in t.inspectable().cache_info()]

    def __repr__(self) -> str:
        return f"<jitc.compile {_name(self.fn)}>"


def _model_and_method(fn) -> tuple[object, str | None]:
    """(model object, method name) for a model object or a bound method of one; (None, None) for a function."""
    from .script.objects import is_model_object

    if inspect.ismethod(fn) and is_model_object(fn.__self__):
        return fn.__self__, fn.__func__.__name__
    if is_model_object(fn):
        return fn, "forward"
    return None, None


def _model_state(model):
    from .script.objects import ModelState

    return ModelState(model) if model is not None else None


def _method_function(model, name: str):
    from .script.objects import method

    return method(model, name)


def _apply_options(target: _Target, fallback: str, dynamic: bool | None) -> None:
    """jitc.compile's options, on the executor of a scripted or traced target."""
    from .runtime import executor_for

    if target.method is None:
        graph, module, name = target.obj._compiled_target()
    else:
        graph, module, name = target.obj._methods[target.method], target.obj, target.method
    ex = executor_for(target.obj, name, graph, module)
    ex.fallback, ex.dynamic = fallback, dynamic


def _baked_differently(traced, flat: list) -> bool:
    """A trace that baked a scalar argument (a loop count, a condition) is only valid for that value."""
    return any(flat[i] != v or type(flat[i]) is not type(v) for i, v in traced.traced_values.items())


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + " ..."


def _name(fn) -> str:
    if isinstance(fn, Module) or not hasattr(fn, "__qualname__"):
        return type(fn).__name__
    return fn.__qualname__


def compile(fn=None, *, fallback: str = "warn", dynamic: bool | None = None):
    """Compile a function, a model object (a jitc.nn.Module or a plain object with `__call__`) or a bound method,
    lazily per kind of call and input signature (dtype, shape, strides).

    `fallback`: what happens with what cannot be compiled natively: "warn" runs it on the interpreter (an op or
    dtype the backend does not support) or through NumPy (code jitc cannot compile at all) with a
    FallbackWarning; "error" raises a JitcError; "silent" does the same as "warn" without a warning.
    `dynamic`: None (default) specializes the first call's shapes and, once a call differs only in some
    dimensions, compiles those dimensions as symbols, so one specialization serves every later size (sizes 0 and
    1 stay specialized); True makes every dimension of the arguments symbolic from the first call; False
    specializes every shape. The 64 most recent specializations stay cached per function.
    """
    if fallback not in ("warn", "error", "silent"):
        raise JitcError(f"fallback must be 'warn', 'error' or 'silent', got {fallback!r}")
    if dynamic not in (None, True, False):
        raise JitcError(f"dynamic must be None, True or False, got {dynamic!r}")
    if fn is None:
        return lambda f: CompiledFunction(f, fallback, dynamic)
    return CompiledFunction(fn, fallback, dynamic)
