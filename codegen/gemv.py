"""Matrix-vector products `A @ x`: one dot product per row of A, vectorized as a reduction, rows split across the
thread pool. The product streams A once from memory, so both cores' bandwidth is what counts; small ones run
inline with no library call at all (a BLAS gemv call costs more than a 100x100 product)."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from .dims import same, size
from .kernel import kernel_args, kernel_function
from .loops import Buf, for_range
from .parallel import emit_parallel_call, parallel_threads
from .scalar import ScalarBuilder, cast, load, store

_FAST = ("reassoc", "contract", "nsz")
_INDEX = np.dtype(np.int64)


def emit_gemv(module: ir.Module, b: ir.IRBuilder, a: Buf, x: Buf, out: Buf, accumulate: bool, threads: int = 1,
              symbols=None) -> None:
    """out[i, 0] (+)= sum_k a[i, k] * x[k, 0] for 2-D a (m, k), x (k, 1) and out (m, 1)."""
    m, k = a.shape
    fn, (pa, px, po), (lo, hi) = kernel_function(module, "gemv", [a, x, out], [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    sb = ScalarBuilder(kb, po.dtype)
    acc = kb.alloca(sb.ty, name="acc")  # a register after mem2reg
    (ra, ca), rx, ro = pa.strides, px.strides[0], po.strides[0]
    with for_range(kb, hi, "i", lo) as i:
        row = kb.mul(i, size(kb, ra), flags=("nsw",))
        slot = po.at(kb, kb.mul(i, size(kb, ro), flags=("nsw",)))
        kb.store(load(kb, slot, po.dtype) if accumulate else sb.const(0), acc)
        with for_range(kb, k, "k") as kk:
            av = load(kb, pa.at(kb, kb.add(row, kb.mul(kk, size(kb, ca), flags=("nsw",)), flags=("nsw",))), pa.dtype)
            xv = load(kb, px.at(kb, kb.mul(kk, size(kb, rx), flags=("nsw",))), px.dtype)
            term = sb.mul(cast(kb, av, pa.dtype, po.dtype), cast(kb, xv, px.dtype, po.dtype))
            total = sb.add(kb.load(acc), term)
            if po.dtype.kind == "f":
                total.flags.extend(_FAST)
                term.flags.extend(_FAST)
            kb.store(total, acc)
        store(kb, kb.load(acc), slot, po.dtype)
    kb.ret_void()
    threads = parallel_threads(threads, m * k) if not same(m, 1) else 1
    emit_parallel_call(module, b, fn, kernel_args(b, [a, x, out], []), m, threads, symbols, m * k)
