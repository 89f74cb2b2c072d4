"""NumPy's math functions: trigonometric, hyperbolic, exponential and logarithmic (codegen/mathlib), rounding,
sign, classification, shifts and the small composites (square, heaviside, isclose, nan_to_num, ...) as
elementwise ops. Each is one entry; the emitter is written against codegen.scalar.ScalarBuilder."""
from __future__ import annotations

import numpy as np

from ..errors import JitcError
from .abstract import infer_elementwise
from .elementwise import binary, unary
from .registry import ELEMENTWISE, INPUT, OPERANDS, REQUIRED, OpDef, register

R = REQUIRED

TRANSCENDENTAL = ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh",
                  "arctanh", "cbrt", "log1p", "expm1", "log2", "log10", "exp2")
for _name in TRANSCENDENTAL:
    _fn = getattr(np, _name)
    unary(_name, _fn, f"np.{_name}({{0}})", lambda b, x, _n=_name: b.math(_n, x), (_fn,))
for _name in ("arctan2", "hypot"):
    binary(_name, getattr(np, _name), f"np.{_name}({{0}}, {{1}})", lambda b, x, y, _n=_name: b.math(_n, x, y))

_ALIASES = {"deg2rad": (np.deg2rad, np.radians), "rad2deg": (np.rad2deg, np.degrees)}
for _name in ("floor", "ceil", "trunc", "rint", "sign", "reciprocal", "deg2rad", "rad2deg"):
    _fn = getattr(np, _name)
    unary(_name, _fn, f"np.{_name}({{0}})", lambda b, x, _n=_name: b.ufunc(_n, x), _ALIASES.get(_name, (_fn,)))
unary("fix", np.fix, "np.fix({0})", lambda b, x: b.ufunc("trunc", x), (np.fix,))
unary("square", np.square, "np.square({0})", lambda b, x: b.mul(x, x), (np.square,))
for _name in ("isnan", "isinf", "isfinite", "signbit"):
    _fn = getattr(np, _name)
    unary(_name, _fn, f"np.{_name}({{0}})", lambda b, x, _n=_name: b.ufunc(_n, x), (_fn,), compute=OPERANDS)

# complex parts: np.real/np.imag of a real array are the array itself and zeros (copies here, views in NumPy)
unary("real", np.real, "np.real({0})", lambda b, x: b.ufunc("real", x), (np.real,), compute=INPUT)
unary("imag", np.imag, "np.imag({0})", lambda b, x: b.ufunc("imag", x), (np.imag,), compute=INPUT)
unary("conj", np.conjugate, "np.conjugate({0})", lambda b, x: b.ufunc("conjugate", x), (np.conjugate,),
      methods=("conj", "conjugate"))

for _name in ("heaviside", "fmax", "fmin", "fmod", "copysign"):
    binary(_name, getattr(np, _name), f"np.{_name}({{0}}, {{1}})", lambda b, x, y, _n=_name: b.ufunc(_n, x, y))
binary("float_power", np.float_power, "np.float_power({0}, {1})", lambda b, x, y: b.pow(x, y))
binary("logical_xor", np.logical_xor, "np.logical_xor({0}, {1})", lambda b, x, y: b.ufunc("logical_xor", x, y),
       compute=OPERANDS)
binary("bitwise_xor", np.bitwise_xor, "{0} ^ {1}", lambda b, x, y: b.ufunc("bitwise_xor", x, y), "__xor__")
binary("left_shift", np.left_shift, "{0} << {1}", lambda b, x, y: b.ufunc("left_shift", x, y), "__lshift__")
binary("right_shift", np.right_shift, "{0} >> {1}", lambda b, x, y: b.ufunc("right_shift", x, y), "__rshift__")

register(OpDef("aten::round", ELEMENTWISE, np.round, (("a", R), ("decimals", 0)), infer_elementwise,
               "np.round({0}, {1})", lambda b, x, d: b.ufunc("round", x, d), (0, 1), functions=(np.round, np.around),
               methods=("round",)))
register(OpDef("aten::isclose", ELEMENTWISE, np.isclose,
               (("a", R), ("b", R), ("rtol", 1e-05), ("atol", 1e-08), ("equal_nan", False)), infer_elementwise,
               "np.isclose({0}, {1}, rtol={2}, atol={3}, equal_nan={4})",
               lambda b, x, y, rtol, atol, equal_nan: b.ufunc("isclose", x, y, rtol, atol, equal_nan),
               (0, 1, 2, 3, 4), functions=(np.isclose,), compute=OPERANDS))


def _nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    if not copy:
        raise JitcError("np.nan_to_num(copy=False) writes into its argument; compiled code supports copy=True")
    return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)


register(OpDef("aten::nan_to_num", ELEMENTWISE, _nan_to_num,
               (("x", R), ("copy", True), ("nan", 0.0), ("posinf", None), ("neginf", None)), infer_elementwise,
               "np.nan_to_num({0}, copy={1}, nan={2}, posinf={3}, neginf={4})",
               lambda b, x, nan, posinf, neginf: b.ufunc("nan_to_num", x, nan, posinf, neginf), (0, 2, 3, 4),
               functions=(np.nan_to_num,)))
