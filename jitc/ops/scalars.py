"""Scalar helpers the script compiler emits: range arithmetic, len/ndim, min/max and `not` on Python scalars, and
`is None` on a variable that may be None."""
from __future__ import annotations

import numpy as np

from ..symbolic import SymbolicError, is_symbolic
from ..types import BOOL, FLOAT, INT, NONE, OptionalType
from .registry import OPERANDS, REQUIRED, RESULT, SCALAR, OpDef, register

R = REQUIRED


def _range_length(start, stop, step):
    if is_symbolic((start, stop, step)):  # a symbolic size or loop counter: unit steps only
        if step not in (1, -1):
            raise SymbolicError(f"range() with step {step} over symbolic bounds")
        return max((stop - start) * step, 0)
    return len(range(start, stop, step))


def _derive_index(index, start, step):
    return start + index * step


def _scalar_op(name, impl, params, out_type, code, emit=None, compute=RESULT, zero_error=None):
    register(OpDef(name, SCALAR, impl, params, lambda op, *args: out_type, code, emit,
                   tensor_params=tuple(range(len(params))) if emit else (), compute=compute,
                   python=impl if emit else None, zero_error=zero_error))


def _emit_range_length(b, start, stop, step):
    """len(range(start, stop, step)) = max(0, -((start - stop) // step)), with floor division."""
    return b.maximum(b.neg(b.floordiv(b.sub(start, stop), step)), b.const(0))


# `for i in range(start, stop, step)`: the trip count and the loop variable from the loop's counter (TorchScript's).
_scalar_op("aten::__range_length", _range_length, (("start", R), ("stop", R), ("step", R)), INT,
           "len(range({0}, {1}, {2}))", _emit_range_length, zero_error=(2, 5))  # Python's ValueError
_scalar_op("aten::__derive_index", _derive_index, (("index", R), ("start", R), ("step", R)), INT,
           "{1} + {0} * {2}", lambda b, index, start, step: b.add(start, b.mul(index, step)))
_scalar_op("aten::len", len, (("a", R),), INT, "len({0})")
_scalar_op("aten::dim", np.ndim, (("a", R),), INT, "np.ndim({0})")
_scalar_op("aten::__not__", lambda a: not a, (("a", R),), BOOL, "not {0}", lambda b, a: b.logical_not(a),
           OPERANDS)
# `x is None` on a variable bound to an array on one path and None on another (its type is `Tensor?`), and x
# itself where the code knows it is not None; specialization folds both (jitc/passes/fold.py) once x's type is
# decided: a `Tensor?` that survives it means a data-dependent choice, which compiled code does not take.
_scalar_op("aten::__is__", lambda a, b: a is b, (("a", R), ("b", R)), BOOL, "{0} is {1}")
_scalar_op("aten::__isnot__", lambda a, b: a is not b, (("a", R), ("b", R)), BOOL, "{0} is not {1}")
register(OpDef("prim::unchecked_cast", SCALAR, lambda a: a, (("a", R),),
               lambda op, a: a.elem if isinstance(a, OptionalType) else a, "{0}"))
# A placeholder for a value that is assigned on some paths only (e.g. the result of an early return in a loop);
# the compiler gives the node its real type.
_scalar_op("prim::Uninitialized", lambda: None, (), NONE, "None")


def _promoted(pick):
    """min/max of two Python scalars, promoted like arithmetic (int with float gives float, as TorchScript)."""
    def impl(a, b):
        result = pick(a, b)
        return float(result) if isinstance(a, float) or isinstance(b, float) else result

    return impl


def _infer_promoted(op, a, b):
    types = {getattr(t, "name", None) or type(t).__name__ for t in (a, b)}
    return FLOAT if "float" in types else INT if "int" in types else BOOL


for _name, _pick in (("min", min), ("max", max)):
    register(OpDef(f"prim::{_name}", SCALAR, _promoted(_pick), (("a", R), ("b", R)), _infer_promoted,
                   f"{_name}({{0}}, {{1}})", lambda b, x, y, _n=_name: getattr(b, f"{_n}imum")(x, y),
                   tensor_params=(0, 1)))
