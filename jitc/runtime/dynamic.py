"""Dynamic shapes at run time (torch.compile's automatic dynamic, in jitc's terms).

A dimension of a user argument becomes a symbol once a call differs from a compiled signature only in some
dimensions (or from the first call, with `dynamic=True`). Sizes 0 and 1 stay specialized. Dimensions of equal
size in the call share one symbol (duck sizing), so the code may rely on their equality. The `Guard` of a
symbolic specialization checks what its code relies on: dtype, rank, the static dimensions, every symbol's
size >= 2 and equal wherever it appears, and the strides (each an expression in the symbols)."""
from __future__ import annotations

import time

import numpy as np

from ..symbolic import MIN_SIZE, Assumptions, Sym, is_symbolic
from ..types import TensorType, Type
from .explain import log_recompile, logging_recompiles
from .pipeline import arg_type, compile_graph


def changed_dims(values: list, compiled: list[tuple], n_user: int) -> set[tuple[int, int]]:
    """(argument, axis) pairs of user arrays whose size differs from a compiled signature of the same structure
    (same arguments, dtypes and ranks)."""
    out = set()
    for key in compiled:
        if len(key) < len(values):
            continue
        pairs = list(zip(values, key))
        if not all(_comparable(a, k) for a, k in pairs):
            continue
        for i, (a, k) in enumerate(pairs[:n_user]):
            if isinstance(a, np.ndarray):
                out.update((i, d) for d, (n, m) in enumerate(zip(a.shape, k[1])) if n != m or isinstance(m, Sym))
    return out


def _comparable(a, k) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(k, tuple) and k[0] == a.dtype and len(k[1]) == a.ndim
    return not isinstance(k, tuple) and type(a) is k


def symbolic_types(values: list, dims: set[tuple[int, int]]) -> list[Type]:
    """The call's argument types with the chosen dimensions as symbols (duck sized)."""
    symbols: dict[int, Sym] = {}
    types = []
    for i, a in enumerate(values):
        t = arg_type(a)
        if isinstance(a, np.ndarray) and any((i, d) in dims for d in range(a.ndim)):
            shape = tuple(symbols.setdefault(n, Sym.symbol(f"s{len(symbols)}")) if (i, d) in dims and n >= MIN_SIZE
                          else n for d, n in enumerate(a.shape))
            if is_symbolic(shape):
                t = TensorType(a.dtype, shape, _strides(t, shape))
        types.append(t)
    return types


def _strides(t: TensorType, shape: tuple) -> tuple:
    """Strides as expressions of the symbols for C- or Fortran-ordered arrays; others keep their strides (the
    guard then accepts only arrays laid out exactly so)."""
    if t.strides == TensorType.contiguous(t.dtype, t.shape).strides:
        return TensorType.contiguous(t.dtype, shape).strides
    if t.strides == TensorType.contiguous(t.dtype, t.shape[::-1]).strides[::-1]:
        return TensorType.contiguous(t.dtype, shape[::-1]).strides[::-1]
    return t.strides


def signature_of(types: list[Type]) -> tuple:
    """A symbolic specialization's signature, in the terms of executor.signature (byte strides)."""
    return tuple((t.dtype, t.shape, tuple(s * np.dtype(t.dtype).itemsize for s in t.strides))
                 if isinstance(t, TensorType) else {"int": int, "float": float, "bool": bool}[t.name]
                 for t in types)


class Guard:
    """Whether a call fits a symbolic specialization, and then its symbols' sizes. `facts`: expressions of the
    symbols that must be >= 0 (comparisons the specialization's shapes decided, see symbolic.Assumptions)."""

    def __init__(self, types: list[Type], facts: list | None = None, scalars: dict | None = None):
        """scalars: int argument index -> the name of its symbol (p0, ...)."""
        self.types, self.facts, self.scalars = types, facts or [], scalars or {}

    def sizes(self, values: list) -> dict[str, int] | None:
        """The symbols' values for this call, or None when it does not fit."""
        if len(values) != len(self.types):
            return None
        env: dict[str, int] = {}
        derived = []  # (size, expression): dims that are expressions of the symbols, checked once they are bound
        for i, (a, t) in enumerate(zip(values, self.types)):
            if not isinstance(t, TensorType):
                if isinstance(a, np.ndarray) or arg_type(a) != t:
                    return None
                if i in self.scalars:
                    env[self.scalars[i]] = a
                continue
            if not isinstance(a, np.ndarray) or a.dtype != t.dtype or a.ndim != len(t.shape):
                return None
            for n, d in zip(a.shape, t.shape):
                if isinstance(d, Sym) and d.name is None:
                    derived.append((n, d))
                elif isinstance(d, Sym):
                    if n < MIN_SIZE or env.setdefault(d.name, n) != n:
                        return None
                elif n != d:
                    return None
        for a, t in zip(values, self.types):  # strides are expressions of every array's dims
            if isinstance(t, TensorType):
                item = a.itemsize
                for s, ts in zip(a.strides, t.strides):
                    if s != (ts.evaluate(env) if isinstance(ts, Sym) else ts) * item:
                        return None
        if any(d.evaluate(env) != n for n, d in derived) or any(f.evaluate(env) < 0 for f in self.facts):
            return None
        return env


def changed_values(values: list, compiled: list[tuple], by_value: list[int], sig: tuple) -> set[int]:
    """Int arguments specialized by value (they set a shape) whose value differs from a compiled signature of
    the same structure (its sizes may differ too: `f(x, len(x) - 2)`): from now on they are symbols."""
    out, n_sig = set(), len(sig)
    for key in compiled:
        if len(key) >= n_sig + len(by_value) and all(_comparable(a, k) for a, k in zip(values, key[:n_sig])):
            out.update(i for i, old in zip(by_value, key[n_sig:])
                       if type(values[i]) is int and type(old) is int and old != values[i])
    return out


def compile_symbolic(ex, values: list, dims: set, scalars: set = frozenset()):
    """Executor ex's specialization for this call with `dims` as symbols, or None when that is not possible (a
    shape rule or the backend needs a number): then the signature is compiled as it is. When the graph needs one
    size as a number (a feature size matching a weight), that size is specialized; when the int arguments cannot
    be symbols (a slice's step, `x[::k]`), they stay by value. When the changed dims alone cannot be symbols
    because an unchanged one must follow them (`x[:, 1::2] += w` once x has 9 columns and w still 4), every dim
    is tried; a set of dims that failed is not tried again, but one more changed dim tries again."""
    attempt = (frozenset(dims), frozenset(scalars))
    if not dims and not scalars or attempt in ex.symbolic_failed:
        return None
    every = {(i, d) for i, a in enumerate(values[:ex.n_user(values)]) if isinstance(a, np.ndarray)
             for d in range(a.ndim)}
    first = None
    for kept in (dims, every) if every > set(dims) else (dims,):
        for symbols in (scalars, frozenset()) if scalars else (scalars,):
            try:
                compiled = _compile_symbolic(ex, values, kept, symbols)
            except (MemoryError, KeyboardInterrupt):
                raise
            except Exception as e:  # noqa: BLE001  (static code is always a correct answer)
                first = first or e
                continue
            if kept is every and compiled is not None:
                ex.dynamic_dims |= every  # what worked, for the next sizes too
            return compiled
    if logging_recompiles():
        log_recompile(ex.name, f"dynamic shapes not possible, compiling static code: {first}")
    ex.symbolic_failed.add(attempt)
    return None


def _compile_symbolic(ex, values: list, dims: set, scalars: set):
    names = {i: f"p{k}" for k, i in enumerate(sorted(scalars))}
    start = time.perf_counter()
    graph, types, assumed = _symbolic_graph(ex, values, dims, names)
    if graph is None:
        return None
    facts = assumed.facts
    graph.size_facts = facts  # the native entry's guard checks them too
    with Assumptions(assumed.env, facts, frozen=True):
        compiled = compile_graph(graph, f"jitc_{ex.name}", ex.n_user(values),
                                 stages={"specialize": time.perf_counter() - start})
    compiled.guard = Guard(types, facts, names)
    compiled.by_value = tuple((i, values[i]) for i in sorted(ex.by_value) if i not in names)
    # the facts are part of the key: another example may decide the same comparisons the other way
    compiled.key = signature_of(types) + tuple(names.get(i, values[i]) for i in sorted(ex.by_value)) + \
        tuple(f"where {f} >= 0" for f in facts)
    return compiled


def _symbolic_graph(ex, values: list, dims: set, scalars: dict):
    """(specialized graph, symbolic input types, Assumptions) for these dims, else for them less the dims of
    one size; Nones when no dim is symbolic. Raises the first attempt's error when none specializes. The
    assumptions' facts are the comparisons of sizes that this call's sizes decided (later calls must agree)."""
    sizes = sorted({values[i].shape[d] for i, d in dims})
    first_error = None
    for drop in (None, *sizes):
        kept = {(i, d) for i, d in dims if values[i].shape[d] != drop}
        types = symbolic_types(values, kept)
        if not scalars and not any(isinstance(t, TensorType) and is_symbolic(t.shape) for t in types):
            continue
        for _ in range(MAX_REPLACEMENTS + 1):
            assumed = None
            try:
                with Assumptions(Guard(types, scalars=scalars).sizes(values)) as assumed:
                    return ex.prepare(values, types, scalars), types, assumed
            except (MemoryError, KeyboardInterrupt):
                raise
            except Exception as e:  # noqa: BLE001
                first_error = first_error or e
                types = _replaced(types, assumed.equal if assumed is not None else [])
                if types is None:
                    break
    if first_error is not None:
        raise first_error
    return None, None, None


MAX_REPLACEMENTS = 4


def _replaced(types: list[Type], equal: list[tuple]) -> list[Type] | None:
    """The input types with an input's size symbol replaced by an expression of the others that the graph needs
    it to equal (`x[::2] = v`: v has (s0 + 1)//2 elements, and the guard checks that); None if there is none.
    Only of other input sizes: the native guard checks such a dim before it reads the int arguments."""
    for a, b in equal:
        for sym, expr in ((a, b), (b, a)):
            if sym.name is not None and sym.name[0] == "s" and sym.name not in expr.symbols and \
                    all(s[0] == "s" for s in expr.symbols):
                def sub(d, name=sym.name, expr=expr):
                    return d.subs({name: expr}) if isinstance(d, Sym) else d

                return [TensorType(t.dtype, tuple(map(sub, t.shape)), tuple(map(sub, t.strides)))
                        if isinstance(t, TensorType) else t for t in types]
    return None
