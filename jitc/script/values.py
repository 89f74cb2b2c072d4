"""What a scripted expression evaluates to besides an IR Value: compile-time Python constants (kept as Python
values until a graph needs them, so `axis=-1` or `if self.use_bias:` fold), modules, shapes, markers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ir import Value
from ..types import BOOL, FLOAT, INT, NONE, TENSOR, OptionalType, TensorType, TupleType, Type

CONSTANT_TYPES = (bool, int, float, complex, str, type(None))


def is_constant(v) -> bool:
    """A Python value the graph can hold as a prim::Constant (NumPy scalars are not Python constants, though
    np.float64 is a float: they are 0-d arrays, which promote strongly under NEP 50)."""
    if isinstance(v, tuple):
        return all(is_constant(x) for x in v)
    return isinstance(v, CONSTANT_TYPES) and not isinstance(v, np.generic)


def same_binding(a, b) -> bool:
    """Whether two bindings of a variable are certainly the same (so merging them needs no graph output)."""
    if a is b:
        return True
    return is_constant(a) and is_constant(b) and type(a) is type(b) and a == b and _same_types(a, b)


def _same_types(a, b) -> bool:
    if isinstance(a, tuple):
        return all(type(x) is type(y) and _same_types(x, y) for x, y in zip(a, b))
    return True


def dtype_name(obj) -> str | None:
    """`np.float32` / `np.dtype("float32")` as the dtype name the op table takes; None for anything else."""
    if isinstance(obj, np.dtype) or isinstance(obj, type) and issubclass(obj, np.generic):
        return np.dtype(obj).name
    return None


def generic(t: Type) -> Type:
    """Scripted graphs are unspecialized: any array type is `Tensor`."""
    if isinstance(t, TensorType):
        return TENSOR
    if isinstance(t, TupleType):
        return TupleType(tuple(generic(e) for e in t.elems))
    return t


def unify(a: Type, b: Type) -> Type | None:
    """The type of a variable that may hold either `a` or `b`; None when they are incompatible."""
    if isinstance(a, TensorType) and isinstance(b, TensorType):
        return TENSOR
    if isinstance(a, TensorType) and b in (BOOL, INT, FLOAT) or isinstance(b, TensorType) and a in (BOOL, INT, FLOAT):
        return TENSOR  # a NumPy scalar beside a Python one: specialization makes the Python one that 0-d array
    if isinstance(a, TupleType) and isinstance(b, TupleType) and len(a.elems) == len(b.elems):
        elems = tuple(unify(x, y) for x, y in zip(a.elems, b.elems))
        return None if None in elems else TupleType(elems)
    if NONE in (a, b) or isinstance(a, OptionalType) or isinstance(b, OptionalType):  # `mask = None` on one path
        elems = [t.elem if isinstance(t, OptionalType) else t for t in (a, b) if t != NONE]
        elem = elems[0] if len(elems) == 1 else unify(*elems) if elems else NONE
        return None if elem is None or isinstance(elem, OptionalType) else OptionalType(elem) if elem != NONE else NONE
    return a if a == b else None


def describe(t: Type) -> str:
    if isinstance(t, OptionalType):
        return f"{describe(t.elem)} or None"
    return "a Tensor" if isinstance(t, TensorType) else f"a tuple {generic(t)}" if isinstance(t, TupleType) \
        else f"{'an' if str(t)[0] in 'aeiou' else 'a'} {t}"


@dataclass
class ModuleRef:
    """A module reachable from `self`: the Python object (nn.Module or ScriptModule) and its graph value."""

    module: Any
    value: Value


@dataclass
class MethodRef:
    """`self.helper` / `self.sub.forward`, called through prim::CallMethod."""

    owner: ModuleRef
    name: str


@dataclass
class ArrayMethod:
    """`x.sum`, `x.reshape`: an array method waiting for its call."""

    array: Value
    name: str


@dataclass
class Builtin:
    """A compile-time callable such as `self._modules.values`: `fn(args, kwargs, node)` gives the binding."""

    name: str
    fn: Any


@dataclass
class ShapeOf:
    """`x.shape`: indexing and unpacking it give aten::size(x, dim) without building the whole list."""

    array: Value


@dataclass
class Undefined:
    """A variable assigned on some paths only; reading it is an error that says why."""

    reason: str


class _Uninit:
    """The result of an early return before any return ran (prim::Uninitialized once it gets a type)."""

    def __repr__(self) -> str:
        return "UNINIT"


UNINIT = _Uninit()
