"""The decomposition table: a NumPy function written once, as NumPy code over primitives (PyTorch's `_refs`,
JAX's `jax.numpy` over `lax`). Each entry becomes a COMPOSITE op: tracing runs its code on proxies, scripting on
symbolic arrays (symbolic.py), and what it records are the primitives. A composite node stays in a scripted
graph only while its shapes are unknown; specialization expands it. The interpreter runs it as NumPy."""
from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from ...errors import JitcError
from ...ir import Graph
from ...types import TENSOR, ScalarType, TensorType, TupleType
from ..registry import COMPOSITE, REQUIRED, OpDef, is_default, numpy_name, register, spread_call

ARITY: dict[str, Callable[..., int | None]] = {}  # op name -> how many arrays it returns as a tuple (None: one)
EAGER: dict[str, Callable] = {}  # op name -> the NumPy function or ndarray method it stands for
TUPLES: set[str] = set()  # ops that always return a tuple, of a length their shapes give (np.nonzero)


def decomposition(*functions, methods: tuple[str, ...] = (), name: str | None = None,
                  arity: Callable[..., int] | None = None, tuples: bool = False):
    """Register fn (with NumPy's signature) as the decomposition of `functions` and the ndarray `methods`.
    `arity` gives, from the bound arguments, how many arrays a tuple-returning function gives (np.split);
    `tuples`: it always returns a tuple, also when arity cannot tell its length yet (scripting indexes it)."""

    def register_fn(fn):
        params = tuple((p.name, () if p.kind is p.VAR_POSITIONAL else REQUIRED if p.default is p.empty
                        else p.default) for p in inspect.signature(fn).parameters.values())
        eager = functions[0] if functions else getattr(np.ndarray, methods[0])
        op = OpDef(f"np::{name or fn.__name__}", COMPOSITE,
                   lambda *bound: spread_call(eager, fn, params, bound, keywords=True), params, infer_composite,
                   _code(eager, params, fn), tensor_params=(), functions=functions, methods=methods, decompose=fn)
        register(op)
        EAGER[op.name] = eager
        if arity is not None:
            ARITY[op.name] = arity
        if tuples:
            TUPLES.add(op.name)
        return fn

    return register_fn


def _code(eager, params, fn) -> str:
    """The `.code` spelling of a composite node: the NumPy call with every argument by name."""
    kinds = {p.name: p.kind for p in inspect.signature(fn).parameters.values()}
    parts = []
    for i, (pname, default) in enumerate(params):
        if kinds[pname] is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f"*{{{i}}}")
        elif default is REQUIRED:
            parts.append(f"{{{i}}}")
        else:
            parts.append(f"{pname}={{{i}}}")
    if isinstance(eager, type(np.ndarray.copy)) and getattr(eager, "__objclass__", None) is np.ndarray:
        return f"{parts[0]}.{eager.__name__}({', '.join(parts[1:])})"
    return f"{numpy_name(eager)}({', '.join(parts)})"


def infer_composite(op: OpDef, *args):
    """The type of a composite's result: expanded on a scratch graph when the shapes are known, else `Tensor`
    (or a tuple of them)."""
    from .symbolic import expand

    graph = Graph()
    inputs = [_scratch_input(graph, a) for a in args]
    if not any(x is _UNKNOWN for x in inputs):
        with graph.inserting_at_end(graph.block):
            out = expand(graph, op, inputs, None, partial=True)
        if out is not None:
            return out.type
    count = ARITY[op.name](*args) if op.name in ARITY else None
    return TENSOR if count is None else TupleType((TENSOR,) * count)


def composite_code(op: OpDef, inputs: list, args: list[str]) -> str:
    """`.code` of a composite node: the NumPy call without the keyword arguments left at their defaults (NumPy
    rejects some of them in other modes, e.g. np.pad's constant_values with mode='edge'); a composite that stands
    for no NumPy function (aten::index_assign) has its own template."""
    if op.name not in EAGER:
        return op.code.format(*args)
    kinds = inspect.signature(op.decompose).parameters
    parts = []
    for (name, default), v, a in zip(op.params, inputs, args):
        node = getattr(v, "node", None)
        if kinds[name].kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f"*{a}")
        elif default is REQUIRED:
            parts.append(a)
        elif not (node is not None and node.kind == "prim::Constant" and is_default(node.attrs.get("value"), default)):
            parts.append(f"{name}={a}")
    eager = EAGER[op.name]
    if not op.functions:
        return f"{parts[0]}.{eager.__name__}({', '.join(parts[1:])})"
    return f"{numpy_name(eager)}({', '.join(parts)})"


class UnsupportedError(JitcError):
    """A NumPy call (or a form of one) the decompositions do not cover; the frontends say where."""


def unsupported(what: str) -> UnsupportedError:
    return UnsupportedError(f"{what} is not supported by jitc")


def no_out(out, name: str) -> None:
    if out is not None:
        raise unsupported(f"np.{name}(out=...)")


_UNKNOWN = object()  # an argument the scratch graph cannot stand in for (a tuple of unknown arrays)


def _scratch_input(graph: Graph, a):
    if isinstance(a, TupleType):
        known = all(isinstance(t, TensorType) and t.shape is not None for t in a.elems)
        return [graph.add_input(t) for t in a.elems] if known else _UNKNOWN
    if isinstance(a, (TensorType, ScalarType)):
        return graph.add_input(a)
    if isinstance(a, list) and any(isinstance(x, TensorType) for x in a):
        return [graph.add_input(x) for x in a]
    return a
