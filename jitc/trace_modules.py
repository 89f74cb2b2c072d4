"""Tracing through modules: attribute reads become prim::GetAttr, a submodule call is traced into its own graph
and called with prim::CallMethod (TorchScript keeps one graph per submodule), a script call is inlined whole."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .errors import JitcError
from .ir import Graph, Value
from .nn.module import Module
from .proxy import Proxy
from .script_module import ScriptFunction, ScriptModule, check_args
from .source import user_location
from .tracer import Frame, insert_op_const
from .types import ModuleType, TensorType, TupleType, type_of_constant

if TYPE_CHECKING:
    from .tracer import Tracer


def getattr_hook(tracer: Tracer, owner: Module, name: str, value):
    path = _path_to(tracer, owner)
    if path is None or not isinstance(value, np.ndarray):
        return value  # not reachable from the module being traced: a constant
    return Proxy(tracer, value, _get_attr_chain(tracer, path + [name], value))


def _path_to(tracer: Tracer, owner) -> list[str] | None:
    frame = tracer.frame
    if frame.module is None:
        return None
    for name, m in frame.module.named_modules():
        if m is owner:
            return name.split(".") if name else []
    return None


def _get_attr_chain(tracer: Tracer, path: list[str], leaf) -> Value:
    frame = tracer.frame
    value, owner = frame.self_value, frame.module
    for name in path:
        key = (id(owner), name)
        target = owner._modules.get(name) if name in owner._modules else leaf
        if key not in frame.attrs:
            t = ModuleType(type(target).__name__) if isinstance(target, (Module, ScriptModule)) \
                else TensorType.of(target)
            if isinstance(target, ScriptModule):
                t = ModuleType(target.original_name)
            node = frame.graph.insert("prim::GetAttr", [value], [t], {"name": name})
            node.output.set_name(f"_{name}" if name[:1].isdigit() else name)  # `%_0` for Sequential's "0"
            frame.attrs[key] = node.output
        value, owner = frame.attrs[key], target
    return value


def call_hook(tracer: Tracer, module, args, kwargs):
    if isinstance(module, ScriptFunction):
        check_args(module.graph, tuple(_concrete(args)), module.name, skip_self=False)
        return _inline_script(tracer, module.graph, list(args))
    if kwargs:
        raise JitcError(f"keyword arguments to module calls are not supported when tracing{tracer.where()}")
    path = _path_to(tracer, module)
    if path is None or not path:
        if isinstance(module, ScriptModule):
            return _inline_script(tracer, module.graph, [module, *args])
        return module.forward(*args)  # a module that is not an attribute: its ops are recorded inline
    loc = user_location()
    target_value = _get_attr_chain(tracer, path, module)
    if isinstance(module, ScriptModule):
        outputs = _run_concrete(module, args)
    else:
        outputs = trace_module(tracer, module, args)
    if any(n.kind == "aten::copy_" for n in script_module_for(tracer, module).graph.nodes()):
        raise tracer.unsupported(f"calling the submodule '{'.'.join(path)}', which writes to its arguments in "
                                 "place,")
    graph = tracer.frame.graph
    inputs = [target_value] + [insert_op_const(graph, tracer.ir_of(a, None), loc) for a in args]
    out_type = _type_of_result(outputs)
    node = graph.insert("prim::CallMethod", inputs, [out_type], {"name": "forward"}, str(loc) if loc else None)
    return _wrap_outputs(tracer, node.output, outputs, loc)


def _wrap_outputs(tracer: Tracer, value: Value, outputs, loc):
    if isinstance(outputs, tuple):
        unpack = tracer.frame.graph.insert("prim::TupleUnpack", [value], [_type_of_result(o) for o in outputs],
                                           source=str(loc) if loc else None)
        return tuple(_wrap_outputs(tracer, v, o, loc) for v, o in zip(unpack.outputs, outputs))
    if isinstance(outputs, np.ndarray):
        return Proxy(tracer, outputs, value)
    return outputs


def _inline_script(tracer: Tracer, graph: Graph, args: list):
    """A ScriptFunction (or unattached ScriptModule) called while tracing: its graph is copied in whole, so its
    control flow stays (prim::If/prim::Loop are not baked)."""
    from .interpreter import run_graph
    from .passes.clone import clone_block_into

    concrete = [a.value if isinstance(a, Proxy) else a for a in args]
    results = run_graph(graph, concrete)
    env = {}
    for p, a in zip(graph.inputs, args):
        v = tracer.ir_of(a, None)
        env[p] = v if isinstance(v, Value) else insert_op_const(tracer.frame.graph, v, None)
    clone_block_into(graph.block, tracer.frame.graph.block, env)
    outs = [_wrap_outputs(tracer, env[r], c, None) for r, c in zip(graph.outputs, results)]
    return outs[0] if len(outs) == 1 else tuple(outs)


def trace_module(tracer: Tracer, module: Module, args):
    """Trace module.forward into its own graph (TorchScript keeps one graph per submodule)."""
    graph = Graph()
    self_value = graph.add_input(ModuleType(type(module).__name__), "self")
    frame = Frame(graph, module, self_value)
    names = param_names(module.forward, len(args))
    proxies = [tracer.input_proxy(graph, a, i, n) for i, (a, n) in enumerate(zip(args, names))]
    tracer.frames.append(frame)
    try:
        result = module.forward(*proxies)
    finally:
        tracer.frames.pop()
    tracer.set_outputs(graph, result, proxies)
    sm = script_module_for(tracer, module)
    sm._methods.setdefault("forward", graph)
    return _concrete(result)


def script_module_for(tracer: Tracer, module: Module) -> ScriptModule:
    if isinstance(module, ScriptModule):
        return module
    sm = tracer.script_modules.get(id(module))
    if sm is None:
        sm = ScriptModule(type(module).__name__)
        sm.__dict__["_eager"] = module
        tracer.script_modules[id(module)] = sm
        sm._parameters.update(module._parameters)
        for name, value in vars(module).items():
            if not name.startswith("_") and name not in ("training",):
                sm._constants[name] = value
        for name, child in module._modules.items():
            sm._modules[name] = script_module_for(tracer, child)
    return sm


def _concrete(result):
    if isinstance(result, (tuple, list)):
        return tuple(_concrete(r) for r in result)
    if isinstance(result, Proxy):
        return result.value
    return result


def _type_of_result(result):
    if isinstance(result, tuple):
        return TupleType(tuple(_type_of_result(r) for r in result))
    return TensorType.of(result) if isinstance(result, np.ndarray) else type_of_constant(result)


def _run_concrete(module: ScriptModule, args):
    from .runtime import run_method

    return run_method(module, "forward", tuple(a.value if isinstance(a, Proxy) else a for a in args))


def param_names(fn, n: int) -> list[str | None]:
    """Graph input names from the Python signature (`%x`, `%h`), as TorchScript does."""
    import inspect

    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:n]]
    return names + [None] * (n - len(names))

