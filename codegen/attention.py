"""The fused attention kernel (jitc/passes/attnfuse.py): out = rows(a @ b) @ v in one kernel over work items of
(batch, block of query rows). An item computes its rows of the scores with our GEMM's micro-kernels (gemm.py),
runs the row group on them in place (rows.py: softmax's passes find the rows in L1), and multiplies them by v,
while they are still in cache. b and v are laid out as strips for the micro-kernels once per batch: inside the
item when one item covers a batch's rows, else by a first parallel pass; read in place when their rows are
contiguous and their strips whole (gemm.strips_in_place). Threads split the items."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Graph
from jitc.types import TensorType

from .gemm import PARALLEL_MIN_FLOPS, Blocking, batch_offsets, emit_panel, micro_kernels, pack_strip, strips_in_place
from .kernel import kernel_args, kernel_function
from .loops import Buf, for_range, i64
from .parallel import emit_parallel_call, has_pool
from .rows import RowKernel
from .scalar import value_type

_INDEX = np.dtype(np.int64)
ITEMS_PER_THREAD = 2
ROW_BLOCK_BYTES = 128 * 1024  # an item's rows of scores stay in L2 between its three steps


def _row_blocks(m: int, mr: int, nbatch: int, row_bytes: int, threads: int) -> tuple[int, int]:
    """(rows per block, blocks per batch): enough items for the threads, each block's scores within L2."""
    tiles = -(-m // mr)
    blocks = max(-(-threads * ITEMS_PER_THREAD // nbatch) if threads > 1 else 1,
                 -(-m * row_bytes // ROW_BLOCK_BYTES))
    per_block = -(-tiles // min(blocks, tiles))
    return per_block * mr, -(-tiles // per_block)


def emit_attention(module: ir.Module, b: ir.IRBuilder, a: Buf, w: Buf, v: Buf, scores: Buf, out: Buf,
                   row_sub: Graph, row_inputs: list, alloc, threads: int = 1, symbols=None) -> None:
    """out = rows(a @ w) @ v, a (..., M, K), w (..., K, N), v (..., N, D) batched to out's batch dims (zero
    strides broadcast); out's rows contiguous. `scores` (..., M, N), contiguous, holds each item's rows; `row_inputs` are the row
    group's inputs (Bufs, (llvm scalar, dtype) pairs), `scores` standing for the product."""
    first, second = Blocking(a, w, scores), Blocking(scores, v, out)
    nbatch, m = first.nbatch, first.m
    if not has_pool(module, symbols) or nbatch * m * (first.n * first.k + second.n * second.k) < PARALLEL_MIN_FLOPS:
        threads = 1
    rows_per_block, row_blocks = _row_blocks(m, first.mr, nbatch, first.n * scores.dtype.itemsize, threads)
    direct = strips_in_place(first, w.strides[-2:]), strips_in_place(second, v.strides[-2:])
    w_size, v_size = (0 if d else s.strips * s.k * s.nr for d, s in zip(direct, (first, second)))
    packed_w, packed_v = alloc(w.dtype, (max(nbatch * w_size, 1),)), alloc(v.dtype, (max(nbatch * v_size, 1),))
    extra = [x for x in row_inputs if isinstance(x, Buf) and x is not scores]
    scalars = [x for x in row_inputs if not isinstance(x, Buf)]
    bufs = [a, w, v, scores, out, packed_w, packed_v] + extra
    if row_blocks > 1 and w_size + v_size:
        _emit_packing(module, b, bufs[:7], first, second, w_size, v_size, threads, symbols)
    fn, params, args = kernel_function(module, "attention", bufs, [dt for _, dt in scalars] + [_INDEX, _INDEX])
    pa, pw, pv, ps, po, pkw, pkv = params[:7]
    row_params = iter(params[7:])
    tensors = [ps if x is scores else next(row_params) for x in row_inputs if isinstance(x, Buf)]
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    tile = kb.alloca(ir.ArrayType(value_type(out.dtype), first.mr * first.nr))
    tile.align = 64
    tile = kb.bitcast(tile, pa.ptr.type)
    body = fn.append_basic_block("items")
    kb.branch(body)
    kb.position_at_end(body)
    row_kernel = RowKernel(row_sub, tuple(scores.shape), tensors, [ps], args[:-2], scalars)
    k1, k2 = micro_kernels(module, first, first.a_strides), micro_kernels(module, second, second.a_strides)
    lo, hi = args[-2:]
    with for_range(kb, hi, "item", lo) as item:
        bi, block = kb.udiv(item, i64(row_blocks)), kb.urem(item, i64(row_blocks))
        oa, ow, ov, os_, oo = batch_offsets(kb, bi, first.batch, [pa, pw, pv, ps, po])
        sources = []  # (where the micro-kernels read w and v, their row stride: None when packed)
        for s, src, at, packed, packed_size in ((first, pw, ow, pkw, w_size), (second, pv, ov, pkv, v_size)):
            if not packed_size:
                sources.append((src.at(kb, at), src.strides[-2]))
                continue
            strips = packed.at(kb, kb.mul(bi, i64(packed_size)))
            if row_blocks == 1:
                _pack(kb, s, src.at(kb, at), src.strides[-2:], strips)
            sources.append((strips, None))
        (w_strips, w_rows), (v_strips, v_rows) = sources
        r0 = kb.mul(block, i64(rows_per_block))
        rows = kb.select(kb.icmp_signed("<", kb.sub(i64(m), r0), i64(rows_per_block)), kb.sub(i64(m), r0),
                         i64(rows_per_block))
        s_at = ps.at(kb, kb.add(os_, kb.mul(r0, i64(first.n))))
        emit_panel(kb, first, k1, pa.at(kb, kb.add(oa, kb.mul(r0, i64(pa.strides[-2])))), rows, w_strips, s_at,
                   first.n, tile, w_rows)
        with for_range(kb, rows, "query") as i:
            row_kernel.emit(kb, kb.add(kb.add(kb.mul(bi, i64(m)), r0), i))
        emit_panel(kb, second, k2, s_at, rows, v_strips, po.at(kb, kb.add(oo, kb.mul(r0, i64(po.strides[-2])))),
                   po.strides[-2], tile, v_rows)
    kb.ret_void()
    items = nbatch * row_blocks
    emit_parallel_call(module, b, fn, kernel_args(b, bufs, [x for x, _ in scalars]), items, threads, symbols,
                       chunks=items)


def _pack(kb, s: Blocking, src, strides: tuple, dst) -> None:
    """All strips of one batch's right operand, laid out for the micro-kernels."""
    with for_range(kb, s.strips, "pack.strip") as strip:
        pack_strip(kb, s, src, strides[0], strides[1], strip, kb.gep(dst, [kb.mul(strip, i64(s.k * s.nr))]))


def _emit_packing(module, b, bufs: list[Buf], first: Blocking, second: Blocking, w_size: int, v_size: int,
                  threads: int, symbols) -> None:
    """Every batch's w and v laid out as strips, a batch per work item (when several items share a batch)."""
    fn, (_, pw, pv, _, _, pkw, pkv), (lo, hi) = kernel_function(module, "attention.pack", bufs, [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    with for_range(kb, hi, "batch", lo) as bi:
        ow, ov = batch_offsets(kb, bi, first.batch, [pw, pv])
        for s, src, at, packed, packed_size in ((first, pw, ow, pkw, w_size), (second, pv, ov, pkv, v_size)):
            if packed_size:
                _pack(kb, s, src.at(kb, at), src.strides[-2:], packed.at(kb, kb.mul(bi, i64(packed_size))))
    kb.ret_void()
    emit_parallel_call(module, b, fn, kernel_args(b, bufs, []), first.nbatch, threads if first.nbatch > 1 else 1,
                       symbols)


def is_attention(sub: Graph) -> bool:
    """A group made by attention fusion: product, row group, product (and constants)."""
    kinds = [n.kind for n in sub.block.nodes if n.kind != "prim::Constant"]
    return kinds == ["aten::matmul", "prim::FusionGroup", "aten::matmul"] and isinstance(sub.outputs[0].type,
                                                                                         TensorType)
