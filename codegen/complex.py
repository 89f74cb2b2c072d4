"""complex64/complex128 in scalar code: a complex element is an LLVM struct of two floats (real, imaginary), so
loads, stores, selects and phis treat it as one value, and the arithmetic below works on its parts with the
float builder of the part dtype. Each function follows NumPy's loop for the same ufunc (npymath's npy_c*).
"""
from __future__ import annotations

import math

import numpy as np
from llvmlite import ir

from .scalar import ScalarBuilder, cast

PART = {np.dtype(np.complex64): np.dtype(np.float32), np.dtype(np.complex128): np.dtype(np.float64)}


def complex_type(dtype) -> ir.LiteralStructType:
    part = ir.FloatType() if PART[np.dtype(dtype)] == np.float32 else ir.DoubleType()
    return ir.LiteralStructType([part, part])


def parts(b: ir.IRBuilder, z):
    return b.extract_value(z, 0), b.extract_value(z, 1)


def pack(b: ir.IRBuilder, dtype, re, im):
    return b.insert_value(b.insert_value(ir.Constant(complex_type(dtype), ir.Undefined), re, 0), im, 1)


def cast_complex(b: ir.IRBuilder, v, src: np.dtype, dst: np.dtype):
    """astype to or from a complex dtype: a real value gets a zero imaginary part; a complex value becomes its
    real part (NumPy's ComplexWarning cast) or, as bool, whether either part is nonzero."""
    if src.kind == "c" and dst.kind == "c":
        re, im = parts(b, v)
        return pack(b, dst, cast(b, re, PART[src], PART[dst]), cast(b, im, PART[src], PART[dst]))
    if src.kind == "c":
        re, im = parts(b, v)
        if dst.kind == "b":
            return b.or_(cast(b, re, PART[src], dst), cast(b, im, PART[src], dst))
        return cast(b, re, PART[src], dst)
    part = PART[dst]
    return pack(b, dst, cast(b, v, src, part), ir.Constant(complex_type(dst).elements[0], 0.0))


class ComplexBuilder(ScalarBuilder):
    """ScalarBuilder's operations on complex values; those NumPy defines but this backend does not are a
    CompileError (the call then runs through NumPy)."""

    def __init__(self, builder: ir.IRBuilder, dtype, guards: list | None = None, uniform: tuple[bool, ...] = ()):
        super().__init__(builder, PART[np.dtype(dtype)], guards, uniform)
        self.part = ScalarBuilder(builder, PART[np.dtype(dtype)])
        self.dtype = np.dtype(dtype)
        self.ty = complex_type(self.dtype)
        self.is_float = False

    def const(self, value):
        value = complex(value)
        return ir.Constant(self.ty, [self.part.const(value.real), self.part.const(value.imag)])

    def _parts(self, z):
        return parts(self.b, z)

    def _pack(self, re, im):
        return pack(self.b, self.dtype, re, im)

    # ---- arithmetic
    def add(self, x, y):
        (a, b), (c, d) = self._parts(x), self._parts(y)
        return self._pack(self.b.fadd(a, c), self.b.fadd(b, d))

    def sub(self, x, y):
        (a, b), (c, d) = self._parts(x), self._parts(y)
        return self._pack(self.b.fsub(a, c), self.b.fsub(b, d))

    def mul(self, x, y):
        """(ac - bd) + (ad + bc)i with one rounding less in each part, as NumPy's SIMD loop (a fused multiply-add:
        it also decides which infinity an overflowing product gets); of NumPy scalars each product rounded, as
        NumPy's scalar math."""
        (a, b), (c, d) = self._parts(x), self._parts(y)
        bb, p = self.b, self.part
        if self.numpy_scalars:
            return self._pack(bb.fsub(bb.fmul(a, c), bb.fmul(b, d)), bb.fadd(bb.fmul(a, d), bb.fmul(b, c)))
        re = p._intrinsic("llvm.fma", a, c, bb.fneg(bb.fmul(b, d)))
        return self._pack(re, p._intrinsic("llvm.fma", a, d, bb.fmul(b, c)))

    def div(self, x, y):
        """Smith's algorithm, as NumPy's complex divide loop: divide by the larger part of y so nothing
        overflows; a zero divisor gives x's parts divided by 0 (inf or NaN)."""
        bb, p = self.b, self.part
        (a, b), (c, d) = self._parts(x), self._parts(y)
        ac, ad = p.abs(c), p.abs(d)
        real_larger = bb.fcmp_ordered(">=", ac, ad)
        zero = bb.and_(bb.fcmp_ordered("==", ac, p.const(0)), bb.fcmp_ordered("==", ad, p.const(0)))
        # |c| >= |d|
        rat = bb.fdiv(d, c)
        scl = bb.fdiv(p.const(1), bb.fadd(c, bb.fmul(d, rat)))
        re1 = bb.fmul(bb.fadd(a, bb.fmul(b, rat)), scl)
        im1 = bb.fmul(bb.fsub(b, bb.fmul(a, rat)), scl)
        # |c| < |d| (or NaN)
        rat2 = bb.fdiv(c, d)
        scl2 = bb.fdiv(p.const(1), bb.fadd(d, bb.fmul(c, rat2)))
        re2 = bb.fmul(bb.fadd(bb.fmul(a, rat2), b), scl2)
        im2 = bb.fmul(bb.fsub(bb.fmul(b, rat2), a), scl2)
        re = bb.select(zero, bb.fdiv(a, ac), bb.select(real_larger, re1, re2))
        im = bb.select(zero, bb.fdiv(b, ac), bb.select(real_larger, im1, im2))
        return self._pack(re, im)

    def neg(self, x):
        a, b = self._parts(x)
        return self._pack(self.b.fneg(a), self.b.fneg(b))

    def abs(self, x):
        """|x| as npy_cabs: hypot, which neither overflows nor underflows in between (the result is real). A
        complex64's squares cannot overflow in float64: sqrt(a^2 + b^2) there, rounded once, is as exact and
        cheaper than the scaled hypot; an infinite part gives inf even with a NaN in the other, as hypot."""
        if self.dtype != np.complex64:
            return self.part.math("hypot", *self._parts(x))
        bb = self.b
        a, b = (bb.fpext(v, ir.DoubleType()) for v in self._parts(x))
        wide = ScalarBuilder(bb, np.float64)
        h = wide.math("sqrt", bb.fadd(bb.fmul(a, a), bb.fmul(b, b)))
        inf = bb.or_(wide.ufunc("isinf", a), wide.ufunc("isinf", b))
        return bb.fptrunc(bb.select(inf, wide.const(math.inf), h), ir.FloatType())

    def conj(self, x):
        a, b = self._parts(x)
        return self._pack(a, self.b.fneg(b))

    def floordiv(self, x, y):
        self._unsupported("floor division")

    def mod(self, x, y):
        self._unsupported("remainder")

    def pow(self, x, y, uniform_exponent: bool = False):
        """npy_cpow for an exponent known when compiling that is an integer n with |n| < 100: square-and-multiply
        (1 for n = 0, 0 for a zero base and n > 0, the reciprocal for n < 0); other exponents: complex_math.cpow."""
        if _constant_exponent(y) == 0.5:  # `z ** 0.5` is np.sqrt in NumPy (ndarray.__pow__'s fast path)
            return _sqrt(self, x)
        n = _integer_exponent(y)
        if n is None:
            from .complex_math import cpow
            return cpow(self, x, y)
        if n == 0:
            return self.const(1)
        bb, p = self.b, self.part
        result, base, k = None, x, abs(n)
        if k == 2:  # `z ** 2` is np.square in NumPy (ndarray.__pow__'s fast path), the fused product
            result, k = self.mul(x, x), 0
        while k:
            if k & 1:
                result = base if result is None else self._mul_unfused(result, base)
            k >>= 1
            if k:
                base = self._mul_unfused(base, base)
        if n < 0:
            result = self.div(self.const(1), result)
        a, b = self._parts(x)
        zero = bb.and_(bb.fcmp_ordered("==", a, p.const(0)), bb.fcmp_ordered("==", b, p.const(0)))
        return bb.select(zero, self.const(0 if n > 0 else complex(math.nan, math.nan)), result)

    def _mul_unfused(self, x, y):
        """npy_cpow's own complex product (plain C: no fused multiply-add)."""
        (a, b), (c, d) = self._parts(x), self._parts(y)
        bb = self.b
        return self._pack(bb.fsub(bb.fmul(a, c), bb.fmul(b, d)), bb.fadd(bb.fmul(a, d), bb.fmul(b, c)))

    def maximum(self, x, y):
        """NumPy's complex maximum: x when x has a NaN part or x >= y lexicographically, else y (so a NaN
        propagates, the first one when reducing)."""
        return self._extreme(x, y, ">")

    def minimum(self, x, y):
        return self._extreme(x, y, "<")

    def _extreme(self, x, y, op: str):
        bb = self.b
        keep = bb.or_(self.ufunc("isnan", x), self.cmp(op + "=", x, y))
        return bb.select(keep, x, y)

    def clip(self, x, lo, hi):
        from .complex_ufuncs import clip
        return clip(self, x, lo, hi)

    def bitand(self, x, y):
        self._unsupported("bitwise and")

    def bitor(self, x, y):
        self._unsupported("bitwise or")

    def bitnot(self, x):
        self._unsupported("bitwise not")

    # ---- math
    def math(self, name: str, *args):
        from .complex_math import MATH

        emit = _MATH.get(name) or MATH.get(name)
        if emit is None or len(args) != 1:
            self._unsupported(name)
        return emit(self, args[0])

    def ufunc(self, name: str, *args):
        from .complex_ufuncs import UFUNCS

        emit = _UFUNCS.get(name) or UFUNCS.get(name)
        if emit is None:
            self._unsupported(name)
        return emit(self, *args)

    # ---- comparisons and logic
    def cmp(self, op: str, x, y):
        """== and != compare both parts; the orderings are NumPy's lexicographic ones (real part first, and a
        NaN imaginary part anywhere makes a real-part decision false)."""
        bb = self.b
        (a, b), (c, d) = self._parts(x), self._parts(y)
        if op == "==":
            return bb.and_(bb.fcmp_ordered("==", a, c), bb.fcmp_ordered("==", b, d))
        if op == "!=":
            return bb.or_(bb.fcmp_unordered("!=", a, c), bb.fcmp_unordered("!=", b, d))
        strict = op[0] + ("=" if len(op) == 2 else "")
        ordered = bb.and_(bb.fcmp_ordered("ord", b, b), bb.fcmp_ordered("ord", d, d))
        by_real = bb.and_(bb.fcmp_ordered(op[0], a, c), ordered)
        return bb.or_(by_real, bb.and_(bb.fcmp_ordered("==", a, c), bb.fcmp_ordered(strict, b, d)))

    def _truth(self, x):
        return cast_complex(self.b, x, self.dtype, np.dtype(np.bool_))


def _constant_exponent(y) -> complex | None:
    """The exponent's value when it is a compile-time constant."""
    while isinstance(y, ir.CastInstr):
        y = y.operands[0]
    if not isinstance(y, ir.Constant) or not isinstance(y.constant, (list, tuple)):
        return None
    re, im = (float(c.constant) for c in y.constant)
    return complex(re, im)


def _integer_exponent(y) -> int | None:
    """The exponent as an int when it is a compile-time constant n + 0j with |n| < 100 (npy_cpow's fast case)."""
    value = _constant_exponent(y)
    if value is None or value.imag != 0 or not math.isfinite(value.real) or value.real != int(value.real):
        return None
    return int(value.real) if abs(value.real) < 100 else None


def _exp(cb: ComplexBuilder, z):
    """e^a (cos b + i sin b) as glibc's cexp: where e^a alone would overflow, e^t (t = ln of the largest power of
    two) is taken out of it up to twice and multiplied into cos b and sin b first, so a result that fits is not
    inf; b == 0 gives (e^a, b) exactly (no NaN from inf * 0)."""
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    t = (np.finfo(p.dtype).maxexp - 1) * math.log(2.0)
    cos, sin, rest = p.math("cos", b), p.math("sin", b), a
    for _ in range(2):
        over = bb.fcmp_ordered(">", rest, p.const(t))
        factor = bb.select(over, p.const(math.exp(t)), p.const(1.0))
        cos, sin, rest = bb.fmul(cos, factor), bb.fmul(sin, factor), bb.select(over, bb.fsub(rest, p.const(t)), rest)
    e = p.math("exp", rest)
    re, im = bb.fmul(e, cos), bb.fmul(e, sin)
    r = p.math("exp", a)
    real_axis = bb.fcmp_ordered("==", b, p.const(0))
    re, im = bb.select(real_axis, r, re), bb.select(real_axis, b, im)
    # C99's cexp(±inf + i y) for an infinite or NaN y: (inf, NaN) and (0, 0)
    infinite = bb.and_(bb.fcmp_ordered("==", p.abs(a), p.const(math.inf)), bb.not_(p.ufunc("isfinite", b)))
    positive = bb.fcmp_ordered(">", a, p.const(0))
    re = bb.select(infinite, bb.select(positive, a, p.const(0)), re)
    im = bb.select(infinite, bb.select(positive, p.const(math.nan), p.const(0)), im)
    return cb._pack(re, im)


def _sqrt(cb: ComplexBuilder, z):
    """The principal root as npy_csqrt (Kahan's): t = sqrt((|a| + |z|) / 2), then (t, b / 2t) for a >= 0, else
    (|b| / 2t, copysign(t, b)); parts near overflow are scaled by 1/4 first (and the root by 2)."""
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    huge = p.const(np.finfo(p.dtype).max / 4)
    big = bb.or_(bb.fcmp_ordered(">", p.abs(a), huge), bb.fcmp_ordered(">", p.abs(b), huge))
    scale_in = bb.select(big, p.const(0.25), p.const(1.0))
    sa, sb = bb.fmul(a, scale_in), bb.fmul(b, scale_in)
    t = p.math("sqrt", bb.fmul(bb.fadd(p.abs(sa), p.math("hypot", sa, sb)), p.const(0.5)))
    t = bb.fmul(t, bb.select(big, p.const(2.0), p.const(1.0)))
    two_t = bb.fmul(t, p.const(2.0))
    nonnegative = bb.fcmp_ordered(">=", a, p.const(0))
    re = bb.select(nonnegative, t, bb.fdiv(p.abs(b), two_t))
    im = bb.select(nonnegative, bb.fdiv(b, two_t), p._intrinsic("llvm.copysign", t, b))
    # zero: (0, b); an infinite imaginary part: (inf, b) whatever a is
    zero = bb.and_(bb.fcmp_ordered("==", a, p.const(0)), bb.fcmp_ordered("==", b, p.const(0)))
    inf_im = bb.fcmp_ordered("==", p.abs(b), p.const(math.inf))
    re = bb.select(zero, p.const(0), bb.select(inf_im, p.const(math.inf), re))
    im = bb.select(bb.or_(zero, inf_im), b, im)
    return cb._pack(re, im)


def _log(cb: ComplexBuilder, z):
    """(log|z|, atan2(b, a)); near |z| = 1, log|z| is log1p((m - 1)(m + 1) + n^2) / 2 for the larger part m and
    the smaller n, which keeps the relative accuracy that log(hypot) loses there."""
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    m, n = p.abs(a), p.abs(b)
    big = bb.fcmp_ordered(">", bb.select(bb.fcmp_ordered(">=", m, n), m, n), p.const(np.finfo(p.dtype).max / 4))
    quarter = bb.select(big, p.const(0.25), p.const(1.0))  # |z| itself would overflow: log(|z| / 4) + log 4
    h = p.math("hypot", bb.fmul(a, quarter), bb.fmul(b, quarter))
    log_h = bb.fadd(p.math("log", h), bb.select(big, p.const(math.log(4.0)), p.const(0.0)))
    m, n = bb.select(bb.fcmp_ordered(">=", m, n), m, n), bb.select(bb.fcmp_ordered(">=", m, n), n, m)
    near_one = bb.and_(bb.fcmp_ordered(">", h, p.const(0.7)), bb.fcmp_ordered("<", h, p.const(1.5)))
    small = bb.fmul(p.math("log1p", bb.fadd(bb.fmul(bb.fsub(m, p.const(1)), bb.fadd(m, p.const(1))),
                                               bb.fmul(n, n))), p.const(0.5))
    return cb._pack(bb.select(near_one, small, log_h), p.math("arctan2", b, a))


def _classify(test: str):
    """isnan/isinf: either part; isfinite: both."""
    def emit(cb: ComplexBuilder, z):
        re, im = (cb.part.ufunc(test, x) for x in cb._parts(z))
        return cb.b.and_(re, im) if test == "isfinite" else cb.b.or_(re, im)
    return emit


_MATH = {"exp": _exp, "sqrt": _sqrt, "log": _log}
_UFUNCS = {"isnan": _classify("isnan"), "isinf": _classify("isinf"), "isfinite": _classify("isfinite"),
           "real": lambda cb, z: cb._parts(z)[0], "imag": lambda cb, z: cb._parts(z)[1],
           "conjugate": lambda cb, z: cb.conj(z)}
