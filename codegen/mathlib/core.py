"""Floating-point formats and the IRBuilder shorthands every math kernel is written with."""

import math
import struct
from typing import NamedTuple

from llvmlite import ir


class Format(NamedTuple):  # not a dataclass: those cost ~0.5 ms each to import
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
# fdlibm/musl ones.  Each entry gives the fit's error.
F32 = Format(
    ty=ir.FloatType(), int_bits=32, mant_bits=23, bias=127, pack="f",
    exp_range=(-104.0, 89.0),
    exp_coefs=(0.4999999403953552, 0.1666652113199234, 0.04166838899254799,  # 2^-28
               0.008368710055947304, 0.001381461275741458),
    ln2_hi=6.9314575195e-01, ln2_lo=1.4286067653e-06,
    tanh_clamp=9.1)
F64 = Format(
    ty=ir.DoubleType(), int_bits=64, mant_bits=52, bias=1023, pack="d",
    exp_range=(-746.0, 710.0),
    exp_coefs=(0.5000000000000011, 0.16666666666666413, 0.041666666666530086,  # 2^-57.9
               0.008333333333494519, 0.0013888888943640488, 0.0001984126950632182,
               2.480149309580072e-05, 2.755758669091744e-06, 2.763024716137459e-07,
               2.4999938497489478e-08),
    ln2_hi=6.93147180369123816490e-01, ln2_lo=1.90821492927058770002e-10,
    tanh_clamp=20.0)


def format_of(ty: ir.Type) -> Format:
    if isinstance(ty, ir.FloatType):
        return F32
    if isinstance(ty, ir.DoubleType):
        return F64
    raise TypeError(f"math functions need float or double, not {ty}")


class Emitter:
    """IRBuilder shorthands for one floating-point format."""

    def __init__(self, builder: ir.IRBuilder, fmt: Format) -> None:
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

    def abs(self, x: ir.Value) -> ir.Value:
        return self.intrinsic("fabs", x)

    def copysign(self, magnitude: ir.Value, sign: ir.Value) -> ir.Value:
        return self.intrinsic("copysign", magnitude, sign)

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

    def is_nan(self, x: ir.Value) -> ir.Value:
        return self.b.fcmp_unordered("uno", x, x)

    def nan_passthrough(self, x: ir.Value, y: ir.Value) -> ir.Value:
        return self.b.select(self.is_nan(x), x, y)

    def signbit(self, x: ir.Value) -> ir.Value:
        return self.b.icmp_signed("<", self.b.bitcast(x, self.ity), self.ic(0))

    def pow2(self, k: ir.Value) -> ir.Value:
        """2**k for integer k in the normal exponent range."""
        biased = self.b.add(k, self.ic(self.f.bias))
        return self.b.bitcast(self.b.shl(biased, self.ic(self.f.mant_bits)),
                              self.f.ty)

    def scale(self, p: ir.Value, k: ir.Value) -> ir.Value:
        """p * 2**k for |k| up to about twice the exponent range, in two exact steps, so that neither factor
        overflows and a subnormal result is rounded only once."""
        k1 = self.b.ashr(k, self.ic(1))
        return self.b.fmul(self.b.fmul(p, self.pow2(k1)), self.pow2(self.b.sub(k, k1)))

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

    def rint(self, x: ir.Value) -> ir.Value:
        return self.intrinsic("rint", x)

    def two_sum(self, a: ir.Value, b: ir.Value) -> tuple[ir.Value, ir.Value]:
        """s + err == a + b exactly (Knuth)."""
        bd = self.b
        s = bd.fadd(a, b)
        bb = bd.fsub(s, a)
        err = bd.fadd(bd.fsub(a, bd.fsub(s, bb)), bd.fsub(b, bb))
        return s, err
