"""Model objects as the compiler sees them: `jitc.nn.Module`s and plain Python objects alike have parameters
(array attributes), submodules (attributes that are model objects, or lists/tuples of them) and constants
(int/float/bool/str attributes). A plain class's `__call__` is its forward."""
from __future__ import annotations

import inspect
import types
from dataclasses import dataclass

import numpy as np

from ..nn.module import Module
from ..script_module import ScriptModule
from .values import is_constant


@dataclass
class Parts:
    params: dict
    modules: dict
    constants: dict


class Container:
    """A list or tuple attribute of model objects or arrays (`self.layers = [Block(), Block()]`): a submodule whose
    children are named "0", "1", ... in order; iterating or indexing it in scripted code unrolls. A dict of them
    with str keys (`self.params = {"W1": ...}`) has its keys as the children's names; iterating gives the keys."""

    def __init__(self, items):
        self.keyed = isinstance(items, dict)
        self.names = list(items) if self.keyed else [str(i) for i in range(len(items))]
        self.items = list(items.values()) if self.keyed else list(items)


def is_model_object(obj) -> bool:
    """A Module, or an instance of a user-defined class (not a function, class, NumPy or builtin object)."""
    if isinstance(obj, (Module, ScriptModule, Container)):
        return True
    if isinstance(obj, (type, types.FunctionType, types.MethodType, types.ModuleType, types.BuiltinFunctionType,
                        np.ndarray, np.generic, np.ufunc, np.dtype)):
        return False
    module = type(obj).__module__ or ""
    return hasattr(obj, "__dict__") and module.split(".")[0] not in ("builtins", "numpy", "jitc", "functools")


def _is_constant(v) -> bool:
    """An attribute compiled code reads as a constant: Python's, or a NumPy scalar (a 0-d array constant)."""
    return is_constant(v) or isinstance(v, np.generic)


def _is_container(v) -> bool:
    if isinstance(v, dict):
        return len(v) > 0 and all(isinstance(k, str) and k.isidentifier() for k in v) and _is_container(list(v.values()))
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(
        isinstance(x, np.ndarray) or is_model_object(x) for x in v)


def parts(obj) -> Parts:
    if isinstance(obj, ScriptModule):
        return Parts(dict(obj._parameters), dict(obj._modules), dict(obj._constants))
    if isinstance(obj, Module):
        constants = {k: v for k, v in vars(obj).items() if not k.startswith("_") and _is_constant(v)}
        modules = dict(obj._modules)
        modules.update((k, Container(v)) for k, v in vars(obj).items() if not k.startswith("_") and _is_container(v))
        modules.update((k, v) for k, v in vars(obj).items()
                       if not k.startswith("_") and not isinstance(v, Module) and is_model_object(v))
        return Parts(dict(obj._parameters), modules, constants)
    items = dict(zip(obj.names, obj.items)) if isinstance(obj, Container) else vars(obj)
    p = Parts({}, {}, {})
    for k, v in items.items():
        if isinstance(v, np.ndarray):
            p.params[k] = v
        elif is_model_object(v):
            p.modules[k] = v
        elif _is_container(v):
            p.modules[k] = Container(v)
        elif _is_constant(v):
            p.constants[k] = v
    return p


def children(obj) -> list:
    """What `for m in obj` iterates over: a container's items in order (arrays and objects), else submodules."""
    if isinstance(obj, Container):
        return list(obj.names)
    return list(parts(obj).modules)


def method(obj, name: str):
    """The Python function of obj.<name>; "forward" is a plain class's `__call__` when it has no forward."""
    fn = getattr(type(obj), name, None)
    if fn is None and name == "forward" and not isinstance(obj, (Module, Container)):
        fn = inspect.getattr_static(type(obj), "__call__", None)
    return fn if inspect.isfunction(fn) else None


def type_name(obj) -> str:
    if isinstance(obj, ScriptModule):
        return obj.original_name
    return "ModuleList" if isinstance(obj, Container) else type(obj).__name__


def fingerprint(obj, depth: int = 0) -> tuple:
    """What compiled code of a model object depends on: its class, which arrays its parameters are, its constants
    and, recursively, its submodules. Reassigning any of them changes the fingerprint."""
    if depth > 32:  # a cycle of objects: deeper levels cannot be compiled anyway
        return ()
    p = parts(obj)
    lists = {} if isinstance(obj, (ScriptModule, Container)) else {  # a trace may have read their items
        k: repr(v) for k, v in vars(obj).items() if isinstance(v, list) and not _is_container(v)}
    return (type(obj),
            tuple((k, id(v), v.dtype, v.shape) for k, v in p.params.items()),
            tuple((k, type(v), repr(v)) for k, v in p.constants.items()),
            tuple((k, fingerprint(m, depth + 1)) for k, m in p.modules.items()),
            tuple(lists.items()))


class ModelState:
    """Watches a model object: `changed()` says whether anything compiled code depends on was reassigned;
    `unchanged()` is its cheap half, run on every fast call: no attribute of any object (or item of any list of
    layers) in the model's tree is another object than when last checked."""

    def __init__(self, model):
        self.model, self.key = model, fingerprint(model)
        self.watched = _watch(model)

    def unchanged(self) -> bool:
        for items, ids, _ in self.watched:
            if tuple(map(id, items())) != ids:
                return False
        return True

    def changed(self) -> bool:
        if self.unchanged():
            return False
        self.watched = _watch(self.model)
        key = fingerprint(self.model)
        if key == self.key:
            return False
        self.key = key
        return True


def _watch(model) -> list:
    """(values of a namespace, their ids, the values themselves) for every object and list in the model's tree:
    holding the values keeps their ids from being reused by new objects."""
    out, seen = [], set()

    def visit(obj) -> None:
        if id(obj) in seen or len(seen) > 10_000:
            return
        seen.add(id(obj))
        namespaces = [obj] if isinstance(obj, (list, tuple, dict)) else [vars(obj)]
        if isinstance(obj, Module):
            namespaces += [obj._parameters, obj._modules]
        for ns in namespaces:
            items = ns.__iter__ if isinstance(ns, (list, tuple)) else ns.values  # (a dict's values; keys: fingerprint)
            values = tuple(items())
            out.append((items, tuple(map(id, values)), values))
            for v in values:  # lists and tuples too: constants like `self.sizes = [4, 8]` change in place
                if is_model_object(v) and not isinstance(v, ScriptModule) or isinstance(v, (list, tuple, dict)):
                    visit(v)

    visit(model)
    return out
