"""`@jitc.compile`: the front door. Scripts the function or module (tracing only when the source cannot be
scripted and the trace is free of data-dependent Python conversions), then runs native code per signature."""
from __future__ import annotations

import functools
import operator
import warnings

from .errors import JitcError, ScriptError, TracerWarning
from .nn.module import Module
from .runtime.executor import disabled, signature


class CompiledFunction:
    """What `@jitc.compile` returns: call it like the original; inspect what it compiled to."""

    def __init__(self, fn, fallback: str = "warn"):
        self.fn, self.fallback = fn, fallback
        self._scripted = None
        self._script_error: ScriptError | None = None
        self._traced: dict = {}
        if not isinstance(fn, Module):
            functools.update_wrapper(self, fn, updated=())
        self._call = self._general_call
        self._disabled = disabled()  # JITC_DISABLE is read when the function is wrapped
        self._try_script()
        if self._scripted is not None:
            _apply_fallback(self._scripted, fallback)

    def _try_script(self) -> None:
        from .script import script

        try:
            self._scripted = script(self.fn)
        except ScriptError as e:
            self._script_error = e

    def _target(self, args):
        if self._scripted is not None:
            return self._scripted
        key = signature(list(args))
        target = self._traced.get(key)
        if target is None:
            target = self._traced[key] = self._trace(args)
            _apply_fallback(target, self.fallback)
        return target

    def _trace(self, args):
        from .trace import trace

        with warnings.catch_warnings():
            warnings.simplefilter("error", TracerWarning)
            try:
                return trace(self.fn, tuple(args), check_trace=False)
            except TracerWarning as w:
                raise JitcError(f"jitc.compile cannot compile {_name(self.fn)}: scripting failed "
                                f"({self._script_error}) and tracing would bake a data-dependent value into "
                                f"the graph ({w})") from self._script_error
            except JitcError as e:
                raise JitcError(f"jitc.compile cannot compile {_name(self.fn)}: scripting failed "
                                f"({self._script_error}); tracing failed too ({e})") from e

    # the last signature's native entry (a builtin, no Python frame); it falls back to _general_call itself
    __call__ = property(operator.attrgetter("_call"))

    def _general_call(self, *args, **kwargs):
        from .runtime import run_function, run_method
        from .script_module import ScriptModule, refuse_keywords

        if self._disabled:
            return self.fn(*args, **kwargs)
        refuse_keywords(_name(self.fn), kwargs)
        target = self._scripted or self._target(args)
        if isinstance(target, ScriptModule):
            return run_method(target, "forward", args, owner=self)
        return run_function(target, args, owner=self)

    @property
    def script_module(self):
        """The ScriptModule/ScriptFunction being compiled (None when it is traced per signature)."""
        return self._scripted

    def graph_for(self, *args):
        return self._target(args).graph_for(*args)

    def inspect_llvm(self, *args) -> str:
        return self._target(args).inspect_llvm(*args)

    def inspect_asm(self, *args) -> str:
        return self._target(args).inspect_asm(*args)

    def explain(self, *args) -> str:
        return self._target(args).explain(*args)

    def cache_info(self) -> list[dict]:
        targets = [self._scripted] if self._scripted is not None else list(self._traced.values())
        return [info for t in targets for info in t.cache_info()]

    def __repr__(self) -> str:
        return f"<jitc.compile {_name(self.fn)}>"


def _apply_fallback(target, fallback: str) -> None:
    from .runtime import executor_for

    graph, module, name = target._compiled_target()
    ex = executor_for(target, name, graph, module)
    ex.fallback = fallback


def _name(fn) -> str:
    return type(fn).__name__ if isinstance(fn, Module) else getattr(fn, "__qualname__", repr(fn))


def compile(fn=None, *, fallback: str = "warn", dynamic: bool = False):
    """Compile a function or module to native code, lazily per input signature (dtype, shape, strides).

    `fallback`: what happens when a signature cannot be compiled natively (an op or dtype the backend does
    not support): "warn" runs it on the interpreter with a FallbackWarning, "error" raises CompileError,
    "silent" interprets without a warning. `dynamic=True` (shape-generic code) is not implemented: every
    shape gets its own specialization, and the 64 most recent ones stay cached per function.
    """
    if fallback not in ("warn", "error", "silent"):
        raise JitcError(f"fallback must be 'warn', 'error' or 'silent', got {fallback!r}")
    if dynamic:
        raise JitcError("jitc.compile(dynamic=True) is not supported: jitc specializes code to each input shape "
                        "(each new shape compiles once and is cached)")
    if fn is None:
        return lambda f: CompiledFunction(f, fallback)
    return CompiledFunction(fn, fallback)
