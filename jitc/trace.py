"""`jitc.trace`: run the model once on proxy arrays and record every NumPy op into a graph."""
from __future__ import annotations

from .errors import SignatureError
from .ir import Graph
from .nn.module import HOOKS, Module
from .script_module import ScriptFunction
from .trace_check import compare_with_eager
from .trace_modules import call_hook, getattr_hook, param_names, script_module_for, trace_module
from .tracer import Frame, Tracer


def trace(fn_or_module, example_inputs, check_trace: bool = True):
    """Record what fn_or_module does on example_inputs; returns a ScriptFunction or ScriptModule."""
    if not isinstance(example_inputs, tuple):
        example_inputs = (example_inputs,)
    tracer = Tracer()
    saved = HOOKS.call, HOOKS.getattr
    HOOKS.call = lambda m, a, k: call_hook(tracer, m, a, k) if tracer.frames else m.forward(*a, **k)
    HOOKS.getattr = lambda owner, name, v: getattr_hook(tracer, owner, name, v) if tracer.frames else v
    try:
        if isinstance(fn_or_module, Module):
            trace_module(tracer, fn_or_module, example_inputs)
            result = script_module_for(tracer, fn_or_module)
        elif callable(fn_or_module):
            graph = Graph()
            names = param_names(fn_or_module, len(example_inputs))
            proxies = [tracer.input_proxy(graph, a, i, n) for i, (a, n) in enumerate(zip(example_inputs, names))]
            tracer.frames.append(Frame(graph))
            try:
                out = fn_or_module(*proxies)
            finally:
                tracer.frames.pop()
            tracer.set_outputs(graph, out, proxies)
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
        compare_with_eager(result, fn_or_module, example_inputs)
    return result


def _graphs(obj):
    if isinstance(obj, ScriptFunction):
        yield obj.graph
    else:
        for _, m in obj.named_modules():
            yield from m._methods.values()

