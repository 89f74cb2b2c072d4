"""Symbolic arrays: run a decomposition's NumPy code on graph values, inserting the primitives it calls.

The script compiler expands decompositions this way when it reads a call, and specialization expands the ones
that needed shapes (known only then). The tracer needs none of this: its proxies dispatch the same NumPy calls.
"""
from __future__ import annotations

import numpy as np

from ...errors import JitcError, RuntimeShapeError
from ...indexing import index_steps
from ...ir import Graph, Value
from ...types import INT, TENSOR, ListType, ScalarType, TensorType, TupleType, type_of_constant
from ..abstract import abstract_input
from ..registry import COMPOSITE, DUNDERS, METHODS, OPS, OpDef, bind, decompose, op_for_function, op_for_ufunc_method

ACTIVE: list[SymbolicGraph] = []  # the graphs being expanded into; primitives called on constants record there


class NeedsShapes(Exception):
    """The decomposition read a shape or dtype that is not known yet (scripted graphs are unspecialized)."""


class SymbolicGraph:
    """Where a decomposition's primitives go: the graph's insertion point, with the call's source location."""

    def __init__(self, graph: Graph, source: str | None):
        self.graph, self.source = graph, source
        self.inserted: list = []
        _install_dunders()

    def value(self, a) -> Value:
        """The graph value of an op argument: symbolic arrays, lists of arrays (prim::ListConstruct), constants."""
        if isinstance(a, Symbolic):
            return a.ir
        if isinstance(a, Value):
            return a
        if isinstance(a, (tuple, list)) and any(isinstance(x, (Symbolic, Value)) for x in a):
            items = [self.value(x) for x in a]
            scalars = all(isinstance(v.type, ScalarType) for v in items)
            return self.insert("prim::ListConstruct", items, ListType(INT if scalars else TENSOR))
        if isinstance(a, np.generic):
            a = np.asarray(a)
        if isinstance(a, type) and issubclass(a, np.generic) or isinstance(a, np.dtype):
            a = np.dtype(a).name
        if isinstance(a, list) and all(isinstance(x, np.ndarray) for x in a):
            return self.insert("prim::ListConstruct", [self.value(x) for x in a], ListType(TENSOR))
        node = self.graph.insert("prim::Constant", [], [type_of_constant(a)], {"value": a}, self.source)
        self.inserted.append(node)
        return node.output

    def insert(self, kind: str, inputs: list[Value], out_type) -> Value:
        node = self.graph.insert(kind, inputs, [out_type], source=self.source)
        self.inserted.append(node)
        return node.output

    def record(self, op: OpDef, args, kwargs):
        bound = bind(op, tuple(args), kwargs)
        if op.kind == COMPOSITE:
            return decompose(op, bound)
        inputs = [self.value(a) for a in bound]
        key = (op.input_key(inputs),) if op.input_key is not None else ()
        out = self.insert(op.name, inputs, op.infer(op, *(abstract_input(v) for v in inputs), *key))
        return Symbolic(self, out)

    def result(self, r) -> Value:
        """The graph value of what a decomposition returned (an array, a tuple of them, a constant)."""
        if isinstance(r, (tuple, list)):
            items = [self.result(x) for x in r]
            return self.insert("prim::TupleConstruct", items, TupleType(tuple(v.type for v in items)))
        return self.value(r)

    def rollback(self) -> None:
        for node in reversed(self.inserted):
            node.destroy()
        self.inserted.clear()

    def __enter__(self):
        ACTIVE.append(self)
        return self

    def __exit__(self, *exc):
        ACTIVE.pop()


def expand(graph: Graph, op: OpDef, bound: list, source: str | None, partial: bool = False) -> Value | None:
    """Insert op's decomposition at the graph's insertion point; returns the result value. With partial, a
    decomposition that needs unknown shapes inserts nothing and gives None (the caller keeps the composite)."""
    sg = SymbolicGraph(graph, source)
    args = [_wrap(sg, a) for a in bound]
    try:
        with sg:
            return sg.result(decompose(op, args))
    except NeedsShapes:
        if not partial:
            # not native (a shape only known at run time): CompileError, so the call runs through NumPy instead
            raise RuntimeShapeError(f"{op.short}: shapes are needed to expand it and are not known here") from None
        sg.rollback()
        return None


def _wrap(sg: SymbolicGraph, a):
    if isinstance(a, Value):
        node = a.node
        if node is not None and node.kind == "prim::Constant":
            return node.attrs.get("value")
        if node is not None and node.kind in ("prim::ListConstruct", "prim::TupleConstruct"):
            return tuple(_wrap(sg, x) for x in node.inputs)
        return Symbolic(sg, a)
    if isinstance(a, (tuple, list)):
        return type(a)(_wrap(sg, x) for x in a)
    return a


def _known(t):
    if not isinstance(t, TensorType) or t.shape is None or t.dtype is None:
        raise NeedsShapes
    return t


class Symbolic:
    """An array (or scalar) value of a graph under expansion, dispatching NumPy calls to the op table."""

    __array_priority__ = 1000
    __hash__ = object.__hash__

    def __init__(self, sg: SymbolicGraph, ir: Value):
        self.sg, self.ir = sg, ir

    @classmethod
    def __jitc_dispatch__(cls, op_name: str, args, kwargs):
        return ACTIVE[-1].record(OPS[op_name], args, kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" and op_for_ufunc_method(ufunc, method) is not None:  # np.add.outer, ...
            return self.sg.record(op_for_ufunc_method(ufunc, method), inputs, kwargs)
        op = op_for_function(ufunc)
        if method != "__call__" or op is None or kwargs:
            raise JitcError(f"np.{ufunc.__name__} is not supported inside a decomposition")
        return self.sg.record(op, inputs, {})

    def __array_function__(self, func, types, args, kwargs):
        op = op_for_function(func)
        if op is None:
            raise JitcError(f"np.{func.__name__} is not supported inside a decomposition")
        return self.sg.record(op, args, kwargs)

    @property
    def shape(self) -> tuple[int, ...]:
        return _known(self.ir.type).shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(_known(self.ir.type).dtype)

    @property
    def T(self):
        return self.sg.record(OPS["aten::transpose"], (self,), {})

    def __len__(self):
        return self.shape[0]

    def __index__(self):
        """`np.pad(x, width)` with width an int argument: the result's shape needs its value (the executor then
        specializes that argument by value)."""
        raise RuntimeShapeError("a value known only at run time is used where a Python int is needed (a shape, a "
                                "width, a count)")

    __int__ = __index__

    def __getitem__(self, index):
        from .indexing import getitem

        return getitem(self, index, lambda x, basic: basic_index(x, basic))

    def reshape(self, *shape):
        return self.sg.record(OPS["aten::reshape"], (self, shape[0] if len(shape) == 1 else shape), {})

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 else (axes or None)
        return self.sg.record(OPS["aten::transpose"], (self, axes), {})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        op = METHODS.get(name)
        if op is None:
            raise JitcError(f"the array method '.{name}' is not supported inside a decomposition")
        return lambda *args, **kwargs: self.sg.record(op, (self, *args), kwargs)


def basic_index(x: Symbolic, index):
    for name, *args in index_steps(index, x.ndim if any(i is Ellipsis for i in _items(index)) else None):
        x = x.sg.record(OPS[name], (x, *args), {})
    return x


def _items(index) -> tuple:
    return index if isinstance(index, tuple) else (index,)


def _dunder(name: str, op: OpDef):
    reflected = name.startswith("__r")

    def method(self, *other):
        return self.sg.record(op, (other[0], self) if reflected else (self, *other), {})

    method.__name__ = name
    return method


def _install_dunders() -> None:
    """Operators of every op registered so far (op modules may register after this one is imported)."""
    for name, op in DUNDERS.items():
        if name not in Symbolic.__dict__:
            setattr(Symbolic, name, _dunder(name, op))
