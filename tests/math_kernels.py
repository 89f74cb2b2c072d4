"""Compile one codegen.mathlib kernel into a standalone loop `dst[i] = f(src0[i], ...)`, and measure ULP errors
(shared by test_mathlib.py and test_math_accuracy.py)."""
from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

import numpy as np
from llvmlite import ir

from codegen import engine, mathlib

IR_TYPES = {np.float32: ir.FloatType(), np.float64: ir.DoubleType()}


def kernel_ir(name: str, ty: ir.Type, arity: int = 1) -> str:
    """``void kernel(T* noalias src..., T* noalias dst, i64 n)``: dst = f(src...)."""
    module = ir.Module()
    module.triple = engine.target_triple()
    module.data_layout = engine.data_layout
    i64 = ir.IntType(64)
    fnty = ir.FunctionType(ir.VoidType(), [ty.as_pointer()] * (arity + 1) + [i64])
    fn = ir.Function(module, fnty, "kernel")
    *srcs, dst, n = fn.args
    for a in (*srcs, dst):
        a.add_attribute("noalias")
    entry, loop, done = (fn.append_basic_block(s) for s in ("entry", "loop", "done"))
    b = ir.IRBuilder(entry)
    b.cbranch(b.icmp_signed(">", n, i64(0)), loop, done)
    b.position_at_end(loop)
    i = b.phi(i64)
    i.add_incoming(i64(0), entry)
    b.store(mathlib.emit_math(b, name, *(b.load(b.gep(s, [i])) for s in srcs)), b.gep(dst, [i]))
    i_next = b.add(i, i64(1))
    i.add_incoming(i_next, loop)
    b.cbranch(b.icmp_signed("<", i_next, n), loop, done)
    b.position_at_end(done)
    b.ret_void()
    return str(module)


@functools.cache
def kernel(name: str, dtype: type) -> tuple[engine.Library, Callable[..., None]]:
    arity = mathlib.KERNELS[name].arity
    lib = engine.compile_ir(kernel_ir(name, IR_TYPES[dtype], arity))
    proto = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * (arity + 1), ctypes.c_int64)
    return lib, proto(lib.address("kernel"))


def run(name: str, *xs: np.ndarray) -> np.ndarray:
    xs = [np.ascontiguousarray(x) for x in np.broadcast_arrays(*xs)]
    out = np.empty_like(xs[0])
    kernel(name, xs[0].dtype.type)[1](*(x.ctypes.data for x in xs), out.ctypes.data, out.size)
    return out


def ulp_error(got: np.ndarray, ref: np.ndarray, dtype) -> np.ndarray:
    """|got - ref| in units of the spacing of `dtype` at ref (the subnormal spacing below tiny); ref is the exact
    value in a wider type. Where ref is not finite in `dtype`, 0 if got is its correctly rounded value, else inf."""
    fi = np.finfo(dtype)
    ref = np.asarray(ref, np.longdouble)
    finite = np.isfinite(ref) & (np.abs(ref) <= fi.max)
    r = ref[finite]
    spacing = np.spacing(np.maximum(np.abs(r), fi.tiny).astype(dtype)).astype(np.longdouble)
    err = np.zeros(got.shape, np.float64)
    err[finite] = np.abs(got[finite].astype(np.longdouble) - r) / spacing
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = ref.astype(dtype)
    same_special = ~finite & ((got == rounded) | (np.isnan(got) & np.isnan(ref)))
    err[~finite & ~same_special] = np.inf
    return err
