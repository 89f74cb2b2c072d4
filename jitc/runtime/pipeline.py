"""From a graph and one call's arguments to native code: freeze, specialize, optimize, fuse, lower, JIT."""
from __future__ import annotations

import ctypes
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import CompileError
from ..ir import Graph
from ..passes.clone import clone_graph
from ..passes.cse import eliminate_common_subexpressions
from ..passes.dce import eliminate_dead_code
from ..passes.fold import fold_constants
from ..passes.freeze import ParamRef, freeze_module, lift_tensor_constants
from ..passes.fuse import fuse_elementwise
from ..passes.specialize import specialize
from ..types import BOOL, FLOAT, INT, TensorType, Type

ENTRY = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_void_p))
PY_ENTRY = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.py_object, ctypes.py_object)


def debug_level() -> int:
    try:
        return int(os.environ.get("JITC_DEBUG", "0"))
    except ValueError:
        return 0


def _debug(level: int, title: str, text: str) -> None:
    if debug_level() >= level:
        print(f"==== jitc: {title} ====\n{text}", file=sys.stderr)


def arg_type(a) -> Type:
    """The specialized type of a call argument."""
    if isinstance(a, np.ndarray):
        return TensorType.of(a)
    if isinstance(a, (bool, np.bool_)):
        return BOOL
    if isinstance(a, (int, np.integer)):
        return INT
    return FLOAT


@dataclass
class Prepared:
    """A graph ready for lowering: self-free, inputs = user args + parameters + lifted constants."""

    graph: Graph
    params: list[ParamRef]
    constants: list[np.ndarray]


def prepare(graph: Graph, module, args: list, params_now: list | None = None) -> Prepared:
    """Freeze and specialize a copy of graph for these arguments, then run the optimization passes."""
    if module is not None:
        graph, params = freeze_module(graph, module)
    else:
        graph, params = clone_graph(graph), []
    constants = lift_tensor_constants(graph)
    arrays = [p.get() for p in params] if params_now is None else params_now
    specialize(graph, [arg_type(a) for a in [*args, *arrays, *constants]])
    optimize(graph)
    return Prepared(graph, params, constants)


def optimize(graph: Graph) -> None:
    fold_constants(graph)
    eliminate_dead_code(graph)
    eliminate_common_subexpressions(graph)
    fold_constants(graph)
    eliminate_dead_code(graph)
    fuse_elementwise(graph)
    eliminate_dead_code(graph)  # constants now copied into fusion groups
    graph.lint()


@dataclass
class Compiled:
    """Native code for one signature, with what the runtime needs to call it."""

    prepared: Prepared
    library: object
    entry: object
    outputs: list           # codegen.lower.OutputSpec per flattened output
    template: object        # how to rebuild the returned structure from the flat outputs
    py_entry: object        # guarded CPython entry (tuples of arrays), or None
    compile_seconds: float
    llvm_ir: str
    hits: int = field(default=0)


def compile_prepared(prepared: Prepared, name: str = "jitc_entry", n_user: int | None = None) -> Compiled:
    from codegen import engine
    from codegen.lower import lower
    from codegen.symbols import fill

    start = time.perf_counter()
    _debug(2, "optimized graph", str(prepared.graph))
    lowering, llvm_ir = lower(prepared.graph, name, n_user=n_user)
    _debug(3, "LLVM IR", llvm_ir)
    library = engine.compile_ir(llvm_ir, name)
    _debug(4, "optimized LLVM IR", library.optimized_ir)
    if debug_level() >= 5:
        _debug(5, "assembly", library.asm)
    if lowering.symbols is not None:
        fill(library.address(lowering.symbols.name), lowering.symbols.keys)
    entry = ENTRY(library.address(name))
    py_entry = PY_ENTRY(library.address(f"{name}_py")) if lowering.has_py_entry else None
    return Compiled(prepared, library, entry, lowering.specs, lowering.template, py_entry,
                    time.perf_counter() - start, llvm_ir)


__all__ = ["CompileError", "Compiled", "Prepared", "arg_type", "compile_prepared", "debug_level", "prepare"]
