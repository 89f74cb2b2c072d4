"""Flatten a module's forward into one self-free graph: inline submodule calls, turn parameters into inputs.

Parameters become extra graph inputs (not baked constants) so the compiled code always reads the ScriptModule's
current arrays: editing a parameter in place, or assigning a new array on the ScriptModule, after compilation
never gives stale results. (Assigning on the original nn.Module rebinds only that module, as in TorchScript.)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CompileError
from ..ir import Graph, Value
from ..types import TensorType
from .inline import inline_calls


@dataclass(frozen=True)
class ParamRef:
    """Where a parameter lives: read `owner._parameters[name]` at each call (owner is a ScriptModule)."""

    owner: object
    name: str
    qualname: str

    def get(self) -> np.ndarray:
        return self.owner._parameters[self.name]


def freeze_module(graph: Graph, module) -> tuple[Graph, list[ParamRef]]:
    """Inline all calls and replace `prim::GetAttr` chains from `self` by constants or parameter inputs."""
    graph = inline_calls(graph, module)
    self_value = graph.inputs[0]
    objects: dict[Value, tuple[object, str]] = {self_value: (module, "")}
    params: list[ParamRef] = []
    for node in list(graph.nodes()):
        if node.kind != "prim::GetAttr" or node.inputs[0] not in objects:
            continue
        owner, prefix = objects[node.inputs[0]]
        name = node.attrs["name"]
        qual = f"{prefix}{name}"
        if name in owner._modules:
            objects[node.output] = (owner._modules[name], qual + ".")
            continue
        if name in owner._parameters:
            ref = ParamRef(owner, name, qual)
            params.append(ref)
            replacement = graph.add_input(TensorType(), qual)
        elif name in owner._constants:
            with graph.inserting_before(node):
                replacement = graph.insert_constant(owner._constants[name])
        else:
            raise CompileError(f"module {owner.original_name} has no attribute '{name}'")
        node.output.replace_all_uses_with(replacement)
    _drop_dead_getattrs(graph)
    if self_value.uses:
        raise CompileError("the model uses `self` in a way that cannot be compiled (e.g. passes it to a function)")
    graph.block.params.pop(0)
    return graph, params


def _drop_dead_getattrs(graph: Graph) -> None:
    for node in reversed(list(graph.nodes())):
        if node.kind == "prim::GetAttr" and not node.output.uses:
            node.destroy()


def lift_tensor_constants(graph: Graph) -> list[np.ndarray]:
    """Array constants (closure arrays captured by a trace) become inputs, so the backend only sees pointers.
    NumPy scalars (0-d) stay constants: arithmetic on them folds (`1.0 / np.sqrt(n)` once n is known)."""
    arrays = []
    for node in list(graph.nodes()):
        value = node.attrs.get("value") if node.kind == "prim::Constant" else None
        if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) > 0:
            arrays.append(np.asarray(value))
            node.output.replace_all_uses_with(graph.add_input(TensorType(), f"const{len(arrays) - 1}"))
            node.destroy()
    return arrays
