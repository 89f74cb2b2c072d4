"""How a Python call meets compiled code: keywords and defaults bind by the Python signature, each argument has a
kind (array, int, float, bool, a tuple of kinds, or a constant such as None or a string), and tuples flatten into
one graph input per item. A function compiles once per tuple of kinds (scalars by type, not by value)."""
from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from .errors import SignatureError
from .types import BOOL, COMPLEX, FLOAT, INT, TENSOR, TupleType, Type

FIXED_ANNOTATIONS = ("int", "float", "bool", "str")  # annotations that fix a parameter's kind


@dataclass(frozen=True)
class ConstKind:
    """An argument compiled in as a constant (None, a string): a new value compiles a new variant."""

    value: object


def kind_of(a, name: str = "argument") -> Type | ConstKind:
    if isinstance(a, (np.ndarray, np.generic)):
        return TENSOR
    if isinstance(a, bool):
        return BOOL
    if isinstance(a, int):
        return INT
    if isinstance(a, float):
        return FLOAT
    if isinstance(a, complex):
        return COMPLEX
    if isinstance(a, (tuple, list)):
        return TupleType(tuple(kind_of(x, name) for x in a))
    if a is None or isinstance(a, str):
        return ConstKind(a)
    raise SignatureError(f"argument '{name}' is a {type(a).__name__}: compiled code takes NumPy arrays, Python "
                         "int/float/complex/bool scalars, None, strings and tuples or lists of them")


def flatten(args: list, kinds: tuple) -> list:
    """The graph inputs for bound arguments: tuples spread out, constants dropped (they are in the graph)."""
    out = []
    for a, k in zip(args, kinds):
        if isinstance(k, TupleType):
            out.extend(flatten(list(a), k.elems))
        elif not isinstance(k, ConstKind):
            out.append(a)
    return out


class CallBinder:
    """Binds calls of a Python function (or method, without `self`) to its parameters."""

    def __init__(self, fn, skip_self: bool):
        self.name = getattr(fn, "__qualname__", getattr(fn, "__name__", "function"))
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            sig = None
        params = list(sig.parameters.values()) if sig is not None else []
        if skip_self and params:
            params = params[1:]
        self.signature = sig.replace(parameters=params) if sig is not None else None
        self.params = params
        self.free = tuple(p.name for p in params if _annotation_text(p) not in FIXED_ANNOTATIONS)

    def bind(self, args: tuple, kwargs: dict) -> list:
        """Positional arguments for every parameter, defaults filled in; SignatureError on a call Python rejects."""
        if self.signature is None or (not kwargs and len(args) == len(self.params)):
            return list(args)
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise SignatureError(f"{self.name}(): {e}") from None
        bound.apply_defaults()
        return list(bound.arguments.values())

    def kinds(self, args: list) -> tuple:
        """The kinds of the free (not int/float/bool/str-annotated) parameters' arguments."""
        free = set(self.free)
        return tuple(kind_of(a, p.name) if p.name in free else None for p, a in zip(self.params, args))

    def default_kinds(self) -> tuple:
        """The kinds compiled before any call: a scalar default's type, otherwise an array."""
        kinds = []
        for p in self.params:
            d = p.default
            scalar = isinstance(d, (bool, int, float, complex)) or d is None or isinstance(d, str)
            kinds.append((kind_of(d) if scalar else TENSOR) if p.name in self.free else None)
        return tuple(kinds)


def _annotation_text(p: inspect.Parameter) -> str | None:
    ann = p.annotation
    if ann is inspect.Parameter.empty:
        return None
    return ann if isinstance(ann, str) else getattr(ann, "__name__", None)
