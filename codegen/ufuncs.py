"""Scalar emitters for NumPy's rounding, classification, sign, shift and power functions, by name.

The op table reaches them through `ScalarBuilder.ufunc(name, *args)`; transcendental functions are in mathlib.
Each follows NumPy's scalar loop for the same ufunc (NaN, signed zeros, integer edge cases).
"""
from __future__ import annotations

import math

import numpy as np
from llvmlite import ir

from jitc.errors import CompileError

from .scalar import I1, ScalarBuilder, cast


def _known(value):
    """The Python value of an operand that is a constant (through the casts to the compute dtype), else None."""
    while isinstance(value, ir.CastInstr):
        value = value.operands[0]
    return value.constant if isinstance(value, ir.Constant) else None


def _constant(value, what: str):
    """The Python value of an operand that must be known when compiling (decimals=, equal_nan=)."""
    known = _known(value)
    if known is None:
        raise CompileError(f"{what} must be a constant to compile natively")
    return known


def _rounding(intrinsic: str):
    def emit(sb: ScalarBuilder, x):
        return sb._intrinsic(intrinsic, x) if sb.is_float else x  # integers and bools are already whole
    return emit


def _round(sb: ScalarBuilder, x, decimals):
    """np.round: rint(x * 10^d) / 10^d, or rint(x / 10^-d) * 10^-d, in x's dtype (integers in float64)."""
    d = int(_constant(decimals, "round's decimals"))
    if not sb.is_float:
        if d >= 0:
            return x
        wide = ScalarBuilder(sb.b, np.float64)
        y = _round(wide, cast(sb.b, x, sb.dtype, np.float64), ir.Constant(wide.ty, float(d)))
        return cast(sb.b, y, np.float64, sb.dtype)
    b = sb.b
    if d == 0:
        return sb._intrinsic("llvm.rint", x)
    f = sb.const(10.0 ** abs(d))
    if d > 0:
        return b.fdiv(sb._intrinsic("llvm.rint", b.fmul(x, f)), f)
    return b.fmul(sb._intrinsic("llvm.rint", b.fdiv(x, f)), f)


def _sign(sb: ScalarBuilder, x):
    b = sb.b
    one, zero = sb.const(1), sb.const(0)
    if sb.is_float:
        y = b.select(b.fcmp_ordered("<", x, zero), sb.const(-1), b.select(b.fcmp_ordered("==", x, zero), zero, x))
        return b.select(b.fcmp_ordered(">", x, zero), one, y)
    if not sb.signed:
        return b.select(b.icmp_unsigned("!=", x, zero), one, zero)
    return b.sub(b.zext(b.icmp_signed(">", x, zero), sb.ty), b.zext(b.icmp_signed("<", x, zero), sb.ty))


def _reciprocal(sb: ScalarBuilder, x):
    """Integers: C's (int)(1.0 / x) as NumPy computes it (x86 gives INT_MIN for 1/0)."""
    b = sb.b
    if sb.is_float:
        return b.fdiv(sb.const(1.0), x)
    y = b.select(b.icmp_unsigned("==", x, sb.const(1)), sb.const(1), sb.const(0))
    if sb.signed:
        y = b.select(b.icmp_signed("==", x, sb.const(-1)), sb.const(-1), y)
        y = b.select(b.icmp_signed("==", x, sb.const(0)), ir.Constant(sb.ty, -(1 << (sb.ty.width - 1))), y)
    return y


def _float_constant(sb: ScalarBuilder, value32, value64):
    return sb.const(value32 if sb.dtype == np.float32 else value64)


def _deg2rad(sb: ScalarBuilder, x):
    pi32 = np.float32(np.pi) / np.float32(180)  # NumPy's float32 loop multiplies by NPY_PIf / 180.0f
    return sb.b.fmul(x, _float_constant(sb, float(pi32), math.pi / 180))


def _rad2deg(sb: ScalarBuilder, x):
    deg32 = np.float32(180) / np.float32(np.pi)
    return sb.b.fmul(x, _float_constant(sb, float(deg32), 180 / math.pi))


def _heaviside(sb: ScalarBuilder, x, h0):
    """NaN for NaN, 0 below zero, h0 at zero, 1 above (NumPy's npy_heaviside)."""
    b, zero = sb.b, sb.const(0.0)
    y = b.select(b.fcmp_ordered("<", x, zero), zero, b.select(b.fcmp_ordered("==", x, zero), h0, sb.const(1.0)))
    return b.select(b.fcmp_unordered("uno", x, x), x, y)


def _fmax_fmin(op: str):
    """NaN only if both are; a tie (+0.0 and -0.0) gives y, as NumPy's vector loops do."""
    def emit(sb: ScalarBuilder, x, y):
        if not sb.is_float:
            return sb.maximum(x, y) if op == ">" else sb.minimum(x, y)
        b = sb.b
        return b.select(b.or_(b.fcmp_ordered(op, x, y), b.fcmp_unordered("uno", y, y)), x, y)
    return emit


def _fmod(sb: ScalarBuilder, x, y):
    """C's fmod (the dividend's sign); integers: C's remainder, 0 for a zero divisor."""
    b = sb.b
    if sb.is_float:
        return b.frem(x, y)
    if sb.is_bool:
        sb._unsupported("fmod")
    d, bad = sb._safe_divisor(x, y)
    return b.select(bad, sb.const(0), b.srem(x, d) if sb.signed else b.urem(x, d))


def _copysign(sb: ScalarBuilder, x, y):
    return sb._intrinsic("llvm.copysign", x, y)


def _shift(left: bool):
    """NumPy's npy_lshift/npy_rshift: a shift by the bit width or more (or negative) gives 0, or -1 for a
    negative signed value shifted right; LLVM's would be poison."""
    def emit(sb: ScalarBuilder, x, y):
        if sb.is_float or sb.is_bool:
            sb._unsupported("bit shifts")
        b = sb.b
        in_range = b.icmp_unsigned("<", y, sb.const(sb.ty.width))
        safe = b.select(in_range, y, sb.const(0))
        if left:
            return b.select(in_range, b.shl(x, safe), sb.const(0))
        if not sb.signed:
            return b.select(in_range, b.lshr(x, safe), sb.const(0))
        fill = b.select(b.icmp_signed("<", x, sb.const(0)), sb.const(-1), sb.const(0))
        return b.select(in_range, b.ashr(x, safe), fill)
    return emit


def _bitwise_xor(sb: ScalarBuilder, x, y):
    if sb.is_float:
        sb._unsupported("bitwise xor")
    return sb.b.xor(x, y)


def _int_power(sb: ScalarBuilder, x, y):
    """Square-and-multiply over every bit of the exponent, branch-free (a constant exponent folds to a few
    multiplies). NumPy raises for negative exponents; here they give 1/x**|y| truncated (0 unless |x| == 1)."""
    b = sb.b
    result, base = sb.const(1), x
    for i in range(sb.ty.width):
        bit = b.icmp_unsigned("!=", b.and_(y, sb.const(1 << i)), sb.const(0))
        result = b.select(bit, b.mul(result, base), result)
        base = b.mul(base, base)
    if sb.signed:
        odd = b.icmp_unsigned("!=", b.and_(y, sb.const(1)), sb.const(0))
        minus_one = b.select(odd, sb.const(-1), sb.const(1))
        negative = b.select(b.icmp_signed("==", x, sb.const(1)), sb.const(1),
                            b.select(b.icmp_signed("==", x, sb.const(-1)), minus_one, sb.const(0)))
        result = b.select(b.icmp_signed("<", y, sb.const(0)), negative, result)
    return result


def _power(sb: ScalarBuilder, x, y):
    if sb.is_bool:
        sb._unsupported("power")
    if not sb.is_float:
        return _int_power(sb, x, y)
    if _known(y) == 2:
        return sb.b.fmul(x, x)  # NumPy's square fast path; exact either way
    if sb.dtype in (np.float32, np.float64):
        from .mathlib import emit_math
        return emit_math(sb.b, "pow", x, y)
    return sb._intrinsic("llvm.pow", x, y)


# ---- classification (compute=OPERANDS: the emitter gives the bool result)
def _isnan(sb: ScalarBuilder, x):
    return sb.b.fcmp_unordered("uno", x, x) if sb.is_float else ir.Constant(I1, 0)


def _isinf(sb: ScalarBuilder, x):
    return sb.b.fcmp_ordered("==", sb.abs(x), sb.const(math.inf)) if sb.is_float else ir.Constant(I1, 0)


def _isfinite(sb: ScalarBuilder, x):
    return sb.b.fcmp_ordered("!=", sb.abs(x), sb.const(math.inf)) if sb.is_float else ir.Constant(I1, 1)


def _signbit(sb: ScalarBuilder, x):
    b = sb.b
    if sb.is_float:
        bits = ir.IntType(sb.dtype.itemsize * 8)
        return b.icmp_signed("<", b.bitcast(x, bits), ir.Constant(bits, 0))
    return b.icmp_signed("<", x, sb.const(0)) if sb.signed else ir.Constant(I1, 0)


def _logical_xor(sb: ScalarBuilder, x, y):
    return sb.b.xor(sb._truth(x), sb._truth(y))


def _isclose(sb: ScalarBuilder, x, y, rtol, atol, equal_nan):
    """NumPy's isclose, in the operands' float type: |x - y| <= atol + rtol |y| where y is finite, or x == y."""
    b = sb.b  # the compute dtype is a float: Python-float tolerances promote integer operands to float64
    close = b.fcmp_ordered("<=", sb.abs(b.fsub(x, y)), b.fadd(atol, b.fmul(rtol, sb.abs(y))))
    result = b.or_(b.and_(close, _isfinite(sb, y)), b.fcmp_ordered("==", x, y))
    if _constant(equal_nan, "isclose's equal_nan"):
        result = b.or_(result, b.and_(_isnan(sb, x), _isnan(sb, y)))
    return result


def _nan_to_num(sb: ScalarBuilder, x, nan, posinf, neginf):
    if not sb.is_float:
        return x
    b = sb.b
    info = np.finfo(sb.dtype)
    posinf = sb.const(float(info.max)) if posinf is None else posinf
    neginf = sb.const(float(info.min)) if neginf is None else neginf
    y = b.select(b.fcmp_ordered("==", x, sb.const(math.inf)), posinf, x)
    y = b.select(b.fcmp_ordered("==", x, sb.const(-math.inf)), neginf, y)
    return b.select(b.fcmp_unordered("uno", x, x), nan, y)


def _clip(sb: ScalarBuilder, x, lo, hi):
    """np.clip: maximum then minimum, keeping x when it equals a bound; a None bound is left out."""
    return sb.clip(x, lo, hi)


UFUNCS = {
    "floor": _rounding("llvm.floor"), "ceil": _rounding("llvm.ceil"), "trunc": _rounding("llvm.trunc"),
    "rint": _rounding("llvm.rint"), "round": _round, "sign": _sign, "reciprocal": _reciprocal,
    "deg2rad": _deg2rad, "rad2deg": _rad2deg, "heaviside": _heaviside, "fmax": _fmax_fmin(">"),
    "fmin": _fmax_fmin("<"), "fmod": _fmod, "copysign": _copysign, "left_shift": _shift(True),
    "right_shift": _shift(False), "bitwise_xor": _bitwise_xor, "power": _power, "isnan": _isnan,
    "isinf": _isinf, "isfinite": _isfinite, "signbit": _signbit, "logical_xor": _logical_xor,
    "isclose": _isclose, "nan_to_num": _nan_to_num, "clip": _clip,
    # the parts of a real number (complex values have their own, in codegen/complex.py)
    "real": lambda sb, x: x, "imag": lambda sb, x: sb.const(0), "conjugate": lambda sb, x: x,
}


def emit_ufunc(sb: ScalarBuilder, name: str, *args):
    return UFUNCS[name](sb, *args)
