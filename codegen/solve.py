"""Linear systems A X = B for each matrix of a stack (np.linalg.solve, np.linalg.inv), as LAPACK's gesv: LU
factorization with partial pivoting (the largest magnitude of each column below the diagonal, the first of
equals), the row swaps applied to B, forward elimination, back substitution. Computed in float64 in a row-major
workspace (float32 input too, as codegen/svd.py: more accurate than NumPy's single-precision LAPACK, never
less). An exactly zero pivot (a singular matrix) stops the entry with NumPy's LinAlgError("Singular matrix"); a
NaN propagates into the result, as LAPACK's does."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node

from .abi import SINGULAR_MATRIX
from .dims import size
from .kernel import kernel_args, kernel_function
from .loops import Buf, for_range, i64, loop_nest
from .scalar import I32, ScalarBuilder, cast, load, store

F64 = np.dtype(np.float64)


def lower_solve(lw, node: Node) -> Buf:
    a, b = lw.buf(node.inputs[0]), lw.buf(node.inputs[1])
    out = lw.result_buf(node.output)
    n, k = a.shape[-1], b.shape[-1]
    work = lw.alloc(F64, (n * n + n * k,))  # the matrix, then the right-hand sides
    bufs = [a, b, out, work]
    fn, (pa, pb, po, pw), _ = kernel_function(lw.module, "solve", bufs, [], ret=I32)
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    singular = fn.append_basic_block("singular")
    with loop_nest(kb, a.shape[:-2], [pa.strides[:-2], pb.strides[:-2], po.strides[:-2]]) as (sa, sb, so):
        _one_system(kb, pa, pb, po, pw, (sa, sb, so), singular)
    kb.ret(ir.Constant(I32, 0))
    with kb.goto_block(singular):
        kb.ret(ir.Constant(I32, 1))
    status = lw.b.call(fn, kernel_args(lw.b, bufs, []))
    lw.error(SINGULAR_MATRIX, lw.b.icmp_signed("!=", status, ir.Constant(I32, 0)))
    return out


def _one_system(kb: ir.IRBuilder, pa: Buf, pb: Buf, po: Buf, pw: Buf, starts, singular) -> None:
    sa, sb_, so = starts
    fb = ScalarBuilder(kb, F64)
    n, k = size(kb, pa.shape[-1]), size(kb, pb.shape[-1])

    def element(buf: Buf, start, r, c):  # buf[..., r, c] of this system
        return kb.add(start, kb.add(kb.mul(r, size(kb, buf.strides[-2])), kb.mul(c, size(kb, buf.strides[-1]))))

    def lu(r, c):  # W[r, c]: the matrix being factored
        return pw.at(kb, kb.add(kb.mul(r, n), c))

    def rhs(r, c):  # X[r, c], after the matrix
        return pw.at(kb, kb.add(kb.mul(n, n), kb.add(kb.mul(r, k), c)))

    with for_range(kb, n, "ar") as r, for_range(kb, n, "ac") as c:
        kb.store(cast(kb, load(kb, pa.at(kb, element(pa, sa, r, c)), pa.dtype), pa.dtype, F64), lu(r, c))
    with for_range(kb, n, "br") as r, for_range(kb, k, "bc") as c:
        kb.store(cast(kb, load(kb, pb.at(kb, element(pb, sb_, r, c)), pb.dtype), pb.dtype, F64), rhs(r, c))

    with kb.goto_entry_block():
        best_row, best = kb.alloca(ir.IntType(64)), kb.alloca(fb.ty)
    with for_range(kb, n, "col") as c:
        kb.store(c, best_row)
        kb.store(fb.abs(kb.load(lu(c, c))), best)
        with for_range(kb, n, "piv", kb.add(c, i64(1))) as r:  # the first largest magnitude, as idamax
            magnitude = fb.abs(kb.load(lu(r, c)))
            larger = kb.fcmp_ordered(">", magnitude, kb.load(best))
            kb.store(kb.select(larger, r, kb.load(best_row)), best_row)
            kb.store(kb.select(larger, magnitude, kb.load(best)), best)
        ok = kb.append_basic_block("pivot.ok")
        kb.cbranch(kb.fcmp_ordered("==", kb.load(best), fb.const(0.0)), singular, ok)
        kb.position_at_end(ok)
        p = kb.load(best_row)
        with kb.if_then(kb.icmp_signed("!=", p, c)):
            _swap_rows(kb, lu, c, p, n)
            _swap_rows(kb, rhs, c, p, k)
        pivot = kb.load(lu(c, c))
        with for_range(kb, n, "elim", kb.add(c, i64(1))) as r:
            f = kb.fdiv(kb.load(lu(r, c)), pivot)
            kb.store(f, lu(r, c))
            with for_range(kb, n, "ej", kb.add(c, i64(1))) as j:
                kb.store(kb.fsub(kb.load(lu(r, j)), kb.fmul(f, kb.load(lu(c, j)))), lu(r, j))
            with for_range(kb, k, "ek") as j:
                kb.store(kb.fsub(kb.load(rhs(r, j)), kb.fmul(f, kb.load(rhs(c, j)))), rhs(r, j))

    with for_range(kb, n, "back") as t:  # rows n-1 down to 0
        r = kb.sub(kb.sub(n, i64(1)), t)
        with for_range(kb, n, "bj", kb.add(r, i64(1))) as j:
            u = kb.load(lu(r, j))
            with for_range(kb, k, "bk") as c:
                kb.store(kb.fsub(kb.load(rhs(r, c)), kb.fmul(u, kb.load(rhs(j, c)))), rhs(r, c))
        pivot = kb.load(lu(r, r))
        with for_range(kb, k, "bd") as c:
            kb.store(kb.fdiv(kb.load(rhs(r, c)), pivot), rhs(r, c))

    with for_range(kb, n, "or") as r, for_range(kb, k, "oc") as c:
        store(kb, cast(kb, kb.load(rhs(r, c)), F64, po.dtype), po.at(kb, element(po, so, r, c)), po.dtype)


def _swap_rows(kb: ir.IRBuilder, at, r1, r2, count) -> None:
    with for_range(kb, count, "swap") as j:
        x, y = kb.load(at(r1, j)), kb.load(at(r2, j))
        kb.store(y, at(r1, j))
        kb.store(x, at(r2, j))
