"""Kernel functions: each loop nest is its own internal function whose array pointers are `noalias`, so LLVM
knows inputs and outputs never overlap and vectorizes the loops without runtime alias checks."""
from __future__ import annotations

import itertools

from llvmlite import ir

from .dims import SIZES_TYPE, bind_sizes, sizes_of, symbolic_bufs
from .loops import Buf, pointer_type
from .scalar import value_type

_ids = itertools.count()


def kernel_function(module: ir.Module, prefix: str, bufs: list[Buf], scalars: list,
                    ret: ir.Type | None = None) -> tuple[ir.Function, list, list]:
    """Declare `internal void @prefix.N(T* noalias ..., [i64* sizes,] scalars...)` (returning `ret` instead, e.g. a
    status, if given); returns the function, its Buf params (same shapes/strides, pointers rebound to the
    arguments) and its scalar params. Kernels over symbolic buffers take the call's sizes array (see dims.py)
    after the buffers."""
    symbolic = symbolic_bufs(bufs)
    arg_types = [pointer_type(buf.dtype) for buf in bufs] + [SIZES_TYPE] * symbolic + [value_type(dt) for dt in scalars]
    fn = ir.Function(module, ir.FunctionType(ret or ir.VoidType(), arg_types), f"{prefix}.{next(_ids)}")
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    for arg in fn.args[:len(bufs) + symbolic]:
        arg.add_attribute("noalias")
    if symbolic:
        bind_sizes(fn, fn.args[len(bufs)])
    params = [buf.with_ptr(arg) for buf, arg in zip(bufs, fn.args)]
    return fn, params, list(fn.args[len(bufs) + symbolic:])


def kernel_args(b: ir.IRBuilder, bufs: list[Buf], scalars: list) -> list:
    sizes = [sizes_of(b)] if symbolic_bufs(bufs) else []
    return [b.bitcast(buf.ptr, pointer_type(buf.dtype)) for buf in bufs] + sizes + list(scalars)


def call_kernel(b: ir.IRBuilder, fn: ir.Function, bufs: list[Buf], scalars: list) -> None:
    b.call(fn, kernel_args(b, bufs, scalars))


def declare(module: ir.Module, name: str, ret: ir.Type, args: list) -> ir.Function:
    """An external function (libc, pthreads), declared once per module however many users ask."""
    existing = module.globals.get(name)
    return existing if existing is not None else ir.Function(module, ir.FunctionType(ret, args), name)
