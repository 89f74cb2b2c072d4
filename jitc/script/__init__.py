"""`jitc.script`: compile a function or module from its Python source into the graph IR (keeps control flow)."""
from __future__ import annotations

import inspect

from ..arguments import CallBinder
from ..errors import ScriptError
from ..ir import Graph
from ..nn.module import Module
from ..script_module import ScriptFunction, ScriptModule, _BoundMethod
from .compiler import FunctionCompiler
from .objects import is_model_object, method, parts, type_name
from .polymorphic import ScriptedFunction
from .source import parse_function

__all__ = ["script"]


class Session:
    """One `script()` call: the ScriptModules and functions compiled so far, shared by everything it reaches."""

    def __init__(self):
        self.modules: dict[int, tuple[Module, ScriptModule]] = {}
        self.functions: dict[object, ScriptFunction] = {}
        self.variants: dict[tuple, Graph] = {}  # (id(module), method, kinds) -> graph (see method_variant)
        self.active: set[tuple[int, str]] = set()  # being compiled: a second entry is recursion

    def script_module(self, module, compile_forward: bool = True, kinds: tuple | None = None) -> ScriptModule:
        """The ScriptModule tree of a model object (a Module or a plain object): parameters shared, submodules
        scripted, forward (a plain class's `__call__`) compiled for `kinds` (by default its defaults' kinds)."""
        if isinstance(module, ScriptModule):
            return module
        if id(module) in self.modules:
            return self.modules[id(module)][1]
        sm = ScriptModule(type_name(module))
        sm.__dict__["_eager"] = module
        self.modules[id(module)] = (module, sm)
        p = parts(module)
        sm._parameters.update(p.params)
        sm._constants.update(p.constants)
        for name, child in p.modules.items():
            sm._modules[name] = self.script_module(child, compile_forward=False)
        if compile_forward and method(module, "forward") is not None and \
                (not isinstance(module, Module) or type(module).forward is not Module.forward):
            self.method_graph(module, "forward", kinds)
            sm._methods.move_to_end("forward", last=False)
        return sm

    def method_graph(self, module, name: str, kinds: tuple | None = None) -> Graph | None:
        """The graph of module.<name>, compiling the method on first use; None when there is no such method.
        `kinds`: the argument kinds to compile for (see arguments.py); by default the parameters' defaults'."""
        sm = self.script_module(module)
        if name in sm._methods or isinstance(module, ScriptModule):
            return sm._methods.get(name)
        fn = method(module, name)
        if fn is None:
            return None
        sm._methods[name] = self._compile(fn, (module, type_name(module)), kinds)
        return sm._methods[name]

    def method_variant(self, module, name: str, kinds: tuple) -> Graph | None:
        """module.<name> compiled for a call's argument kinds (None, a string or a tuple passed), to inline."""
        fn = method(module, name)
        if fn is None:
            return None
        key = (id(module), name, kinds)
        if key not in self.variants:
            self.variants[key] = self._compile(fn, (module, type_name(module)), kinds)
        return self.variants[key]

    def script_function(self, fn, kinds: tuple | None = None) -> ScriptFunction:
        key = (fn, kinds)
        if key not in self.functions:
            self.functions[key] = ScriptFunction(self._compile(fn, None, kinds), fn.__name__, eager=fn)
        return self.functions[key]

    def _compile(self, fn, owner, kinds: tuple | None = None) -> Graph:
        key = (id(owner[0]) if owner else 0, fn.__qualname__)
        if key in self.active:
            raise ScriptError(f"{fn.__qualname__} calls itself: recursion is not supported in scripted code")
        if kinds is None:
            kinds = CallBinder(fn, skip_self=owner is not None).default_kinds()
        self.active.add(key)
        try:
            return FunctionCompiler(self, parse_function(fn), fn, owner, kinds).compile()
        finally:
            self.active.discard(key)


def compile_variant(fn, kinds: tuple | None):
    """The graph of fn for calls with these argument kinds (what a ScriptedFunction compiles a variant with)."""
    return Session().script_function(fn, kinds).graph


def script(obj):
    """Compile a function (→ ScriptFunction), a model object (a jitc.nn.Module or a plain object whose class has
    `__call__`, → ScriptModule) or a bound method of one from its source. Works as a decorator. Already compiled
    objects (traced or scripted) are returned as they are."""
    if isinstance(obj, (ScriptFunction, ScriptModule)):
        return obj
    if inspect.isfunction(obj):
        scripted = ScriptedFunction(obj, compile_variant)
        scripted.__module__, scripted.__qualname__ = obj.__module__, obj.__qualname__  # pickle by reference
        return scripted
    if inspect.ismethod(obj) and is_model_object(obj.__self__):
        session = Session()
        sm = session.script_module(obj.__self__, compile_forward=False)
        session.method_graph(obj.__self__, obj.__func__.__name__)
        return _BoundMethod(sm, obj.__func__.__name__, CallBinder(obj.__func__, skip_self=True))
    if is_model_object(obj):
        if not isinstance(obj, Module) and method(obj, "forward") is None:
            raise ScriptError(f"cannot script the {type(obj).__name__} object: its class has no forward() or "
                              "__call__ method")
        return Session().script_module(obj)
    raise ScriptError(f"script() expects a function, a model object or a bound method, got {type(obj).__name__}")
