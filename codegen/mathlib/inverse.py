"""Inverse trigonometric and hyperbolic functions: arctan, arctan2, arcsin, arccos, arcsinh, arccosh, arctanh
(float64 kernels; float32 goes through them)."""

import math

from llvmlite import ir

from .core import Emitter
from .explog import log1p
from .trig import PIO2_HI, PIO2_LO

# atan(t) = t + t^3 A(t^2), t in [0, tan(pi/8)]; relative error 2^-58.0.
_ATAN = (-0.33333333333333454, 0.2000000000003345, -0.14285714288895962, 0.11111111266112454,
         -0.09090913622829569, 0.0769239359867942, -0.06667764381470347, 0.058919407156011856,
         -0.053198105618860486, 0.04977750869474632, -0.04803211368635921, 0.04164316483693751,
         -0.02156905829960902)
# asin(t) = t + t^3 B(t^2), t in [0, 1/2]; relative error 2^-57.4.
_ASIN = (0.16666666666666935, 0.07499999999932574, 0.04464285720769227, 0.030381941199632317,
         0.022372256195951633, 0.017350887247315202, 0.013989364670566285, 0.011330043103519297,
         0.011160720910086535, 0.0022899744040258264, 0.025103243319176547, -0.02573265365304794,
         0.03554364224893285)
_PIO4_HI, _PIO4_LO = 0.7853981633974483, 3.061616997868383e-17
_PI_HI, _PI_LO = 3.141592653589793, 1.2246467991473532e-16
_TAN_PI_8 = 0.41421356237309503


def _atan01(e: Emitter, t: ir.Value) -> ir.Value:
    """atan(t) for t in [0, 1] (or NaN): above tan(pi/8), pi/4 + atan((t-1)/(t+1))."""
    b = e.b
    mid = b.fcmp_ordered(">", t, e.c(_TAN_PI_8))
    u = b.select(mid, b.fdiv(b.fsub(t, e.c(1.0)), b.fadd(t, e.c(1.0))), t)
    a = e.fma(b.fmul(u, b.fmul(u, u)), e.poly(b.fmul(u, u), _ATAN), u)
    return b.select(mid, b.fadd(e.c(_PIO4_HI), b.fadd(a, e.c(_PIO4_LO))), a)


def _from_pio2(e: Emitter, a: ir.Value) -> ir.Value:
    """pi/2 - a with pi/2 in double-double."""
    return e.b.fadd(e.b.fsub(e.c(PIO2_HI), a), e.c(PIO2_LO))


def arctan(e: Emitter, x: ir.Value) -> ir.Value:
    b = e.b
    ax = e.abs(x)
    inv = b.fcmp_ordered(">", ax, e.c(1.0))
    a = _atan01(e, b.select(inv, b.fdiv(e.c(1.0), ax), ax))
    return e.copysign(b.select(inv, _from_pio2(e, a), a), x)


def arctan2(e: Emitter, y: ir.Value, x: ir.Value) -> ir.Value:
    """atan of the smaller over the larger magnitude, then reflected into the quadrant; C99's values at zeros
    and infinities (atan2(±0, -0) = ±pi, atan2(±inf, ±inf) = ±pi/4 or ±3pi/4)."""
    b = e.b
    ax, ay = e.abs(x), e.abs(y)
    swap = b.fcmp_ordered(">", ay, ax)
    t = b.select(swap, b.fdiv(ax, ay), b.fdiv(ay, ax))
    equal = b.fcmp_ordered("==", ax, ay)
    t = b.select(equal, e.where("==", ax, 0.0, e.c(0.0), e.c(1.0)), t)
    a = _atan01(e, t)
    a = b.select(swap, _from_pio2(e, a), a)
    a = b.select(e.signbit(x), b.fadd(b.fsub(e.c(_PI_HI), a), e.c(_PI_LO)), a)
    return e.copysign(a, y)


def _asin_parts(e: Emitter, x: ir.Value):
    """asin|x| for |x| <= 1/2 by the polynomial; above, asin|x| = pi/2 - 2 asin(s), s = sqrt((1-|x|)/2), with
    s's rounding error carried separately. Returns (small, v) where v = asin|x| (small) or asin(s)."""
    b = e.b
    ax = e.abs(x)
    small = b.fcmp_ordered("<=", ax, e.c(0.5))
    half_gap = b.fmul(b.fsub(e.c(1.0), ax), e.c(0.5))
    z = b.select(small, b.fmul(ax, ax), half_gap)
    s = e.intrinsic("sqrt", z)
    s_lo = b.fdiv(e.fma(b.fneg(s), s, z), b.fadd(s, s))
    s_lo = e.where("==", s, 0.0, e.c(0.0), s_lo)
    t = b.select(small, ax, s)
    t_lo = b.select(small, e.c(0.0), s_lo)
    v = b.fadd(t, e.fma(b.fmul(t, z), e.poly(z, _ASIN), t_lo))
    return small, v


def arcsin(e: Emitter, x: ir.Value) -> ir.Value:
    b = e.b
    small, v = _asin_parts(e, x)
    return e.copysign(b.select(small, v, _from_pio2(e, b.fadd(v, v))), x)


def arccos(e: Emitter, x: ir.Value) -> ir.Value:
    """pi/2 - asin(x) for |x| <= 1/2, 2 asin(s) above, pi - 2 asin(s) below -1/2."""
    b = e.b
    small, v = _asin_parts(e, x)
    signed_v = e.copysign(v, x)
    twice = b.fadd(v, v)
    large = b.select(e.signbit(x), b.fadd(b.fsub(e.c(_PI_HI), twice), e.c(_PI_LO)), twice)
    return e.nan_passthrough(x, b.select(small, _from_pio2(e, signed_v), large))


def arcsinh(e: Emitter, x: ir.Value) -> ir.Value:
    """fdlibm: log1p(|x| + x^2/(1 + sqrt(1 + x^2))) up to 2, log(2|x| + 1/(sqrt(x^2+1) + |x|)) up to 2^28,
    log(|x|) + ln2 beyond; each written as one log1p."""
    b = e.b
    ax = e.abs(x)
    q = e.intrinsic("sqrt", e.fma(ax, ax, e.c(1.0)))
    near = b.fadd(ax, b.fdiv(b.fmul(ax, ax), b.fadd(q, e.c(1.0))))
    far = b.fsub(b.fadd(b.fadd(ax, ax), b.fdiv(e.c(1.0), b.fadd(q, ax))), e.c(1.0))
    huge = b.fcmp_ordered(">", ax, e.c(2.0 ** 28))
    w = b.select(huge, b.fsub(ax, e.c(1.0)), e.where(">", ax, 2.0, far, near))
    y = b.fadd(log1p(e, w), b.select(huge, e.c(math.log(2)), e.c(0.0)))
    return e.copysign(y, x)


def arccosh(e: Emitter, x: ir.Value) -> ir.Value:
    """fdlibm: log1p(t + sqrt(2t + t^2)), t = x - 1, up to 2; log(2x - 1/(x + sqrt(x^2 - 1))) up to 2^28;
    log(x) + ln2 beyond; NaN below 1."""
    b = e.b
    t = b.fsub(x, e.c(1.0))
    near = b.fadd(t, e.intrinsic("sqrt", e.fma(t, t, b.fadd(t, t))))
    far = b.fsub(b.fsub(b.fadd(x, x), b.fdiv(e.c(1.0), b.fadd(x, e.intrinsic("sqrt", e.fma(x, x, e.c(-1.0)))))),
                 e.c(1.0))
    huge = b.fcmp_ordered(">", x, e.c(2.0 ** 28))
    w = b.select(huge, t, e.where(">", x, 2.0, far, near))
    y = b.fadd(log1p(e, w), b.select(huge, e.c(math.log(2)), e.c(0.0)))
    return b.select(b.fcmp_unordered("<", x, e.c(1.0)), e.c(math.nan), y)


def arctanh(e: Emitter, x: ir.Value) -> ir.Value:
    """fdlibm: log1p(2|x| + 2x^2/(1-|x|))/2 below 1/2, log1p(2|x|/(1-|x|))/2 above; inf at 1, NaN beyond."""
    b = e.b
    ax = e.abs(x)
    gap = b.fsub(e.c(1.0), ax)
    twice = b.fadd(ax, ax)
    w = e.where("<", ax, 0.5, e.fma(twice, b.fdiv(ax, gap), twice), b.fdiv(twice, gap))
    return e.copysign(b.fmul(log1p(e, w), e.c(0.5)), x)
