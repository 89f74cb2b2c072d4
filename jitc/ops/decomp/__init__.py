"""Decompositions: NumPy functions written once over the primitives (see table.py); importing registers them."""
from . import (  # noqa: F401  (registration side effects)
    comparison,
    creation,
    indexing,
    linalg,
    manipulation,
    products,
    reductions,
    selection,
    signals,
    sorting,
    ufuncs,
)
from .symbolic import NeedsShapes, Symbolic, SymbolicGraph, expand
from .table import ARITY, TUPLES, UnsupportedError, decomposition

__all__ = ["ARITY", "TUPLES", "NeedsShapes", "Symbolic", "SymbolicGraph", "UnsupportedError", "decomposition", "expand"]
