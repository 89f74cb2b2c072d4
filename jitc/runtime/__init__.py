"""Running ScriptFunctions/ScriptModules: guards, then native code per signature (see executor.py)."""
from __future__ import annotations

from ..errors import JitcError
from ..script_module import check_args
from .executor import Executor

__all__ = ["Executor", "executor_for", "run_function", "run_method"]


def executor_for(owner, name: str, graph, module, dynamic: bool | None = None) -> Executor:
    """The Executor of a function or a module's method, created on first use; `dynamic` as jitc.compile's."""
    table = owner.__dict__.setdefault("_executors", {})
    ex = table.get(name)
    if ex is None or ex.source_graph is not graph:
        ex = table[name] = Executor(graph, module, name, dynamic=dynamic)
        ex.by_value = frozenset(getattr(owner, "value_inputs", ()))
    return ex


def run_function(fn, args: tuple, owner=None):
    """Run a ScriptFunction; `owner` (default fn) receives the compiled fast path as `owner._call`."""
    args = check_args(fn.graph, args, fn.name, skip_self=False)
    for i, baked in getattr(fn, "traced_values", {}).items():
        if args[i] != baked or type(args[i]) is not type(baked):
            raise JitcError(f"{fn.name}(): the trace baked argument {i} = {baked!r} into the graph (it set a loop "
                            f"count, a condition or a shape), got {args[i]!r}: trace again, or use jitc.script")
    return executor_for(fn, fn.name, fn.graph, None, getattr(owner, "dynamic", None))(args, owner=owner or fn)


def run_method(module, name: str, args: tuple, owner=None):
    graph = module._methods[name]
    args = check_args(graph, args, name, skip_self=True)
    if owner is None and name == "forward":
        owner = module
    return executor_for(module, name, graph, module, getattr(owner, "dynamic", None))(args, owner=owner)
