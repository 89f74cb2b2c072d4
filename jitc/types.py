"""IR types, printed the way TorchScript prints them (`Float(3, 4, strides=[4, 1])`, `Tensor`, `int`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .symbolic import Sym

# TorchScript's scalar-type names for NumPy dtypes.
DTYPE_NAMES = {
    np.dtype(np.float32): "Float",
    np.dtype(np.float64): "Double",
    np.dtype(np.float16): "Half",
    np.dtype(np.int8): "Char",
    np.dtype(np.int16): "Short",
    np.dtype(np.int32): "Int",
    np.dtype(np.int64): "Long",
    np.dtype(np.uint8): "Byte",
    np.dtype(np.uint16): "UInt16",
    np.dtype(np.uint32): "UInt32",
    np.dtype(np.uint64): "UInt64",
    np.dtype(np.complex64): "ComplexFloat",
    np.dtype(np.complex128): "ComplexDouble",
    np.dtype(np.bool_): "Bool",
}
NAME_DTYPES = {v: k for k, v in DTYPE_NAMES.items()}


class Type:
    """Base class of IR types."""


@dataclass(frozen=True)
class TensorType(Type):
    """An array; dtype/shape/strides are None until specialization fills them in. Strides are in elements."""

    dtype: np.dtype | None = None
    shape: tuple[int, ...] | None = None
    strides: tuple[int, ...] | None = None

    def __str__(self) -> str:
        if self.dtype is None:
            return "Tensor"
        name = DTYPE_NAMES[np.dtype(self.dtype)]
        if self.shape is None:
            return name
        dims = ", ".join(str(d) for d in self.shape)
        if self.strides is not None:
            sep = ", " if dims else ""
            dims += f"{sep}strides=[{', '.join(str(s) for s in self.strides)}]"
        return f"{name}({dims})"

    @property
    def ndim(self) -> int | None:
        return None if self.shape is None else len(self.shape)

    @staticmethod
    def of(array: np.ndarray) -> TensorType:
        """The fully specialized type of a concrete array."""
        item = array.itemsize
        return TensorType(array.dtype, tuple(array.shape), tuple(s // item for s in array.strides))

    @staticmethod
    def contiguous(dtype, shape: tuple[int, ...]) -> TensorType:
        strides, step = [], 1
        for d in reversed(shape):
            strides.append(step)
            step *= d if isinstance(d, Sym) else max(d, 1)  # (a symbolic size that is 0 holds no elements)
        return TensorType(np.dtype(dtype), tuple(shape), tuple(reversed(strides)))


@dataclass(frozen=True)
class ScalarType(Type):
    """A Python scalar: `int`, `float`, `complex`, `bool`, `str` or `NoneType`."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListType(Type):
    """A list of one element type, e.g. `int[]` for shapes and axes."""

    elem: Type

    def __str__(self) -> str:
        return f"{self.elem}[]"


@dataclass(frozen=True)
class TupleType(Type):
    elems: tuple[Type, ...]

    def __str__(self) -> str:
        return "(" + ", ".join(str(e) for e in self.elems) + ")"


@dataclass(frozen=True)
class OptionalType(Type):
    """A value that is `elem` or None (TorchScript's `Tensor?`): a variable bound to an array on one path of an
    if and to None on the other. Specialization decides which once the if's condition is known."""

    elem: Type

    def __str__(self) -> str:
        return f"{self.elem}?"


@dataclass(frozen=True)
class ModuleType(Type):
    """The type of a module instance (`__jitc__.MyCell`)."""

    name: str

    def __str__(self) -> str:
        return f"__jitc__.{self.name}"


INT, FLOAT, COMPLEX, BOOL, STR, NONE = (ScalarType(n) for n in ("int", "float", "complex", "bool", "str", "NoneType"))
# what Python scalars of each type become in compiled code (and in the 0-d arrays that carry them)
SCALAR_DTYPES = {"int": np.dtype(np.int64), "float": np.dtype(np.float64), "complex": np.dtype(np.complex128),
                 "bool": np.dtype(np.bool_)}
TENSOR = TensorType()


def type_of_constant(value) -> Type:
    """The IR type of a Python constant."""
    if isinstance(value, (bool, np.bool_)):
        return BOOL
    if isinstance(value, (int, Sym)):  # a symbolic size is a Python int known at run time
        return INT
    if isinstance(value, (np.floating, np.complexfloating)):  # np.float64 is a float, but a NumPy scalar
        return TensorType(value.dtype, (), ())
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, complex):
        return COMPLEX
    if isinstance(value, str):
        return STR
    if value is None:
        return NONE
    if isinstance(value, (tuple, list)):
        elems = tuple(type_of_constant(v) for v in value)
        if isinstance(value, list):
            return ListType(elems[0] if elems else INT)
        return TupleType(elems)
    if isinstance(value, np.ndarray):
        return TensorType.of(value)
    if isinstance(value, np.generic):
        return TensorType(value.dtype, (), ())
    raise TypeError(f"no IR type for constant {value!r}")

