"""The op table (see registry.py); importing this package registers every op."""
from . import elementwise, linalg, lists, math, reductions, scalars, shapes  # noqa: F401  (registration side effects)
from .registry import DUNDERS, METHODS, OPS, OpDef, bind, lookup, op_for_function, traceable

__all__ = ["DUNDERS", "METHODS", "OPS", "OpDef", "bind", "lookup", "op_for_function", "traceable"]
