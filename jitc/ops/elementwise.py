"""Elementwise ops: arithmetic, comparisons, math functions, where/clip, casts. Fusable by the backend."""
from __future__ import annotations

import operator

import numpy as np

from .abstract import infer_elementwise
from .registry import BOUNDS, CONDITION, ELEMENTWISE, INPUT, OPERANDS, REQUIRED, RESULT, OpDef, register, traceable

R = REQUIRED
BINARY = (("x1", R), ("x2", R))
UNARY = (("x", R),)


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(np.negative(x)))


def _relu(x):
    return np.maximum(x, 0)


sigmoid = traceable("aten::sigmoid", _sigmoid)
relu = traceable("aten::relu", _relu)


def _astype(x, dtype):
    return np.asarray(x).astype(dtype)


ZERO_DIVISOR = (1, 4)  # on Python scalars, a zero second operand raises ZeroDivisionError (codegen.abi.ERRORS)


def binary(name, ufunc, code, emit, dunder=None, compute=RESULT, python=None, zero_error=None, overflow=None):
    return register(OpDef(f"aten::{name}", ELEMENTWISE, ufunc, BINARY, infer_elementwise, code, emit,
                          (0, 1), functions=(ufunc,), dunders=(dunder,) if dunder else (), compute=compute,
                          python=python, zero_error=zero_error, overflow=overflow))


def unary(name, fn, code, emit, functions=(), dunder=None, compute=RESULT, python=None, methods=()):
    return register(OpDef(f"aten::{name}", ELEMENTWISE, fn, UNARY, infer_elementwise, code, emit,
                          functions=functions, methods=methods, dunders=(dunder,) if dunder else (), compute=compute,
                          python=python))


binary("add", np.add, "{0} + {1}", lambda b, x, y: b.add(x, y), "__add__", python=operator.add, overflow="sadd")
binary("sub", np.subtract, "{0} - {1}", lambda b, x, y: b.sub(x, y), "__sub__", python=operator.sub, overflow="ssub")
binary("mul", np.multiply, "{0} * {1}", lambda b, x, y: b.mul(x, y), "__mul__", python=operator.mul, overflow="smul")
binary("div", np.true_divide, "{0} / {1}", lambda b, x, y: b.div(x, y), "__truediv__", python=operator.truediv,
       zero_error=ZERO_DIVISOR)
binary("floor_divide", np.floor_divide, "{0} // {1}", lambda b, x, y: b.floordiv(x, y), "__floordiv__",
       python=operator.floordiv, zero_error=ZERO_DIVISOR)
binary("remainder", np.remainder, "{0} % {1}", lambda b, x, y: b.mod(x, y), "__mod__", python=operator.mod,
       zero_error=ZERO_DIVISOR)
binary("pow", np.power, "{0} ** {1}", lambda b, x, y: b.pow(x, y, b.uniform[1]), "__pow__", python=operator.pow)
binary("maximum", np.maximum, "np.maximum({0}, {1})", lambda b, x, y: b.maximum(x, y))
binary("minimum", np.minimum, "np.minimum({0}, {1})", lambda b, x, y: b.minimum(x, y))
for _name, _ufunc, _symbol, _python in (("eq", np.equal, "==", operator.eq), ("ne", np.not_equal, "!=", operator.ne),
                                        ("lt", np.less, "<", operator.lt), ("le", np.less_equal, "<=", operator.le),
                                        ("gt", np.greater, ">", operator.gt), ("ge", np.greater_equal, ">=", operator.ge)):
    binary(_name, _ufunc, f"{{0}} {_symbol} {{1}}", lambda b, x, y, _s=_symbol: b.cmp(_s, x, y), f"__{_name}__",
           OPERANDS, python=_python)
binary("bitwise_and", np.bitwise_and, "{0} & {1}", lambda b, x, y: b.bitand(x, y), "__and__")
binary("bitwise_or", np.bitwise_or, "{0} | {1}", lambda b, x, y: b.bitor(x, y), "__or__")
binary("logical_and", np.logical_and, "np.logical_and({0}, {1})", lambda b, x, y: b.logical_and(x, y),
       compute=OPERANDS)
binary("logical_or", np.logical_or, "np.logical_or({0}, {1})", lambda b, x, y: b.logical_or(x, y),
       compute=OPERANDS)

unary("neg", np.negative, "-{0}", lambda b, x: b.neg(x), (np.negative,), "__neg__", python=operator.neg)
unary("abs", np.abs, "np.abs({0})", lambda b, x: b.abs(x), (np.abs, np.absolute), "__abs__", INPUT)  # |complex| is real
unary("bitwise_not", np.invert, "~{0}", lambda b, x: b.bitnot(x), (np.invert,), "__invert__")
unary("logical_not", np.logical_not, "np.logical_not({0})", lambda b, x: b.logical_not(x), (np.logical_not,),
      compute=OPERANDS)
for _name in ("tanh", "exp", "log", "sqrt"):
    unary(_name, getattr(np, _name), f"np.{_name}({{0}})",
          lambda b, x, _n=_name: b.math(_n, x), (getattr(np, _name),))
unary("sigmoid", _sigmoid, "jitc.nn.functional.sigmoid({0})", lambda b, x: b.math("sigmoid", x), (sigmoid,))
unary("relu", _relu, "jitc.nn.functional.relu({0})", lambda b, x: b.maximum(x, b.const(0)), (relu,))

register(OpDef("aten::clip", ELEMENTWISE, np.clip, (("a", R), ("a_min", None), ("a_max", None)), infer_elementwise,
               "np.clip({0}, {1}, {2})", lambda b, x, lo, hi: b.ufunc("clip", x, lo, hi), (0, 1, 2),
               functions=(np.clip,), methods=("clip",), compute=BOUNDS))
register(OpDef("aten::where", ELEMENTWISE, np.where, (("condition", R), ("x", R), ("y", R)), infer_elementwise,
               "np.where({0}, {1}, {2})", lambda b, c, x, y: b.select(c, x, y), (0, 1, 2), functions=(np.where,),
               compute=CONDITION))
register(OpDef("aten::to", ELEMENTWISE, _astype, (("x", R), ("dtype", R)), infer_elementwise,
               "np.asarray({0}).astype({1})", lambda b, x: x, methods=("astype",)))
