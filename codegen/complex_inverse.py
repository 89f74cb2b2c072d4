"""Complex arcsin, arccos, arctan, arcsinh, arccosh, arctanh: the algorithms of Hull, Fairgrieve and Tang (ACM
TOMS 1997) as FreeBSD's catrig.c writes them (NumPy's npy_casinh etc. are the C library's, which are accurate to
a few ULP the same way), branch-free: every case is computed and the right one selected. The branch cuts and
signed zeros are C99's (NumPy's). complex64 computes in float64 and rounds once.

casin(z) = i-swapped casinh, cacosh from cacos, catan from catanh, as catrig.c does."""
from __future__ import annotations

import math

import numpy as np
from llvmlite import ir

from .complex import PART, pack, parts
from .scalar import F64, ScalarBuilder

EPS = float(np.finfo(np.float64).eps)
RECIP_EPSILON = 1 / EPS
SQRT_6_EPSILON = math.sqrt(6 * EPS)
SQRT_3_EPSILON = math.sqrt(3 * EPS)
FOUR_SQRT_MIN = 4 * math.sqrt(float(np.finfo(np.float64).tiny))
SQRT_MIN = math.sqrt(float(np.finfo(np.float64).tiny))
QUARTER_SQRT_MAX = math.sqrt(float(np.finfo(np.float64).max)) / 4
A_CROSSOVER, B_CROSSOVER = 10.0, 0.6417
LN2, PI_2 = math.log(2.0), math.pi / 2


class _F:
    """float64 arithmetic in short: the formulas below read like catrig.c."""

    def __init__(self, b: ir.IRBuilder):
        self.b, self.p = b, ScalarBuilder(b, np.float64)

    def c(self, v):
        return self.p.const(v)

    def add(self, x, y):
        return self.b.fadd(x, y)

    def sub(self, x, y):
        return self.b.fsub(x, y)

    def mul(self, x, y):
        return self.b.fmul(x, y)

    def div(self, x, y):
        return self.b.fdiv(x, y)

    def fn(self, name, *args):
        return self.p.math(name, *args)

    def abs(self, x):
        return self.p.abs(x)

    def copysign(self, x, y):
        return self.p._intrinsic("llvm.copysign", x, y)

    def lt(self, x, y):
        return self.b.fcmp_ordered("<", x, y)

    def gt(self, x, y):
        return self.b.fcmp_ordered(">", x, y)

    def ge(self, x, y):
        return self.b.fcmp_ordered(">=", x, y)

    def eq(self, x, y):
        return self.b.fcmp_ordered("==", x, y)

    def isnan(self, x):
        return self.b.fcmp_unordered("uno", x, x)

    def isinf(self, x):
        return self.eq(self.abs(x), self.c(math.inf))

    def signbit(self, x):
        return self.b.icmp_signed("<", self.b.bitcast(x, ir.IntType(64)), ir.Constant(ir.IntType(64), 0))

    def sel(self, cond, x, y):
        return self.b.select(cond, x, y)

    def and_(self, *conds):
        out = conds[0]
        for c in conds[1:]:
            out = self.b.and_(out, c)
        return out

    def or_(self, *conds):
        out = conds[0]
        for c in conds[1:]:
            out = self.b.or_(out, c)
        return out

    def cases(self, default, *pairs):
        """The first (condition, value) pair whose condition holds, else default (catrig.c's if-else chains)."""
        out = default
        for cond, value in reversed(pairs):
            out = self.sel(cond, value, out)
        return out


def _f(f: _F, a, b, hypot_ab):
    """catrig.c's f(a, b, hypot(a, b)) = (hypot(a, b) - b) / 2 without cancellation, for a >= 0."""
    return f.cases(f.div(f.div(f.mul(a, a), f.add(hypot_ab, b)), f.c(2.0)),
                   (f.lt(b, f.c(0.0)), f.div(f.sub(hypot_ab, b), f.c(2.0))),
                   (f.eq(b, f.c(0.0)), f.div(a, f.c(2.0))))


def _hard_work(f: _F, x, y):
    """catrig.c's do_hard_work for x, y >= 0: (rx, B usable, B, sqrt(A^2 - y^2), new y) of asinh."""
    one = f.c(1.0)
    R, S = f.fn("hypot", x, f.add(y, one)), f.fn("hypot", x, f.sub(y, one))
    A = f.div(f.add(R, S), f.c(2.0))
    A = f.sel(f.lt(A, one), one, A)
    y_is_1 = f.eq(y, one)
    x_large = f.ge(x, f.mul(f.c(EPS), f.abs(f.sub(y, one))))
    am1 = f.add(_f(f, x, f.add(one, y), R), _f(f, x, f.sub(one, y), S))
    rx_small = f.cases(f.fn("log1p", f.add(f.sub(y, one), f.fn("sqrt", f.mul(f.sub(y, one), f.add(y, one))))),
                       (f.and_(y_is_1, f.lt(x, f.c(EPS * EPS / 128))), f.fn("sqrt", x)),
                       (x_large, f.fn("log1p", f.add(am1, f.fn("sqrt", f.mul(am1, f.add(A, one)))))),
                       (f.lt(y, one), f.div(x, f.fn("sqrt", f.mul(f.sub(one, y), f.add(one, y))))))
    rx_large = f.fn("log", f.add(A, f.fn("sqrt", f.sub(f.mul(A, A), one))))
    rx = f.sel(f.lt(A, f.c(A_CROSSOVER)), rx_small, rx_large)

    B = f.div(y, A)
    tiny_y = f.lt(y, f.c(FOUR_SQRT_MIN))
    amy = f.add(_f(f, x, f.add(y, one), R), _f(f, x, f.sub(y, one), S))
    scale = f.c(4 / EPS / EPS)
    sqrt_a2my2 = f.cases(f.fn("sqrt", f.mul(f.sub(one, y), f.add(one, y))),
                         (f.and_(y_is_1, f.lt(x, f.c(EPS / 128))),
                          f.mul(f.fn("sqrt", x), f.fn("sqrt", f.div(f.add(A, y), f.c(2.0))))),
                         (x_large, f.fn("sqrt", f.mul(amy, f.add(A, y)))),
                         (f.gt(y, one), f.div(f.mul(f.mul(x, scale), y),
                                              f.fn("sqrt", f.mul(f.add(y, one), f.sub(y, one))))))
    scaled_y = f.and_(f.gt(B, f.c(B_CROSSOVER)), f.lt(x, f.mul(f.c(EPS), f.abs(f.sub(y, one)))), f.gt(y, one))
    new_y = f.sel(scaled_y, f.mul(y, scale), y)
    # y below 4 sqrt(min): both scaled by 2 / eps, B unusable
    sqrt_a2my2 = f.sel(tiny_y, f.mul(A, f.c(2 / EPS)), sqrt_a2my2)
    new_y = f.sel(tiny_y, f.mul(y, f.c(2 / EPS)), new_y)
    usable = f.b.and_(f.b.not_(tiny_y), f.b.not_(f.gt(B, f.c(B_CROSSOVER))))
    return rx, usable, B, sqrt_a2my2, new_y


def _clog_large(f: _F, x, y):
    """log z for |z| beyond 1/eps, without overflow (catrig.c's clog_for_large_values)."""
    ax, ay = f.abs(x), f.abs(y)
    big, small = f.sel(f.lt(ax, ay), ay, ax), f.sel(f.lt(ax, ay), ax, ay)
    e = f.c(math.e)
    re = f.cases(f.div(f.fn("log", f.add(f.mul(big, big), f.mul(small, small))), f.c(2.0)),
                 (f.gt(big, f.c(float(np.finfo(np.float64).max) / 2)),
                  f.add(f.fn("log", f.fn("hypot", f.div(x, e), f.div(y, e))), f.c(1.0))),
                 (f.or_(f.gt(big, f.c(QUARTER_SQRT_MAX)), f.lt(small, f.c(SQRT_MIN))), f.fn("log", f.fn("hypot", x, y))))
    return re, f.fn("arctan2", y, x)


def _casinh(f: _F, x, y):
    ax, ay = f.abs(x), f.abs(y)
    nan = f.c(math.nan)
    rx, usable, B, sqrt_a2my2, new_y = _hard_work(f, ax, ay)
    ry = f.sel(usable, f.fn("arcsin", B), f.fn("arctan2", new_y, sqrt_a2my2))
    re, im = f.copysign(rx, x), f.copysign(ry, y)
    # |z| beyond 1/eps: log(2|z|) with z's signs
    positive = f.b.not_(f.signbit(x))
    lre, lim = _clog_large(f, f.sel(positive, x, f.p.neg(x)), f.sel(positive, y, f.p.neg(y)))
    large = f.or_(f.gt(ax, f.c(RECIP_EPSILON)), f.gt(ay, f.c(RECIP_EPSILON)))
    re = f.sel(large, f.copysign(f.add(lre, f.c(LN2)), x), re)
    im = f.sel(large, f.copysign(lim, y), im)
    tiny = f.and_(f.lt(ax, f.c(SQRT_6_EPSILON / 4)), f.lt(ay, f.c(SQRT_6_EPSILON / 4)))
    re, im = f.sel(tiny, x, re), f.sel(tiny, y, im)
    # NaNs: casinh(±inf + i NaN) = ±inf + i NaN, casinh(NaN ± i inf) = inf + i NaN with the NaN's sign (glibc's,
    # which NumPy calls), casinh(NaN + i 0) = NaN + i 0
    any_nan = f.or_(f.isnan(x), f.isnan(y))
    nan_re = f.cases(nan, (f.isinf(x), x), (f.isinf(y), f.copysign(f.c(math.inf), x)))
    nan_im = f.cases(nan, (f.isinf(x), nan), (f.isinf(y), nan), (f.eq(y, f.c(0.0)), y))
    return f.sel(any_nan, nan_re, re), f.sel(any_nan, nan_im, im)


def _cacos(f: _F, x, y):
    ax, ay = f.abs(x), f.abs(y)
    nan, inf = f.c(math.nan), f.c(math.inf)
    sx, sy = f.signbit(x), f.signbit(y)
    ry, usable, B, sqrt_a2mx2, new_x = _hard_work(f, ay, ax)
    rx = f.sel(usable, f.fn("arccos", f.sel(sx, f.p.neg(B), B)),
               f.fn("arctan2", sqrt_a2mx2, f.sel(sx, f.p.neg(new_x), new_x)))
    re, im = rx, f.sel(sy, ry, f.p.neg(ry))
    lre, lim = _clog_large(f, x, y)
    large_im = f.add(lre, f.c(LN2))
    large = f.or_(f.gt(ax, f.c(RECIP_EPSILON)), f.gt(ay, f.c(RECIP_EPSILON)))
    re = f.sel(large, f.abs(lim), re)
    im = f.sel(large, f.sel(sy, large_im, f.p.neg(large_im)), im)
    tiny = f.and_(f.lt(ax, f.c(SQRT_6_EPSILON / 4)), f.lt(ay, f.c(SQRT_6_EPSILON / 4)))
    re = f.sel(tiny, f.sub(f.c(PI_2), x), re)
    im = f.sel(tiny, f.p.neg(y), im)
    at_one = f.and_(f.eq(x, f.c(1.0)), f.eq(y, f.c(0.0)))
    re, im = f.sel(at_one, f.c(0.0), re), f.sel(at_one, f.p.neg(y), im)
    # NaNs: cacos(±inf + i NaN) = NaN - i inf, cacos(NaN ± i inf) = NaN ∓ i inf, cacos(0 + i NaN) = pi/2 + i NaN
    any_nan = f.or_(f.isnan(x), f.isnan(y))
    nan_re = f.cases(nan, (f.isinf(x), nan), (f.isinf(y), nan), (f.eq(x, f.c(0.0)), f.c(PI_2)))
    nan_im = f.cases(nan, (f.isinf(x), f.p.neg(inf)), (f.isinf(y), f.p.neg(y)))
    return f.sel(any_nan, nan_re, re), f.sel(any_nan, nan_im, im)


def _real_part_reciprocal(f: _F, x, y):
    """Re(1 / (x + iy)) = x / (x^2 + y^2) for |z| beyond 1/eps: both parts divided by the larger first (nothing
    overflows), the result divided by it last; an infinite part gives ±0."""
    ax, ay = f.abs(x), f.abs(y)
    big = f.sel(f.lt(ax, ay), ay, ax)
    xs, ys = f.div(x, big), f.div(y, big)
    value = f.div(f.div(xs, f.add(f.mul(xs, xs), f.mul(ys, ys))), big)
    return f.cases(value, (f.isinf(x), f.div(f.c(1.0), x)), (f.isinf(y), f.div(f.div(x, y), y)))


def _catanh(f: _F, x, y):
    ax, ay = f.abs(x), f.abs(y)
    nan, one = f.c(math.nan), f.c(1.0)
    squares = f.add(f.mul(f.sub(ax, one), f.sub(ax, one)), f.mul(ay, ay))
    rx = f.sel(f.and_(f.eq(ax, one), f.lt(ay, f.c(EPS))), f.div(f.sub(f.c(LN2), f.fn("log", ay)), f.c(2.0)),
               f.div(f.fn("log1p", f.div(f.mul(f.c(4.0), ax), squares)), f.c(4.0)))
    one_minus = f.mul(f.sub(one, ax), f.add(one, ax))
    ry = f.cases(f.div(f.fn("arctan2", f.mul(f.c(2.0), ay), f.sub(one_minus, f.mul(ay, ay))), f.c(2.0)),
                 (f.eq(ax, one), f.div(f.fn("arctan2", f.c(2.0), f.p.neg(ay)), f.c(2.0))),
                 (f.lt(ay, f.c(EPS)), f.div(f.fn("arctan2", f.mul(f.c(2.0), ay), one_minus), f.c(2.0))))
    re, im = f.copysign(rx, x), f.copysign(ry, y)
    tiny = f.and_(f.lt(ax, f.c(SQRT_3_EPSILON / 2)), f.lt(ay, f.c(SQRT_3_EPSILON / 2)))
    re, im = f.sel(tiny, x, re), f.sel(tiny, y, im)
    large = f.or_(f.gt(ax, f.c(RECIP_EPSILON)), f.gt(ay, f.c(RECIP_EPSILON)))
    re = f.sel(large, _real_part_reciprocal(f, x, y), re)
    im = f.sel(large, f.copysign(f.c(PI_2), y), im)
    any_nan = f.or_(f.isnan(x), f.isnan(y))
    zero_x = f.copysign(f.c(0.0), x)
    nan_re = f.cases(nan, (f.isinf(x), zero_x), (f.isinf(y), zero_x))
    nan_im = f.cases(nan, (f.isinf(x), nan), (f.isinf(y), f.copysign(f.c(PI_2), y)))
    re, im = f.sel(any_nan, nan_re, re), f.sel(any_nan, nan_im, im)
    # catanh(±0 + i y) for an infinite or NaN y: ±0 + i atan(y); a real argument within [-1, 1]: atanh(x) + i y
    zero_case = f.and_(f.eq(x, f.c(0.0)), f.b.not_(f.p.ufunc("isfinite", y)))
    re, im = f.sel(zero_case, x, re), f.sel(zero_case, f.fn("arctan", y), im)
    real_case = f.and_(f.eq(y, f.c(0.0)), f.b.fcmp_ordered("<=", ax, one))
    return f.sel(real_case, f.fn("arctanh", x), re), f.sel(real_case, y, im)


def _swapped(fn):
    """f(z) = i-rotated g: casin(x + iy) = swap(casinh(y + ix)), catan likewise from catanh."""
    def emit(f, x, y):
        re, im = fn(f, y, x)
        return im, re
    return emit


def _cacosh(f: _F, x, y):
    rx, ry = _cacos(f, x, y)
    both = f.and_(f.isnan(rx), f.isnan(ry))
    # cacos(±0 + i NaN) = pi/2 + i NaN gives NaN + i pi/2 (glibc's, which NumPy calls; catrig.c gives NaN + i NaN)
    re = f.cases(f.abs(ry), (both, ry), (f.isnan(rx), f.abs(ry)), (f.isnan(ry), ry))
    im = f.cases(f.copysign(rx, y), (both, rx), (f.isnan(rx), rx), (f.isnan(ry), rx))
    return re, im


_PARTS = {"arcsinh": _casinh, "arccos": _cacos, "arctanh": _catanh, "arcsin": _swapped(_casinh),
          "arctan": _swapped(_catanh), "arccosh": _cacosh}


def _emitter(name: str):
    def emit(cb, z):
        bb = cb.b
        part = PART[cb.dtype]
        a, b = parts(bb, z)
        if part != np.float64:
            a, b = bb.fpext(a, F64), bb.fpext(b, F64)
        re, im = _PARTS[name](_F(bb), a, b)
        if part != np.float64:
            re, im = bb.fptrunc(re, cb.part.ty), bb.fptrunc(im, cb.part.ty)
        return pack(bb, cb.dtype, re, im)
    return emit


MATH = {name: _emitter(name) for name in _PARTS}
