"""Running ScriptFunctions/ScriptModules: guards, then the interpreter (the backend plugs in here)."""
from __future__ import annotations

from ..interpreter import run_graph
from ..script_module import check_args


def _result(outputs: list):
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def run_function(fn, args: tuple):
    args = check_args(fn.graph, args, fn.name, skip_self=False)
    return _result(run_graph(fn.graph, args))


def run_method(module, name: str, args: tuple):
    graph = module._methods[name]
    args = check_args(graph, args, name, skip_self=True)
    return _result(run_graph(graph, [module, *args]))
