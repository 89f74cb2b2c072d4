"""NumPy's non-transcendental ufuncs on complex values, each as NumPy's complex loop computes it: sign (z / |z|,
NumPy 2), reciprocal (Smith's), fmax/fmin and clip (the lexicographic order with NumPy's NaN rules), rint and
round (part by part), nan_to_num (part by part), logical_xor and isclose."""
from __future__ import annotations

import math

from llvmlite import ir

from .ufuncs import _constant


def _sign(cb, z):
    """z / |z|; NaN for a NaN part; for an infinite |z| the unit along the infinite part (NaN for both); 0 at 0."""
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    magnitude = p.math("hypot", a, b)
    re, im = bb.fdiv(a, magnitude), bb.fdiv(b, magnitude)
    one, zero, nan = p.const(1.0), p.const(0.0), p.const(math.nan)
    unit = lambda v: bb.select(bb.fcmp_ordered(">", v, zero), one, p.const(-1.0))
    inf_a, inf_b = p.ufunc("isinf", a), p.ufunc("isinf", b)
    huge = p.ufunc("isinf", magnitude)
    re = bb.select(huge, bb.select(inf_a, bb.select(inf_b, nan, unit(a)), zero), re)
    im = bb.select(huge, bb.select(inf_a, bb.select(inf_b, nan, zero), unit(b)), im)
    at_zero = bb.fcmp_ordered("==", magnitude, zero)
    re, im = bb.select(at_zero, zero, re), bb.select(at_zero, zero, im)
    lost = bb.fcmp_unordered("uno", magnitude, magnitude)
    return cb._pack(bb.select(lost, nan, re), bb.select(lost, nan, im))


def _reciprocal(cb, z):
    """1 / z by Smith's method on the larger part (NumPy's complex reciprocal loop; 1 / 0 is NaN there)."""
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    real_larger = bb.fcmp_ordered("<=", p.abs(b), p.abs(a))
    r1 = bb.fdiv(b, a)
    d1 = bb.fadd(a, bb.fmul(b, r1))
    r2 = bb.fdiv(a, b)
    d2 = bb.fadd(bb.fmul(a, r2), b)
    re = bb.select(real_larger, bb.fdiv(p.const(1.0), d1), bb.fdiv(r2, d2))
    im = bb.select(real_larger, bb.fdiv(bb.fneg(r1), d1), bb.fdiv(p.const(-1.0), d2))
    return cb._pack(re, im)


def _fmax_fmin(op: str):
    """x when x >= y (fmax) or x <= y (fmin) lexicographically, or when y has a NaN part; else y: a NaN only
    when both have one."""
    def emit(cb, x, y):
        keep = cb.b.or_(cb.cmp(op, x, y), cb.ufunc("isnan", y))  # NumPy's CGE / CLE
        return cb.b.select(keep, x, y)
    return emit


def clip(cb, x, lo, hi):
    """NumPy's complex clip: minimum(maximum(x, lo), hi), each keeping its first operand when that has a NaN part
    or compares >= (<=) by C's plain order (the imaginary parts when the real parts are equal, else the real
    parts: a NaN imaginary part in a bound is ignored unless the real parts tie). With one bound None, NumPy
    calls np.minimum or np.maximum instead (NaN-propagating, lexicographic)."""
    bb = cb.b
    if lo is None:
        return cb.minimum(x, hi)
    if hi is None:
        return cb.maximum(x, lo)
    x = bb.select(bb.or_(cb.ufunc("isnan", x), _plain_order(cb, ">=", x, lo)), x, lo)
    return bb.select(bb.or_(cb.ufunc("isnan", x), _plain_order(cb, "<=", x, hi)), x, hi)


def _plain_order(cb, op: str, x, y):
    (a, b), (c, d) = cb._parts(x), cb._parts(y)
    bb = cb.b
    return bb.select(bb.fcmp_ordered("==", a, c), bb.fcmp_ordered(op, b, d), bb.fcmp_ordered(op, a, c))


def _by_parts(name: str):
    """A real ufunc applied to both parts (rint, round)."""
    def emit(cb, z, *args):
        re, im = (cb.part.ufunc(name, v, *(_real_constant(cb, a) for a in args)) for v in cb._parts(z))
        return cb._pack(re, im)
    return emit


def _nan_to_num(cb, z, nan, posinf, neginf):
    values = [None if v is None else _real_constant(cb, v) for v in (nan, posinf, neginf)]
    re, im = (cb.part.ufunc("nan_to_num", v, *values) for v in cb._parts(z))
    return cb._pack(re, im)


def _logical_xor(cb, x, y):
    return cb.b.xor(cb._truth(x), cb._truth(y))


def _isclose(cb, x, y, rtol, atol, equal_nan):
    """|x - y| <= atol + rtol |y| where y is finite, or x == y (NumPy's isclose on complex values: |.| is the
    modulus); complex tolerances are refused (NumPy compares them lexicographically)."""
    bb = cb.b
    rtol, atol = _real_constant(cb, rtol, strict=True), _real_constant(cb, atol, strict=True)
    close = bb.fcmp_ordered("<=", cb.abs(cb.sub(x, y)), bb.fadd(atol, bb.fmul(rtol, cb.abs(y))))
    result = bb.or_(bb.and_(close, cb.ufunc("isfinite", y)), cb.cmp("==", x, y))
    if _constant(_real_constant(cb, equal_nan), "isclose's equal_nan"):
        result = bb.or_(result, bb.and_(cb.ufunc("isnan", x), cb.ufunc("isnan", y)))
    return result


def _real_constant(cb, v, strict: bool = False):
    """The real part of an operand converted to the complex compute dtype (a tolerance, a fill value, decimals)."""
    if v.type == cb.part.ty:
        return v
    known = v
    while isinstance(known, ir.CastInstr):
        known = known.operands[0]
    if isinstance(known, ir.Constant) and isinstance(known.constant, (list, tuple)):
        re, im = known.constant
        if strict and float(im.constant) != 0:
            cb._unsupported("isclose with complex tolerances")
        return re
    if strict:
        _constant(v, "isclose's tolerances")
    return cb._parts(v)[0]


UFUNCS = {"sign": _sign, "reciprocal": _reciprocal, "fmax": _fmax_fmin(">="), "fmin": _fmax_fmin("<="),
          "rint": _by_parts("rint"), "round": _by_parts("round"), "nan_to_num": _nan_to_num,
          "logical_xor": _logical_xor, "isclose": _isclose, "clip": clip}
