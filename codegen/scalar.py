"""Typed scalar operations for one NumPy dtype: what the op table's `emit` lambdas call.

Each op entry writes its semantics once (e.g. `lambda b, x, y: b.add(x, y)`); this builder turns that into
LLVM instructions for the compute dtype, with NumPy's rules for NaN, signed zeros and integer division.
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.errors import CompileError

I1, I8, I32, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(32), ir.IntType(64)
F16, F32, F64 = ir.HalfType(), ir.FloatType(), ir.DoubleType()
HALF, SINGLE = np.dtype(np.float16), np.dtype(np.float32)

_LLVM_TYPES = {"f2": F16, "f4": F32, "f8": F64, "i1": I8, "i2": ir.IntType(16), "i4": I32, "i8": I64,
               "u1": I8, "u2": ir.IntType(16), "u4": I32, "u8": I64, "b1": I1}
SUPPORTED_DTYPES = frozenset(np.dtype(k) for k in ("f2", "f4", "f8", "c8", "c16", "i1", "i2", "i4", "i8", "u1", "u2",
                                                   "u4", "u8", "?"))


def _key(dtype) -> str:
    dt = np.dtype(dtype)
    return "b1" if dt.kind == "b" else f"{dt.kind}{dt.itemsize}"


def value_type(dtype) -> ir.Type:
    """The LLVM type of a dtype's values in registers (bool is i1)."""
    dt = np.dtype(dtype)
    if dt not in SUPPORTED_DTYPES:
        raise CompileError(f"the native backend does not support dtype {dt}")
    if dt.kind == "c":
        from .complex import complex_type
        return complex_type(dt)
    return _LLVM_TYPES[_key(dt)]


def storage_type(dtype) -> ir.Type:
    """The LLVM type of a dtype in memory (bool is one byte)."""
    return I8 if np.dtype(dtype).kind == "b" else value_type(dtype)


def load(b: ir.IRBuilder, ptr, dtype):
    v = b.load(ptr)
    return b.icmp_unsigned("!=", v, ir.Constant(I8, 0)) if np.dtype(dtype).kind == "b" else v


def store(b: ir.IRBuilder, value, ptr, dtype) -> None:
    b.store(b.zext(value, I8) if np.dtype(dtype).kind == "b" else value, ptr)


def cast(b: ir.IRBuilder, v, src, dst):
    """Convert a value between dtypes as NumPy's astype does (float->int saturates instead of being UB)."""
    src, dst = np.dtype(src), np.dtype(dst)
    if src == dst:
        return v
    if src.kind == "c" or dst.kind == "c":
        from .complex import cast_complex
        return cast_complex(b, v, src, dst)
    if HALF in (src, dst) and ({src.kind, dst.kind} & {"i", "u"}):
        return cast(b, cast(b, v, src, SINGLE), SINGLE, dst)  # half <-> int through float32, as NumPy
    st, dt = value_type(src), value_type(dst)
    if dst.kind == "b":
        zero = ir.Constant(st, 0)
        return b.fcmp_unordered("!=", v, zero) if src.kind == "f" else b.icmp_unsigned("!=", v, zero)
    if src.kind == "f" and dst.kind == "f":
        if dst == HALF and src.itemsize == 8:
            return b.fptrunc(_round_to_odd_single(b, v), F16)
        return b.fpext(v, dt) if dst.itemsize > src.itemsize else b.fptrunc(v, dt)
    if src.kind == "f":
        return _float_to_int(b, v, st, dst)
    if dst.kind == "f":
        return b.uitofp(v, dt) if src.kind in "ub" else b.sitofp(v, dt)
    if dt.width == st.width:
        return v
    if dt.width < st.width:
        return b.trunc(v, dt)
    return b.zext(v, dt) if src.kind in "ub" else b.sext(v, dt)


def _round_to_odd_single(b: ir.IRBuilder, v):
    """double -> float32 rounded toward zero with the last bit set when inexact ("round to odd"): rounding that
    to half then gives the correctly rounded half (NumPy's npy_double_to_half), which a plain float32 step would
    not (two roundings), and the JIT has no __truncdfhf2 to do it directly."""
    f = b.fptrunc(v, F32)
    bits = b.bitcast(f, I32)
    away = b.fcmp_ordered(">", b.call(_fabs(b, F64), [b.fpext(f, F64)]), b.call(_fabs(b, F64), [v]))
    bits = b.select(away, b.sub(bits, ir.Constant(I32, 1)), bits)  # one step toward zero (sign-magnitude bits)
    inexact = b.fcmp_ordered("!=", b.fpext(b.bitcast(bits, F32), F64), v)
    return b.bitcast(b.select(inexact, b.or_(bits, ir.Constant(I32, 1)), bits), F32)


def _fabs(b: ir.IRBuilder, ty):
    return b.module.declare_intrinsic("llvm.fabs", [ty], ir.FunctionType(ty, [ty]))


def _truncate_x86(b: ir.IRBuilder, v, st, width: int):
    """C's float -> int conversion as x86-64 executes it (cvttss2si/cvttsd2si): truncation toward zero, and
    the 'integer indefinite' INT_MIN for NaN and values out of range (LLVM's fptosi would be poison there)."""
    wide = ir.IntType(width)
    limit = 2.0 ** (width - 1)
    in_range = b.and_(b.fcmp_ordered(">", v, ir.Constant(st, -limit)), b.fcmp_ordered("<", v, ir.Constant(st, limit)))
    fn = b.module.declare_intrinsic("llvm.fptosi.sat", [wide, st], ir.FunctionType(wide, [st]))
    return b.select(in_range, b.call(fn, [v]), ir.Constant(wide, -(1 << (width - 1))))


def _float_to_int(b: ir.IRBuilder, v, st, dst: np.dtype):
    """NumPy's float -> int astype on x86-64, bit for bit: types up to 32 bits go through a 32-bit conversion and
    wrap (-1.0 -> uint8 255, 300.0 -> int8 44, NaN -> 0); uint32/uint64 subtract 2^31/2^63 from large values
    first (as compilers do) and flip the top bit back. (NumPy's uint32 results out of range are those of its SIMD
    loop; its scalar loop, used for arrays under 4 elements and some tails, wraps through int64 instead.)"""
    width = 64 if dst.itemsize == 8 else 32
    if dst.kind == "u" and dst.itemsize >= 4:
        half = ir.Constant(st, 2.0 ** (width - 1))
        high = b.fcmp_ordered(">=", v, half)
        r = _truncate_x86(b, b.select(high, b.fsub(v, half), v), st, width)
        r = b.select(high, b.xor(r, ir.Constant(r.type, 1 << (width - 1))), r)
    else:
        r = _truncate_x86(b, v, st, width)
    dt = value_type(dst)
    return b.trunc(r, dt) if dt.width < width else r


class ScalarBuilder:
    """Emits NumPy-exact scalar arithmetic for one compute dtype."""

    def __new__(cls, builder: ir.IRBuilder, dtype, *args, **kwargs):
        """A complex dtype gets the two-float builder (codegen/complex.py), wherever the builder is made."""
        if cls is ScalarBuilder and np.dtype(dtype).kind == "c":
            from .complex import ComplexBuilder
            return super().__new__(ComplexBuilder)
        return super().__new__(cls)

    def __init__(self, builder: ir.IRBuilder, dtype, guards: list | None = None, uniform: tuple[bool, ...] = ()):
        """uniform[i]: operand i is one value for the whole array (a Python scalar or a 0-d array)."""
        self.b = builder
        # None: exact math. A list: math functions may take a fast path valid for typical arguments, and append
        # the i1 that says an argument was beyond it (the loop is then redone exactly; codegen/elementwise.py).
        self.guards = guards
        self.uniform = uniform
        self.numpy_scalars = False  # the operands are NumPy scalars: NumPy's scalar math (jitc/passes/scalar_math.py)
        self.dtype = np.dtype(dtype)
        self.ty = value_type(self.dtype)
        self.is_float = self.dtype.kind == "f"
        self.is_bool = self.dtype.kind == "b"
        self.signed = self.dtype.kind == "i"

    def const(self, value):
        if self.is_float:
            if self.dtype == HALF:  # a half constant must be a half value (NumPy rounds to nearest)
                with np.errstate(over="ignore"):
                    value = np.float16(value)
            return ir.Constant(self.ty, float(value))
        value, width = int(value), self.ty.width
        if not -(1 << (width - 1)) <= value < (1 << width):  # a bit pattern: unsigned values of signed types too
            raise CompileError(f"the integer {value} does not fit the {width}-bit values of compiled code")
        return ir.Constant(self.ty, value)

    def _intrinsic(self, name: str, *args):
        fnty = ir.FunctionType(self.ty, [self.ty] * len(args))  # llvmlite guesses one operand for copysign
        fn = self.b.module.declare_intrinsic(name, [self.ty], fnty)
        return self.b.call(fn, list(args))

    def _unsupported(self, what: str):
        raise CompileError(f"{what} on {self.dtype} is not supported by the native backend")

    # ---- arithmetic
    def add(self, x, y):
        if self.is_bool:
            return self.b.or_(x, y)
        return self.b.fadd(x, y) if self.is_float else self.b.add(x, y)

    def sub(self, x, y):
        if self.is_bool:
            self._unsupported("subtraction")
        return self.b.fsub(x, y) if self.is_float else self.b.sub(x, y)

    def mul(self, x, y):
        if self.is_bool:
            return self.b.and_(x, y)
        return self.b.fmul(x, y) if self.is_float else self.b.mul(x, y)

    def div(self, x, y):
        if not self.is_float:
            self._unsupported("true division")  # NumPy computes it in float64: the compute dtype is float
        return self.b.fdiv(x, y)

    def _safe_divisor(self, x, y):
        """Integer division by 0 gives 0 in NumPy and INT_MIN // -1 wraps; LLVM's sdiv would be UB for both."""
        b, zero, one = self.b, self.const(0), self.const(1)
        bad = b.icmp_unsigned("==", y, zero)
        if self.signed:
            minval = ir.Constant(self.ty, -(1 << (self.ty.width - 1)))
            overflow = b.and_(b.icmp_signed("==", x, minval), b.icmp_signed("==", y, self.const(-1)))
            return b.select(b.or_(bad, overflow), one, y), bad
        return b.select(bad, one, y), bad

    def _float_divmod(self, x, y):
        """NumPy's npy_divmod: the floored quotient and the remainder with the divisor's sign. C's truth test of
        a double is `!= 0` (unordered), so NaN counts as nonzero; a zero divisor gives x / y and fmod's NaN."""
        b = self.b
        zero = self.const(0.0)
        mod = b.frem(x, y)
        div = b.fdiv(b.fsub(x, mod), y)
        mod_nonzero = b.fcmp_unordered("!=", mod, zero)
        fix = b.and_(mod_nonzero, b.xor(b.fcmp_ordered("<", y, zero), b.fcmp_ordered("<", mod, zero)))
        mod = b.select(fix, b.fadd(mod, y), b.select(mod_nonzero, mod, self._intrinsic("llvm.copysign", zero, y)))
        div = b.select(fix, b.fsub(div, self.const(1.0)), div)
        floordiv = self._intrinsic("llvm.floor", div)
        floordiv = b.select(b.fcmp_ordered(">", b.fsub(div, floordiv), self.const(0.5)),
                            b.fadd(floordiv, self.const(1.0)), floordiv)
        quotient = b.fdiv(x, y)
        floordiv = b.select(b.fcmp_unordered("!=", div, zero), floordiv,
                            self._intrinsic("llvm.copysign", zero, quotient))
        floordiv = b.select(b.fcmp_ordered("==", y, zero), quotient, floordiv)
        return floordiv, mod

    def _int_divmod(self, x, y, what: str):
        """Python's floored integer division and modulo (C truncates), with NumPy's 0 for a zero divisor."""
        b = self.b
        if self.is_bool:
            self._unsupported(what)
        d, bad = self._safe_divisor(x, y)
        if not self.signed:
            return b.udiv(x, d), b.urem(x, d), bad
        q, r = b.sdiv(x, d), b.srem(x, d)
        wrong_sign = b.and_(b.icmp_signed("!=", r, self.const(0)),
                            b.xor(b.icmp_signed("<", r, self.const(0)), b.icmp_signed("<", d, self.const(0))))
        return (b.select(wrong_sign, b.sub(q, self.const(1)), q), b.select(wrong_sign, b.add(r, d), r), bad)

    def floordiv(self, x, y):
        if self.is_float:
            return self._float_divmod(x, y)[0]
        q, _, bad = self._int_divmod(x, y, "floor division")
        return self.b.select(bad, self.const(0), q)

    def mod(self, x, y):
        if self.is_float:
            return self._float_divmod(x, y)[1]
        _, r, bad = self._int_divmod(x, y, "remainder")
        return self.b.select(bad, self.const(0), r)

    def pow(self, x, y, uniform_exponent: bool = False):
        """NumPy's power (codegen/ufuncs.py); NumPy computes a power by one exponent for the whole array (a scalar
        or 0-d exponent) equal to 0.5 as sqrt, which differs at -inf (NaN) and -0.0 (-0.0)."""
        power = self.ufunc("power", x, y)
        if not (uniform_exponent and self.is_float):
            return power
        half = self.b.fcmp_ordered("==", y, self.const(0.5))
        return self.b.select(half, self._intrinsic("llvm.sqrt", x), power)

    def maximum(self, x, y):
        return self._pick(x, y, ">")

    def minimum(self, x, y):
        return self._pick(x, y, "<")

    def clip(self, x, lo, hi):
        """NumPy's clip keeps x when it equals a bound (clip(-0.0, 0.0, 1.0) is -0.0); NaN anywhere wins; a None
        bound is left out."""
        x = x if lo is None else self._pick(x, lo, ">=")
        return x if hi is None else self._pick(x, hi, "<=")

    def _pick(self, x, y, op):
        """`(x op y || isnan(x)) ? x : y`, so NaN from either side wins; NumPy's maximum/minimum use a strict op
        (of two equal values they give the second: maximum(-0.0, 0.0) is 0.0), clip a non-strict one."""
        b = self.b
        if self.is_float:
            take_x = b.or_(b.fcmp_ordered(op, x, y), b.fcmp_unordered("uno", x, x))
        elif self.signed:
            take_x = b.icmp_signed(op, x, y)
        else:
            take_x = b.icmp_unsigned(op, x, y)
        return b.select(take_x, x, y)

    def neg(self, x):
        if self.is_bool:
            self._unsupported("negation")
        return self.b.fneg(x) if self.is_float else self.b.neg(x)

    def abs(self, x):
        if self.is_float:
            return self._intrinsic("llvm.fabs", x)
        if not self.signed:
            return x
        return self.b.select(self.b.icmp_signed("<", x, self.const(0)), self.b.neg(x), x)

    def math(self, name: str, *args):
        if not self.is_float:
            self._unsupported(name)
        if self.dtype == HALF:  # NumPy's half loops call the float32 function and round the result
            single = ScalarBuilder(self.b, SINGLE, self.guards, self.uniform)
            wide = single.math(name, *(self.b.fpext(a, F32) for a in args))
            return self.b.fptrunc(wide, F16)
        if name == "sqrt":
            return self._intrinsic("llvm.sqrt", *args)
        from .mathlib import emit_math, emit_math_fast

        fast = emit_math_fast(self.b, name, *args) if self.guards is not None and len(args) == 1 else None
        if fast is not None:
            self.guards.append(fast[1])
            return fast[0]
        return emit_math(self.b, name, *args)

    def ufunc(self, name: str, *args):
        """NumPy's rounding, sign, classification, shift and power functions (codegen/ufuncs.py)."""
        from .ufuncs import emit_ufunc

        return emit_ufunc(self, name, *args)

    # ---- comparisons and logic (results are i1)
    def cmp(self, op: str, x, y):
        if self.is_float:
            return self.b.fcmp_unordered(op, x, y) if op == "!=" else self.b.fcmp_ordered(op, x, y)
        if self.signed:
            return self.b.icmp_signed(op, x, y)
        return self.b.icmp_unsigned(op, x, y)

    def _truth(self, x):
        return x if self.is_bool else cast(self.b, x, self.dtype, np.bool_)

    def logical_and(self, x, y):
        return self.b.and_(self._truth(x), self._truth(y))

    def logical_or(self, x, y):
        return self.b.or_(self._truth(x), self._truth(y))

    def logical_not(self, x):
        return self.b.not_(self._truth(x))

    def bitand(self, x, y):
        if self.is_float:
            self._unsupported("bitwise and")
        return self.b.and_(x, y)

    def bitor(self, x, y):
        if self.is_float:
            self._unsupported("bitwise or")
        return self.b.or_(x, y)

    def bitnot(self, x):
        if self.is_float:
            self._unsupported("bitwise not")
        return self.b.not_(x)

    def select(self, c, x, y):
        return self.b.select(c, x, y)
