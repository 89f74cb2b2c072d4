"""Decompositions: NumPy functions written once over the primitives (see table.py); importing registers them."""
from . import creation, indexing, manipulation, products, reductions, ufuncs  # noqa: F401  (registration side effects)
from .symbolic import NeedsShapes, Symbolic, SymbolicGraph, expand
from .table import ARITY, UnsupportedError, decomposition

__all__ = ["ARITY", "NeedsShapes", "Symbolic", "SymbolicGraph", "UnsupportedError", "decomposition", "expand"]
