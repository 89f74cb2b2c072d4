"""The runtime: one Executor per compiled graph keeps a cache of native specializations keyed by the call's
signature (dtype, shape, strides of every array; type of every scalar), guards each call and runs native code."""
from __future__ import annotations

import os
import sys
import threading
import time
import warnings
import weakref
from collections import OrderedDict

import numpy as np

from codegen import tiers

from ..errors import (
    CompileError,
    FallbackWarning,
    IntegerOverflowError,
    JitcError,
    OverlappingArguments,
    RuntimeShapeError,
)
from ..interpreter import run_graph
from ..ir import Graph
from ..passes.clone import clone_graph
from ..passes.freeze import freeze_module, lift_tensor_constants
from ..passes.specialize import PeelNeeded, specialize
from ..symbolic import Sym, SymbolicError
from .dynamic import changed_dims, changed_values, compile_symbolic
from .explain import explain, log_recompile, logging_recompiles
from .native import fast_path, has_views, run_compiled, written_back
from .pipeline import Compiled, arg_type, compile_graph, debug, optimize, tier_up

_INTERPRET = "interpret"  # cache marker: this signature runs on the interpreter


def disabled() -> bool:
    return os.environ.get("JITC_DISABLE", "") not in ("", "0")


def signature(values: list) -> tuple:
    """The cache key of a call: arrays by (dtype, shape, strides), scalars by Python type."""
    return tuple((a.dtype, a.shape, a.strides) if isinstance(a, np.ndarray) else type(a) for a in values)


def _as_native(a):
    """Arrays native code can read: aligned (a copy otherwise); scalars as 0-d arrays of int64/float64/bool."""
    if isinstance(a, np.ndarray):
        return a if a.flags.aligned and a.dtype.isnative else np.ascontiguousarray(a, a.dtype.newbyteorder("="))
    if isinstance(a, np.generic):
        return np.asarray(a)
    return a


# Held by every compile. fork waits for it, then for LLVM: a compile in progress may hold locks a forked child
# could never get back (a module being imported for the first time, LLVM's); and a thread waiting on an
# executor's lock at fork time leaves that lock held in the child, which therefore gets fresh ones.
_COMPILING = threading.RLock()
_EXECUTORS: weakref.WeakSet = weakref.WeakSet()


def _before_fork() -> None:
    _COMPILING.acquire()
    engine = sys.modules.get("codegen.engine")
    if engine is not None:
        engine.hold_for_fork()


def _after_fork_in_parent() -> None:
    engine = sys.modules.get("codegen.engine")
    if engine is not None:
        engine.release_after_fork()
    _COMPILING.release()


def _after_fork_in_child() -> None:
    for ex in list(_EXECUTORS):
        ex.lock = threading.Lock()
    _after_fork_in_parent()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child)


class Executor:
    """Compiles a graph (and the module that owns it) per signature and calls the native code."""

    def __init__(self, graph, module=None, name: str = "forward", fallback: str = "warn", max_cache: int = 64,
                 dynamic: bool | None = None):
        if fallback not in ("warn", "error", "silent"):
            raise JitcError(f"fallback must be 'warn', 'error' or 'silent', got {fallback!r}")
        self.source_graph, self.module, self.name = graph, module, name
        self.fallback, self.max_cache = fallback, max_cache
        if module is not None:
            self.graph, self.params = freeze_module(graph, module)
        else:
            self.graph, self.params = clone_graph(graph), []
        self.constants = lift_tensor_constants(self.graph)
        self.written = written_inputs(self.graph)
        self.by_value: frozenset[int] = frozenset()  # int/bool inputs that set a shape: specialized by value
        self.dynamic = dynamic  # None: automatic (see dynamic.py); True: symbolic from the first call; False: never
        self.dynamic_dims: set[tuple[int, int]] = set()  # (argument, axis) compiled as symbols from now on
        self.dynamic_values: set[int] = set()  # by-value int arguments compiled as symbols from now on
        self.symbolic_failed: set[tuple] = set()  # (dims, int arguments) that could not be symbols together
        self.cache: OrderedDict = OrderedDict()
        self.fits: dict = {}  # signature -> the symbolic specialization that serves it (a memo of Guard.sizes)
        self.lock = threading.Lock()
        _EXECUTORS.add(self)

    # ---- specialization
    def _arguments(self, args) -> list:
        return [_as_native(a) for a in (*args, *(p.get() for p in self.params), *self.constants)]

    def prepare(self, values: list, types: list | None = None, scalars: dict | None = None) -> Graph:
        """The graph specialized to these argument values' types (or the given, symbolic, ones) and optimized.
        Scalars are specialized by type; when shapes depend on int/bool arguments, those (and only those) are
        specialized by value, or (`scalars`: argument index -> symbol name) stand for a symbol."""
        debug(1, f"graph of {self.name}() to specialize", lambda: str(self.graph))
        types = [arg_type(a) for a in values] if types is None else types
        try:
            graph = self._specialized(values, self.by_value, types, scalars)
        except CompileError:
            if scalars:  # int arguments as symbols did not work: the caller compiles by value (and keys it so)
                raise
            candidates = frozenset(i for i, a in enumerate(values[:self.n_user(values)])
                                   if isinstance(a, (bool, int)) and i not in self.by_value)
            if not candidates:
                raise
            graph = self._specialized(values, self.by_value | candidates, types)  # raises if values do not help
            needed = set(self.by_value | candidates)
            for i in sorted(candidates):  # keep by value only the arguments the shapes need
                try:
                    graph = self._specialized(values, frozenset(needed - {i}), types)
                    needed.discard(i)
                except CompileError:
                    pass
            self.by_value = frozenset(needed)
            graph = self._specialized(values, self.by_value, types)
        optimize(graph)
        return graph

    def _specialized(self, values: list, by_value: frozenset[int], types: list, scalars: dict | None = None) -> Graph:
        """The graph specialized to these types; when a shape depends on a loop counter (`A[k + 1:]`), with the
        loop counters as symbols; when symbols cannot say it either (`y[::n // 2 ** i]`), with small loops
        unrolled."""
        try:
            return self._specialized_once(values, by_value, types, False, scalars or {})
        except RuntimeShapeError:
            try:
                return self._specialized_once(values, by_value, types, True, scalars or {})
            except (RuntimeShapeError, SymbolicError) as symbolic:
                try:
                    return self._specialized_once(values, by_value, types, "unroll", scalars or {})
                except (RuntimeShapeError, SymbolicError):
                    raise symbolic from None

    def _specialized_once(self, values: list, by_value: frozenset[int], types: list, counters: bool | str,
                          scalars: dict, peel_loops: bool = False) -> Graph:
        graph = clone_graph(self.graph)
        first = graph.block.nodes[0] if graph.block.nodes else None
        for i in by_value:
            value = Sym.symbol(scalars[i]) if i in scalars else values[i]
            with graph.inserting_before(first) if first is not None else graph.inserting_at_end(graph.block):
                graph.inputs[i].replace_all_uses_with(graph.insert_constant(value))
        graph.scalar_symbols = {i: name for i, name in scalars.items() if i in by_value}  # the entry binds them
        try:
            specialize(graph, types, counters is True, unroll_loops=counters == "unroll", peel_loops=peel_loops)
        except PeelNeeded:  # a loop changes a carried type: again, peeling (rare, so the others skip its cost)
            return self._specialized_once(values, by_value, types, counters, scalars, True)
        return graph

    def key(self, values: list) -> tuple:
        """The cache key: the signature, plus the values of the arguments specialized by value."""
        sig = signature(values)
        return sig + tuple(values[i] for i in sorted(self.by_value)) if self.by_value else sig

    def specialization(self, values: list):
        key = self.key(values)
        compiled = self.cache.get(key) or self._symbolic_fit(key, values)
        if compiled is not None:
            self.cache.move_to_end(key if compiled is _INTERPRET else compiled.key or key)  # LRU: oldest evicted first
            return compiled
        with self.lock:  # compile each signature once, even when many threads miss at the same time
            compiled = self.cache.get(key) or self._symbolic_fit(key, values)
            if compiled is None:
                reason = self.explain(values) if self.cache and logging_recompiles() else None
                with _COMPILING:
                    compiled = self._compile(values)
                if reason is not None:
                    symbolic = compiled is not _INTERPRET and compiled.guard is not None
                    log_recompile(self.name, reason + (", now symbolic" if symbolic else ""))
                key = compiled.key if compiled is not _INTERPRET and compiled.key else self.key(values)
                self.cache[key] = compiled  # compiling may have made some arguments by-value
                while len(self.cache) > self.max_cache:
                    self.cache.popitem(last=False)  # drops the oldest native library (freed with it)
                self.fits.clear()
        return compiled

    def _symbolic_fit(self, key: tuple, values: list):
        """A compiled symbolic specialization whose guard this call passes, or None."""
        if key in self.fits:
            return self.fits[key]
        for compiled in reversed(self.cache.values()):
            if compiled is not _INTERPRET and compiled.guard is not None and \
                    all(values[i] == v and type(values[i]) is type(v) for i, v in compiled.by_value) and \
                    compiled.guard.sizes(values) is not None:
                if len(self.fits) > 4 * self.max_cache:
                    self.fits.clear()
                self.fits[key] = compiled
                return compiled
        return None

    def _dynamic_dims(self, values: list) -> set[tuple[int, int]]:
        """The dimensions this call compiles as symbols (see dynamic.py)."""
        if self.dynamic is False:
            return set()
        n = self.n_user(values)
        if self.dynamic:
            return {(i, d) for i, a in enumerate(values[:n]) if isinstance(a, np.ndarray) for d in range(a.ndim)}
        self.dynamic_dims |= changed_dims(values, list(self.cache), n)
        return self.dynamic_dims

    def _compile_symbolic(self, values: list):
        """The call's specialization with its dynamic dimensions as symbols, or None (see dynamic.py)."""
        scalars = set()
        if self.dynamic is not False and self.by_value:
            by_value = sorted(self.by_value)
            self.dynamic_values |= changed_values(values, list(self.cache), by_value, signature(values))
            scalars = self.dynamic_values & self.by_value
        return compile_symbolic(self, values, self._dynamic_dims(values), scalars)

    def _compile(self, values: list):
        try:
            try:
                compiled = self._compile_symbolic(values)
                if compiled is not None:
                    return compiled
                start = time.perf_counter()
                graph = self.prepare(values)
                return compile_graph(graph, f"jitc_{self.name}", self.n_user(values),
                                     stages={"specialize": time.perf_counter() - start})
            except (JitcError, MemoryError, RecursionError):
                raise
            except Exception as e:  # a bug in jitc's backend must not take the user's program down
                raise CompileError(f"internal compiler error ({type(e).__name__}: {e}); please report it") from e
        except CompileError as e:
            if self.fallback == "error":
                raise
            if self.fallback == "warn":
                warnings.warn(f"jitc: {self.name}() runs on the interpreter for this signature: {e}",
                              FallbackWarning, stacklevel=5)
            return _INTERPRET

    def explain(self, values: list) -> str:
        """Why these argument values need (or do not need) a new specialization."""
        names = [v.name for v in self.graph.inputs]
        names += [f"{names[i]} (its value)" for i in sorted(self.by_value)]  # the key's by-value entries
        return explain(self.key(values), list(self.cache), names)

    def n_user(self, values: list) -> int:
        return len(values) - len(self.params) - len(self.constants)

    # ---- calls
    def __call__(self, args, owner=None):
        from codegen.symbols import GENERATION

        generation = GENERATION.value  # before reading the parameters: a reassignment in between retires the path
        values = self._arguments(args)
        if self.written and _overlapping(values, self.written):
            raise OverlappingArguments(f"{self.name}() writes to an argument that shares memory with another "
                                       "argument; compiled code loaded from a file cannot run it (pass separate "
                                       "arrays)")
        if any(type(a) is int and not -(1 << 63) <= a < (1 << 63) for a in args):
            return written_back(args, values, self._big_int_call(values))
        compiled = _INTERPRET if disabled() else self.specialization(values)
        if compiled is _INTERPRET:
            result = self.interpret(values)
        else:
            if compiled.pipeline == "light" and compiled.tier_up is None and compiled.hits >= tiers.TIER_UP_CALLS:
                compiled = self._tiered_up(compiled, values)
            compiled.slow_hits += 1
            if owner is not None and compiled.fastcall is not None:
                self._install_fast_path(owner, compiled, values, generation)
            result = run_compiled(compiled, values)
        return written_back(args, values, result)

    def _tiered_up(self, compiled: Compiled, values: list) -> Compiled:
        """The O3 specialization that replaces a hot light one in the cache (codegen/tiers.py); the light one
        itself if that compile fails (it then runs on, without its fast path: correct, a little slower)."""
        with self.lock:
            key = next((k for k, c in self.cache.items() if c is compiled), None)
            if key is None:  # another thread replaced it, or it was evicted
                return self.specialization(values)
            try:
                better = tier_up(compiled, self.n_user(values))
            except Exception as e:  # noqa: BLE001  (the light code is correct: keep it)
                compiled.tier_up = {"failed": f"{type(e).__name__}: {e}"}
                return compiled
            self.cache[key] = better
            self.fits.clear()
            return better

    def _install_fast_path(self, owner, compiled: Compiled, values: list, generation: int) -> None:
        """The native entry becomes owner's `_call`; its guards check types, and it returns a view's base in
        the view's place, so an owner that does not check by-value scalars and make views itself
        (install_fast_path) gets it only when there are none."""
        params = tuple(values[self.n_user(values):])
        install = getattr(owner, "install_fast_path", None)
        if install is not None:
            install(compiled, params, generation, {i: values[i] for i in self.by_value})
        elif not self.by_value and not has_views(compiled.template):
            owner.__dict__["_call"] = fast_path(compiled, params, owner._general_call, generation)

    def _big_int_call(self, values: list):
        """A Python int argument beyond 64 bits: compiled code cannot take it, NumPy's semantics can."""
        message = f"{self.name}(): a Python int argument does not fit the 64-bit ints of compiled code"
        if self.fallback == "error":
            raise IntegerOverflowError(message)
        if self.fallback == "warn":
            warnings.warn(f"jitc: {message}; this call runs on the interpreter", FallbackWarning, stacklevel=4)
        return self.interpret(values)

    def interpret(self, values: list):
        outputs = run_graph(self.graph, values)
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def cache_info(self) -> list[dict]:
        return [{"signature": key, "compiled": c is not _INTERPRET,
                 "compile_seconds": getattr(c, "compile_seconds", None), "hits": getattr(c, "hits", 0),
                 "stages": dict(getattr(c, "stages", {})), "pipeline": getattr(c, "pipeline", None),
                 **({"tier_up": c.tier_up} if getattr(c, "tier_up", None) else {})}
                for key, c in self.cache.items()]


def written_inputs(graph: Graph) -> tuple[int, ...]:
    """The inputs a graph writes back (`aten::copy_` at its end): native code may update them in place."""
    dsts = {n.inputs[0] for n in graph.block.nodes if n.kind == "aten::copy_"}
    return tuple(i for i, v in enumerate(graph.inputs) if v in dsts)


def _overlapping(values: list, written: tuple) -> bool:
    """Whether an argument the code writes shares memory with another one (bounds, as np.may_share_memory);
    a read-only one raises NumPy's error."""
    for i in written:
        a = values[i]
        if not a.flags.writeable:
            raise ValueError("assignment destination is read-only")
        if any(j != i and isinstance(b, np.ndarray) and np.may_share_memory(a, b) for j, b in enumerate(values)):
            return True
    return False
