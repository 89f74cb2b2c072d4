"""Vectorizable math functions emitted as LLVM IR: jitc's own libm.

LLVM lowers ``llvm.sin``/``llvm.exp``/``llvm.tanh`` to scalar libm calls, which blocks loop vectorization.
These versions are branch-free: arithmetic, integer bit tricks, ``select``, table loads (gathers) and intrinsics
that have vector forms (fma, fabs, copysign, sqrt, rint, minnum, maxnum).  Each is defined once per module as an
internal ``alwaysinline`` function ``jitc.<name>.<f32|f64>``, so after inlining the loop vectorizer widens it
(``<16 x float>`` / ``<8 x double>`` on AVX-512).

tanh, exp, log and sigmoid have float32 kernels of their own.  Every other function is written for float64, and
its float32 version converts to float64, calls it and rounds once: at most a hair over 0.5 ULP from the float64
kernel's error, at half the vector width.  float32 ``pow`` is exp(y log|x|) in plain float64; float64 ``pow`` carries
log|x| and y log|x| in double-double.

Accuracy: measured in tests/test_mathlib.py and tests/test_math_accuracy.py, the table is docs/ACCURACY.md.
"""

from collections.abc import Callable
from typing import NamedTuple

from llvmlite import ir

from . import explog, inverse, trig
from .core import F32, F64, Emitter, Format, format_of


class _Kernel(NamedTuple):
    emit: Callable[..., ir.Value]
    arity: int = 1
    native_f32: bool = False  # a float32 kernel of its own; else float32 is computed in float64
    formats: tuple[str, ...] = ("f32", "f64")
    of_float32: Callable[..., ir.Value] | None = None  # the float64 computation for float32 arguments, if cheaper
    fast_f32: Callable[..., ir.Value] | None = None  # float32, valid below FAST_LIMIT (see emit_math_fast)


KERNELS: dict[str, _Kernel] = {
    "tanh": _Kernel(explog.tanh, native_f32=True),
    "exp": _Kernel(explog.exp, native_f32=True),
    "log": _Kernel(explog.log, native_f32=True),
    "sigmoid": _Kernel(explog.sigmoid, native_f32=True),
    "expm1": _Kernel(explog.expm1), "log1p": _Kernel(explog.log1p), "exp2": _Kernel(explog.exp2),
    "log2": _Kernel(explog.log2), "log10": _Kernel(explog.log10), "cbrt": _Kernel(explog.cbrt),
    "sinh": _Kernel(explog.sinh), "cosh": _Kernel(explog.cosh),
    "sin": _Kernel(trig.sin, of_float32=trig.sin_of_float32, fast_f32=trig.sin_fast),
    "cos": _Kernel(trig.cos, of_float32=trig.cos_of_float32, fast_f32=trig.cos_fast),
    "tan": _Kernel(trig.tan, of_float32=trig.tan_of_float32),
    "hypot": _Kernel(trig.hypot, 2),
    "arctan": _Kernel(inverse.arctan), "arcsin": _Kernel(inverse.arcsin), "arccos": _Kernel(inverse.arccos),
    "arctan2": _Kernel(inverse.arctan2, 2), "arcsinh": _Kernel(inverse.arcsinh),
    "arccosh": _Kernel(inverse.arccosh), "arctanh": _Kernel(inverse.arctanh),
    "pow": _Kernel(explog.power, 2, of_float32=explog.pow_via_f64),
}
MATH_FUNCS = frozenset(KERNELS)


def _function(module: ir.Module, name: str, fmt: Format, fast: bool = False) -> ir.Function:
    symbol = f"jitc.{name}{'.fast' if fast else ''}.{fmt.suffix}"
    if symbol in module.globals:
        return module.globals[symbol]
    kernel = KERNELS[name]
    fn = ir.Function(module, ir.FunctionType(fmt.ty, [fmt.ty] * kernel.arity), symbol)
    fn.linkage = "internal"
    fn.attributes.add("alwaysinline")
    fn.attributes.add("nounwind")
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    if fast:
        builder.ret(kernel.fast_f32(Emitter(builder, F32), *fn.args))
    elif fmt is F32 and not kernel.native_f32:
        wide = [builder.fpext(a, F64.ty) for a in fn.args]
        emit = kernel.of_float32 or kernel.emit
        builder.ret(builder.fptrunc(emit(Emitter(builder, F64), *wide), F32.ty))
    else:
        builder.ret(kernel.emit(Emitter(builder, fmt), *fn.args))
    return fn


def emit_math(builder: ir.IRBuilder, name: str, *args: ir.Value) -> ir.Value:
    """Emit ``name(*args)`` for name in MATH_FUNCS; the arguments are all float or all double."""
    kernel = KERNELS.get(name)
    if kernel is None:
        raise ValueError(f"unknown math function {name!r}")
    fmt = format_of(args[0].type)
    if len(args) != kernel.arity or fmt.suffix not in kernel.formats:
        raise ValueError(f"{name} takes {kernel.arity} {' or '.join(kernel.formats)} arguments")
    return builder.call(_function(builder.module, name, fmt), list(args))


def emit_math_fast(builder: ir.IRBuilder, name: str, x: ir.Value) -> tuple[ir.Value, ir.Value] | None:
    """A cheaper ``name(x)`` for float32 x that is exact only below ``trig.FAST_LIMIT``, and the i1 that is true
    when x is finite and beyond it (the caller then computes the exact version instead); None if there is none."""
    kernel = KERNELS.get(name)
    if kernel is None or kernel.fast_f32 is None or format_of(x.type) is not F32:
        return None
    e = Emitter(builder, F32)
    ax = e.abs(x)
    beyond = builder.and_(builder.fcmp_ordered(">", ax, e.c(trig.FAST_LIMIT)),
                          builder.fcmp_ordered("!=", ax, e.c(float("inf"))))
    return builder.call(_function(builder.module, name, F32, fast=True), [x]), beyond
