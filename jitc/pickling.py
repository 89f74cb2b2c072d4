"""Pickling and copying compiled objects (what Dask and multiprocessing need to ship them to other processes).

An object whose importable name leads back to it pickles by reference, as functions do. Otherwise it travels by
value in the terms of the saved-file format (jitc/serialization): its header (IR text, module tree, constants)
and its arrays, which go to pickle as arrays, so an array shared with the user's module travels once.
`jitc.compile` and `jitc.script` of a Python function or model object also carry that function or object (it
binds calls and compiles new kinds of call): itself where pickle carries it by reference, else cloudpickle's
bytes of it (a function its decorator shadows, a lambda, a class defined in `__main__`); without cloudpickle
such an object refuses to pickle with a PicklingError that says so. Native code never travels: it is compiled
again, or read from the disk cache, on the first call where the object lands.
"""
from __future__ import annotations

import copy
import inspect
import json
import pickle
import sys
import threading

import numpy as np

from .errors import LoadError
from .passes.clone import clone_graph
from .script_module import ScriptFunction, ScriptModule
from .serialization.loading import Loader
from .serialization.saving import Saver, header_of

_WRAPPER_ATTRS = ("dynamic", "__module__", "__name__", "__qualname__", "__doc__")


def importable_name(obj) -> str | None:
    """The qualified name under which `obj` (a compiled object) is found again by importing its module."""
    qualname = obj.__dict__.get("__qualname__")
    return qualname if _imports_as(obj, getattr(obj, "__module__", None), qualname) else None


def _imports_as(obj, module, qualname) -> bool:
    """Whether importing `module` and reading `qualname` gives obj. `__main__` does not count: it is another
    program in the process that unpickles (a Dask worker)."""
    if not isinstance(module, str) or not isinstance(qualname, str) or module == "__main__":
        return False
    target = sys.modules.get(module)
    for part in qualname.split("."):
        target = getattr(target, part, None)
    return target is obj


def _wrapper_attrs(obj) -> dict:
    """The name, qualname, module and docstring a decorator gave obj, for its copy or its unpickled twin."""
    return {k: v for k, v in obj.__dict__.items() if k in _WRAPPER_ATTRS}


# ---------------------------------------------------------------- ScriptFunction / ScriptModule

class _ArraySaver(Saver):
    """Refers to each array by its index in a list pickle carries, instead of by an offset in a file."""

    def tensor(self, array, where: str) -> dict:
        self.arrays.append(np.asarray(array))
        return {"index": len(self.arrays) - 1}

    def graph(self, graph, where: str) -> dict:
        # the base class blanks array constants while it prints: a copy, so a thread running graph never sees that
        return super().graph(clone_graph(graph), where)


class _ArrayLoader(Loader):
    def __init__(self, arrays: list):
        super().__init__(None)
        self.arrays = arrays

    def _tensor(self, spec, path: str, label: str):
        self._keys(spec, path, {"index"})
        index = self._int(spec["index"], f"{path}.index", 0, len(self.arrays) - 1)
        if not isinstance(self.arrays[index], np.ndarray):
            raise LoadError(f"{path}: array {index} of the pickle is a {type(self.arrays[index]).__name__}")
        return self.arrays[index]

    def _read_arrays(self) -> None:
        """The arrays are in place already: they came with the pickle."""


def reduce_script(obj: ScriptFunction | ScriptModule):
    name = importable_name(obj)
    if name is not None:
        return name
    saver = _ArraySaver()
    header = json.dumps(header_of(obj, saver), sort_keys=True, separators=(",", ":"), allow_nan=False)
    extra = _wrapper_attrs(obj)
    return _rebuild_script, (header, saver.arrays, extra)


def _rebuild_script(header: str, arrays: list, extra: dict):
    obj = _ArrayLoader(list(arrays)).build(json.loads(header))
    obj.__dict__.update(extra)
    return obj


def copy_script(obj: ScriptFunction | ScriptModule):
    """A shallow copy: graphs, parameters and submodules are shared; compiled code is not (it belongs to its
    owner's parameters and fast path)."""
    if isinstance(obj, ScriptFunction):
        new = ScriptFunction(obj.graph, obj.name)
        new.__dict__.update(_wrapper_attrs(obj))
        return new
    new = ScriptModule(obj.original_name)
    for table in ("_modules", "_parameters", "_methods", "_constants"):
        new.__dict__[table].update(obj.__dict__[table])
    return new


# ---------------------------------------------------------------- a scripted Python function (script/polymorphic.py)

def reduce_scripted(obj):
    """By reference, or by value: the user's function (it binds keywords and defaults and compiles new argument
    kinds) and the graphs compiled so far, each as a plain ScriptFunction."""
    name = importable_name(obj)
    if name is not None:
        return name
    fn = _carried_or_refused(obj, obj.fn, "a local function or one defined in __main__")
    base = None if obj._graph is None else ScriptFunction(obj._graph, obj.name)
    error = None if obj._base_error is None else str(obj._base_error)
    wrapper = _wrapper_attrs(obj)
    return _rebuild_scripted, (type(obj), fn, base, dict(obj._variants), obj.name, error, wrapper)


def _rebuild_scripted(cls, fn, base, variants: dict, name: str, error: str | None, wrapper: dict):
    return _scripted(cls, fn, None if base is None else base.graph, variants, name, error, wrapper)


def _scripted(cls, fn, graph, variants: dict, name: str, error: str | None, wrapper: dict):
    """A ScriptedFunction from its parts, without compiling anything again."""
    from .arguments import CallBinder
    from .errors import ScriptError
    from .script import compile_variant

    obj = cls.__new__(cls)
    obj.fn, obj._compile_variant = fn, compile_variant
    obj.binder = CallBinder(fn, skip_self=False)
    obj._base_kinds = obj.binder.default_kinds()
    obj._variants, obj._base_error = variants, None if error is None else ScriptError(error)
    ScriptFunction.__init__(obj, graph, name)
    obj.__dict__.update(wrapper)
    return obj


def copy_scripted(obj):
    """A shallow copy: the function and the graphs are shared, compiled code is not."""
    error = None if obj._base_error is None else str(obj._base_error)
    wrapper = _wrapper_attrs(obj)
    variants = {kinds: copy_script(v) for kinds, v in obj._variants.items()}
    return _scripted(type(obj), obj.fn, obj._graph, variants, obj.name, error, wrapper)


# ---------------------------------------------------------------- CompiledFunction

_pickling = threading.local()  # ids of the user's functions being cloudpickled on this thread (recursion)


class _Cloudpickled:
    """The user's function as cloudpickle bytes, for picklers that cannot carry it themselves; it unpickles as
    the function."""

    def __init__(self, data: bytes):
        self.data = data

    def __reduce__(self):
        return _load_cloudpickled, (self.data,)


def _load_cloudpickled(data: bytes):
    return pickle.loads(data)


def _carried(fn):
    """fn itself when pickle carries it by reference (an importable function, a model of an importable class),
    else cloudpickle's bytes of it; None without cloudpickle or for a recursive reference."""
    cls = fn if inspect.isfunction(fn) else type(fn)
    if _imports_as(cls, cls.__module__, cls.__qualname__):
        return fn
    try:
        import cloudpickle
    except ImportError:
        return None
    active = _pickling.__dict__.setdefault("ids", set())
    if id(fn) in active:
        return None
    active.add(id(fn))
    try:
        return _Cloudpickled(cloudpickle.dumps(fn))
    finally:
        active.discard(id(fn))


def _carried_or_refused(obj, fn, kinds: str):
    """_carried(fn), else a PicklingError for obj that names the kinds of function pickle cannot carry."""
    carried = _carried(fn)
    if carried is None:
        raise pickle.PicklingError(f"cannot pickle {obj!r}: pickle cannot carry its Python function by reference "
                                   f"({kinds}); install cloudpickle, which carries it by value")
    return carried


def reduce_compiled(cf):
    """By reference, or by value: the user's function or model object (it binds calls and compiles new kinds of
    call) with the targets compiled so far."""
    name = importable_name(cf)
    if name is not None:
        return name
    fn = _carried_or_refused(cf, cf.fn, "a local function, a lambda or one defined in __main__")
    state = {"fn": fn, "fallback": cf.fallback, "variants": dict(cf._variants), "traced": dict(cf._traced),
             "wrapper": _wrapper_attrs(cf)}
    return _rebuild_compiled, (type(cf), state)


def _rebuild_compiled(cls, state: dict):
    return cls._restore(state["fn"], state["fallback"], state["variants"], state["traced"], state["wrapper"])


def copy_compiled(cf, memo: dict | None = None):
    """copy.copy (memo None) shares the function and its compiled targets; copy.deepcopy copies them too."""
    parts = (cf.fn, dict(cf._variants), dict(cf._traced))
    fn, variants, traced = parts if memo is None else copy.deepcopy(parts, memo)
    wrapper = _wrapper_attrs(cf)
    return type(cf)._restore(fn, cf.fallback, variants, traced, wrapper)
