"""Writes: `aten::index_put` (a new version of an array with a region replaced) and `aten::copy_` (the write-back
of a mutated input). A write whose old version is dead afterwards happens in place (see inplace.py); otherwise
the new version is a copy with the region replaced."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node

from .elementwise import emit_copy, python_dtype
from .kernel import call_kernel, kernel_function
from .loops import Buf, loop_nest
from .scalar import ScalarBuilder, cast, store
from .views import STEPS


def write_view(lw, node: Node, target: Buf, steps) -> Buf:
    """The region of target that the steps of index_put `node` select."""
    view = target
    for name, *args in steps:
        view = STEPS[name](lw, node, view, *args)
    return view


def settable(src: Buf, view: Buf) -> Buf:
    """NumPy's setitem drops the value's leading 1s beyond the view's rank before broadcasting."""
    shape, strides = src.shape, src.strides
    while len(shape) > len(view.shape) and shape[0] == 1:
        shape, strides = shape[1:], strides[1:]
    return Buf(src.ptr, src.dtype, shape, strides)


def emit_fill_scalar(module: ir.Module, b: ir.IRBuilder, dst: Buf, value, dtype: np.dtype) -> None:
    """dst[...] = value, a scalar computed at run time (cast as NumPy's setitem casts)."""
    fn, (pd,), (arg,) = kernel_function(module, "fill", [dst], [dtype])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    converted = cast(kb, arg, dtype, pd.dtype)
    with loop_nest(kb, pd.shape, [pd.strides]) as (off,):
        store(kb, converted, pd.at(kb, off), pd.dtype)
    kb.ret_void()
    call_kernel(b, fn, [dst], [value])


def lower_index_put(lw, node: Node) -> None:
    base = lw.buf(node.inputs[0])
    if lw.plan.in_place(node):
        target = base
    else:
        target = lw.alloc(base.dtype, base.shape)
        emit_copy(lw.module, lw.b, base, target)
    view = write_view(lw, node, target, lw.env[node.inputs[2]])
    lw.env[node.output] = target
    if lw.plan.written_by_producer(node):
        return  # the value was computed straight into the view
    value = lw.env[node.inputs[1]]
    if isinstance(value, Buf):
        src = settable(value, view)
        if lw.plan.may_overlap(node.inputs[1], node.inputs[0]) and target is base:
            staged = lw.alloc(src.dtype, src.shape)  # `A[1:] = A[:-1]` reads what it writes: NumPy buffers it
            emit_copy(lw.module, lw.b, src, staged)
            src = staged
        emit_copy(lw.module, lw.b, src, view)
        return
    if isinstance(value, (bool, int, float, complex)):
        dt = python_dtype(value)
        scalar = ScalarBuilder(lw.b, dt).const(value)
    else:
        scalar, dt, _ = value
    emit_fill_scalar(lw.module, lw.b, view, scalar, dt)


def lower_copy_into(lw, node: Node) -> None:
    """The write-back of a mutated input: nothing when its final version was updated in place."""
    dst, src = lw.buf(node.inputs[0]), lw.buf(node.inputs[1])
    if src != dst:
        emit_copy(lw.module, lw.b, src, dst)
    lw.env[node.output] = dst
