"""sin, cos, tan over the whole float64 range, and hypot.

Range reduction is exact in effect for every input (Payne-Hanek by table, branch-free so loops vectorize):
x = m * 2^e with integer m < 2^60 and e a multiple of 8, and x * 2/pi mod 4 = m * F[e] mod 4 where
F[e] = (2^e * 2/pi) mod 4 is read from a table of 256 triple-doubles indexed by x's exponent field / 8. The
products are split exactly (fma) and summed in double-double, which leaves the reduced argument with an absolute
error below 2^-96 (so a few ULP more only within 2^-44 of a multiple of pi/2, for arguments beyond 2^30).
"""

import functools
import math

from llvmlite import ir

from .core import F64, Emitter

# fdlibm's __kernel_sin / __kernel_cos: sin(r) = r + r^3 S(r^2), cos(r) = 1 - r^2/2 + r^4 C(r^2), |r| <= pi/4;
# relative errors 2^-57.8 and 2^-59.3 (measured against long double).
_SIN = (-1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04,
        2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10)
_COS = (4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05,
        -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11)
PIO2_HI, PIO2_LO = 1.5707963267948966, 6.123233995736766e-17
_TABLE_BITS = 1300  # bits of 2/pi below the binary point: enough for the smallest exponent's 2^-1074 * 2/pi


def _pi_fixed(bits: int) -> int:
    """floor(pi * 2^bits) by Machin's formula in integers (plus guard bits)."""
    guard = bits + 64
    one = 1 << guard

    def arctan_inv(n: int) -> int:
        total, term, k, n2 = 0, one // n, 1, n * n
        while term:
            total += term // k if (k // 2) % 2 == 0 else -(term // k)
            term //= n2
            k += 2
        return total

    return (16 * arctan_inv(5) - 4 * arctan_inv(239)) >> 64


@functools.cache
def reduction_table() -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """For each biased exponent E = 8i: (2^(E - 1075) * 2/pi) mod 4 as a triple-double (hi, mid, lo)."""
    from fractions import Fraction  # here: its import costs 1.5 ms of every first compile

    two_over_pi = (1 << (2 * _TABLE_BITS + 1)) // _pi_fixed(_TABLE_BITS)  # floor(2/pi * 2^_TABLE_BITS)
    hi, mid, lo = [], [], []
    for i in range(256):
        shift = 8 * i - 1075 - _TABLE_BITS  # value = two_over_pi * 2^shift, shift < 0
        value = Fraction(two_over_pi & ((1 << (2 - shift)) - 1), 1 << -shift)  # mod 4
        parts = []
        for _ in range(3):
            parts.append(float(value))
            value -= Fraction(parts[-1])
        hi.append(parts[0])
        mid.append(parts[1])
        lo.append(parts[2])
    return tuple(hi), tuple(mid), tuple(lo)


def _table(module: ir.Module, index: int) -> ir.GlobalVariable:
    name = f"jitc.pio2_table.{index}"
    if name in module.globals:
        return module.globals[name]
    values = reduction_table()[index]
    ty = ir.ArrayType(ir.DoubleType(), len(values))
    table = ir.GlobalVariable(module, ty, name)
    table.global_constant = True
    table.linkage = "internal"
    table.initializer = ir.Constant(ty, [ir.Constant(ir.DoubleType(), v) for v in values])
    return table


def _mod4(e: Emitter, v: ir.Value) -> ir.Value:
    """v - 4 rint(v/4), exactly: in [-2, 2]."""
    return e.fma(e.rint(e.b.fmul(v, e.c(0.25))), e.c(-4.0), v)


def reduce_pio2(e: Emitter, ax: ir.Value) -> tuple[ir.Value, ir.Value, ir.Value]:
    """ax = (4n + q) pi/2 + r for ax >= 0 finite: returns the quadrant q (i64, 0..3) and r as r_hi + r_lo,
    |r| <= pi/4 (plus rounding)."""
    b = e.b
    bits = b.bitcast(ax, e.ity)
    biased = b.lshr(bits, e.ic(52))
    mant = b.and_(bits, e.ic((1 << 52) - 1))
    subnormal = b.icmp_signed("==", biased, e.ic(0))
    m = b.sitofp(b.select(subnormal, mant, b.or_(mant, e.ic(1 << 52))), e.f.ty)
    index = b.lshr(biased, e.ic(3))
    shift = b.sub(b.select(subnormal, e.ic(1), biased), b.shl(index, e.ic(3)))  # 0..7
    m = b.fmul(m, e.pow2(shift))
    t0, t1, t2 = (b.load(b.gep(_table(b.module, i), [e.ic(0), index], inbounds=True)) for i in range(3))
    p0 = b.fmul(m, t0)
    e0 = e.fma(m, t0, b.fneg(p0))
    p1 = b.fmul(m, t1)
    e1 = e.fma(m, t1, b.fneg(p1))
    s, err1 = e.two_sum(_mod4(e, p0), _mod4(e, e0))
    s, err2 = e.two_sum(s, _mod4(e, p1))
    lo = b.fadd(b.fadd(err1, err2), b.fadd(e1, b.fmul(m, t2)))
    k = e.rint(s)
    s = b.fsub(s, k)
    hi = b.fadd(s, lo)
    lo = b.fsub(lo, b.fsub(hi, s))
    q = b.and_(b.fptosi(k, e.ity), e.ic(3))
    r_hi = b.fmul(hi, e.c(PIO2_HI))
    r_lo = b.fadd(e.fma(hi, e.c(PIO2_HI), b.fneg(r_hi)), e.fma(lo, e.c(PIO2_HI), b.fmul(hi, e.c(PIO2_LO))))
    r = b.fadd(r_hi, r_lo)
    return q, r, b.fsub(r_lo, b.fsub(r, r_hi))


def _sin_kernel(e: Emitter, r: ir.Value, r_lo: ir.Value, z: ir.Value) -> ir.Value:
    b = e.b
    return b.fadd(r, e.fma(b.fmul(r, z), e.poly(z, _SIN), r_lo))


def _cos_kernel(e: Emitter, r: ir.Value, r_lo: ir.Value, z: ir.Value) -> ir.Value:
    """fdlibm: w = 1 - z/2 and the part of it lost to rounding added back."""
    b = e.b
    hz = b.fmul(z, e.c(0.5))
    w = b.fsub(e.c(1.0), hz)
    tail = b.fsub(b.fmul(b.fmul(z, z), e.poly(z, _COS)), b.fmul(r, r_lo))
    return b.fadd(w, b.fadd(b.fsub(b.fsub(e.c(1.0), w), hz), tail))


def _reduced(e: Emitter, x: ir.Value):
    ax = e.abs(x)
    q, r, r_lo = reduce_pio2(e, ax)
    z = e.b.fmul(r, r)
    return ax, q, _sin_kernel(e, r, r_lo, z), _cos_kernel(e, r, r_lo, z)


def _finish(e: Emitter, x: ir.Value, ax: ir.Value, y: ir.Value, tiny_value: ir.Value) -> ir.Value:
    """NaN for inf and NaN; tiny_value below 2^-27, where the polynomials round to it anyway."""
    b = e.b
    y = e.where("<", ax, 2.0 ** -27, tiny_value, y)
    return b.select(b.fcmp_unordered("==", ax, e.c(math.inf)), e.c(math.nan), e.nan_passthrough(x, y))


def _quadrant_bit(e: Emitter, q: ir.Value, bit: int) -> ir.Value:
    return e.b.icmp_unsigned("!=", e.b.and_(q, e.ic(bit)), e.ic(0))


def _sin_quadrant(e: Emitter, x, q, s, c) -> ir.Value:
    """sin(x) from sin and cos of the remainder: cos in odd quadrants, negative in quadrants 2, 3 and for
    negative x."""
    b = e.b
    y = b.select(_quadrant_bit(e, q, 1), c, s)
    return b.select(b.xor(_quadrant_bit(e, q, 2), e.signbit(x)), b.fneg(y), y)


def _cos_quadrant(e: Emitter, q, s, c) -> ir.Value:
    """cos is even: sin in odd quadrants, negative in quadrants 1, 2."""
    b = e.b
    y = b.select(_quadrant_bit(e, q, 1), s, c)
    return b.select(_quadrant_bit(e, b.add(q, e.ic(1)), 2), b.fneg(y), y)


# `reduced` is the argument reduction: the whole-range one, or `_reduced_float32` (sin_of_float32 and co.).
def sin(e: Emitter, x: ir.Value, reduced=_reduced) -> ir.Value:
    ax, q, s, c = reduced(e, x)
    return _finish(e, x, ax, _sin_quadrant(e, x, q, s, c), x)


def cos(e: Emitter, x: ir.Value, reduced=_reduced) -> ir.Value:
    ax, q, s, c = reduced(e, x)
    return _finish(e, x, ax, _cos_quadrant(e, q, s, c), e.c(1.0))


def tan(e: Emitter, x: ir.Value, reduced=_reduced) -> ir.Value:
    ax, q, s, c = reduced(e, x)
    b = e.b
    y = b.select(_quadrant_bit(e, q, 1), b.fneg(b.fdiv(c, s)), b.fdiv(s, c))
    y = b.select(e.signbit(x), b.fneg(y), y)
    return _finish(e, x, ax, y, x)


def hypot(e: Emitter, x: ir.Value, y: ir.Value) -> ir.Value:
    """sqrt(a^2 + b^2) with a, b scaled by a power of two when a large or tiny one would over/underflow; inf if
    either is inf (even with a NaN), as C's hypot."""
    b = e.b
    ax, ay = e.abs(x), e.abs(y)
    big = b.select(b.fcmp_ordered(">", ax, ay), ax, ay)
    scale = e.where(">", big, 2.0 ** 500, e.c(2.0 ** -600), e.where("<", big, 2.0 ** -500, e.c(2.0 ** 600),
                                                                    e.c(1.0)))
    sx, sy = b.fmul(ax, scale), b.fmul(ay, scale)
    h = b.fdiv(e.intrinsic("sqrt", e.fma(sx, sx, b.fmul(sy, sy))), scale)
    inf = b.or_(b.fcmp_ordered("==", ax, e.c(math.inf)), b.fcmp_ordered("==", ay, e.c(math.inf)))
    return b.select(inf, e.c(math.inf), h)


# ---- float32 arguments (computed in float64): a cheaper reduction that needs no table lookup
_F32_STEP = 25  # x = m * 2^(25 j), j = 0..4, with m < 2^49 an integer when j > 0


@functools.cache
def _float32_steps() -> tuple[tuple[float, float, int], ...]:
    """For j = 0..4: 2^(25 j) mod pi/2 as a double-double, and floor(2^(25 j) / (pi/2)) mod 4; and pi/2 as a
    triple-double."""
    bits = 400
    from fractions import Fraction
    pio2 = Fraction(_pi_fixed(bits), 1 << (bits + 1))
    steps = []
    for j in range(5):
        whole = Fraction(2) ** (_F32_STEP * j)
        q = int(whole / pio2)
        g = whole - q * pio2
        steps.append((float(g), float(g - Fraction(float(g))), q % 4))
    return tuple(steps)


def _pio2_parts() -> tuple[float, float, float]:
    bits = 400
    from fractions import Fraction
    pio2 = Fraction(_pi_fixed(bits), 1 << (bits + 1))
    c1 = float(pio2)
    c2 = float(pio2 - Fraction(c1))
    return c1, c2, float(pio2 - Fraction(c1) - Fraction(c2))


def reduce_pio2_float32(e: Emitter, ax: ir.Value) -> tuple[ir.Value, ir.Value]:
    """The quadrant and r for ax >= 0 a float32 value in a double: ax = m 2^(25 j) with m < 2^49, so
    ax mod pi/2 = m (2^(25 j) mod pi/2) mod pi/2, which is m g_j (a double-double, exact by fma) reduced by
    Cody-Waite with a triple-double pi/2 (exact first step for multiples up to 2^49). The quadrant adds
    m floor(2^(25 j) / (pi/2)). Absolute error near 2^-53: for float32 results within 1 ulp down to |r| ~ 2^-29."""
    b = e.b
    exponent = b.sub(b.lshr(b.bitcast(ax, e.ity), e.ic(52)), e.ic(1023))
    steps = _float32_steps()
    g_hi, g_lo, q_j, unscale = e.c(steps[0][0]), e.c(steps[0][1]), e.ic(steps[0][2]), e.c(1.0)
    for j in range(1, 5):
        beyond = b.icmp_signed(">=", exponent, e.ic(24 + _F32_STEP * j))
        g_hi = b.select(beyond, e.c(steps[j][0]), g_hi)
        g_lo = b.select(beyond, e.c(steps[j][1]), g_lo)
        q_j = b.select(beyond, e.ic(steps[j][2]), q_j)
        unscale = b.select(beyond, e.c(2.0 ** (-_F32_STEP * j)), unscale)
    m = b.fmul(ax, unscale)
    hi = b.fmul(m, g_hi)
    tail = e.fma(m, g_lo, e.fma(m, g_hi, b.fneg(hi)))
    k = e.rint(b.fmul(hi, e.c(2 / math.pi)))
    c1, c2, c3 = _pio2_parts()
    r = e.fma(b.fneg(k), e.c(c1), hi)
    r = e.fma(b.fneg(k), e.c(c3), b.fadd(e.fma(b.fneg(k), e.c(c2), r), tail))
    q = b.add(b.fptosi(k, e.ity), b.mul(b.fptosi(m, e.ity), q_j))
    return b.and_(q, e.ic(3)), r


def _reduced_float32(e: Emitter, x: ir.Value):
    ax = e.abs(x)
    q, r = reduce_pio2_float32(e, ax)
    z = e.b.fmul(r, r)
    zero = e.c(0.0)
    return ax, q, _sin_kernel(e, r, zero, z), _cos_kernel(e, r, zero, z)


sin_of_float32 = functools.partial(sin, reduced=_reduced_float32)
cos_of_float32 = functools.partial(cos, reduced=_reduced_float32)
tan_of_float32 = functools.partial(tan, reduced=_reduced_float32)


# ---- the fast path for float32 arguments below 2^20: the reduction in float64 (two-part Cody-Waite, no table,
# no selects), the polynomials in float32 on r rounded plus its rounding error r_lo. Loops run it first and
# redo the whole loop with the exact versions above when some |x| was beyond (see codegen/elementwise.py), so
# typical inputs never pay for the whole-range reduction.
FAST_LIMIT = 2.0 ** 20
# The first fdlibm terms: below 2^-28 relative error on |r| <= 0.8, ample for float32 results.
_SIN_SHORT, _COS_SHORT = _SIN[:4], (-0.5, *_COS[:4])


def _reduced_fast(e: Emitter, x: ir.Value):
    """x is float32; k = rint(|x| 2/pi) is exact below 2^20, and so is the first step of r = |x| - k pi/2."""
    b = e.b
    w = Emitter(b, F64)
    ax = e.abs(x)
    wide = b.fpext(ax, F64.ty)
    magic = w.c(1.5 * 2.0 ** 52)
    shifted = w.fma(wide, w.c(2 / math.pi), magic)
    k = b.fsub(shifted, magic)
    c1, c2, _ = _pio2_parts()
    r_wide = w.fma(k, w.c(-c2), w.fma(k, w.c(-c1), wide))
    q = b.trunc(b.and_(b.bitcast(shifted, w.ity), w.ic(3)), e.ity)
    r = b.fptrunc(r_wide, e.f.ty)
    r_lo = b.fptrunc(b.fsub(r_wide, b.fpext(r, F64.ty)), e.f.ty)
    z = b.fmul(r, r)
    s = b.fadd(r, e.fma(b.fmul(r, z), e.poly(z, _SIN_SHORT), r_lo))
    c = b.fsub(e.fma(z, e.poly(z, _COS_SHORT), e.c(1.0)), b.fmul(r, r_lo))
    return ax, q, s, c


def sin_fast(e: Emitter, x: ir.Value) -> ir.Value:
    """NaN and inf become NaN through k; tiny arguments come out unchanged."""
    _, q, s, c = _reduced_fast(e, x)
    return _sin_quadrant(e, x, q, s, c)


def cos_fast(e: Emitter, x: ir.Value) -> ir.Value:
    _, q, s, c = _reduced_fast(e, x)
    return _cos_quadrant(e, q, s, c)
