"""Complex log1p, expm1, log2, log10 and exp2 as NumPy's own complex loops write them (funcs.inc.src): log1p is
log|z + 1| + i arg(z + 1), expm1 is expm1(a) cos b - 2 sin^2(b/2) + i e^a sin b, log2/log10 scale clog by
log2(e)/log10(e), exp2 is cexp(z ln 2). One difference: for |a|, |b| < 1/2, log|z + 1| is
log1p(a (2 + a) + b^2) / 2, which keeps the relative accuracy NumPy's log(hypot(a + 1, b)) loses near z = 0
(there the two differ by NumPy's own error, about eps in absolute terms)."""
from __future__ import annotations

import math


def clog1p(cb, z):
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    shifted = bb.fadd(a, p.const(1.0))
    far = p.math("log", p.math("hypot", shifted, b))
    near = bb.fmul(p.math("log1p", bb.fadd(bb.fmul(a, bb.fadd(a, p.const(2.0))), bb.fmul(b, b))), p.const(0.5))
    small = bb.and_(bb.fcmp_ordered("<", p.abs(a), p.const(0.5)), bb.fcmp_ordered("<", p.abs(b), p.const(0.5)))
    return cb._pack(bb.select(small, near, far), p.math("arctan2", b, shifted))


def cexpm1(cb, z):
    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    half = p.math("sin", bb.fmul(b, p.const(0.5)))  # NumPy divides by 2: the same value
    re = bb.fsub(bb.fmul(p.math("expm1", a), p.math("cos", b)), bb.fmul(bb.fmul(p.const(2.0), half), half))
    return cb._pack(re, bb.fmul(p.math("exp", a), p.math("sin", b)))


def _scaled_log(factor: float):
    def emit(cb, z):
        from .complex import _log

        bb, p = cb.b, cb.part
        re, im = cb._parts(_log(cb, z))
        return cb._pack(bb.fmul(re, p.const(factor)), bb.fmul(im, p.const(factor)))
    return emit


def cexp2(cb, z):
    from .complex import _exp

    bb, p = cb.b, cb.part
    a, b = cb._parts(z)
    ln2 = p.const(math.log(2.0))
    return _exp(cb, cb._pack(bb.fmul(a, ln2), bb.fmul(b, ln2)))


MATH = {"log1p": clog1p, "expm1": cexpm1, "log2": _scaled_log(math.log2(math.e)),
        "log10": _scaled_log(math.log10(math.e)), "exp2": cexp2}
