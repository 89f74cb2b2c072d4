"""The op table (see registry.py); importing this package registers every op."""
from . import (  # noqa: F401  (registration)
    decomp,
    elementwise,
    folds,
    linalg,
    lists,
    math,
    movement,
    mutation,
    reductions,
    scalars,
    scatter,
    shapes,
    sorting,
)
from .registry import DUNDERS, METHODS, OPS, OpDef, bind, lookup, op_for_function, traceable

__all__ = ["DUNDERS", "METHODS", "OPS", "OpDef", "bind", "lookup", "op_for_function", "traceable"]
