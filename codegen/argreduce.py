"""argmax/argmin in vector registers. NumPy's answer is the first position of the extreme in C order, and a NaN
is the extreme of float data (the first NaN wins).

A contiguous run (the reduced axes innermost, or a whole contiguous array) goes block by block: a block's per-lane
extreme is a tree of vector max/min (NaN-propagating), compared with the running per-lane extreme; a lane that
improves records the block number. At the end the lanes agree on the extreme; the earliest block recorded by a lane
holding it is searched again with one vector compare per vector, and its first match is the answer (a lane records
only strict improvements, so no earlier block holds the extreme). A large run splits into pieces on the thread pool,
whose (extreme, position) results are combined in order; many runs split by runs.
One reduced axis that is not innermost (`argmax(axis=0)` of a C array) keeps a row of running extremes and positions
across a unit-stride kept axis, a loop LLVM vectorizes. Other layouts take fold.py's scalar loop."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from .dims import symbolic_bufs
from .kernel import declare, kernel_args, kernel_function
from .loops import Buf, collapse, for_range, i64, loop_nest
from .parallel import CHUNKS_PER_THREAD, PARALLEL_MIN_ELEMENTS, emit_parallel_call, has_pool
from .scalar import I1, I32, I64, store, value_type

VECTOR_BYTES = 64  # one zmm register
UNROLL = 8  # vectors per block: a max tree of independent loads, one loop-carried compare per block
_INDEX = np.dtype(np.int64)


class _Compare:
    """The extreme's comparisons for one dtype, on scalars and on vectors alike. Bools compare as bytes."""

    def __init__(self, kb: ir.IRBuilder, kind: str, dtype: np.dtype):
        self.kb, self.kind = kb, kind
        self.dtype = np.dtype(np.uint8) if dtype.kind == "b" else dtype
        self.is_float = self.dtype.kind == "f"
        self.elem = value_type(self.dtype)
        self.lanes = VECTOR_BYTES // self.dtype.itemsize
        self.vty = ir.VectorType(self.elem, self.lanes)

    def better(self, x, current):
        """x replaces the running extreme: strictly better, or the first NaN."""
        kb, op = self.kb, ">" if self.kind == "argmax" else "<"
        if not self.is_float:
            return kb.icmp_signed(op, x, current) if self.dtype.kind == "i" else kb.icmp_unsigned(op, x, current)
        nan_first = kb.and_(kb.fcmp_unordered("uno", x, x), kb.fcmp_ordered("ord", current, current))
        return kb.or_(kb.fcmp_ordered(op, x, current), nan_first)

    def same(self, x, extreme):
        """x is the extreme (NaN matches NaN; -0.0 matches 0.0, which NumPy does not order either)."""
        kb = self.kb
        if not self.is_float:
            return kb.icmp_unsigned("==", x, extreme)
        both_nan = kb.and_(kb.fcmp_unordered("uno", x, x), kb.fcmp_unordered("uno", extreme, extreme))
        return kb.or_(kb.fcmp_ordered("==", x, extreme), both_nan)

    def vector_extreme(self, x, y):
        """Lane-wise max/min of two vectors, NaN-propagating (vmaxps plus an unordered compare with `nsz`)."""
        short = "max" if self.kind == "argmax" else "min"
        if self.is_float:
            name, suffix = f"llvm.{short}imum", f"f{self.dtype.itemsize * 8}"
        else:
            name, suffix = f"llvm.{'s' if self.dtype.kind == 'i' else 'u'}{short}", f"i{self.dtype.itemsize * 8}"
        fn = declare(self.kb.module, f"{name}.v{self.lanes}{suffix}", self.vty, [self.vty, self.vty])
        return self.kb.call(fn, [x, y], fastmath=("nsz",) if self.is_float else ())

    def splat(self, value, vty=None):
        vty = vty or self.vty
        undef = ir.Constant(vty, ir.Undefined)
        one = self.kb.insert_element(undef, value, ir.Constant(I32, 0))
        return self.kb.shuffle_vector(one, undef, ir.Constant(ir.VectorType(I32, vty.count), [0] * vty.count))


def _pointer(kb, buf: Buf, offset, ty):
    return kb.bitcast(buf.at(kb, offset), ty.as_pointer())


def arg_run(kb: ir.IRBuilder, kind: str, src: Buf, base, n, unroll: int = UNROLL):
    """(extreme, i64 position) of src[base : base + n], contiguous, n >= 1 (n an i64 value or an int)."""
    c = _Compare(kb, kind, src.dtype)
    n = i64(n) if isinstance(n, int) else n
    block = c.lanes * unroll
    with kb.goto_entry_block():
        extreme_slot, index_slot, tail_slot = kb.alloca(c.elem), kb.alloca(I64), kb.alloca(I64)
        best_slot, blk_slot = kb.alloca(c.vty), kb.alloca(ir.VectorType(I64, c.lanes))
    blocks = kb.udiv(n, i64(block))

    def load_vector(offset):
        return kb.load(_pointer(kb, src, offset, c.vty), align=c.dtype.itemsize)

    def block_extreme(start):
        values = [load_vector(kb.add(start, i64(u * c.lanes))) for u in range(unroll)]
        while len(values) > 1:
            values = [c.vector_extreme(values[j], values[j + 1]) if j + 1 < len(values) else values[j]
                      for j in range(0, len(values), 2)]
        return values[0]

    with kb.if_else(kb.icmp_unsigned(">", blocks, i64(0))) as (vectors, scalar):
        with vectors:
            kb.store(block_extreme(base), best_slot)
            kb.store(ir.Constant(blk_slot.type.pointee, [0] * c.lanes), blk_slot)
            with for_range(kb, blocks, "blk", 1) as bi:
                m = block_extreme(kb.add(base, kb.mul(bi, i64(block))))
                best = kb.load(best_slot)
                take = c.better(m, best)
                kb.store(kb.select(take, m, best), best_slot)
                kb.store(kb.select(take, c.splat(bi, blk_slot.type.pointee), kb.load(blk_slot)), blk_slot)
            extreme, first_block = _across_lanes(kb, c, kb.load(best_slot), kb.load(blk_slot))
            start = kb.mul(first_block, i64(block))
            kb.store(kb.add(start, _first_match(kb, c, src, kb.add(base, start), extreme, unroll)), index_slot)
            kb.store(extreme, extreme_slot)
            kb.store(kb.mul(blocks, i64(block)), tail_slot)
        with scalar:
            kb.store(kb.load(_pointer(kb, src, base, c.elem)), extreme_slot)
            kb.store(i64(0), index_slot)
            kb.store(i64(1), tail_slot)
    with for_range(kb, n, "tail", kb.load(tail_slot)) as i:  # after the last whole block, in order
        x = kb.load(_pointer(kb, src, kb.add(base, i), c.elem))
        current = kb.load(extreme_slot)
        take = c.better(x, current)
        kb.store(kb.select(take, x, current), extreme_slot)
        kb.store(kb.select(take, i, kb.load(index_slot)), index_slot)
    return kb.load(extreme_slot), kb.load(index_slot), c


def _across_lanes(kb, c: _Compare, values, blocks):
    """(the extreme of the lanes, the earliest block recorded by a lane holding it): a tree of halves."""
    width = c.lanes
    while width > 1:
        half = width // 2
        pick = [ir.Constant(ir.VectorType(I32, half), list(range(start, start + half))) for start in (0, half)]
        lo, hi = (kb.shuffle_vector(values, values, p) for p in pick)
        blo, bhi = (kb.shuffle_vector(blocks, blocks, p) for p in pick)
        take = kb.or_(c.better(hi, lo), kb.and_(c.same(hi, lo), kb.icmp_signed("<", bhi, blo)))
        values, blocks = kb.select(take, hi, lo), kb.select(take, bhi, blo)
        width = half
    zero = ir.Constant(I32, 0)
    return kb.extract_element(values, zero), kb.extract_element(blocks, zero)


def _first_match(kb, c: _Compare, src: Buf, start, extreme, unroll: int):
    """The position in the block at `start` of the first element equal to the extreme (one is there)."""
    wide = ir.IntType(c.lanes)
    cttz = declare(kb.module, f"llvm.cttz.i{c.lanes}", wide, [wide, I1])
    target = c.splat(extreme)
    found = i64(0)
    for u in reversed(range(unroll)):
        v = kb.load(_pointer(kb, src, kb.add(start, i64(u * c.lanes)), c.vty), align=c.dtype.itemsize)
        bits = kb.bitcast(c.same(v, target), wide)
        lane = kb.zext(kb.call(cttz, [bits, ir.Constant(I1, 0)]), I64) if c.lanes < 64 else \
            kb.call(cttz, [bits, ir.Constant(I1, 0)])
        hit = kb.icmp_unsigned("!=", bits, ir.Constant(wide, 0))
        found = kb.select(hit, kb.add(i64(u * c.lanes), lane), found)
    return found


def lower_arg_reduction(lw, kind: str, view: Buf, k: int, out: Buf, out_kept: tuple) -> bool:
    """Emit argmax/argmin of `view` (kept dims first, then the k-th dim on the reduced ones) into out when a
    vector kernel fits the layout (sizes known when compiling); False leaves it to the scalar loop."""
    if symbolic_bufs((view, out)):
        return False
    run_shape, (run_strides,) = collapse(view.shape[k:], [view.strides[k:]])
    if len(run_shape) != 1:
        return False
    if run_strides == (1,):
        if k == 0 or int(np.prod(view.shape[:k], dtype=np.int64)) == 1:
            _one_run(lw, kind, view, run_shape[0], out)
        else:
            _runs(lw, kind, view, k, run_shape[0], out, out_kept)
        return True
    unit = [d for d in range(k) if view.strides[d] == 1 and view.shape[d] > 1]
    if not unit:
        return False
    _across(lw, kind, view, k, unit[-1], run_shape[0], run_strides[0], out, out_kept)
    return True


def _one_run(lw, kind: str, src: Buf, n: int, out: Buf) -> None:
    """One result over a contiguous run of n: in pieces on the thread pool when large."""
    threads = lw.threads if n >= PARALLEL_MIN_ELEMENTS and has_pool(lw.module, lw.symbols) else 1
    if threads == 1:
        fn, (ps, po), _ = kernel_function(lw.module, kind, [src, out], [])
        kb = ir.IRBuilder(fn.append_basic_block("entry"))
        _, index, _ = arg_run(kb, kind, ps, i64(0), n, max(1, min(UNROLL, n // _Compare(kb, kind, src.dtype).lanes)))
        store(kb, index, po.ptr, po.dtype)
        kb.ret_void()
        lw.b.call(fn, kernel_args(lw.b, [src, out], []))
        return
    lanes = _Compare(lw.b, kind, src.dtype).lanes * UNROLL
    step = -(-n // (threads * CHUNKS_PER_THREAD) // lanes) * lanes  # whole blocks per piece
    pieces = -(-n // step)
    values = lw.alloc(np.dtype(np.uint8) if src.dtype.kind == "b" else src.dtype, (pieces,))
    positions = lw.alloc(_INDEX, (pieces,))
    fn, (ps, pv, pp), (lo, hi) = kernel_function(lw.module, f"{kind}.pieces", [src, values, positions],
                                                 [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    with for_range(kb, hi, "piece", lo) as p:
        start = kb.mul(p, i64(step), flags=("nsw",))
        rest = kb.sub(i64(n), start)
        length = kb.select(kb.icmp_signed("<", rest, i64(step)), rest, i64(step))
        extreme, index, _ = arg_run(kb, kind, ps, start, length)
        kb.store(extreme, pv.at(kb, p))
        kb.store(kb.add(start, index), pp.at(kb, p))
    kb.ret_void()
    emit_parallel_call(lw.module, lw.b, fn, kernel_args(lw.b, [src, values, positions], []), pieces, threads,
                       lw.symbols)
    fn, (pv, pp, po), _ = kernel_function(lw.module, f"{kind}.combine", [values, positions, out], [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    c = _Compare(kb, kind, src.dtype)
    with kb.goto_entry_block():
        extreme_slot, index_slot = kb.alloca(c.elem), kb.alloca(I64)
    kb.store(kb.load(pv.ptr), extreme_slot)
    kb.store(kb.load(pp.ptr), index_slot)
    with for_range(kb, pieces, "piece", 1) as p:  # in order: a later piece wins only when strictly better
        x, current = kb.load(pv.at(kb, p)), kb.load(extreme_slot)
        take = c.better(x, current)
        kb.store(kb.select(take, x, current), extreme_slot)
        kb.store(kb.select(take, kb.load(pp.at(kb, p)), kb.load(index_slot)), index_slot)
    store(kb, kb.load(index_slot), po.ptr, po.dtype)
    kb.ret_void()
    lw.b.call(fn, kernel_args(lw.b, [values, positions, out], []))


def _runs(lw, kind: str, view: Buf, k: int, n: int, out: Buf, out_kept: tuple) -> None:
    """One result per kept index, each over a contiguous run of n; threads split the kept indices."""
    fn, (ps, po), (lo, hi) = kernel_function(lw.module, f"{kind}.rows", [view, out], [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    lanes = _Compare(kb, kind, view.dtype).lanes
    kept_strides = [view.strides[:k], out_kept]
    with loop_nest(kb, view.shape[:k], kept_strides, outer=(lo, hi)) as (s0, o0):
        _, index, _ = arg_run(kb, kind, ps, s0, n, max(1, min(UNROLL, n // lanes)))
        store(kb, index, po.at(kb, o0), po.dtype)
    kb.ret_void()
    first = collapse(view.shape[:k], kept_strides)[0][0]
    threads = lw.threads if view.size >= PARALLEL_MIN_ELEMENTS else 1
    emit_parallel_call(lw.module, lw.b, fn, kernel_args(lw.b, [view, out], []), first, threads, lw.symbols)


def _across(lw, kind: str, view: Buf, k: int, j: int, n: int, stride: int, out: Buf, out_kept: tuple) -> None:
    """One reduced axis (n, stride) with kept dim j of unit stride: running extremes and positions for a row of
    kept dim j, updated for each position on the reduced axis (vectorized across j)."""
    width = view.shape[j]
    best = lw.alloc(np.dtype(np.uint8) if view.dtype.kind == "b" else view.dtype, (width,))
    fn, (ps, pb, po), _ = kernel_function(lw.module, f"{kind}.across", [view, best, out], [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    c = _Compare(kb, kind, view.dtype)
    others = [d for d in range(k) if d != j]
    oj = out_kept[j]
    with loop_nest(kb, tuple(view.shape[d] for d in others), [tuple(view.strides[d] for d in others),
                                                               tuple(out_kept[d] for d in others)]) as (s0, o0):
        with for_range(kb, width, "j0") as jj:
            x = kb.load(_pointer(kb, ps, kb.add(s0, jj), c.elem))
            kb.store(x, pb.at(kb, jj))
            store(kb, i64(0), po.at(kb, kb.add(o0, kb.mul(jj, i64(oj)))), po.dtype)
        with for_range(kb, n, "r", 1) as r:
            row = kb.add(s0, kb.mul(r, i64(stride)))
            with for_range(kb, width, "j") as jj:
                x = kb.load(_pointer(kb, ps, kb.add(row, jj), c.elem))
                slot, at = pb.at(kb, jj), po.at(kb, kb.add(o0, kb.mul(jj, i64(oj))))
                current = kb.load(slot)
                take = c.better(x, current)
                kb.store(kb.select(take, x, current), slot)
                kb.store(kb.select(take, r, kb.load(at)), at)
    kb.ret_void()
    lw.b.call(fn, kernel_args(lw.b, [view, best, out], []))
