"""Int lists (shapes) as values: `x.shape[1:]`, `x.shape[:-1] + (-1, 2)`, `s[0]`. Specialization folds them, since
shapes are known then; the interpreter runs them on Python tuples."""
from __future__ import annotations

from ..types import INT, ListType
from .registry import REQUIRED, SCALAR, OpDef, register

R = REQUIRED


def _slice(a, start, stop, step):
    return tuple(a)[slice(start, stop, step)]


def _add(a, b):
    return tuple(a) + tuple(b)


def _getitem(a, i):
    return tuple(a)[i]


register(OpDef("aten::slice.t", SCALAR, _slice, (("l", R), ("start", None), ("end", None), ("step", None)),
               lambda op, *args: ListType(INT), "tuple({0})[{1}:{2}:{3}]", tensor_params=()))
register(OpDef("aten::add.t", SCALAR, _add, (("a", R), ("b", R)), lambda op, a, b: ListType(INT),
               "tuple({0}) + tuple({1})", tensor_params=()))
register(OpDef("aten::__getitem__.t", SCALAR, _getitem, (("l", R), ("idx", R)), lambda op, a, i: INT,
               "tuple({0})[{1}]", tensor_params=()))
