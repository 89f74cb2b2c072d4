"""Matrix products. Large float products call the BLAS NumPy already loaded (OpenBLAS's ILP64 cblas); smaller
ones, and exported code, run our GEMM (gemm.py), tiny, integer and symbolic-size ones loops LLVM vectorizes.
`linear` pre-fills the output with the bias so the product accumulates on top of it (BLAS beta=1): the bias add
costs no extra pass."""
from __future__ import annotations

import ctypes
import functools
import itertools
import os

import numpy as np
from llvmlite import ir

from jitc.errors import CompileError
from jitc.symbolic import Sym, SymbolicError, is_symbolic

from .constants import constant_array
from .dims import same, size, symbolic_bufs
from .gemm import batch_offsets, emit_gemm, gemm_fits, lanes, pack_constant
from .gemv import emit_gemv
from .kernel import call_kernel, kernel_function
from .loops import Buf, for_range, i64, numel, pointer_type
from .scalar import F32, F64, I32, I64, ScalarBuilder, cast, load, storage_type, store

PACK_MAX_BYTES = 64 * 1024
BLAS_MIN_FLOPS = 1 << 25  # below this our GEMM (gemm.py, on our threads) beats a BLAS call; above, BLAS packs better
# without our GEMM (symbolic sizes, ...): products our plain loops do faster than a BLAS call; x @ W.T needs a
# transposing copy in those loops, not in BLAS
LOOPS_MAX_FLOPS = 48 ** 3
LOOPS_MAX_FLOPS_TRANSPOSED = 16 ** 3
_FAST = ("reassoc", "contract", "nsz")
ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112


@functools.cache
def blas_gemm(dtype) -> int | None:
    """Address of NumPy's bundled cblas_?gemm (ILP64), or None when this NumPy has none we can find."""
    name = {np.dtype(np.float32): "scipy_cblas_sgemm64_", np.dtype(np.float64): "scipy_cblas_dgemm64_"}.get(
        np.dtype(dtype))
    import glob  # here: most compiles never look for BLAS

    libs_dir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in glob.glob(os.path.join(libs_dir, "libscipy_openblas*.so")) if name else []:
        try:
            return ctypes.cast(getattr(ctypes.CDLL(path), name), ctypes.c_void_p).value
        except (OSError, AttributeError):
            continue
    return None


def calls_blas(node) -> bool:
    """Whether a specialized matmul/linear node is big enough to go to BLAS (see emit_matmul)."""
    from jitc.types import TensorType

    if node.kind not in ("aten::matmul", "aten::linear") or not isinstance(node.output.type, TensorType):
        return False
    a, w, out = node.inputs[0].type, node.inputs[1].type, node.output.type
    if _is_matvec(node):
        return False
    if a.shape is None or w.shape is None or out.shape is None or blas_gemm(out.dtype) is None:
        return False
    if len(out.shape) > 2 and len(w.shape) != 2:  # batches of a 2-D w may become rows (_as_rows); others never
        return False
    transposed = node.kind == "aten::linear" or (w.strides is not None and not same(w.strides[-1], 1))
    symbolic = is_symbolic((a.shape, w.shape, out.shape))
    flops = numel(out.shape) * (a.shape[-1] if a.shape else 1)
    return _big(flops, _threshold(not symbolic, transposed))


def _threshold(our_gemm: bool, transposed: bool) -> int:
    if our_gemm:
        return BLAS_MIN_FLOPS
    return LOOPS_MAX_FLOPS_TRANSPOSED if transposed else LOOPS_MAX_FLOPS


class _Undecided:
    """A symbolic product that may be small or large: BLAS or not is decided per call."""

    def __bool__(self) -> bool:
        return True


_UNDECIDED = _Undecided()


def _big(flops, threshold: int = BLAS_MIN_FLOPS):
    """Whether a product of `flops` multiply-adds goes to BLAS: True, False, or (a symbolic size that may be
    either) _UNDECIDED, which counts as true."""
    try:
        return flops >= threshold
    except SymbolicError:
        return _UNDECIDED


def _is_matvec(node) -> bool:
    """A @ x with a 2-D float A and a vector (or one column) x: our gemv kernel, never BLAS."""
    a, w = node.inputs[0].type, node.inputs[1].type
    if node.kind != "aten::matmul" or a.shape is None or w.shape is None or len(a.shape) != 2:
        return False
    return np.dtype(a.dtype).kind == "f" and (len(w.shape) == 1 or (len(w.shape) == 2 and same(w.shape[1], 1)))


def _blas_layout(buf: Buf):
    """(transpose flag, leading dimension) for a 2-D operand BLAS can read in place, else None."""
    rs, cs = buf.strides[-2:]
    if same(cs, 1) and _at_least(rs, buf.shape[-1]):
        return NO_TRANS, rs
    if same(rs, 1) and _at_least(cs, buf.shape[-2]):
        return TRANS, cs
    return None


def _at_least(stride, n) -> bool:
    try:
        return stride >= max(n, 1)
    except SymbolicError:
        return False


def _half_product(module, b, a: Buf, w: Buf, out: Buf, accumulate: bool, symbols, threads: int, alloc) -> None:
    """A float16 product as NumPy's half matmul loop: float32 products summed in float32, rounded to half once
    at the end. The float16 operands are widened into float32 scratch, the product is a float32 one."""
    from .elementwise import emit_copy

    if alloc is None:
        raise CompileError("a float16 matrix product needs scratch memory here")

    def single(x: Buf, fill: bool) -> Buf:
        if x.dtype != np.float16:
            return x
        wide = alloc(np.float32, x.shape)
        if fill:
            emit_copy(module, b, x, wide)
        return wide

    a32, w32, out32 = single(a, True), single(w, True), single(out, accumulate)
    emit_matmul(module, b, a32, w32, out32, accumulate, symbols, threads, alloc)
    if out32 is not out:
        emit_copy(module, b, out32, out)


def emit_matmul(module: ir.Module, b: ir.IRBuilder, a: Buf, w: Buf, out: Buf, accumulate: bool,
                symbols=None, threads: int = 1, alloc=None, w_value: np.ndarray | None = None) -> None:
    """out[..., i, j] (+)= sum_k a[..., i, k] * w[..., k, j]; all three are 2-D or batched with equal batch dims
    (the caller broadcasts batch dims with zero strides). With `symbols` (a ProcessSymbols), large float
    products call NumPy's BLAS through the process-symbol table; without, our GEMM (gemm.py, given `alloc` for
    its scratch) or plain loops. `w_value`: w's value when it is a constant (laid out for the GEMM up front)."""
    if np.float16 in (a.dtype, w.dtype, out.dtype):
        _half_product(module, b, a, w, out, accumulate, symbols, threads, alloc)
        return
    m, k = a.shape[-2:]
    n = w.shape[-1]
    batch = out.shape[:-2]
    rows = _as_rows(a, w, out) if batch else None
    if rows is not None:  # x (B, L, D) @ W (D, H): one (B*L, D) @ (D, H) product
        emit_matmul(module, b, *rows, accumulate, symbols, threads, alloc, w_value)
        return
    if same(n, 1) and not batch and a.dtype.kind == "f":
        emit_gemv(module, b, a, w, out, accumulate, threads, symbols)
        return
    our_gemm = alloc is not None and not symbolic_bufs((a, w, out)) and gemm_fits(a, w, out)
    threshold = _threshold(our_gemm, not same(w.strides[-1], 1))
    big = symbols is not None and not batch and _big(m * n * k, threshold)
    gemm = big and blas_gemm(out.dtype) is not None
    la, lw = _blas_layout(a), _blas_layout(w)
    if gemm and la and lw and a.dtype == w.dtype == out.dtype and out.contiguous:
        blas = symbols.load(b, "blas", out.dtype.str)
        if big is not _UNDECIDED:
            _call_blas(b, blas, a, w, out, la, lw, accumulate)
            return
        # a symbolic size that may be small: BLAS's call costs more than our loops there, so decide per call
        with b.if_else(b.icmp_signed(">=", size(b, m * n * k), i64(threshold))) as (large, small):
            with large:
                _call_blas(b, blas, a, w, out, la, lw, accumulate)
            with small:
                _emit_loops(module, b, a, w, out, accumulate)
        return
    if our_gemm:
        packed = None
        if w_value is not None and not batch:
            packed = constant_array(module, b, pack_constant(w_value, 2 * lanes(out.dtype)))
        emit_gemm(module, b, a, w, out, accumulate, alloc, threads, symbols, packed)
        return
    _emit_loops(module, b, a, w, out, accumulate)


def _emit_loops(module: ir.Module, b: ir.IRBuilder, a: Buf, w: Buf, out: Buf, accumulate: bool) -> None:
    """The product in plain loops LLVM vectorizes (one kernel over the batches)."""
    m, k = a.shape[-2:]
    n = w.shape[-1]
    batch = out.shape[:-2]
    fn, (pa, pw, po), _ = kernel_function(module, "matmul", [a, w, out], [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    with for_range(kb, numel(batch), "batch") as bi:
        offs = batch_offsets(kb, bi, batch, [pa, pw, po])
        _matmul_2d(kb, pa, pw, po, offs, m, n, k, accumulate)
    kb.ret_void()
    call_kernel(b, fn, [a, w, out], [])


def _as_rows(a: Buf, w: Buf, out: Buf) -> tuple[Buf, Buf, Buf] | None:
    """2-D views of a batched product whose right operand is the same matrix for every batch (zero batch
    strides) and whose left operand and output stack their batches as rows, else None."""
    if any(s != 0 for s in w.strides[:-2]):
        return None
    flat = [_rows_of(a), _rows_of(out)]
    if None in flat:
        return None
    return flat[0], Buf(w.ptr, w.dtype, w.shape[-2:], w.strides[-2:]), flat[1]


def _rows_of(buf: Buf) -> Buf | None:
    """buf (..., m, c) as (prod(...) * m, c) when its leading dimensions step through memory like one."""
    dims = [(n, s) for n, s in zip(buf.shape[:-2], buf.strides[:-2]) if n != 1] + [(buf.shape[-2], buf.strides[-2])]
    if any(s != n_next * s_next for (_, s), (n_next, s_next) in itertools.pairwise(dims)):
        return None
    return Buf(buf.ptr, buf.dtype, (numel(buf.shape[:-1]), buf.shape[-1]), buf.strides[-2:])


def _packed(b, w: Buf, ow, n: int, k: int) -> Buf | None:
    """w (k, n) copied into row-major stack scratch when its columns are contiguous (`q @ k.T`) and it is small:
    the product then streams rows of w (vectorized across n) instead of dot products LLVM unrolls into scalars."""
    rw, cw = w.strides[-2:]
    if same(cw, 1) or not same(rw, 1) or isinstance(k * n, Sym) or k * n * w.dtype.itemsize > PACK_MAX_BYTES:
        return None
    with b.goto_entry_block():
        scratch = b.alloca(ir.ArrayType(storage_type(w.dtype), k * n))
    scratch.align = 64
    packed = Buf(b.bitcast(scratch, pointer_type(w.dtype)), w.dtype, (k, n), (n, 1))
    with for_range(b, n, "pack.j") as j, for_range(b, k, "pack.k") as kk:
        src = w.at(b, b.add(ow, b.add(kk, b.mul(j, size(b, cw)))))
        store(b, load(b, src, w.dtype), packed.at(b, b.add(b.mul(kk, i64(n)), j)), w.dtype)
    return packed


def _matmul_2d(b, a: Buf, w: Buf, out: Buf, offs, m, n, k, accumulate) -> None:
    sb = ScalarBuilder(b, out.dtype)
    packed = _packed(b, w, offs[1], n, k)
    if packed is not None:
        w, offs = packed, [offs[0], i64(0), offs[2]]
    (ra, ca), (rw, cw), (ro, co) = a.strides[-2:], w.strides[-2:], out.strides[-2:]
    oa, ow, oo = offs
    with b.goto_entry_block():
        acc = b.alloca(sb.ty, name="acc")  # a register after mem2reg; the k-loop becomes a vector reduction

    def at(buf, base, i, si, j, sj):
        return buf.at(b, b.add(base, b.add(b.mul(i, size(b, si)), b.mul(j, size(b, sj)))))

    def term(i, kk, j):
        x = cast(b, load(b, at(a, oa, i, ra, kk, ca), a.dtype), a.dtype, out.dtype)
        y = cast(b, load(b, at(w, ow, kk, rw, j, cw), w.dtype), w.dtype, out.dtype)
        return sb.mul(x, y)

    with for_range(b, m, "i") as i:
        if same(cw, 1):  # rows of w are contiguous: i-k-j order, the inner loop streams a row of w and of out
            if not accumulate:
                with for_range(b, n, "j0") as j:
                    store(b, sb.const(0), at(out, oo, i, ro, j, co), out.dtype)
            with for_range(b, k, "k") as kk, for_range(b, n, "j") as j:
                slot = at(out, oo, i, ro, j, co)
                store(b, sb.add(load(b, slot, out.dtype), term(i, kk, j)), slot, out.dtype)
        else:  # columns of w are contiguous (x @ W.T): a dot product per output, vectorized as a reduction
            with for_range(b, n, "j") as j:
                slot = at(out, oo, i, ro, j, co)
                b.store(load(b, slot, out.dtype) if accumulate else sb.const(0), acc)
                with for_range(b, k, "k") as kk:
                    total = sb.add(b.load(acc), term(i, kk, j))
                    if out.dtype.kind == "f":
                        total.flags.extend(_FAST)
                    b.store(total, acc)
                store(b, b.load(acc), slot, out.dtype)


def _call_blas(b, gemm: ir.Value, a: Buf, w: Buf, out: Buf, la, lw, accumulate: bool) -> None:
    ft = F32 if out.dtype == np.float32 else F64
    m, k = a.shape
    n = w.shape[1]
    fnty = ir.FunctionType(ir.VoidType(), [I32, I32, I32, I64, I64, I64, ft, ft.as_pointer(), I64,
                                           ft.as_pointer(), I64, ft, ft.as_pointer(), I64])
    fptr = b.inttoptr(gemm, fnty.as_pointer())
    i32 = lambda v: ir.Constant(I32, v)
    b.call(fptr, [i32(ROW_MAJOR), i32(la[0]), i32(lw[0]), size(b, m), size(b, n), size(b, k), ir.Constant(ft, 1.0),
                  b.bitcast(a.ptr, ft.as_pointer()), size(b, la[1]), b.bitcast(w.ptr, ft.as_pointer()),
                  size(b, lw[1]), ir.Constant(ft, 1.0 if accumulate else 0.0), b.bitcast(out.ptr, ft.as_pointer()),
                  size(b, out.strides[0])])
