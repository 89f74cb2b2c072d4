"""Sorting along the last axis (np.sort, np.argsort): a bottom-up merge sort of each line's indices, stable (equal
keys keep their order: NumPy's kind='stable'; its default introsort leaves the order of equal keys unspecified),
NaN after every number as in NumPy. The indices ping-pong between two halves of a workspace; np.sort then
gathers the values, np.argsort stores the indices (int64)."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node

from .dims import size
from .kernel import call_kernel, kernel_function
from .loops import Buf, for_range, i64, loop_nest
from .scalar import I1, I64, load, store

I64_DTYPE = np.dtype(np.int64)


def lower_sort(lw, node: Node) -> Buf:
    src = lw.buf(node.inputs[0])
    out = lw.result_buf(node.output)
    n = src.shape[-1]
    work = lw.alloc(I64_DTYPE, (2 * n,))
    fn, (ps, po, pw), _ = kernel_function(lw.module, "sort", [src, out, work], [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    with kb.goto_entry_block():
        cursors = [kb.alloca(I64) for _ in range(3)]  # the left run's, the right run's, and the pass's width
    with loop_nest(kb, src.shape[:-1], [ps.strides[:-1], po.strides[:-1]]) as (so, oo):
        sorted_ = _sort_line(kb, ps, pw, so, size(kb, n), cursors)
        step, out_step = size(kb, ps.strides[-1]), size(kb, po.strides[-1])
        with for_range(kb, n, "out") as k:
            index = kb.load(kb.gep(sorted_, [k], inbounds=True))
            target = po.at(kb, kb.add(oo, kb.mul(k, out_step)))
            if node.kind == "aten::argsort":
                kb.store(index, target)
            else:
                value = load(kb, ps.at(kb, kb.add(so, kb.mul(index, step))), ps.dtype)
                store(kb, value, target, po.dtype)
    kb.ret_void()
    call_kernel(lw.b, fn, [src, out, work], [])
    return out


def _sort_line(kb: ir.IRBuilder, ps: Buf, pw: Buf, so, n, cursors):
    """The line's indices in sorted order: a pointer into the workspace (the half the last pass wrote)."""
    first, second = pw.ptr, kb.gep(pw.ptr, [n], inbounds=True)
    step = size(kb, ps.strides[-1])

    def key(index_ptr):
        return load(kb, ps.at(kb, kb.add(so, kb.mul(kb.load(index_ptr), step))), ps.dtype)

    with for_range(kb, n, "iota") as k:
        kb.store(k, kb.gep(first, [k], inbounds=True))
    left, right, width_slot = cursors
    kb.store(i64(1), width_slot)
    header, body, done = (kb.append_basic_block(f"merge.{s}") for s in ("header", "pass", "done"))
    entry = kb.block
    kb.branch(header)
    kb.position_at_end(header)
    src = kb.phi(first.type, "from")
    dst = kb.phi(first.type, "to")
    src.add_incoming(first, entry)
    dst.add_incoming(second, entry)
    width = kb.load(width_slot)
    kb.cbranch(kb.icmp_signed("<", width, n), body, done)
    kb.position_at_end(body)
    pair = kb.mul(width, i64(2))
    runs = kb.sdiv(kb.add(n, kb.sub(pair, i64(1))), pair)
    last = kb.sub(n, i64(1))
    with for_range(kb, runs, "run") as r:
        lo = kb.mul(r, pair)
        mid = _min(kb, kb.add(lo, width), n)
        hi = _min(kb, kb.add(lo, pair), n)
        kb.store(lo, left)
        kb.store(mid, right)
        with for_range(kb, hi, "merge", lo) as k:
            i, j = kb.load(left), kb.load(right)
            at_i = kb.gep(src, [_min(kb, i, last)], inbounds=True)  # (never read past the line when a run is done)
            at_j = kb.gep(src, [_min(kb, j, last)], inbounds=True)
            right_first = _less(kb, key(at_j), key(at_i), ps.dtype)
            take_left = kb.and_(kb.icmp_signed("<", i, mid),
                                kb.or_(kb.icmp_signed(">=", j, hi), kb.not_(right_first)))
            kb.store(kb.load(kb.select(take_left, at_i, at_j)), kb.gep(dst, [k], inbounds=True))
            kb.store(kb.add(i, kb.zext(take_left, I64)), left)
            kb.store(kb.add(j, kb.zext(kb.not_(take_left), I64)), right)
    kb.store(pair, width_slot)
    src.add_incoming(dst, kb.block)
    dst.add_incoming(src, kb.block)
    kb.branch(header)
    kb.position_at_end(done)
    return src


def _min(kb: ir.IRBuilder, a, b):
    return kb.select(kb.icmp_signed("<", a, b), a, b)


def _less(kb: ir.IRBuilder, x, y, dtype: np.dtype):
    """x sorts before y: NumPy's order (NaN after every number; booleans False first)."""
    if dtype.kind == "f":
        return kb.or_(kb.fcmp_ordered("<", x, y), kb.and_(kb.fcmp_unordered("uno", y, y), kb.fcmp_ordered("ord", x, x)))
    if dtype.kind == "i":
        return kb.icmp_signed("<", x, y)
    if x.type == I1:
        return kb.and_(kb.not_(x), y)
    return kb.icmp_unsigned("<", x, y)
