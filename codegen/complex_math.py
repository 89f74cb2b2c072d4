"""Complex sin, cos, tan, sinh, cosh, tanh and powers to any exponent, as NumPy computes them (its npy_c*
functions call C99's csinh, ccosh, ctanh, cpow, which glibc writes as below). The trigonometric functions are
the hyperbolic ones a quarter turn away: sin z = -i sinh(iz), cos z = cosh(iz), tan z = -i tanh(iz), where
multiplying by ±i only swaps and negates parts (exact).

Where e^|a| / 2 would overflow but the result fits (a real part above ln(max) in sinh/cosh), glibc takes
e^t (t = ln of the largest power of two) out of it up to twice and multiplies it into the sine and cosine
first; this does the same. tanh uses (sinh a cosh a + i sin b cos b) / (sinh^2 a + cos^2 b), and beyond
half that threshold its limit (±1, 4 sin b cos b e^-2|a|)."""
from __future__ import annotations

import math

import numpy as np
from llvmlite import ir

from .complex_exp_log import MATH as EXP_LOG
from .complex_inverse import MATH as INVERSE


def _scaled_e(cb, r, f, g):
    """(e^r / 2) f and (e^r / 2) g for r >= 0 without overflowing before the products (glibc's scaling)."""
    bb, p = cb.b, cb.part
    t = (np.finfo(p.dtype).maxexp - 1) * math.log(2.0)
    half_e_t = p.const(math.exp(t) / 2)
    over = bb.fcmp_ordered(">", r, p.const(t))
    f, g = (bb.select(over, bb.fmul(v, half_e_t), v) for v in (f, g))
    r = bb.select(over, bb.fsub(r, p.const(t)), r)
    twice = bb.and_(over, bb.fcmp_ordered(">", r, p.const(t)))
    f, g = (bb.select(twice, bb.fmul(v, p.const(math.exp(t))), v) for v in (f, g))
    r = bb.select(twice, bb.fsub(r, p.const(t)), r)
    e = p.math("exp", r)
    half = bb.select(over, p.const(1.0), p.const(0.5))
    return bb.fmul(bb.fmul(e, half), f), bb.fmul(bb.fmul(e, half), g), over


def _hyperbolic(cb, a, b, cosh: bool):
    """(real, imaginary) of sinh(a + ib) (cosh=False) or cosh(a + ib) for the parts a, b."""
    bb, p = cb.b, cb.part
    sin, cos = p.math("sin", b), p.math("cos", b)
    sign = p._intrinsic("llvm.copysign", p.const(1.0), a)
    big_cos, big_sin, big = _scaled_e(cb, p.abs(a), cos, sin)
    even, odd = (big_cos, bb.fmul(sign, big_sin)) if cosh else (bb.fmul(sign, big_cos), big_sin)
    if cosh:  # cosh(a) cos b + i sinh(a) sin b
        re, im = bb.fmul(p.math("cosh", a), cos), bb.fmul(p.math("sinh", a), sin)
    else:  # sinh(a) cos b + i cosh(a) sin b
        re, im = bb.fmul(p.math("sinh", a), cos), bb.fmul(p.math("cosh", a), sin)
    re, im = bb.select(big, even, re), bb.select(big, odd, im)
    # C99 (no inf * 0): a zero imaginary part gives one, sign(a) sign(b) 0 for cosh; a zero real part and an
    # infinite or NaN b give a zero part (sinh's real one, cosh's imaginary one)
    zero_b = bb.fcmp_ordered("==", b, p.const(0))
    im = bb.select(zero_b, bb.fmul(b, sign) if cosh else b, im)
    lost = bb.and_(bb.fcmp_ordered("==", a, p.const(0)), bb.not_(p.ufunc("isfinite", b)))
    if cosh:
        im = bb.select(lost, a, im)
    else:
        re = bb.select(lost, a, re)
    return re, im


def _tanh_parts(cb, a, b):
    bb, p = cb.b, cb.part
    t = (np.finfo(p.dtype).maxexp - 1) * math.log(2.0) / 2
    sin, cos = p.math("sin", b), p.math("cos", b)
    sinh, cosh = p.math("sinh", a), p.math("cosh", a)
    tiny = p.abs(sinh)
    den = bb.select(bb.fcmp_ordered(">", tiny, bb.fmul(p.abs(cos), p.const(np.finfo(p.dtype).eps))),
                    bb.fadd(bb.fmul(sinh, sinh), bb.fmul(cos, cos)), bb.fmul(cos, cos))
    re, im = bb.fdiv(bb.fmul(sinh, cosh), den), bb.fdiv(bb.fmul(sin, cos), den)
    # beyond t: (±1, 4 sin b cos b / e^(2|a|)), the exponential split so that it underflows gracefully
    ra = bb.fsub(p.abs(a), p.const(t))
    big = bb.fcmp_ordered(">", p.abs(a), p.const(t))
    im_big = bb.fdiv(bb.fmul(p.const(4.0), bb.fmul(sin, cos)), p.const(math.exp(2 * t)))
    im_big = bb.fdiv(im_big, bb.select(bb.fcmp_ordered(">", ra, p.const(t)), p.const(math.exp(2 * t)),
                                       p.math("exp", bb.fmul(p.const(2.0), ra))))
    re = bb.select(big, p._intrinsic("llvm.copysign", p.const(1.0), a), re)
    im = bb.select(big, im_big, im)
    # C99: tanh(±inf + iy) = ±1 + i0 (sign of sin 2y) for finite y; tanh(x + i0) keeps the zero
    inf_a = bb.fcmp_ordered("==", p.abs(a), p.const(math.inf))
    im = bb.select(inf_a, p._intrinsic("llvm.copysign", p.const(0.0), bb.fmul(sin, cos)), im)
    im = bb.select(bb.fcmp_ordered("==", b, p.const(0)), b, im)
    return re, im


def csinh(cb, z):
    return cb._pack(*_hyperbolic(cb, *cb._parts(z), cosh=False))


def ccosh(cb, z):
    return cb._pack(*_hyperbolic(cb, *cb._parts(z), cosh=True))


def ctanh(cb, z):
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    re, im = _tanh_parts(cb, a, b)
    nan_a = bb.and_(p.ufunc("isnan", a), bb.fcmp_unordered("!=", b, p.const(0)))  # NaN + i y, y != 0: NaN + i NaN
    return cb._pack(re, bb.select(nan_a, p.const(math.nan), im))


def csin(cb, z):
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    re, im = _hyperbolic(cb, bb.fneg(b), a, cosh=False)  # sinh(iz) = sinh(-b + ia) = re + i im
    re, im = im, bb.fneg(re)
    nan_inf = bb.and_(p.ufunc("isnan", a), p.ufunc("isinf", b))  # NumPy: sin(NaN ± i inf) = NaN + i inf
    return cb._pack(re, bb.select(nan_inf, p.const(math.inf), im))


def ccos(cb, z):
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    re, im = _hyperbolic(cb, bb.fneg(b), a, cosh=True)
    nan_inf = bb.and_(p.ufunc("isnan", a), p.ufunc("isinf", b))  # NumPy: cos(NaN ± i inf) = inf + i NaN
    return cb._pack(bb.select(nan_inf, p.const(math.inf), re), im)


def ctan(cb, z):
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    re, im = _tanh_parts(cb, bb.fneg(b), a)
    re, im = im, bb.fneg(re)
    # NumPy: tan(x + iy) for an infinite or NaN x and a finite y: NaN + i y for y = 0, else NaN + i NaN
    lost = bb.and_(bb.not_(p.ufunc("isfinite", a)), p.ufunc("isfinite", b))
    im = bb.select(lost, bb.select(bb.fcmp_ordered("==", b, p.const(0)), b, p.const(math.nan)), im)
    return cb._pack(bb.select(lost, p.const(math.nan), re), im)


def cpow(cb, x, y):
    """npy_cpow for an exponent not known when compiling: 1 for a zero exponent; 0 (or NaN for an exponent with
    a real part <= 0) for a zero base; an integral exponent n with |n| < 100 by NumPy's square-and-multiply
    (C's unfused products, the reciprocal for n < 0); else C99's cpow, e^(y log x)."""
    from .complex import _exp, _log

    bb, p = cb.b, cb.part
    (a, b), (c, d) = cb._parts(x), cb._parts(y)
    result = _exp(cb, _mul_c99(cb, y, _log(cb, x)))
    whole = p.ufunc("trunc", c)
    integral = bb.and_(bb.and_(bb.fcmp_ordered("==", d, p.const(0)), bb.fcmp_ordered("==", whole, c)),
                       bb.fcmp_ordered("<", p.abs(c), p.const(100)))
    n = bb.fptosi(bb.select(integral, p.abs(c), p.const(0)), ir.IntType(32))
    by_bits, power = cb.const(1), x
    for bit in range(7):  # |n| < 128
        taken = bb.icmp_unsigned("!=", bb.and_(n, ir.Constant(ir.IntType(32), 1 << bit)), ir.Constant(ir.IntType(32), 0))
        by_bits = bb.select(taken, cb._mul_unfused(by_bits, power), by_bits)
        power = cb._mul_unfused(power, power)
    square = cb._mul_unfused(x, x)
    small = {1: x, 2: square, 3: cb._mul_unfused(x, square)}  # NumPy's unrolled cases
    for k, value in small.items():
        by_bits = bb.select(bb.icmp_signed("==", n, ir.Constant(ir.IntType(32), k)), value, by_bits)
    by_bits = bb.select(bb.fcmp_ordered("<", c, p.const(0)), cb.div(cb.const(1), by_bits), by_bits)
    result = bb.select(integral, by_bits, result)
    zero_y = bb.and_(bb.fcmp_ordered("==", c, p.const(0)), bb.fcmp_ordered("==", d, p.const(0)))
    zero_x = bb.and_(bb.fcmp_ordered("==", a, p.const(0)), bb.fcmp_ordered("==", b, p.const(0)))
    at_zero = bb.select(bb.fcmp_ordered(">", c, p.const(0)), cb.const(0), cb.const(complex(math.nan, math.nan)))
    return bb.select(zero_y, cb.const(1), bb.select(zero_x, at_zero, result))


def _mul_c99(cb, x, y):
    """C's complex product with C99 Annex G's recovery (libgcc's __muldc3): when both parts come out NaN but a
    factor is infinite, the infinities are kept (inf * (finite or NaN) is an infinity, not NaN)."""
    bb, p = cb.b, cb.part
    (a, b), (c, d) = cb._parts(x), cb._parts(y)
    re, im = bb.fsub(bb.fmul(a, c), bb.fmul(b, d)), bb.fadd(bb.fmul(a, d), bb.fmul(b, c))
    isinf, isnan = (lambda v: p.ufunc("isinf", v)), (lambda v: p.ufunc("isnan", v))

    def boxed(v):  # an infinity as ±1, anything else as ±0
        return p._intrinsic("llvm.copysign", bb.select(isinf(v), p.const(1.0), p.const(0.0)), v)

    def zeroed(v):  # a NaN as ±0
        return bb.select(isnan(v), p._intrinsic("llvm.copysign", p.const(0.0), v), v)

    inf_x, inf_y = bb.or_(isinf(a), isinf(b)), bb.or_(isinf(c), isinf(d))
    a, b = bb.select(inf_x, boxed(a), zeroed(a)), bb.select(inf_x, boxed(b), zeroed(b))
    c, d = bb.select(inf_y, boxed(c), zeroed(c)), bb.select(inf_y, boxed(d), zeroed(d))
    inf = p.const(math.inf)
    big_re = bb.fmul(inf, bb.fsub(bb.fmul(a, c), bb.fmul(b, d)))
    big_im = bb.fmul(inf, bb.fadd(bb.fmul(a, d), bb.fmul(b, c)))
    recover = bb.and_(bb.and_(isnan(re), isnan(im)), bb.or_(inf_x, inf_y))
    return cb._pack(bb.select(recover, big_re, re), bb.select(recover, big_im, im))


MATH = {"sin": csin, "cos": ccos, "tan": ctan, "sinh": csinh, "cosh": ccosh, "tanh": ctanh, **EXP_LOG, **INVERSE}
