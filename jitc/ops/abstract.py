"""Abstract evaluation helpers: dtype rules by running the NumPy implementation on tiny stand-ins, shape rules."""
from __future__ import annotations

import numpy as np

from ..errors import IntegerOverflowError, ShapeError
from ..symbolic import Sym, broadcast_symbolic, is_symbolic
from ..types import BOOL, COMPLEX, FLOAT, INT, TENSOR, ListType, ScalarType, TensorType, Type

_STAND_IN = {"int": 1, "float": 1.0, "complex": 1j, "bool": True}


def stand_in(arg, ndim: int = 0):
    """A concrete value with the abstract argument's dtype: 0-d arrays for tensors (not weak under NEP 50),
    Python scalars for scalars (weak, like NumPy's own promotion of Python numbers)."""
    if isinstance(arg, TensorType):
        return np.ones((1,) * ndim, arg.dtype)
    if isinstance(arg, ScalarType):
        return _STAND_IN[arg.name]
    if isinstance(arg, Sym):  # a symbolic size or loop counter: a Python int known at run time
        return 1
    return arg


def scalar_type_of(value) -> ScalarType:
    kind = np.asarray(value).dtype.kind
    return BOOL if kind == "b" else INT if kind in "iu" else COMPLEX if kind == "c" else FLOAT


def is_unknown(arg) -> bool:
    """True for a tensor whose dtype or shape is not known yet (unspecialized graphs)."""
    return isinstance(arg, TensorType) and (arg.dtype is None or arg.shape is None)


def abstract_input(v):
    """What shape inference sees for an op input: a constant's Python value (a tensor constant's type), a list
    of arrays (prim::ListConstruct) as the list of their abstract values, otherwise the value's type."""
    from ..ir import Value

    if isinstance(v, Value):
        node = v.node
        if node is not None and node.kind == "prim::TupleConstruct":  # known items stay known
            return tuple(abstract_input(x) for x in node.inputs)
        if node is not None and node.kind == "prim::Constant":
            v = node.attrs.get("value")
        elif node is not None and node.kind == "prim::ListConstruct" and isinstance(v.type, ListType) \
                and isinstance(v.type.elem, TensorType):
            return [abstract_input(x) for x in node.inputs]
        else:
            return v.type
    return TensorType.of(np.asarray(v)) if isinstance(v, (np.ndarray, np.generic)) else v


def result_dtype(op, args, ndim: int = 0) -> np.dtype:
    try:
        with np.errstate(all="ignore"):
            return np.asarray(op.impl(*(stand_in(a, ndim) for a in args))).dtype
    except OverflowError as e:  # NumPy's own verdict on a Python int constant (int8_array + 300)
        raise IntegerOverflowError(f"{op.short}: {e}") from None


def broadcast(shapes: list[tuple[int, ...]], what: str) -> tuple[int, ...]:
    out = broadcast_symbolic(shapes) if any(is_symbolic(s) for s in shapes) else None
    if out is not None:
        return out
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except (ValueError, TypeError):
        raise ShapeError(f"{what}: shapes {', '.join(str(tuple(s)) for s in shapes)} do not broadcast") from None


def tensor(dtype, shape) -> TensorType:
    return TensorType.contiguous(dtype, tuple(d if isinstance(d, Sym) else int(d) for d in shape))


def infer_elementwise(op, *args) -> Type:
    """NumPy broadcasting and NEP 50 promotion; all-scalar inputs give a scalar."""
    tensors = [a for a in args if isinstance(a, TensorType)]
    if not tensors and any(isinstance(a, (ScalarType, int, float, complex)) for a in args):
        if op.python is not None:  # Python's result type (True + True is an int), from values of the same types
            return scalar_type_of(op.python(*(stand_in(a if isinstance(a, Type) else scalar_type_of(a))
                                              for a in args)))
        with np.errstate(all="ignore"):
            return scalar_type_of(op.impl(*(stand_in(a) for a in args)))
    if any(is_unknown(t) for t in tensors):
        return TENSOR
    shape = broadcast([t.shape for t in tensors], op.short)
    return tensor(result_dtype(op, args), shape)


def normalize_axes(axis, ndim: int, what: str) -> tuple[int, ...]:
    axes = tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ShapeError(f"{what}: axis {a} is out of bounds for an array of dimension {ndim}")
        out.append(a % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ShapeError(f"{what}: repeated axis in {axis}")
    return tuple(out)


def as_int(value) -> int:
    return int(value)


def expression_key(v, depth: int = 6):
    """A hashable key for the value a graph Value computes: its expression (so two recordings of `x > 0`, or of
    `p[i]`, agree), through reshapes and transposes (the same elements)."""
    while v.node is not None and v.node.kind in ("aten::reshape", "aten::transpose"):
        v = v.node.inputs[0]
    node = v.node
    if node is None or depth == 0 or node.blocks or len(node.outputs) != 1:
        return v
    if node.kind == "prim::Constant":
        value = node.attrs.get("value")
        return value if value is None or isinstance(value, (bool, int, float, complex, str, Sym)) else v
    return node.kind, tuple(expression_key(x, depth - 1) for x in node.inputs)


__all__ = ["BOOL", "FLOAT", "INT", "TENSOR", "as_int", "broadcast", "infer_elementwise", "normalize_axes",
           "result_dtype", "stand_in", "tensor"]
