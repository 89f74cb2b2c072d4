"""`save`: a ScriptModule tree or ScriptFunction to one file (the layout is in the package docstring)."""
from __future__ import annotations

import json
import os

import numpy as np

from ..errors import JitcError
from ..ir import Graph
from ..parser import parse_ir
from ..printer import print_graph
from ..script_module import ScriptFunction, ScriptModule
from .constants import encode_constant
from .layout import ALIGN, DTYPES, IDENT, MAX_DEPTH, MAX_DIM, MAX_RANK, MAX_TENSORS, NAME, check_name, write_frame


def save(obj: ScriptModule | ScriptFunction, path: str | os.PathLike) -> None:
    """Write obj (a ScriptModule tree or a ScriptFunction) to path; deterministic, so equal objects give equal
    bytes. Raises JitcError, before creating the file, for what the format cannot hold."""
    saver = Saver()
    text = json.dumps(header_of(obj, saver), sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    with open(path, "wb") as f:
        write_frame(f, text, saver.arrays)


def header_of(obj: ScriptModule | ScriptFunction, saver: Saver) -> dict:
    """The file's header for obj; saver collects the arrays it refers to (pickling.py uses its own saver)."""
    if isinstance(obj, ScriptModule):
        return {"kind": "module", "root": saver.module(obj, "module", 0)}
    if isinstance(obj, ScriptFunction):
        check_name(obj.name, IDENT, "function name", JitcError)
        return {"kind": "function", "root": {"name": obj.name, "graph": saver.graph(obj.graph, obj.name)}}
    raise JitcError(f"save() expects a ScriptModule or ScriptFunction, got {type(obj).__name__}")


class Saver:
    def __init__(self):
        self.arrays: list[memoryview] = []  # the data section's parts, in offset order
        self.size = 0

    def module(self, m: ScriptModule, where: str, depth: int) -> dict:
        if depth > MAX_DEPTH:
            raise JitcError(f"cannot save {where}: the module tree is deeper than {MAX_DEPTH} (or has a cycle)")
        check_name(m.original_name, IDENT, f"{where}: original_name", JitcError)
        names = [*m._modules, *m._parameters, *m._constants]
        for name in names:
            check_name(name, NAME, f"{where}: attribute name", JitcError)
        if len(set(names)) != len(names):
            raise JitcError(f"cannot save {where}: an attribute name is used twice")
        for name in m._methods:
            check_name(name, IDENT, f"{where}: method name", JitcError)
        return {
            "original_name": m.original_name,
            "modules": [[n, self.module(s, f"{where}.{n}", depth + 1)] for n, s in m._modules.items()],
            "parameters": [[n, self.tensor(p, f"{where}.{n}")] for n, p in m._parameters.items()],
            "constants": [[n, encode_constant(v, f"{where}.{n}", 0)] for n, v in m._constants.items()],
            "methods": [[n, self.graph(g, f"{where}.{n}")] for n, g in m._methods.items()],
        }

    def graph(self, graph: Graph, where: str) -> dict:
        arrays = []
        for i, node in enumerate(graph.nodes()):
            for key, value in node.attrs.items():
                if isinstance(value, (np.ndarray, np.generic)):
                    if node.kind != "prim::Constant" or key != "value":
                        raise JitcError(f"cannot save {where}: {node.kind} has an array attribute '{key}'")
                    arrays.append((i, node, value))
        for _, node, _ in arrays:  # print placeholders, then put the arrays back
            node.attrs["value"] = None
        try:
            text = print_graph(graph)
        finally:
            for _, node, value in arrays:
                node.attrs["value"] = value
        try:  # what load reads back must print exactly as the original does
            same = print_graph(parse_ir(text)) == text
        except JitcError as e:
            raise JitcError(f"cannot save {where}: its IR does not parse back ({e})") from e
        if not same:
            raise JitcError(f"cannot save {where}: its IR does not print the same after parsing")
        return {"ir": text, "tensors": [[i, self.tensor(v, f"{where} node {i}")] for i, _, v in arrays]}

    def tensor(self, array, where: str) -> dict:
        array = np.asarray(array)
        key = array.dtype.newbyteorder("<").str
        if key not in DTYPES:
            raise JitcError(f"cannot save {where}: dtype {array.dtype} is not supported (bool, int8..int64, "
                            "uint8..uint64, float16/32/64 are)")
        if array.ndim > MAX_RANK or any(d > MAX_DIM for d in array.shape):
            raise JitcError(f"cannot save {where}: shape {array.shape} exceeds rank {MAX_RANK} or 2**40 per dim")
        if len(self.arrays) >= MAX_TENSORS:
            raise JitcError(f"cannot save: more than {MAX_TENSORS} arrays")
        raw = memoryview(np.ascontiguousarray(array, dtype=DTYPES[key]).reshape(-1).view(np.uint8))
        offset = self.size
        self.arrays.append(raw)
        self.size += len(raw) + -len(raw) % ALIGN
        return {"dtype": key, "shape": list(array.shape), "offset": offset, "nbytes": len(raw)}
