"""prod/any/all/argmax/argmin and the scans cumsum/cumprod: per element of the kept axes, one loop over the
reduced (or scanned) axes in memory order with a running accumulator. argmax/argmin count the position in C
order and keep the first extreme; a NaN is the extreme of float data, as in NumPy. Layouts a vector kernel fits
(argreduce.py) do not come here."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node
from jitc.ops.abstract import normalize_axes
from jitc.ops.folds import ARG_REDUCTIONS
from jitc.types import TensorType

from .argreduce import lower_arg_reduction
from .compact import check_nonempty
from .complex import parts
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
    check_nonempty(lw, kind, src.shape, axes)
    out = lw.result_buf(node.output)
    kept = [d for d in range(ndim) if d not in axes]
    view = _permuted(src, kept + sorted(axes))
    if kind in SCANS:
        target = _permuted(out, kept + sorted(axes))
        out_kept, out_inner = target.strides[:len(kept)], target.strides[len(kept):]
    else:
        out_kept = TensorType.contiguous(out.dtype, tuple(src.shape[d] for d in kept)).strides
        out_inner = (0,) * len(axes)
    k = len(kept)
    if kind in ARG_REDUCTIONS and src.dtype.kind != "c" and lower_arg_reduction(lw, kind, view, k, out, out_kept):
        return out
    fn, (ps, po), _ = kernel_function(lw.module, kind, [view, out], [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    with loop_nest(kb, view.shape[:k], [view.strides[:k], out_kept]) as (s0, o0):
        _fold_loop(kb, kind, ps, po, view.shape[k:], view.strides[k:], out_inner, s0, o0)
    kb.ret_void()
    call_kernel(lw.b, fn, [view, out], [])
    return out


def _fold_loop(kb, kind, ps: Buf, po: Buf, shape, strides, out_inner, s0, o0) -> None:
    """One output element (or one scanned line): the running accumulator over the reduced elements."""
    arg = kind in ("argmax", "argmin")
    acc_dtype = ps.dtype if arg else np.dtype(np.bool_) if kind in ("any", "all") else po.dtype
    if kind == "prod" and acc_dtype == np.float16:
        acc_dtype = np.dtype(np.float32)  # NumPy's half product accumulates in float32 (its scans round each step)
    sb = ScalarBuilder(kb, acc_dtype)
    with kb.goto_entry_block():
        acc, best, count = kb.alloca(value_type(acc_dtype)), kb.alloca(I64), kb.alloca(I64)
    if not arg:
        kb.store(ir.Constant(I1, IDENTITY[kind]) if acc_dtype.kind == "b" else sb.const(IDENTITY[kind]), acc)
    kb.store(i64(0), best)
    kb.store(i64(0), count)
    with loop_nest(kb, shape, [strides, out_inner]) as (s1, o1):
        x = load(kb, ps.at(kb, kb.add(s0, s1)), ps.dtype)
        n = kb.load(count)
        if arg:
            current = kb.load(acc)
            take = kb.or_(_better(kb, sb, kind, x, current), kb.icmp_signed("==", n, i64(0)))
            kb.store(kb.select(take, x, current), acc)
            kb.store(kb.select(take, n, kb.load(best)), best)
        else:
            new = _step(kb, sb, kind, kb.load(acc), cast(kb, x, ps.dtype, acc_dtype))
            kb.store(new, acc)
            if kind in SCANS:
                store(kb, new, po.at(kb, kb.add(o0, o1)), po.dtype)
        kb.store(kb.add(n, i64(1)), count)
    if kind not in SCANS:
        result = kb.load(best) if arg else kb.load(acc)
        store(kb, cast(kb, result, np.int64 if arg else acc_dtype, po.dtype), po.at(kb, o0), po.dtype)


def _step(kb: ir.IRBuilder, sb: ScalarBuilder, kind: str, acc, x):
    if kind == "any":
        return kb.or_(acc, x)
    if kind == "all":
        return kb.and_(acc, x)
    return sb.add(acc, x) if kind == "cumsum" else sb.mul(acc, x)


def _better(kb: ir.IRBuilder, sb: ScalarBuilder, kind: str, x, current):
    """x replaces the running extreme: strictly better, or the first NaN."""
    op = ">" if kind == "argmax" else "<"
    if sb.dtype.kind == "c":  # NumPy's complex argmax: real part, then imaginary; nothing replaces a NaN
        (a, b), (c, d) = parts(kb, x), parts(kb, current)
        nan_x = kb.or_(kb.fcmp_unordered("uno", a, a), kb.fcmp_unordered("uno", b, b))
        nan_current = kb.or_(kb.fcmp_unordered("uno", c, c), kb.fcmp_unordered("uno", d, d))
        better = kb.or_(kb.fcmp_ordered(op, a, c), kb.and_(kb.fcmp_ordered("==", a, c), kb.fcmp_ordered(op, b, d)))
        return kb.and_(kb.not_(nan_current), kb.or_(better, nan_x))
    better = kb.icmp_unsigned(op, x, current) if sb.is_bool else sb.cmp(op, x, current)
    if sb.is_float:
        better = kb.or_(better, kb.and_(kb.fcmp_unordered("uno", x, x), kb.fcmp_ordered("ord", current, current)))
    return better
