"""Matrix-vector products `A @ x`: dot products of four rows of A at a time with x, vectorized as reductions,
rows split across the thread pool. The product streams A once from memory, so both cores' bandwidth is what
counts; small ones run inline with no library call at all (a BLAS gemv call costs more than a 100x100 product)."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from .dims import same, size
from .kernel import kernel_args, kernel_function
from .loops import Buf, for_range, i64
from .parallel import CHUNKS_PER_THREAD, PARALLEL_MIN_ELEMENTS, emit_parallel_call, has_pool, parallel_threads
from .scalar import ScalarBuilder, cast, load, store

_FAST = ("reassoc", "contract", "nsz")
_INDEX = np.dtype(np.int64)
ROWS = 4  # rows per pass over x: x (often past L1) is loaded once for four rows of a


def emit_gemv(module: ir.Module, b: ir.IRBuilder, a: Buf, x: Buf, out: Buf, accumulate: bool, threads: int = 1,
              symbols=None) -> None:
    """out[i, 0] (+)= sum_k a[i, k] * x[k, 0] for 2-D a (m, k), x (k, 1) and out (m, 1)."""
    m, k = a.shape
    if same(m, 1) and isinstance(k, int) and k >= PARALLEL_MIN_ELEMENTS and threads > 1 and has_pool(module, symbols):
        _emit_split_dot(module, b, a, x, out, accumulate, threads, symbols)
        return
    fn, (pa, px, po), (lo, hi) = kernel_function(module, "gemv", [a, x, out], [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    sb = ScalarBuilder(kb, po.dtype)
    accs = [kb.alloca(sb.ty, name=f"acc{r}") for r in range(ROWS)]  # registers after mem2reg

    def rows(first, count: int) -> None:
        """Rows first .. first+count-1 in one pass over k: each x[k] loaded once serves all of them."""
        bases = [kb.mul(kb.add(first, i64(r)), size(kb, pa.strides[0]), flags=("nsw",)) for r in range(count)]
        slots = [po.at(kb, kb.mul(kb.add(first, i64(r)), size(kb, po.strides[0]), flags=("nsw",)))
                 for r in range(count)]
        for acc, slot in zip(accs, slots):
            kb.store(load(kb, slot, po.dtype) if accumulate else sb.const(0), acc)
        with for_range(kb, k, "k") as kk:
            xv = cast(kb, load(kb, px.at(kb, kb.mul(kk, size(kb, px.strides[0]), flags=("nsw",))), px.dtype),
                      px.dtype, po.dtype)
            column = kb.mul(kk, size(kb, pa.strides[1]), flags=("nsw",))
            for acc, base in zip(accs, bases):
                av = load(kb, pa.at(kb, kb.add(base, column, flags=("nsw",))), pa.dtype)
                term = sb.mul(cast(kb, av, pa.dtype, po.dtype), xv)
                total = sb.add(kb.load(acc), term)
                if po.dtype.kind == "f":
                    total.flags.extend(_FAST)
                    term.flags.extend(_FAST)
                kb.store(total, acc)
        for acc, slot in zip(accs, slots):
            store(kb, kb.load(acc), slot, po.dtype)

    blocks = kb.sdiv(kb.sub(hi, lo), i64(ROWS))
    with for_range(kb, blocks, "block") as blk:
        rows(kb.add(lo, kb.mul(blk, i64(ROWS))), ROWS)
    with for_range(kb, hi, "i", kb.add(lo, kb.mul(blocks, i64(ROWS)))) as i:
        rows(i, 1)
    kb.ret_void()
    threads = parallel_threads(threads, m * k) if not same(m, 1) else 1
    emit_parallel_call(module, b, fn, kernel_args(b, [a, x, out], []), m, threads, symbols, m * k)


def _emit_split_dot(module: ir.Module, b: ir.IRBuilder, a: Buf, x: Buf, out: Buf, accumulate: bool, threads: int,
                    symbols) -> None:
    """One long row, a dot product of vectors: pieces of k summed on the pool into partial sums, which this
    thread then adds up (one row cannot be split by rows)."""
    k = a.shape[1]
    pieces = threads * CHUNKS_PER_THREAD
    length = -(-k // pieces)
    sb = ScalarBuilder(b, out.dtype)
    with b.goto_entry_block():
        partials = b.alloca(sb.ty, size=pieces, name="partials")
    parts = Buf(partials, out.dtype, (pieces,), (1,))
    fn, (pa, px, pp), (lo, hi) = kernel_function(module, "dot_pieces", [a, x, parts], [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    kb_sb = ScalarBuilder(kb, pp.dtype)
    acc = kb.alloca(kb_sb.ty, name="acc")
    with for_range(kb, hi, "piece", lo) as piece:
        start = kb.mul(piece, i64(length), flags=("nsw",))
        end = kb.add(start, i64(length), flags=("nsw",))
        stop = kb.select(kb.icmp_signed("<", end, i64(k)), end, i64(k))
        kb.store(kb_sb.const(0), acc)
        with for_range(kb, stop, "k", start) as kk:
            av = load(kb, pa.at(kb, kb.mul(kk, size(kb, pa.strides[1]), flags=("nsw",))), pa.dtype)
            xv = load(kb, px.at(kb, kb.mul(kk, size(kb, px.strides[0]), flags=("nsw",))), px.dtype)
            term = kb_sb.mul(cast(kb, av, pa.dtype, pp.dtype), cast(kb, xv, px.dtype, pp.dtype))
            total = kb_sb.add(kb.load(acc), term)
            term.flags.extend(_FAST)
            total.flags.extend(_FAST)
            kb.store(total, acc)
        store(kb, kb.load(acc), pp.at(kb, piece), pp.dtype)
    kb.ret_void()
    emit_parallel_call(module, b, fn, kernel_args(b, [a, x, parts], []), pieces, threads, symbols, k)
    total = load(b, out.ptr, out.dtype) if accumulate else sb.const(0)
    for p in range(pieces):
        total = sb.add(total, load(b, parts.at(b, i64(p)), out.dtype))
    store(b, total, out.ptr, out.dtype)
