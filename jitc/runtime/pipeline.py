"""From a graph and one call's arguments to native code: freeze, specialize, optimize, fuse, lower, JIT."""
from __future__ import annotations

import ctypes
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from ..ir import Graph
from ..passes.cse import eliminate_common_subexpressions
from ..passes.dce import eliminate_dead_code
from ..passes.fold import fold_constants
from ..passes.fuse import fuse_elementwise
from ..passes.scalar_math import mark_scalar_products
from ..symbolic import parse_size
from ..types import BOOL, COMPLEX, FLOAT, INT, TensorType, Type

ENTRY = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_void_p))


def debug_level() -> int:
    try:
        return int(os.environ.get("JITC_DEBUG", "0"))
    except ValueError:
        return 0


def debug(level: int, title: str, text) -> None:
    """Print a compilation stage when JITC_DEBUG >= level; text may be a callable, to build it only then."""
    if debug_level() >= level:
        print(f"==== jitc: {title} ====\n{text() if callable(text) else text}", file=sys.stderr)


def arg_type(a) -> Type:
    """The specialized type of a call argument."""
    if isinstance(a, np.ndarray):
        return TensorType.of(a)
    if isinstance(a, bool):  # NumPy scalars arrive here as 0-d arrays (see executor._as_native)
        return BOOL
    if isinstance(a, int):
        return INT
    return COMPLEX if isinstance(a, complex) else FLOAT


def _array_constants(graph: Graph) -> str:
    """The values of the graph's array constants (NumPy scalars, small folded arrays), which its text prints as
    `<Tensor>`: part of the disk cache's key, so `x * np.float64(2.0)` never gets the code of `x * np.float64(3.0)`."""
    out = []
    for node in graph.nodes():
        value = node.attrs.get("value") if node.kind == "prim::Constant" else None
        if isinstance(value, (np.ndarray, np.generic)):
            a = np.ascontiguousarray(value)
            out.append(f"\n# constant %{node.output.name} {a.dtype}{list(a.shape)} {a.tobytes().hex()}")
        for sub in node.attrs.values():
            if isinstance(sub, Graph):
                out.append(_array_constants(sub))
    return "".join(out)


def optimize(graph: Graph) -> None:
    fold_constants(graph)
    eliminate_dead_code(graph)
    eliminate_common_subexpressions(graph)
    fold_constants(graph)
    eliminate_dead_code(graph)
    mark_scalar_products(graph)
    fuse_elementwise(graph)
    eliminate_dead_code(graph)  # constants now copied into fusion groups
    graph.lint()


@dataclass
class Compiled:
    """Native code for one signature, with what the runtime needs to call it."""

    graph: Graph            # the specialized, optimized graph it was compiled from
    library: object
    entry: object
    outputs: list           # codegen.lower.OutputSpec per flattened output
    template: object        # how to rebuild the returned structure from the flat outputs
    fastcall: int | None    # address of the METH_FASTCALL entry (codegen/pyentry.py), or None
    entry_name: str
    compile_seconds: float
    llvm_ir: str
    slow_hits: int = field(default=0)  # calls through the general path; the fast path counts natively
    stages: dict = field(default_factory=dict)  # seconds per compile stage (specialize, lower, llvm_*, ...)
    errors: dict = field(default_factory=dict)  # native error code -> IndexError message (codegen.abi)
    guard: object = None    # a symbolic specialization's dynamic.Guard (its sizes go to the entry), else None
    key: tuple | None = None  # a symbolic specialization's signature (with symbols), its cache key
    by_value: tuple = ()    # the by-value arguments it was compiled for
    sizes_slots: int = 0    # the length of the sizes array the entry takes after the outputs (0: none)
    pipeline: str = "O3"    # the LLVM pipeline its code got: "O3", or "light" for a tiny graph (codegen/tiers.py)
    tier_up: dict | None = None  # light code replaced by O3 code: after how many calls, in how many seconds

    @property
    def hits(self) -> int:
        native = 0
        if self.fastcall is not None:
            native = ctypes.c_int64.from_address(self.library.address(f"{self.entry_name}_fastcall.hits")).value
        return self.slow_hits + native


def compile_graph(graph: Graph, name: str = "jitc_entry", n_user: int | None = None,
                     use_cache: bool = True, stages: dict | None = None, pipeline: str | None = None) -> Compiled:
    """Native code for a specialized graph (self-free; inputs: user arguments, then parameters and lifted
    constants): from the on-disk cache when it has it, else lowered and JIT-compiled. `stages` holds the
    seconds of earlier stages (specialization) and receives this function's. `pipeline`="O3" tiers up a light
    graph (codegen/tiers.py): it is compiled again, and the disk cache keeps the O3 code in the light code's
    place."""
    from codegen import engine, tiers
    from codegen.interrupt import ensure_handler
    from codegen.symbols import fill

    from . import disk_cache

    start = time.perf_counter()
    if tiers.has_loops(graph):
        ensure_handler()  # Ctrl-C reaches compiled loops (codegen/interrupt.py)
    stages = {} if stages is None else stages
    debug(2, "optimized graph", lambda: str(graph))
    facts = "".join(f"\n# size fact: {f} >= 0" for f in getattr(graph, "size_facts", ()))  # guards the code has
    first = tiers.pipeline(graph)
    pipeline = pipeline or first
    digest = (disk_cache.key(f"{graph}{facts}{_array_constants(graph)}\n# {first}", name, n_user)
              if use_cache and disk_cache.enabled() else None)
    hit = disk_cache.load(digest, name) if digest and pipeline == first else None
    cached = _from_cache(hit, name) if hit is not None else None
    if cached is not None:
        library, specs, template, fastcall = cached
        pipeline = hit[0].get("pipeline", first)
        stages["disk_cache"] = time.perf_counter() - start
        llvm_ir = ""
        errors = {int(code): message for code, message in hit[0].get("errors", {}).items()}
        sizes_slots = int(hit[0].get("sizes_slots", 0))
        _show_cached(graph, name, n_user, pipeline)
    else:
        from codegen.lower import lower  # only needed on a cache miss: keeps warm starts fast

        lowering, llvm_ir = lower(graph, name, n_user=n_user,
                                  tier_up_at=tiers.TIER_UP_CALLS if pipeline == "light" else None)
        stages["lower"] = time.perf_counter() - start
        debug(3, "LLVM IR", llvm_ir)
        library = engine.compile_ir(llvm_ir, name, stages, light=pipeline == "light")
        debug(4, "optimized LLVM IR", lambda: library.optimized_ir)
        specs, template, has_py = lowering.specs, lowering.template, lowering.has_fastcall
        sizes_slots = lowering.sizes_slots
        errors = lowering.errors
        symbols = [list(k) for k in lowering.symbols.keys] if lowering.symbols is not None else []
        if digest:
            outputs = [[s.dtype.str, [str(d) for d in s.shape], s.scalar, s.numpy_scalar,
                        None if s.room is None else [str(d) for d in s.room]] for s in specs]
            disk_cache.store(digest, name, {"exports": list(library.symbols), "symbols": symbols, "fastcall": has_py,
                                            "template": template, "errors": errors, "outputs": outputs,
                                            "sizes_slots": sizes_slots, "imports": library.imports,
                                            "pipeline": pipeline},
                             library.object_code)
        debug(5, "assembly", lambda: library.asm)
        if symbols:
            fill(library.address(f"{name}.symbols"), [tuple(k) for k in symbols])
        fastcall = library.address(f"{name}_fastcall") if has_py else None
    entry = ENTRY(library.address(name))
    seconds = stages.get("specialize", 0.0) + time.perf_counter() - start
    return Compiled(graph, library, entry, specs, template, fastcall, name, seconds, llvm_ir, stages=stages,
                    sizes_slots=sizes_slots, errors=errors, pipeline=pipeline)


def tier_up(compiled: Compiled, n_user: int | None) -> Compiled:
    """O3 code for a light specialization that became hot (codegen/tiers.py), to take its place: the same graph
    compiled again, its guard, key, call count and first compile's times carried over."""
    stages: dict = {}
    better = compile_graph(compiled.graph, compiled.entry_name, n_user, stages=stages, pipeline="O3")
    better.guard, better.key, better.by_value = compiled.guard, compiled.key, compiled.by_value
    better.slow_hits = compiled.hits
    better.tier_up = {"after_calls": compiled.hits, "seconds": better.compile_seconds, "stages": stages}
    better.compile_seconds, better.stages = compiled.compile_seconds, compiled.stages
    return better


def _show_cached(graph: Graph, name: str, n_user: int | None, pipeline: str) -> None:
    """JITC_DEBUG >= 3 on a disk-cache hit: cached object code carries no IR, so lower (and for 4-5 optimize)
    the graph again just to print what the cached code was built from."""
    level = debug_level()
    if level < 3:
        return
    from codegen import engine
    from codegen.lower import lower

    note = " (regenerated: the code came from the disk cache)"
    llvm_ir = lower(graph, name, n_user=n_user)[1]
    debug(3, "LLVM IR" + note, llvm_ir)
    if level >= 4:
        library = engine.compile_ir(llvm_ir, name, light=pipeline == "light")
        debug(4, "optimized LLVM IR" + note, library.optimized_ir)
        debug(5, "assembly" + note, lambda: library.asm)


def _from_cache(hit: tuple, name: str):
    """(library, output specs, template, fastcall address) from a cache entry, or None when the entry cannot be
    used as it is (then it is compiled again and the entry rewritten)."""
    from codegen import engine
    from codegen.abi import OutputSpec
    from codegen.pyentry import layout_ok
    from codegen.symbols import fill

    meta, object_code = hit
    try:
        library = engine.load_object(object_code, meta["exports"], imports=meta["imports"])
        specs = [OutputSpec(np.dtype(d), _sizes(shape), bool(scalar), bool(numpy_scalar), room and _sizes(room))
                 for d, shape, scalar, numpy_scalar, room in meta["outputs"]]
        if meta["symbols"]:
            fill(library.address(f"{name}.symbols"), [tuple(k) for k in meta["symbols"]])
        library.address(name)
        fastcall = library.address(f"{name}_fastcall") if meta["fastcall"] and layout_ok() else None
        return library, specs, _template(meta["template"]), fastcall
    except Exception:  # noqa: BLE001  (a foreign or stale entry is a miss, never an error)
        return None


def _sizes(shape: list) -> tuple:
    return tuple(parse_size(str(n)) for n in shape)


def _template(t):
    """JSON turned the output template's tuples into lists: turn them back."""
    return tuple(_template(x) for x in t) if isinstance(t, list) else t


__all__ = ["Compiled", "arg_type", "compile_graph", "debug", "debug_level", "optimize", "tier_up"]
