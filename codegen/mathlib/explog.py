"""exp, log and their relatives: tanh, sigmoid, expm1, log1p, exp2, log2, log10, cbrt, pow.

exp, log, tanh and sigmoid have float32 kernels of their own; the others are written for float64 and serve
float32 through it (see __init__.py).
"""

import math

from llvmlite import ir

from .core import Emitter

# float32 log: log(1+g) = g - g^2/2 + g^3 * P(g), g in [sqrt(1/2)-1, sqrt(2)-1];
# relative error 2^-27.2.
_LOG_F32 = (0.3333333134651184, -0.2500081956386566, 0.20001226663589478,
            -0.16623356938362122, 0.14201757311820984, -0.13160182535648346,
            0.1276158094406128, -0.07634498924016953)
# float64 log: fdlibm/musl Lg1..Lg7 of (log(1+s)-log(1-s))/s in s^2.
_LOG_F64 = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
            2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
            1.479819860511658591e-01)
# float32 expm1(r) = r + r^2 * P(r), |r| <= ln2/2; relative error 2^-25.8.
_EXPM1_F32 = (0.4999999701976776, 0.1666654348373413, 0.04166720062494278,
              0.00836651399731636, 0.0013882522471249104)
# float64 expm1(r) = r + r^2 * P(r), |r| <= ln2/2; relative error 2^-55.6.
_EXPM1_F64 = (0.5000000000000006, 0.1666666666666659, 0.04166666666657678,
              0.00833333333338924, 0.0013888888931551488, 0.00019841269719738614,
              2.4801505294272724e-05, 2.755740687063074e-06, 2.762602841173229e-07,
              2.505398702180628e-08)
_LN2 = math.log(2)
_INV_LN2_HI, _INV_LN2_LO = 1.4426950408889634, 2.0355273740931033e-17
_INV_LN10_HI, _INV_LN10_LO = 0.4342944819032518, 1.098319650216765e-17
_LOG10_2_HI, _LOG10_2_LO = 0.3010299955494702, 1.1451100898021838e-10  # hi has 32 bits: k * hi is exact


def exp(e: Emitter, x: ir.Value) -> ir.Value:
    b, f = e.b, e.f
    # Clamping keeps k small enough for pow2; out-of-range inputs still
    # round to 0 or inf.  minnum/maxnum drop NaN, restored at the end.
    lo, hi = f.exp_range
    xc = e.intrinsic("minnum", e.intrinsic("maxnum", x, e.c(lo)), e.c(hi))
    ki, r = e.reduce(xc)
    p = e.fma(b.fmul(r, r), e.poly(r, f.exp_coefs), r)
    return e.nan_passthrough(x, e.scale(b.fadd(p, e.c(1.0)), ki))


def _reduce_log(e: Emitter, x: ir.Value) -> tuple[ir.Value, ir.Value]:
    """x = 2**k * (1 + g) with 1 + g in [sqrt(1/2), sqrt(2)): returns float k and g (exact), for positive finite x."""
    b, f = e.b, e.f
    # Scale subnormals up to normal numbers; compensate in the exponent.
    tiny = b.fcmp_ordered("<", x, e.c(2.0 ** (1 - f.bias)))
    xs = b.select(tiny, b.fmul(x, e.c(2.0 ** f.mant_bits)), x)
    # Shift the bits so the exponent field rolls over at sqrt(1/2) instead of 1.
    sqrt_half = f.bits(math.sqrt(0.5))
    ix = b.add(b.bitcast(xs, e.ity), e.ic(f.bits(1.0) - sqrt_half))
    k = b.sub(b.ashr(ix, e.ic(f.mant_bits)), e.ic(f.bias))
    k = b.sub(k, b.select(tiny, e.ic(f.mant_bits), e.ic(0)))
    mant = b.and_(ix, e.ic((1 << f.mant_bits) - 1))
    g = b.fsub(b.bitcast(b.add(mant, e.ic(sqrt_half)), f.ty), e.c(1.0))
    return b.sitofp(k, f.ty), g


def log_parts(e: Emitter, x: ir.Value) -> tuple[ir.Value, ir.Value]:
    """x = 2**k * m with m in [sqrt(1/2), sqrt(2)): returns float k and log(m), for positive finite x."""
    k, g = _reduce_log(e, x)
    return k, log1p_reduced(e, g)


def log1p_reduced(e: Emitter, g: ir.Value) -> ir.Value:
    """log(1 + g) for g in [sqrt(1/2)-1, sqrt(2)-1]."""
    b = e.b
    if e.f32:
        # log(1+g) = g + g^2 (-1/2 + g P(g)): no division.
        return e.fma(b.fmul(g, g), e.poly(g, (-0.5, *_LOG_F32)), g)
    # log(1+g) = 2 atanh(s) = 2s + s^3 R(s^2), s = g/(2+g)  (fdlibm coefficients; without its compensation,
    # which the error budget does not need).
    s = b.fdiv(g, b.fadd(g, e.c(2.0)))
    z = b.fmul(s, s)
    return e.fma(b.fmul(s, z), e.poly(z, _LOG_F64), b.fadd(s, s))


def _log_specials(e: Emitter, x: ir.Value, y: ir.Value, zero_at: float = 0.0) -> ir.Value:
    """inf at inf, -inf at `zero_at` (0 for log, -1 for log1p), NaN below it or for NaN."""
    y = e.where("==", x, math.inf, x, y)
    y = e.where("==", x, zero_at, e.c(-math.inf), y)  # also -0.0
    return e.b.select(e.b.fcmp_unordered("<", x, e.c(zero_at)), e.c(math.nan), y)


def log(e: Emitter, x: ir.Value) -> ir.Value:
    k, y = log_parts(e, x)
    # k*ln2 + y in one rounding: ln2 rounded to the format is off by a
    # relative 2^-28 (f32) / 2^-56 (f64), which k*ln2 only inherits.
    return _log_specials(e, x, e.fma(k, e.c(_LN2), y))


def log2(e: Emitter, x: ir.Value) -> ir.Value:
    """k + log(m)/ln2, the product in double-double: exact at powers of two."""
    b = e.b
    k, y = log_parts(e, x)
    hi = b.fmul(y, e.c(_INV_LN2_HI))
    lo = e.fma(y, e.c(_INV_LN2_LO), e.fma(y, e.c(_INV_LN2_HI), b.fneg(hi)))
    s, err = e.two_sum(k, hi)
    return _log_specials(e, x, b.fadd(s, b.fadd(err, lo)))


def log10(e: Emitter, x: ir.Value) -> ir.Value:
    b = e.b
    k, y = log_parts(e, x)
    hi = b.fmul(y, e.c(_INV_LN10_HI))
    lo = e.fma(y, e.c(_INV_LN10_LO), e.fma(y, e.c(_INV_LN10_HI), b.fneg(hi)))
    lo = e.fma(k, e.c(_LOG10_2_LO), lo)
    s, err = e.two_sum(b.fmul(k, e.c(_LOG10_2_HI)), hi)
    return _log_specials(e, x, b.fadd(s, b.fadd(err, lo)))


def log1p(e: Emitter, x: ir.Value) -> ir.Value:
    """log(u) for u = 1 + x rounded, plus the first-order correction for that rounding (musl's log1p)."""
    b = e.b
    u = b.fadd(x, e.c(1.0))
    k, y = log_parts(e, u)
    one = e.c(1.0)
    c = b.select(b.fcmp_ordered(">=", k, e.c(2.0)), b.fsub(one, b.fsub(u, x)), b.fsub(x, b.fsub(u, one)))
    y = b.fadd(y, b.fdiv(c, u))
    y = e.fma(k, e.c(_LN2), y)
    y = e.where("==", x, 0.0, x, y)  # keeps -0.0
    return _log_specials(e, x, y, zero_at=-1.0)


def _expm1_parts(e: Emitter, x: ir.Value, lo: float, hi: float) -> tuple[ir.Value, ir.Value]:
    """x clamped to [lo, hi] = k*ln2 + r: returns integer k and p = expm1(r)."""
    b = e.b
    xc = e.intrinsic("minnum", e.intrinsic("maxnum", x, e.c(lo)), e.c(hi))
    ki, r = e.reduce(xc)
    p = e.fma(b.fmul(r, r), e.poly(r, _EXPM1_F32 if e.f32 else _EXPM1_F64), r)
    return ki, p


def expm1(e: Emitter, x: ir.Value) -> ir.Value:
    """2^k (1 + p) - 1 = 2^k p + (2^k - 1) in one fma (2^k - 1 is exact while it matters); beyond 700,
    2^k (1 + p) scaled in two steps, as exp."""
    b = e.b
    ki, p = _expm1_parts(e, x, -45.0, 709.9)
    s = e.pow2(b.select(b.icmp_signed(">", ki, e.ic(1020)), e.ic(0), ki))  # only read up to 700 (k = 1010)
    small = e.fma(s, p, b.fsub(s, e.c(1.0)))
    big = e.scale(b.fadd(p, e.c(1.0)), ki)
    y = e.where(">", x, 700.0, big, small)
    y = e.where("==", x, 0.0, x, y)  # keeps -0.0
    return e.nan_passthrough(x, y)


def exp2(e: Emitter, x: ir.Value) -> ir.Value:
    """2^x = 2^k * exp(r ln2), k = rint(x), r = x - k exact; r ln2 in double-double so 2^integer is exact."""
    b, f = e.b, e.f
    xc = e.intrinsic("minnum", e.intrinsic("maxnum", x, e.c(-1080.0)), e.c(1030.0))
    k = e.rint(xc)
    r = b.fsub(xc, k)
    t = b.fmul(r, e.c(_LN2))
    t_lo = e.fma(r, e.c(_LN2), b.fneg(t))
    t_lo = e.fma(r, e.c(2.3190468138462996e-17), t_lo)  # ln2 - double(ln2)
    q = e.fma(b.fmul(t, t), e.poly(t, f.exp_coefs), t)
    p = b.fadd(e.c(1.0), b.fadd(q, e.fma(q, t_lo, t_lo)))
    return e.nan_passthrough(x, e.scale(p, b.fptosi(k, e.ity)))


def cbrt(e: Emitter, x: ir.Value) -> ir.Value:
    """fdlibm's initial guess from the exponent bits / 3, two Halley steps, then one Newton step."""
    b = e.b
    ax = e.abs(x)
    # Subnormals scaled up, huge values down (t^3 + 2a would overflow); by powers of 2^3, undone on t.
    tiny = b.fcmp_ordered("<", ax, e.c(2.0 ** -1022))
    huge = b.fcmp_ordered(">", ax, e.c(2.0 ** 900))
    a = b.select(tiny, b.fmul(ax, e.c(2.0 ** 54)), b.select(huge, b.fmul(ax, e.c(2.0 ** -900)), ax))
    i32 = ir.IntType(32)
    high = b.trunc(b.lshr(b.bitcast(a, e.ity), e.ic(32)), i32)
    guess = b.add(b.udiv(high, ir.Constant(i32, 3)), ir.Constant(i32, 715094163))
    t = b.bitcast(b.shl(b.zext(guess, e.ity), e.ic(32)), e.f.ty)
    for _ in range(2):  # t (t^3 + 2a) / (2t^3 + a): relative error 3e-2 -> 1e-5 -> 1e-15
        t3 = b.fmul(b.fmul(t, t), t)
        t = b.fmul(t, b.fdiv(b.fadd(t3, b.fadd(a, a)), b.fadd(b.fadd(t3, t3), a)))
    r = b.fdiv(a, b.fmul(t, t))
    t = b.fsub(t, b.fmul(b.fsub(t, r), e.c(1 / 3)))
    t = b.select(tiny, b.fmul(t, e.c(2.0 ** -18)), b.select(huge, b.fmul(t, e.c(2.0 ** 300)), t))
    special = b.or_(e.is_nan(x), b.or_(b.fcmp_ordered("==", ax, e.c(0.0)), b.fcmp_ordered("==", ax, e.c(math.inf))))
    return b.select(special, x, e.copysign(t, x))


def pow_via_f64(e: Emitter, x: ir.Value, y: ir.Value) -> ir.Value:
    """x**y as exp(y log|x|) in float64, with C99's special cases; for float32 results only (the float64 error of
    y log|x| would be amplified by |y log x|)."""
    b = e.b
    ax = e.abs(x)
    k, lm = log_parts(e, ax)
    lg = _log_specials(e, ax, e.fma(k, e.c(_LN2), lm))
    return _pow_specials(e, x, y, exp(e, b.fmul(y, lg)))


def power(e: Emitter, x: ir.Value, y: ir.Value) -> ir.Value:
    """float64 x**y = exp(y log|x|) with log|x| and its product by y in double-double, so the one rounding is the
    last: within a ULP for |y| up to ~64 (the error grows as |y| 2^-60 beyond), exact where x**y is representable."""
    b = e.b
    ax = e.abs(x)
    k, g = _reduce_log(e, ax)
    # log(1 + g) = 2 atanh(s), s = g / (2 + g) as s_hi + s_lo: 2 + g is two_sum'd, the quotient's residual fma'd.
    v_hi, v_lo = e.two_sum(g, e.c(2.0))
    inv = b.fdiv(e.c(1.0), v_hi)
    s_hi = b.fmul(g, inv)
    s_lo = b.fmul(e.fma(b.fneg(s_hi), v_lo, e.fma(b.fneg(s_hi), v_hi, g)), inv)
    z = b.fmul(s_hi, s_hi)
    tail = e.fma(b.fmul(s_hi, z), e.poly(z, _LOG_F64), b.fadd(s_lo, s_lo))
    hi, err = e.two_sum(b.fmul(k, e.c(e.f.ln2_hi)), b.fadd(s_hi, s_hi))  # k * ln2_hi is exact
    hi, lo = e.two_sum(hi, b.fadd(err, e.fma(k, e.c(e.f.ln2_lo), tail)))
    lg = _log_specials(e, ax, hi)
    t_hi = b.fmul(y, lg)
    t_lo = b.fadd(e.fma(y, lg, b.fneg(t_hi)), b.fmul(y, lo))
    finite = b.fcmp_ordered("<", e.abs(t_lo), e.c(1.0))  # NaN or huge where t_hi is inf, NaN or clamped below
    return _pow_specials(e, x, y, _exp_dd(e, t_hi, b.select(finite, t_lo, e.c(0.0))))


def _exp_dd(e: Emitter, hi: ir.Value, lo: ir.Value) -> ir.Value:
    """exp(hi + lo) for |lo| <= ulp(hi), rounded once: the reduced argument r = hi + lo - k ln2 and 1 + r are kept
    in double-double, so only the last addition rounds (about 0.5 ULP where exp alone is 0.9)."""
    b, f = e.b, e.f
    lim_lo, lim_hi = f.exp_range
    xc = e.intrinsic("minnum", e.intrinsic("maxnum", hi, e.c(lim_lo)), e.c(lim_hi))
    ki, _ = e.reduce(xc)
    k = b.sitofp(ki, f.ty)
    r_hi, r_lo = e.two_sum(e.fma(k, e.c(-f.ln2_hi), xc), e.fma(k, e.c(-f.ln2_lo), lo))  # the first is exact
    tail = e.fma(b.fmul(r_hi, r_hi), e.poly(r_hi, f.exp_coefs), r_lo)
    one, err = e.two_sum(e.c(1.0), r_hi)
    return e.nan_passthrough(hi, e.scale(b.fadd(one, b.fadd(err, tail)), ki))


def _pow_specials(e: Emitter, x: ir.Value, y: ir.Value, mag: ir.Value) -> ir.Value:
    """|x|**y = `mag` given C99's signs and special cases: a negative x to an odd integer power is negative, to a
    non-integer one NaN; y == 0 (even for NaN x), x == 1 (even for NaN y) and (-1)**±inf give 1."""
    b = e.b
    y_int = b.fcmp_ordered("==", y, e.rint(y))
    half = b.fmul(y, e.c(0.5))
    y_odd = b.and_(y_int, b.fcmp_ordered("!=", half, e.rint(half)))
    negative = e.signbit(x)
    mag = b.select(b.and_(negative, y_odd), b.fneg(mag), mag)
    finite_negative = b.and_(b.fcmp_ordered("<", x, e.c(0.0)), b.fcmp_ordered(">", x, e.c(-math.inf)))
    mag = b.select(b.and_(finite_negative, b.not_(y_int)), e.c(math.nan), mag)
    minus_one_inf = b.and_(b.fcmp_ordered("==", x, e.c(-1.0)), b.fcmp_ordered("==", e.abs(y), e.c(math.inf)))
    unit = b.or_(b.or_(b.fcmp_ordered("==", y, e.c(0.0)), b.fcmp_ordered("==", x, e.c(1.0))), minus_one_inf)
    return b.select(unit, e.c(1.0), mag)


def tanh(e: Emitter, x: ir.Value) -> ir.Value:
    b, f = e.b, e.f
    # tanh|x| = (1 - E) / (1 + E) with E = exp(-2|x|) = 2^k (1 + p),
    # p = expm1(r).  1 - E and 1 + E are each one fma of the exact
    # 2^k * p, so each is rounded once: no cancellation for small |x|
    # (and exact for subnormals), and close to 1 both are off by at most
    # half an ulp.  The formula is even; the sign is copied at the end.
    # Clamping |x| keeps 2^k normal; at the clamp 2E < 2^-(mant_bits+2),
    # so the quotient rounds to exactly 1.  NaN propagates through p.
    ax = e.abs(x)
    ax = e.where(">", ax, f.tanh_clamp, e.c(f.tanh_clamp), ax)
    # -2|x| = k*ln2 + r, |r| <= ln2/2: the magic constant rounds to an
    # integer and adds the exponent bias, so shifting its bits gives 2^k.
    magic = e.c(1.5 * 2.0 ** f.mant_bits + f.bias)
    shifted = e.fma(ax, e.c(-2 / math.log(2)), magic)
    k = b.fsub(shifted, magic)
    r = e.fma(k, e.c(-f.ln2_hi), b.fmul(ax, e.c(-2.0)))
    r = e.fma(k, e.c(-f.ln2_lo), r)
    scale = b.bitcast(b.shl(b.bitcast(shifted, e.ity), e.ic(f.mant_bits)), f.ty)
    p = e.fma(b.fmul(r, r), e.poly(r, _EXPM1_F32 if e.f32 else _EXPM1_F64), r)
    one = e.c(1.0)
    den = e.fma(scale, p, b.fadd(scale, one))
    num = e.fma(b.fneg(scale), p, b.fsub(one, scale))
    return e.copysign(b.fdiv(num, den), x)


def sigmoid(e: Emitter, x: ir.Value) -> ir.Value:
    # exp(-|x|) never overflows: x >= 0 gives 1/(1+e), x < 0 gives
    # e/(1+e), which keeps tiny and subnormal results.  NaN stays NaN.
    b = e.b
    ex = exp(e, b.fneg(e.abs(x)))
    numerator = e.where("<", x, 0.0, ex, e.c(1.0))
    return b.fdiv(numerator, b.fadd(ex, e.c(1.0)))


def _hyperbolic_parts(e: Emitter, ax: ir.Value):
    """E = expm1(ax) = 2^k p + (2^k - 1), and the s = 2^k, p = expm1(r), k of ax = k ln2 + r it is made of
    (2^k clamped above k = 40: E is only read below 22)."""
    b = e.b
    ki, p = _expm1_parts(e, ax, 0.0, 711.0)
    s = e.pow2(b.select(b.icmp_signed(">", ki, e.ic(40)), e.ic(0), ki))
    em1 = e.fma(s, p, b.fsub(s, e.c(1.0)))
    return em1, s, p, ki


def sinh(e: Emitter, x: ir.Value) -> ir.Value:
    """fdlibm: (E + E/(E+1))/2 with E = expm1|x| below 22, 2^(k-1) (1 + p) above; the sign copied."""
    b = e.b
    ax = e.abs(x)
    em1, _, p, ki = _hyperbolic_parts(e, ax)
    small = b.fmul(e.c(0.5), b.fadd(em1, b.fdiv(em1, b.fadd(em1, e.c(1.0)))))
    big = e.scale(b.fadd(p, e.c(1.0)), b.sub(ki, e.ic(1)))
    y = e.where(">", ax, 22.0, big, small)
    return e.copysign(e.nan_passthrough(x, y), x)


def cosh(e: Emitter, x: ir.Value) -> ir.Value:
    """fdlibm: 1 + E^2/(2(1+E)) near 0, (t + 1/t)/2 with t = exp|x| below 22, 2^(k-1) (1 + p) above."""
    b = e.b
    ax = e.abs(x)
    em1, s, p, ki = _hyperbolic_parts(e, ax)
    t = e.fma(s, p, s)
    near0 = b.fadd(e.c(1.0), b.fdiv(b.fmul(em1, em1), b.fadd(t, t)))
    mid = e.fma(e.c(0.5), t, b.fdiv(e.c(0.5), t))
    big = e.scale(b.fadd(p, e.c(1.0)), b.sub(ki, e.ic(1)))
    y = e.where(">", ax, 22.0, big, e.where("<", ax, 0.3465, near0, mid))
    return e.nan_passthrough(x, y)
