"""prod/any/all/argmax/argmin and the scans cumsum/cumprod: per element of the kept axes, one loop over the
reduced (or scanned) axes in memory order with a running accumulator. argmax/argmin count the position in C
order and keep the first extreme; a NaN is the extreme of float data, as in NumPy."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node
from jitc.ops.abstract import normalize_axes
from jitc.types import TensorType

from .kernel import call_kernel, kernel_function
from .loops import Buf, i64, loop_nest
from .scalar import I1, I64, ScalarBuilder, cast, load, store, value_type

SCANS = {"cumsum": "add", "cumprod": "mul"}
IDENTITY = {"prod": 1, "cumsum": 0, "cumprod": 1, "any": False, "all": True}


def _permuted(buf: Buf, order: list[int]) -> Buf:
    return Buf(buf.ptr, buf.dtype, tuple(buf.shape[d] for d in order), tuple(buf.strides[d] for d in order))


def lower_fold(lw, node: Node) -> Buf:
    kind = node.kind.split("::")[1]
    src = lw.buf(node.inputs[0])
    ndim = len(src.shape)
    axes = normalize_axes(lw.const(node.inputs[1]), ndim, kind)
    out = lw.result_buf(node.output)
    kept = [d for d in range(ndim) if d not in axes]
    order = kept + sorted(axes)
    view = _permuted(src, order)
    if kind in SCANS:
        target = _permuted(out, order)
        out_kept, out_inner = target.strides[:len(kept)], target.strides[len(kept):]
    else:
        out_kept = TensorType.contiguous(out.dtype, tuple(src.shape[d] for d in kept)).strides
        out_inner = (0,) * len(axes)
    fn, (ps, po), _ = kernel_function(lw.module, kind, [view, out], [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    arg = kind in ("argmax", "argmin")
    acc_dtype = ps.dtype if arg else np.dtype(np.bool_) if kind in ("any", "all") else po.dtype
    acc = kb.alloca(value_type(acc_dtype))
    best = kb.alloca(I64)
    count = kb.alloca(I64)
    k = len(kept)
    sb = ScalarBuilder(kb, acc_dtype)
    with loop_nest(kb, view.shape[:k], [view.strides[:k], out_kept]) as (s0, o0):
        if not arg:
            kb.store(ir.Constant(I1, IDENTITY[kind]) if acc_dtype.kind == "b" else sb.const(IDENTITY[kind]), acc)
        kb.store(i64(0), best)
        kb.store(i64(0), count)
        with loop_nest(kb, view.shape[k:], [view.strides[k:], out_inner]) as (s1, o1):
            x = load(kb, ps.at(kb, kb.add(s0, s1)), ps.dtype)
            n = kb.load(count)
            if arg:
                _arg_step(kb, sb, kind, x, acc, best, n)
            else:
                new = _step(kb, sb, kind, kb.load(acc), cast(kb, x, ps.dtype, acc_dtype))
                kb.store(new, acc)
                if kind in SCANS:
                    store(kb, new, po.at(kb, kb.add(o0, o1)), po.dtype)
            kb.store(kb.add(n, i64(1)), count)
        if kind not in SCANS:
            result = kb.load(best) if arg else kb.load(acc)
            store(kb, cast(kb, result, np.int64 if arg else acc_dtype, po.dtype), po.at(kb, o0), po.dtype)
    kb.ret_void()
    call_kernel(lw.b, fn, [view, out], [])
    return out


def _step(kb: ir.IRBuilder, sb: ScalarBuilder, kind: str, acc, x):
    if kind == "any":
        return kb.or_(acc, x)
    if kind == "all":
        return kb.and_(acc, x)
    return sb.add(acc, x) if kind == "cumsum" else sb.mul(acc, x)


def _arg_step(kb: ir.IRBuilder, sb: ScalarBuilder, kind: str, x, acc, best, n) -> None:
    """Take x when it is the first element, strictly better, or the first NaN."""
    current = kb.load(acc)
    better = sb.cmp(">" if kind == "argmax" else "<", x, current) if not sb.is_bool else \
        kb.icmp_unsigned(">" if kind == "argmax" else "<", x, current)
    if sb.is_float:
        first_nan = kb.and_(kb.fcmp_unordered("uno", x, x), kb.fcmp_ordered("ord", current, current))
        better = kb.or_(better, first_nan)
    take = kb.or_(better, kb.icmp_signed("==", n, i64(0)))
    kb.store(kb.select(take, x, current), acc)
    kb.store(kb.select(take, n, kb.load(best)), best)
