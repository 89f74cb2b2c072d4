"""sin, cos, tan over the whole float64 range, and hypot.

Range reduction is exact in effect for every input (Payne-Hanek by table, branch-free so loops vectorize):
x = m * 2^e with integer m < 2^60 and e a multiple of 8, and x * 2/pi mod 4 = m * F[e] mod 4 where
F[e] = (2^e * 2/pi) mod 4 is read from a table of 256 triple-doubles indexed by x's exponent field / 8. The
products are split exactly (fma) and summed in double-double, which leaves the reduced argument with an absolute
error below 2^-96 (so a few ULP more only within 2^-44 of a multiple of pi/2, for arguments beyond 2^30).
"""

import functools
import math
from fractions import Fraction

from llvmlite import ir

from .core import Emitter

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


def sin(e: Emitter, x: ir.Value) -> ir.Value:
    b = e.b
    ax, q, s, c = _reduced(e, x)
    y = b.select(_quadrant_bit(e, q, 1), c, s)
    y = b.select(b.xor(_quadrant_bit(e, q, 2), e.signbit(x)), b.fneg(y), y)
    return _finish(e, x, ax, y, x)


def cos(e: Emitter, x: ir.Value) -> ir.Value:
    b = e.b
    ax, q, s, c = _reduced(e, x)
    y = b.select(_quadrant_bit(e, q, 1), s, c)
    y = b.select(_quadrant_bit(e, b.add(q, e.ic(1)), 2), b.fneg(y), y)
    return _finish(e, x, ax, y, e.c(1.0))


def tan(e: Emitter, x: ir.Value) -> ir.Value:
    b = e.b
    ax, q, s, c = _reduced(e, x)
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
