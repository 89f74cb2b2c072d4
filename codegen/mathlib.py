"""Vectorizable float32/float64 tanh, exp, log and sigmoid emitted as LLVM IR.

LLVM lowers ``llvm.exp``/``llvm.tanh`` to scalar libm calls, which blocks loop
vectorization.  These versions are branch-free: arithmetic, integer bit
tricks, ``select`` and intrinsics that have vector forms (fma, fabs, copysign,
minnum, maxnum).  Accuracy surplus is traded for speed: minimax polynomials of
the lowest degree that meets the budget, and no compensated arithmetic.  Each is defined once per module as an internal
``alwaysinline`` function ``jitc.<name>.<f32|f64>``, so after inlining the
loop vectorizer widens it (``<16 x float>`` / ``<8 x double>`` on AVX-512).

Accuracy (measured in tests/test_mathlib.py; float32 also over every input):
<= 2 ULP for float32 and <= 4 ULP for float64 (at most 2 in practice), with NumPy's results for NaN, infinities, signed zeros
and subnormals.
"""

import math
import struct
from dataclasses import dataclass

from llvmlite import ir

MATH_FUNCS = frozenset({"tanh", "exp", "log", "sigmoid"})


@dataclass(frozen=True)
class _Format:
    ty: ir.Type
    int_bits: int
    mant_bits: int
    bias: int
    pack: str  # struct code, to read a float's bit pattern
    exp_range: tuple[float, float]  # exp(lo) rounds to 0, exp(hi) to inf
    exp_coefs: tuple[float, ...]  # exp(r) = 1 + r + r^2 * P(r), |r| <= ln2/2
    ln2_hi: float  # few significant bits, so k * ln2_hi is exact
    ln2_lo: float
    tanh_clamp: float  # tanh(clamp) computes to exactly 1; < 2**(mant_bits-1)*ln2/2

    @property
    def suffix(self) -> str:
        return "f32" if self.int_bits == 32 else "f64"

    def bits(self, value: float) -> int:
        return int.from_bytes(struct.pack("<" + self.pack, value), "little")


# Coefficients are minimax fits (Lawson-weighted least squares on Chebyshev
# nodes against a long-double reference) for relative error, except the
# fdlibm/musl log coefficients.  Each entry gives the fit's error.
_F32 = _Format(
    ty=ir.FloatType(), int_bits=32, mant_bits=23, bias=127, pack="f",
    exp_range=(-104.0, 89.0),
    exp_coefs=(0.4999999403953552, 0.1666652113199234, 0.04166838899254799,  # 2^-28
               0.008368710055947304, 0.001381461275741458),
    ln2_hi=6.9314575195e-01, ln2_lo=1.4286067653e-06,
    tanh_clamp=9.1)
_F64 = _Format(
    ty=ir.DoubleType(), int_bits=64, mant_bits=52, bias=1023, pack="d",
    exp_range=(-746.0, 710.0),
    exp_coefs=(0.5000000000000011, 0.16666666666666413, 0.041666666666530086,  # 2^-57.9
               0.008333333333494519, 0.0013888888943640488, 0.0001984126950632182,
               2.480149309580072e-05, 2.755758669091744e-06, 2.763024716137459e-07,
               2.4999938497489478e-08),
    ln2_hi=6.93147180369123816490e-01, ln2_lo=1.90821492927058770002e-10,
    tanh_clamp=20.0)

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


class _Emitter:
    """IRBuilder shorthands for one floating-point format."""

    def __init__(self, builder: ir.IRBuilder, fmt: _Format) -> None:
        self.b = builder
        self.f = fmt
        self.ity = ir.IntType(fmt.int_bits)
        self.f32 = fmt.int_bits == 32

    def c(self, value: float) -> ir.Constant:
        return ir.Constant(self.f.ty, value)

    def ic(self, value: int) -> ir.Constant:
        return ir.Constant(self.ity, value)

    def intrinsic(self, name: str, *args: ir.Value) -> ir.Value:
        fnty = ir.FunctionType(self.f.ty, [self.f.ty] * len(args))
        fn = self.b.module.declare_intrinsic(f"llvm.{name}", [self.f.ty], fnty)
        return self.b.call(fn, args)

    def fma(self, a: ir.Value, b: ir.Value, c: ir.Value) -> ir.Value:
        return self.intrinsic("fma", a, b, c)

    def poly(self, x: ir.Value, coefs: tuple[float, ...]) -> ir.Value:
        """coefs[0] + coefs[1]*x + ... by Horner's rule with fma."""
        acc = self.c(coefs[-1])
        for coef in reversed(coefs[:-1]):
            acc = self.fma(acc, x, self.c(coef))
        return acc

    def where(self, op: str, a: ir.Value, b: float, then: ir.Value,
              other: ir.Value) -> ir.Value:
        """``then if a <op> b else other``; ordered, so false for NaN."""
        return self.b.select(self.b.fcmp_ordered(op, a, self.c(b)), then, other)

    def nan_passthrough(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.select(self.b.fcmp_unordered("uno", x, x), x, y)

    def pow2(self, k: ir.Value) -> ir.Value:
        """2**k for integer k in the normal exponent range."""
        biased = self.b.add(k, self.ic(self.f.bias))
        return self.b.bitcast(self.b.shl(biased, self.ic(self.f.mant_bits)),
                              self.f.ty)

    def reduce(self, x: ir.Value) -> tuple[ir.Value, ir.Value]:
        """x = k*ln2 + r with |r| <= ln2/2 (Cody-Waite); returns integer k
        and r.  Adding 1.5 * 2**mant_bits rounds x/ln2 to an integer held in
        the low bits, which saves a rint and a float-to-int conversion;
        |x/ln2| must stay below 2**(mant_bits-1)."""
        b, f = self.b, self.f
        magic = self.c(1.5 * 2.0 ** f.mant_bits)
        shifted = self.fma(x, self.c(1 / math.log(2)), magic)
        k = b.fsub(shifted, magic)
        r = self.fma(k, self.c(-f.ln2_hi), x)
        r = self.fma(k, self.c(-f.ln2_lo), r)
        ki = b.sub(b.bitcast(shifted, self.ity), self.ic(f.bits(1.5 * 2.0 ** f.mant_bits)))
        return ki, r

    def exp(self, x: ir.Value) -> ir.Value:
        b, f = self.b, self.f
        # Clamping keeps k small enough for pow2; out-of-range inputs still
        # round to 0 or inf.  minnum/maxnum drop NaN, restored at the end.
        lo, hi = f.exp_range
        xc = self.intrinsic("minnum", self.intrinsic("maxnum", x, self.c(lo)),
                            self.c(hi))
        ki, r = self.reduce(xc)
        p = self.fma(b.fmul(r, r), self.poly(r, f.exp_coefs), r)
        p = b.fadd(p, self.c(1.0))
        # Scale by 2**k in two exact steps, so that neither factor overflows
        # and a subnormal result is rounded only once.
        k1 = b.ashr(ki, self.ic(1))
        y = b.fmul(b.fmul(p, self.pow2(k1)), self.pow2(b.sub(ki, k1)))
        return self.nan_passthrough(x, y)

    def log(self, x: ir.Value) -> ir.Value:
        b, f = self.b, self.f
        # Scale subnormals up to normal numbers; compensate in the exponent.
        tiny = b.fcmp_ordered("<", x, self.c(2.0 ** (1 - f.bias)))
        xs = b.select(tiny, b.fmul(x, self.c(2.0 ** f.mant_bits)), x)
        # x = 2**k * m with m in [sqrt(1/2), sqrt(2)): shift the bits so the
        # exponent field rolls over at sqrt(1/2) instead of 1.
        sqrt_half = f.bits(math.sqrt(0.5))
        ix = b.add(b.bitcast(xs, self.ity), self.ic(f.bits(1.0) - sqrt_half))
        k = b.sub(b.ashr(ix, self.ic(f.mant_bits)), self.ic(f.bias))
        k = b.sub(k, b.select(tiny, self.ic(f.mant_bits), self.ic(0)))
        mant = b.and_(ix, self.ic((1 << f.mant_bits) - 1))
        m = b.bitcast(b.add(mant, self.ic(sqrt_half)), f.ty)
        g = b.fsub(m, self.c(1.0))
        if self.f32:
            # log(1+g) = g + g^2 (-1/2 + g P(g)): no division.
            y = self.fma(b.fmul(g, g), self.poly(g, (-0.5, *_LOG_F32)), g)
        else:
            # log(1+g) = 2 atanh(s) = 2s + s^3 R(s^2), s = g/(2+g)  (fdlibm
            # coefficients; without its compensation, which the error
            # budget does not need).
            s = b.fdiv(g, b.fadd(g, self.c(2.0)))
            z = b.fmul(s, s)
            y = self.fma(b.fmul(s, z), self.poly(z, _LOG_F64), b.fadd(s, s))
        # k*ln2 + y in one rounding: ln2 rounded to the format is off by a
        # relative 2^-28 (f32) / 2^-56 (f64), which k*ln2 only inherits.
        y = self.fma(b.sitofp(k, f.ty), self.c(math.log(2)), y)
        y = self.where("==", x, math.inf, x, y)
        y = self.where("==", x, 0.0, self.c(-math.inf), y)  # also -0.0
        # Negative or NaN (unordered compare): NaN.
        return b.select(b.fcmp_unordered("<", x, self.c(0.0)), self.c(math.nan), y)

    def tanh(self, x: ir.Value) -> ir.Value:
        b, f = self.b, self.f
        # tanh|x| = (1 - E) / (1 + E) with E = exp(-2|x|) = 2^k (1 + p),
        # p = expm1(r).  1 - E and 1 + E are each one fma of the exact
        # 2^k * p, so each is rounded once: no cancellation for small |x|
        # (and exact for subnormals), and close to 1 both are off by at most
        # half an ulp.  The formula is even; the sign is copied at the end.
        # Clamping |x| keeps 2^k normal; at the clamp 2E < 2^-(mant_bits+2),
        # so the quotient rounds to exactly 1.  NaN propagates through p.
        ax = self.intrinsic("fabs", x)
        ax = self.where(">", ax, f.tanh_clamp, self.c(f.tanh_clamp), ax)
        # -2|x| = k*ln2 + r, |r| <= ln2/2: the magic constant rounds to an
        # integer and adds the exponent bias, so shifting its bits gives 2^k.
        magic = self.c(1.5 * 2.0 ** f.mant_bits + f.bias)
        shifted = self.fma(ax, self.c(-2 / math.log(2)), magic)
        k = b.fsub(shifted, magic)
        r = self.fma(k, self.c(-f.ln2_hi), b.fmul(ax, self.c(-2.0)))
        r = self.fma(k, self.c(-f.ln2_lo), r)
        scale = b.bitcast(b.shl(b.bitcast(shifted, self.ity), self.ic(f.mant_bits)), f.ty)
        p = self.fma(b.fmul(r, r), self.poly(r, _EXPM1_F32 if self.f32 else _EXPM1_F64), r)
        one = self.c(1.0)
        den = self.fma(scale, p, b.fadd(scale, one))
        num = self.fma(b.fneg(scale), p, b.fsub(one, scale))
        return self.intrinsic("copysign", b.fdiv(num, den), x)

    def sigmoid(self, x: ir.Value) -> ir.Value:
        # exp(-|x|) never overflows: x >= 0 gives 1/(1+e), x < 0 gives
        # e/(1+e), which keeps tiny and subnormal results.  NaN stays NaN.
        b = self.b
        e = self.exp(b.fneg(self.intrinsic("fabs", x)))
        numerator = self.where("<", x, 0.0, e, self.c(1.0))
        return b.fdiv(numerator, b.fadd(e, self.c(1.0)))


def _format(ty: ir.Type) -> _Format:
    if isinstance(ty, ir.FloatType):
        return _F32
    if isinstance(ty, ir.DoubleType):
        return _F64
    raise TypeError(f"math functions need float or double, not {ty}")


def _function(module: ir.Module, name: str, fmt: _Format) -> ir.Function:
    symbol = f"jitc.{name}.{fmt.suffix}"
    if symbol in module.globals:
        return module.globals[symbol]
    fn = ir.Function(module, ir.FunctionType(fmt.ty, [fmt.ty]), symbol)
    fn.linkage = "internal"
    fn.attributes.add("alwaysinline")
    fn.attributes.add("nounwind")
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    builder.ret(getattr(_Emitter(builder, fmt), name)(fn.args[0]))
    return fn


def emit_math(builder: ir.IRBuilder, name: str, x: ir.Value) -> ir.Value:
    """Emit ``name(x)`` for name in MATH_FUNCS; x is a float or double."""
    if name not in MATH_FUNCS:
        raise ValueError(f"unknown math function {name!r}")
    return builder.call(_function(builder.module, name, _format(x.type)), [x])
