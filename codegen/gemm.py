"""Our own GEMM: out[..., i, j] (+)= sum_k a[..., i, k] * w[..., k, j] for float32/float64, register- and
cache-blocked, for code with no BLAS (exported libraries) and products too small for a BLAS call.

The columns of the output split into strips of NR = 2 vectors (a last strip of at most one vector runs a one-vector
kernel, not FMAs on padding). A strip of w is read with rows NR wide: in place
when w's rows are contiguous, else (and for the last, partial strip) from a zero-padded copy made once per call
(`x @ W.T`), or laid out when the module is built when w is a constant (an exported model's weights). The
micro-kernel keeps an MR x NR tile of the output in 2*MR vector registers and, for each k, broadcasts MR
elements of a against the strip's two vectors (2*MR FMAs per 2 vector loads). k runs in blocks of KC, so a
strip's block (16 KB) stays in L1 while every row tile passes over it. Tiles at the edges (rows past m, columns
past n) run on a scratch tile and copy their valid part back; rows past m read the last row of a (their results
are dropped), so nothing is read or written out of bounds. Threads split (batch, strip, block of row tiles)."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from .dims import size
from .kernel import declare, kernel_args, kernel_function
from .loops import Buf, for_range, i64
from .parallel import emit_parallel_call, has_pool
from .scalar import I1, I32, I64, value_type

VECTOR_BYTES = 64
MR = 8  # rows of a tile: 2*MR accumulators + 2 strip vectors + 1 broadcast fit the 32 zmm registers
STRIP_BLOCK_BYTES = 16 * 1024  # KC rows of a strip: a quarter of L1 (32 KB on Zen 4)
WORK_ITEMS_PER_THREAD = 4
GEMM_MIN_FLOPS = 16 ** 3  # below this the plain loops of matmul.py are as fast
PARALLEL_MIN_FLOPS = 1 << 18  # about 3 us on one core: less is not worth waking the pool
_INDEX = np.dtype(np.int64)


def lanes(dtype) -> int:
    return VECTOR_BYTES // np.dtype(dtype).itemsize


def gemm_fits(a: Buf, w: Buf, out: Buf) -> bool:
    """Float operands of one dtype, an output with contiguous rows, and enough work for tiles."""
    m, k = a.shape[-2:]
    n = w.shape[-1]
    if not (a.dtype == w.dtype == out.dtype and out.dtype.kind == "f" and out.strides[-1] == 1):
        return False
    return m * n * k >= GEMM_MIN_FLOPS and n >= lanes(out.dtype) // 2 and k >= 4


class Blocking:
    """The blocking of one product."""

    def __init__(self, a: Buf, w: Buf, out: Buf):
        self.dtype = out.dtype
        self.m, self.k = a.shape[-2:]
        self.a_strides = tuple(a.strides[-2:])
        self.n = w.shape[-1]
        self.batch = out.shape[:-2]
        self.nbatch = int(np.prod(self.batch, dtype=np.int64)) if self.batch else 1
        self.lanes = lanes(self.dtype)
        self.nr = 2 * self.lanes
        self.mr = min(MR, self.m)
        self.kc = max(16, STRIP_BLOCK_BYTES // (self.nr * self.dtype.itemsize))
        self.strips = -(-self.n // self.nr)
        self.full_strips = self.n // self.nr
        self.tiles = -(-self.m // self.mr)
        self.narrow_tail = 0 < self.n % self.nr <= self.lanes  # the last strip fits one vector
        self.row_blocks, self.tiles_per_block = 1, self.tiles

    def split_rows(self, threads: int) -> None:
        """Blocks of row tiles as further work items when (batch, strip) pairs are too few to keep `threads`
        busy, or do not divide among them evenly (9 strips on 2 threads leave one waiting for a strip's time)."""
        if threads <= 1:
            return
        pairs = self.nbatch * self.strips
        least = min(self.tiles, -(-threads * WORK_ITEMS_PER_THREAD // pairs))

        def longest(blocks: int) -> int:  # tiles the busiest thread runs
            per_block = -(-self.tiles // blocks)
            return -(-pairs * -(-self.tiles // per_block) // threads) * per_block

        blocks = min(range(least, self.tiles + 1), key=lambda r: (longest(r), r))
        self.tiles_per_block = -(-self.tiles // blocks)
        self.row_blocks = -(-self.tiles // self.tiles_per_block)

    @property
    def items(self) -> int:
        return self.nbatch * self.strips * self.row_blocks


def pack_constant(w: np.ndarray, nr: int) -> np.ndarray:
    """A constant 2-D w laid out as its strips: [strip][k][nr], zero-padded past n."""
    k, n = w.shape
    strips = -(-n // nr)
    padded = np.zeros((k, strips * nr), w.dtype)
    padded[:, :n] = w
    return np.ascontiguousarray(padded.reshape(k, strips, nr).transpose(1, 0, 2))


def emit_gemm(module: ir.Module, b: ir.IRBuilder, a: Buf, w: Buf, out: Buf, accumulate: bool, alloc,
              threads: int = 1, symbols=None, packed: Buf | None = None) -> None:
    """out (+)= a @ w; all three 2-D or batched with equal batch dims (zero strides broadcast). `packed`: w
    already laid out by pack_constant (2-D only). `alloc(dtype, shape)` gives the caller's scratch memory."""
    s = Blocking(a, w, out)
    if s.nbatch * s.m * s.n * s.k < PARALLEL_MIN_FLOPS:
        threads = 1
    if has_pool(module, symbols):
        s.split_rows(threads)
    in_place = packed is None and w.strides[-1] == 1
    if packed is not None:
        slots = 0
    else:  # a strip's copy per work item: in place, only the items of the partial strip make one
        slots = s.nbatch * s.row_blocks if in_place and s.strips != s.full_strips else 0 if in_place else s.items
    scratch = alloc(s.dtype, (max(slots, 1) * s.k * s.nr,)) if slots else None
    bufs = [a, w, out] + ([packed] if packed is not None else []) + ([scratch] if scratch is not None else [])
    fn, params, (lo, hi) = kernel_function(module, "gemm", bufs, [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    pa, pw, po = params[:3]
    pp = params[3] if packed is not None else None
    ps = params[-1] if scratch is not None else None
    kernels = micro_kernels(module, s, a.strides[-2:])
    with kb.goto_entry_block():
        tile = kb.alloca(ir.ArrayType(value_type(s.dtype), s.mr * s.nr))
    tile.align = VECTOR_BYTES
    tile = kb.bitcast(tile, pa.ptr.type)
    with for_range(kb, hi, "item", lo) as item:
        block = kb.urem(item, i64(s.row_blocks))
        pair = kb.udiv(item, i64(s.row_blocks))
        bi, strip = kb.udiv(pair, i64(s.strips)), kb.urem(pair, i64(s.strips))
        oa, ow, oo = batch_offsets(kb, bi, s.batch, [pa, pw, po])
        slot = kb.add(kb.mul(bi, i64(s.row_blocks)), block) if in_place else item
        source, row_stride = _strip_source(kb, s, pw, ow, pp, ps, slot, strip, in_place)
        col = kb.mul(strip, i64(s.nr))
        cols = _min(kb, i64(s.nr), kb.sub(i64(s.n), col))
        with for_range(kb, -(-s.k // s.kc), "kblock") as kblock:
            p0 = kb.mul(kblock, i64(s.kc))
            kc = _min(kb, i64(s.kc), kb.sub(i64(s.k), p0))
            fresh = ir.Constant(I1, 0) if accumulate else kb.icmp_unsigned("==", kblock, i64(0))
            b_at = kb.gep(source, [kb.mul(p0, row_stride)])
            first = kb.mul(block, i64(s.tiles_per_block))
            with for_range(kb, _min(kb, i64(s.tiles), kb.add(first, i64(s.tiles_per_block))), "tile", first) as t:
                row = kb.mul(t, i64(s.mr))
                rows = _min(kb, i64(s.mr), kb.sub(i64(s.m), row))
                a_at = pa.at(kb, kb.add(oa, kb.add(kb.mul(row, i64(pa.strides[-2])), kb.mul(p0, i64(pa.strides[-1])))))
                c_at = po.at(kb, kb.add(oo, kb.add(kb.mul(row, i64(po.strides[-2])), col)))
                _tile(kb, s, kernels, [a_at, rows, b_at, row_stride, c_at, po.strides[-2], kc, fresh, tile, cols])
    kb.ret_void()
    emit_parallel_call(module, b, fn, kernel_args(b, bufs, []), s.items, threads, symbols, chunks=s.items)


def micro_kernels(module: ir.Module, s: Blocking, a_strides: tuple) -> tuple:
    """(the NR-wide micro-kernel, the one-vector one for a narrow last strip or None) for a's layout."""
    narrow = _micro_kernel(module, s, a_strides, vectors=1) if s.narrow_tail else None
    return _micro_kernel(module, s, a_strides), narrow


def _tile(kb, s: Blocking, kernels: tuple, args: list) -> None:
    """One tile: args are (a, rows, w, w_row_stride, c, ldc (an int), kc, fresh, scratch tile, cols)."""
    micro, narrow = kernels
    if narrow is None:
        _tile_of_width(kb, s, micro, s.nr, *args)
        return
    with kb.if_else(kb.icmp_unsigned("<=", args[-1], i64(s.lanes))) as (last, other):
        with last:  # the last strip's few columns: one vector wide, not half of the FMAs on padding
            _tile_of_width(kb, s, narrow, s.lanes, *args)
        with other:
            _tile_of_width(kb, s, micro, s.nr, *args)


def strips_in_place(s: Blocking, w_strides: tuple) -> bool:
    """Whether the micro-kernels can read every strip of w where it is: rows contiguous, and each strip whole or
    (the last) exactly one vector wide."""
    rest = s.n % s.nr
    return w_strides[1] == 1 and (rest == 0 or (s.narrow_tail and rest == s.lanes))


def emit_panel(kb, s: Blocking, kernels: tuple, a_at, a_rows, w_at, c_at, ldc: int, tile, w_row_stride=None) -> None:
    """c[:a_rows, :n] = a[:a_rows, :k] @ w (c at `c_at`, rows `ldc` apart; a at `a_at` in the layout `kernels`
    were made for). w at `w_at`: laid out by pack_strip as [strip][k][NR], or (given its row stride) read in place
    (strips_in_place)."""
    ra, ca = s.a_strides
    packed = w_row_stride is None
    with for_range(kb, s.strips, "panel.strip") as strip:
        source = kb.gep(w_at, [kb.mul(strip, i64(s.k * s.nr if packed else s.nr))])
        row_stride = i64(s.nr if packed else w_row_stride)
        col = kb.mul(strip, i64(s.nr))
        cols = _min(kb, i64(s.nr), kb.sub(i64(s.n), col))
        with for_range(kb, -(-s.k // s.kc), "panel.kblock") as kblock:
            p0 = kb.mul(kblock, i64(s.kc))
            kc = _min(kb, i64(s.kc), kb.sub(i64(s.k), p0))
            fresh = kb.icmp_unsigned("==", kblock, i64(0))
            b_at = kb.gep(source, [kb.mul(p0, row_stride)])
            tiles = kb.udiv(kb.add(a_rows, i64(s.mr - 1)), i64(s.mr))
            with for_range(kb, tiles, "panel.tile") as t:
                row = kb.mul(t, i64(s.mr))
                rows = _min(kb, i64(s.mr), kb.sub(a_rows, row))
                a_t = kb.gep(a_at, [kb.add(kb.mul(row, i64(ra)), kb.mul(p0, i64(ca)))])
                c_t = kb.gep(c_at, [kb.add(kb.mul(row, i64(ldc)), col)])
                _tile(kb, s, kernels, [a_t, rows, b_at, row_stride, c_t, ldc, kc, fresh, tile, cols])


def _tile_of_width(kb, s: Blocking, micro, width: int, a_at, rows, b_at, row_stride, c_at, ldc: int, kc, fresh, tile,
                   cols) -> None:
    """One tile `width` columns wide: in place when whole, else on the scratch tile (its valid part copied)."""
    whole = kb.and_(kb.icmp_unsigned("==", rows, i64(s.mr)), kb.icmp_unsigned("==", cols, i64(width)))
    with kb.if_else(whole) as (direct, edge):
        with direct:
            kb.call(micro, [a_at, rows, b_at, row_stride, c_at, i64(ldc), kc, fresh])
        with edge:
            _copy_tile(kb, c_at, ldc, tile, s.nr, rows, cols)
            kb.call(micro, [a_at, rows, b_at, row_stride, tile, i64(s.nr), kc, fresh])
            _copy_tile(kb, tile, s.nr, c_at, ldc, rows, cols)


def _min(kb, x, y):
    return kb.select(kb.icmp_signed("<", x, y), x, y)


def _strip_source(kb, s: Blocking, pw: Buf, ow, pp, ps, slot, strip, in_place: bool):
    """(pointer to k=0 of the strip, its row stride): w in place, the constant layout, or a packed copy."""
    if pp is not None:
        return pp.at(kb, kb.mul(strip, i64(s.k * s.nr))), i64(s.nr)
    whole = kb.icmp_unsigned("<", strip, i64(s.full_strips))
    rw, cw = pw.strides[-2:]
    direct = pw.at(kb, kb.add(ow, kb.mul(strip, i64(s.nr))))
    if ps is None:  # in place, every strip whole
        return direct, i64(rw)
    dst = ps.at(kb, kb.mul(slot, i64(s.k * s.nr)))
    with kb.if_then(kb.not_(whole) if in_place else ir.Constant(I1, 1)):
        pack_strip(kb, s, pw.at(kb, ow), rw, cw, strip, dst)
    if not in_place:
        return dst, i64(s.nr)
    return kb.select(whole, direct, dst), kb.select(whole, i64(rw), i64(s.nr))


def pack_strip(kb, s: Blocking, src, rw: int, cw: int, strip, dst) -> None:
    """dst[p][j] = w[p, strip * NR + j] for the strip's columns, zeros past n (w at `src`, strides rw, cw)."""
    whole = kb.icmp_unsigned("<", strip, i64(s.full_strips))
    first = kb.mul(strip, i64(s.nr))
    cols = _min(kb, i64(s.nr), kb.sub(i64(s.n), first))
    zero = ir.Constant(value_type(s.dtype), 0.0)
    done = i64(0)
    if rw == 1:  # w's rows contiguous, its columns apart (`x @ W.T`): whole strips by vector transposes
        done = kb.select(whole, i64(s.k // s.lanes * s.lanes), i64(0))
        with kb.if_then(whole):
            _transpose_strip(kb, s, kb.gep(src, [kb.mul(first, i64(cw))], inbounds=True), cw, dst)
    with for_range(kb, s.k, "pack.k", done) as p:
        row = kb.gep(dst, [kb.mul(p, i64(s.nr))])
        at = kb.gep(src, [kb.add(kb.mul(p, i64(rw)), kb.mul(first, i64(cw)))], inbounds=True)
        with for_range(kb, cols, "pack.j") as j:
            kb.store(kb.load(kb.gep(at, [kb.mul(j, i64(cw))])), kb.gep(row, [j]))
        with for_range(kb, s.nr, "pack.pad", cols) as j:
            kb.store(zero, kb.gep(row, [j]))


def _transpose_strip(kb, s: Blocking, src, column_stride: int, dst) -> None:
    """dst[p][j] = src[j * column_stride + p] for the strip's NR columns and the whole vectors of k: blocks of
    lanes x lanes loaded as rows, transposed in registers (log2(lanes) rounds of shuffles), stored as rows."""
    vty = ir.VectorType(value_type(s.dtype), s.lanes)
    n = s.lanes
    with for_range(kb, s.k // n, "pack.block") as blk:
        p0 = kb.mul(blk, i64(n))
        for half in range(s.nr // n):
            rows = [kb.load(kb.bitcast(kb.gep(src, [kb.add(i64((half * n + r) * column_stride), p0)]),
                                       vty.as_pointer()), align=s.dtype.itemsize) for r in range(n)]
            h = n // 2
            while h:
                for i in range(n):
                    if i & h:
                        continue
                    a, b = rows[i], rows[i + h]
                    low = [j if not j & h else n + j - h for j in range(n)]
                    high = [j + h if not j & h else n + j for j in range(n)]
                    rows[i] = kb.shuffle_vector(a, b, ir.Constant(ir.VectorType(I32, n), low))
                    rows[i + h] = kb.shuffle_vector(a, b, ir.Constant(ir.VectorType(I32, n), high))
                h //= 2
            for q in range(n):
                at = kb.gep(dst, [kb.add(kb.mul(kb.add(p0, i64(q)), i64(s.nr)), i64(half * n))])
                kb.store(rows[q], kb.bitcast(at, vty.as_pointer()), align=s.dtype.itemsize)


def _copy_tile(kb, src, src_stride: int, dst, dst_stride: int, rows, cols) -> None:
    with for_range(kb, rows, "ti") as i, for_range(kb, cols, "tj") as j:
        x = kb.load(kb.gep(src, [kb.add(kb.mul(i, i64(src_stride)), j)]))
        kb.store(x, kb.gep(dst, [kb.add(kb.mul(i, i64(dst_stride)), j)]))


def _micro_kernel(module: ir.Module, s: Blocking, a_strides: tuple, vectors: int = 2) -> ir.Function:
    """`void micro(T* a, i64 rows, T* w, i64 w_row_stride, T* c, i64 ldc, i64 kc, i1 fresh)`: the MR x (vectors *
    lanes) tile at c (+)= a[:MR, :kc] @ w[:kc, :vectors * lanes], a's rows past `rows` clamped to its last one. One
    per dtype, width and a layout."""
    ra, ca = a_strides
    name = f"gemm.micro.{s.dtype.str[1:]}.{s.mr}x{vectors}.{ra}.{ca}"
    if name in module.globals:
        return module.globals[name]
    elem = value_type(s.dtype)
    vty = ir.VectorType(elem, s.lanes)
    p = elem.as_pointer()
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [p, I64, p, I64, p, I64, I64, I1]), name)
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    a, rows, w, rw, c, ldc, kc, fresh = fn.args
    for arg in (a, w, c):
        arg.add_attribute("noalias")
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    fma = declare(module, f"llvm.fma.v{s.lanes}f{s.dtype.itemsize * 8}", vty, [vty, vty, vty])
    last = kb.sub(rows, i64(1))
    row_at = [kb.gep(a, [kb.mul(_min(kb, i64(i), last), i64(ra))]) for i in range(s.mr)]
    width = [(i, v) for i in range(s.mr) for v in range(vectors)]

    def c_vector(i, v):
        return kb.bitcast(kb.gep(c, [kb.add(kb.mul(i64(i), ldc), i64(v * s.lanes))]), vty.as_pointer())

    slots = {}
    for i, v in width:
        with kb.goto_entry_block():
            slots[i, v] = kb.alloca(vty)
        loaded = kb.load(c_vector(i, v), align=s.dtype.itemsize)
        kb.store(kb.select(fresh, ir.Constant(vty, None), loaded), slots[i, v])
    zero_mask = ir.Constant(ir.VectorType(I32, s.lanes), [0] * s.lanes)
    with for_range(kb, kc, "p") as pk:
        b_row = kb.gep(w, [kb.mul(pk, rw)])
        bv = [kb.load(kb.bitcast(kb.gep(b_row, [i64(v * s.lanes)]), vty.as_pointer()), align=s.dtype.itemsize)
              for v in range(vectors)]
        for i in range(s.mr):
            x = kb.load(kb.gep(row_at[i], [kb.mul(pk, i64(ca))]))
            one = kb.insert_element(ir.Constant(vty, ir.Undefined), x, ir.Constant(I32, 0))
            splat = kb.shuffle_vector(one, ir.Constant(vty, ir.Undefined), zero_mask)
            for v in range(vectors):
                kb.store(kb.call(fma, [splat, bv[v], kb.load(slots[i, v])]), slots[i, v])
    for i, v in width:
        kb.store(kb.load(slots[i, v]), c_vector(i, v), align=s.dtype.itemsize)
    kb.ret_void()
    return fn


def batch_offsets(b, flat, batch: tuple, bufs: list[Buf]) -> list:
    """Each buffer's element offset at flat batch index `flat` (row-major over `batch`, sizes maybe symbolic)."""
    offs = [i64(0)] * len(bufs)
    rem = flat
    for d in reversed(range(len(batch))):
        idx = b.urem(rem, size(b, batch[d])) if d else rem
        rem = b.udiv(rem, size(b, batch[d]))
        offs = [b.add(o, b.mul(idx, size(b, buf.strides[d]))) for o, buf in zip(offs, bufs)]
    return offs
