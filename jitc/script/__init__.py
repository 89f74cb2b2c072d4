"""`jitc.script`: compile a function or module from its Python source into the graph IR (keeps control flow)."""
from __future__ import annotations

import inspect

from ..errors import ScriptError
from ..ir import Graph
from ..nn.module import Module
from ..script_module import ScriptFunction, ScriptModule
from .compiler import FunctionCompiler
from .source import parse_function
from .values import is_constant

__all__ = ["script"]


class Session:
    """One `script()` call: the ScriptModules and functions compiled so far, shared by everything it reaches."""

    def __init__(self):
        self.modules: dict[int, tuple[Module, ScriptModule]] = {}
        self.functions: dict[object, ScriptFunction] = {}
        self.active: set[tuple[int, str]] = set()  # being compiled: a second entry is recursion

    def script_module(self, module) -> ScriptModule:
        """The ScriptModule tree of a module: parameters shared, submodules scripted, forward compiled."""
        if isinstance(module, ScriptModule):
            return module
        if id(module) in self.modules:
            return self.modules[id(module)][1]
        sm = ScriptModule(type(module).__name__)
        sm.__dict__["_eager"] = module
        self.modules[id(module)] = (module, sm)
        sm._parameters.update(module._parameters)
        sm._constants.update((k, v) for k, v in vars(module).items() if not k.startswith("_") and is_constant(v))
        for name, child in module._modules.items():
            sm._modules[name] = self.script_module(child)
        if type(module).forward is not Module.forward:
            self.method_graph(module, "forward")
            sm._methods.move_to_end("forward", last=False)
        return sm

    def method_graph(self, module, name: str) -> Graph | None:
        """The graph of module.<name>, compiling the method on first use; None when there is no such method."""
        sm = self.script_module(module)
        if name in sm._methods or isinstance(module, ScriptModule):
            return sm._methods.get(name)
        fn = getattr(type(module), name, None)
        if not inspect.isfunction(fn):
            return None
        sm._methods[name] = self._compile(fn, (module, type(module).__name__))
        return sm._methods[name]

    def script_function(self, fn) -> ScriptFunction:
        if fn not in self.functions:
            self.functions[fn] = ScriptFunction(self._compile(fn, None), fn.__name__, eager=fn)
        return self.functions[fn]

    def _compile(self, fn, owner) -> Graph:
        key = (id(owner[0]) if owner else 0, fn.__qualname__)
        if key in self.active:
            raise ScriptError(f"{fn.__qualname__} calls itself: recursion is not supported in scripted code")
        self.active.add(key)
        try:
            return FunctionCompiler(self, parse_function(fn), fn, owner).compile()
        finally:
            self.active.discard(key)


def script(obj):
    """Compile a function (→ ScriptFunction) or a jitc.nn.Module instance (→ ScriptModule) from its source.
    Works as a decorator. Already compiled objects (traced or scripted) are returned as they are."""
    if isinstance(obj, (ScriptFunction, ScriptModule)):
        return obj
    if isinstance(obj, Module):
        return Session().script_module(obj)
    if inspect.isfunction(obj):
        return Session().script_function(obj)
    raise ScriptError(f"script() expects a function or a jitc.nn.Module instance, got {type(obj).__name__}")
