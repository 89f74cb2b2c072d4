"""Reductions (sum, mean, max, min over any axes): one pass over the input in memory order, accumulating
into an output-shaped accumulator, so the innermost loop is contiguous whichever axes are reduced."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from .kernel import call_kernel, kernel_function
from .loops import Buf, broadcast_strides, loop_nest
from .scalar import ScalarBuilder, cast, load, store

_FAST = ("reassoc", "contract", "nsz")  # lets LLVM vectorize the running sum (NumPy reorders sums too)


def accumulator_dtype(kind: str, out_dtype) -> np.dtype:
    """float32 sums accumulate in float64: as accurate as NumPy's pairwise summation, and still vectorized."""
    if kind in ("sum", "mean") and np.dtype(out_dtype) == np.float32:
        return np.dtype(np.float64)
    return np.dtype(out_dtype)


def _identity(kind: str, dtype: np.dtype):
    if kind in ("sum", "mean"):
        return 0
    if dtype.kind == "f":
        return -np.inf if kind == "max" else np.inf
    if dtype.kind == "b":
        return kind == "min"
    info = np.iinfo(dtype)
    return info.min if kind == "max" else info.max


def emit_reduction(module: ir.Module, b: ir.IRBuilder, kind: str, axes: tuple[int, ...], out: Buf, acc: Buf,
                   shape: tuple, tensor_inputs: list[Buf], scalar_inputs: list, element) -> None:
    """out = kind(x, axes) where x, of `shape`, is computed per index by `element(builder, input params,
    their offsets, scalar args) -> (value, dtype)` from the inputs (broadcast to shape): a plain load, or a whole
    fused elementwise expression, so producers never materialize. acc is contiguous scratch of the kept shape
    in the accumulator dtype."""
    fn, params, scalar_args = kernel_function(module, f"reduce_{kind}", tensor_inputs + [out, acc],
                                              [d for _, d in scalar_inputs])
    in_params, (po, pa) = params[:-2], params[-2:]
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    sb = ScalarBuilder(kb, pa.dtype)
    init = sb.const(_identity(kind, pa.dtype)) if pa.dtype.kind != "b" else ir.Constant(ir.IntType(1), 0)
    with loop_nest(kb, pa.shape, [pa.strides]) as (off,):
        store(kb, init, pa.at(kb, off), pa.dtype)
    # accumulator strides seen from the input's index space: 0 along reduced axes
    acc_strides, k = [], 0
    for d in range(len(shape)):
        if d in axes:
            acc_strides.append(0)
        else:
            acc_strides.append(pa.strides[k] if pa.shape else 0)
            k += 1
    strides = [broadcast_strides(p.shape, p.strides, shape) for p in in_params] + [tuple(acc_strides)]
    with loop_nest(kb, shape, strides) as offsets:
        value, dt = element(kb, in_params, offsets[:-1], scalar_args)
        x = cast(kb, value, dt, pa.dtype)
        slot = pa.at(kb, offsets[-1])
        acc_value = load(kb, slot, pa.dtype)
        if kind in ("sum", "mean"):
            new = sb.add(acc_value, x)
            if pa.dtype.kind == "f":
                new.flags.extend(_FAST)
        else:
            new = sb.maximum(acc_value, x) if kind == "max" else sb.minimum(acc_value, x)
        store(kb, new, slot, pa.dtype)
    count = int(np.prod([shape[a] for a in axes], dtype=np.int64))
    out_strides = po.strides if len(po.shape) == len(pa.shape) else \
        tuple(s for d, s in enumerate(po.strides) if d not in axes)  # keepdims: skip the size-1 reduced dims
    with loop_nest(kb, pa.shape, [pa.strides, out_strides]) as (ai, oi):
        value = load(kb, pa.at(kb, ai), pa.dtype)
        if kind == "mean":
            value = kb.fdiv(value, sb.const(count)) if pa.dtype.kind == "f" else value
        store(kb, cast(kb, value, pa.dtype, po.dtype), po.at(kb, oi), po.dtype)
    kb.ret_void()
    call_kernel(b, fn, tensor_inputs + [out, acc], [v for v, _ in scalar_inputs])


def load_element(b: ir.IRBuilder, params: list[Buf], offsets: list, scalar_args: list):
    """The element of an unfused reduction: its one input, loaded."""
    return load(b, params[0].at(b, offsets[0]), params[0].dtype), params[0].dtype
