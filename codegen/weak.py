"""Python scalars meeting array dtypes in compiled code, with NumPy's (NEP 50) rules at the edges of a dtype.

A Python int takes the array's dtype ("weak"), but one that does not fit is not wrapped: arithmetic raises
OverflowError (`int8_array + 300`), comparisons give the exact answer (`uint8_array < 300` is all True), clip
drops a bound beyond the dtype's range, and where() converts with wrap-around (NumPy's `np.where(c, u8, 300)`
holds 44). Constants are decided while compiling; Python ints passed at run time are range-checked by the
lowering (`narrow_int_uses`) or compared in int64.
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.errors import IntegerOverflowError
from jitc.ops.registry import BOUNDS, OPERANDS, RESULT
from jitc.types import ScalarType, TensorType

from .scalar import I64, ScalarBuilder, cast

I1 = ir.IntType(1)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fits(value: int, dtype: np.dtype) -> bool:
    info = np.iinfo(dtype)
    return info.min <= value <= info.max


def out_of_bounds(value: int, dtype) -> IntegerOverflowError:
    return IntegerOverflowError(f"Python integer {value} out of bounds for {np.dtype(dtype)}")


def constant_entry(b: ir.IRBuilder, value, dtype: np.dtype) -> tuple:
    """The env entry of a weak constant; an int beyond 64 bits has no register value (only its uses build one)."""
    if _is_int(value) and not -(1 << 63) <= value < (1 << 63):
        return None, dtype, value
    return ScalarBuilder(b, dtype).const(value), dtype, value


def exact_comparison(op, dtype: np.dtype, ins: list):
    """The constant result of a comparison between an int array and a Python int outside its dtype (every array
    value compares the same way), computed by NumPy itself; None when it does not apply."""
    if op.compute != OPERANDS or dtype.kind not in "iu":
        return None
    if not any(_is_int(c) and isinstance(v, (ir.Constant, type(None))) and not _fits(c, dtype) for v, _, c in ins):
        return None
    variable = [d for v, d, c in ins if c is None]
    if len(variable) != 1:
        return None
    info = np.iinfo(variable[0])
    results = set()
    for edge in (info.min, info.max):
        args = [np.array(edge, d) if c is None else c for _, d, c in ins]
        results.add(bool(op.impl(*args)))
    return results.pop() if len(results) == 1 else None


def widened(op, dtype: np.dtype, ins: list) -> np.dtype:
    """Comparisons of a small int array with a Python int given at run time are made in int64 (exact)."""
    runtime_int = any(c is not None and _is_int(c) and not isinstance(v, ir.Constant) for v, _, c in ins)
    if op.compute == OPERANDS and runtime_int and dtype.kind in "iu" and dtype.itemsize < 8:
        return np.dtype(np.int64)
    return dtype


def operand(b: ir.IRBuilder, op, position: int, entry: tuple, target: np.dtype):
    """An emitter operand converted to `target`; weak constants are built in the target dtype directly."""
    v, d, c = entry
    if v is None and c is None:  # a None operand (np.clip(x, None, 1)): the emitter leaves it out
        return None
    if c is None or not isinstance(v, (ir.Constant, type(None))):
        if c is not None and op.compute == BOUNDS and _is_int(c) and target.kind in "iu" and d.kind == "i":
            return cast(b, _clamp(b, v, target), d, target)
        return cast(b, v, d, target)
    value = c
    if _is_int(value) and target.kind in "iu" and not _fits(value, target):
        value = _out_of_range(op, position, value, target)
    elif target.kind == "f":
        try:
            value = float(value)
        except OverflowError:
            raise IntegerOverflowError(f"Python integer {value} is too large to convert to {target}") from None
    return ScalarBuilder(b, target).const(value)


def _out_of_range(op, position: int, value: int, target: np.dtype) -> int:
    info = np.iinfo(target)
    if op.compute == BOUNDS:  # NumPy's clip drops a lower bound <= min and an upper bound >= max
        dropped = value <= info.min if position == 1 else value >= info.max
        if not dropped:
            raise out_of_bounds(value, target)
        return min(max(value, info.min), info.max)
    if op.compute == RESULT:
        raise out_of_bounds(value, target)
    bits = 8 * target.itemsize
    wrapped = value % (1 << bits)
    return wrapped - (1 << bits) if target.kind == "i" and wrapped >= 1 << (bits - 1) else wrapped


def _clamp(b: ir.IRBuilder, v, target: np.dtype):
    info = np.iinfo(target)
    hi = ir.Constant(I64, min(int(info.max), (1 << 63) - 1))
    lo = ir.Constant(I64, int(info.min))
    v = b.select(b.icmp_signed(">", v, hi), hi, v)
    return b.select(b.icmp_signed("<", v, lo), lo, v)


def uniform(t) -> bool:
    """One value for the whole array: a Python scalar or a 0-d array."""
    return isinstance(t, ScalarType) or (isinstance(t, TensorType) and t.shape == ())


def narrow_int_uses(sub) -> list:
    """Checks on Python ints given at run time, as NumPy makes them: (subgraph input, dtype, what) where what is
    "fits" (arithmetic in an int dtype: the int must fit it), "lower" (a clip lower bound must not exceed the
    dtype's max) or "upper" (a clip upper bound must not be below its min)."""
    from jitc.ops import OPS

    checks = []
    for node in sub.block.nodes:
        op = OPS.get(node.kind)
        out = node.outputs[0].type if node.outputs else None
        if op is None or op.compute not in (RESULT, BOUNDS) or not isinstance(out, TensorType) or out.dtype is None:
            continue
        dt = np.dtype(out.dtype)
        if dt.kind not in "iu" or (dt == np.int64 and op.compute == RESULT):
            continue
        for k, v in enumerate(node.inputs):
            if v in sub.inputs and isinstance(v.type, ScalarType) and v.type.name == "int":
                what = "fits" if op.compute == RESULT else {1: "lower", 2: "upper"}.get(k)
                if what is not None:
                    checks.append((v, dt, what))
    return checks


def range_check(b: ir.IRBuilder, value, dtype: np.dtype, what: str = "fits"):
    """i1: NumPy raises OverflowError for the int64 `value` used as `what` (see narrow_int_uses) with dtype."""
    info = np.iinfo(dtype)
    too_high = b.icmp_signed(">", value, ir.Constant(I64, min(int(info.max), (1 << 63) - 1)))
    too_low = b.icmp_signed("<", value, ir.Constant(I64, int(info.min)))
    return {"fits": b.or_(too_low, too_high), "lower": too_high, "upper": too_low}[what]


def negative_against_uint64(b: ir.IRBuilder, op, dtype: np.dtype, ins: list, result):
    """A uint64 array compared with a negative Python int given at run time: NumPy's exact answer (the same
    for every array value) instead of the comparison with the int's wrapped bits."""
    runtime = [k for k, (v, _, c) in enumerate(ins) if c is not None and _is_int(c) and not isinstance(v, ir.Constant)]
    if op.compute != OPERANDS or dtype != np.uint64 or len(runtime) != 1 or len(ins) != 2:
        return result
    k = runtime[0]
    known = bool(op.impl(*[-1 if i == k else np.array(0, np.uint64) for i in range(2)]))
    negative = b.icmp_signed("<", ins[k][0], ir.Constant(ins[k][0].type, 0))
    return b.select(negative, ir.Constant(I1, int(known)), result)


__all__ = ["constant_entry", "exact_comparison", "narrow_int_uses", "operand", "out_of_bounds",
           "range_check", "uniform", "widened"]
