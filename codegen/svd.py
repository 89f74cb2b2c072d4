"""Singular values of each matrix over the last two axes (np.linalg.svd(a, compute_uv=False)), by one-sided
(Hestenes) Jacobi in float64: the taller orientation of the matrix is copied to a column-major workspace,
scaled by a power of two so its largest entry is in [1, 2) (nothing overflows or underflows in the dot
products), and pairs of columns are rotated until every pair is orthogonal to sqrt(rows) * 2^-53 (LAPACK's
dgesvj criterion). The singular values are then the column norms, sorted descending. Jacobi is backward
stable and keeps small singular values to high relative accuracy; float32 input computes in float64 too.
A NaN anywhere in a matrix stops the entry with NumPy's LinAlgError ("SVD did not converge"); an infinity
gives NaN singular values, as NumPy's LAPACK does."""
from __future__ import annotations

import contextlib

import numpy as np
from llvmlite import ir

from jitc.ir import Node

from .abi import SVD_DID_NOT_CONVERGE
from .dims import size
from .kernel import kernel_args, kernel_function
from .loops import Buf, for_range, i64, loop_nest
from .scalar import I1, I32, I64, ScalarBuilder, cast, load, store

F64 = np.dtype(np.float64)
_FAST = ("reassoc", "contract", "nsz")
MAX_SWEEPS = 60  # Jacobi converges quadratically: 6-15 sweeps in practice; this bounds a pathological input


def lower_svdvals(lw, node: Node) -> Buf:
    src = lw.buf(node.inputs[0])
    out = lw.result_buf(node.output)
    m, n = src.shape[-2], src.shape[-1]
    work = lw.alloc(F64, (m * n + m + n,))  # the matrix, then its squared column norms
    bufs = [src, out, work]
    fn, (ps, po, pw), _ = kernel_function(lw.module, "svdvals", bufs, [], ret=I32)
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    failed = fn.append_basic_block("nan")
    with loop_nest(kb, src.shape[:-2], [ps.strides[:-2], po.strides[:-1]]) as (so, oo):
        _one_matrix(kb, ps, po, pw, so, oo, failed)
    kb.ret(ir.Constant(I32, 0))
    with kb.goto_block(failed):
        kb.ret(ir.Constant(I32, 1))
    status = lw.b.call(fn, kernel_args(lw.b, bufs, []))
    lw.error(SVD_DID_NOT_CONVERGE, lw.b.icmp_signed("!=", status, ir.Constant(I32, 0)))
    return out


def _one_matrix(kb: ir.IRBuilder, ps: Buf, po: Buf, pw: Buf, so, oo, failed) -> None:
    sb = ScalarBuilder(kb, F64)
    m, n = size(kb, ps.shape[-2]), size(kb, ps.shape[-1])
    sr, sc = size(kb, ps.strides[-2]), size(kb, ps.strides[-1])
    tall = kb.icmp_signed(">=", m, n)
    rows, cols = kb.select(tall, m, n), kb.select(tall, n, m)  # W = A or A^T: rows >= cols
    step_row, step_col = kb.select(tall, sr, sc), kb.select(tall, sc, sr)
    out_step = size(kb, po.strides[-1])

    def element(k, j):  # A's element at W[k, j]
        offset = kb.add(so, kb.add(kb.mul(k, step_row), kb.mul(j, step_col)))
        return cast(kb, load(kb, ps.at(kb, offset), ps.dtype), ps.dtype, F64)

    def work(k, j):  # W[k, j] in the column-major workspace
        return pw.at(kb, kb.add(kb.mul(j, rows), k))

    def norm2(j):  # |W[:, j]|^2, after the matrix
        return pw.at(kb, kb.add(kb.mul(rows, cols), j))

    with kb.goto_entry_block():
        largest, alpha, gamma = (kb.alloca(sb.ty) for _ in range(3))
        any_rotation = kb.alloca(I1)
    kb.store(sb.const(0.0), largest)
    with _each(kb, rows, cols) as (k, j):
        v = element(k, j)
        magnitude = sb.abs(v)
        current = kb.load(largest)
        take = kb.or_(kb.fcmp_unordered("uno", magnitude, magnitude), kb.fcmp_ordered(">", magnitude, current))
        kb.store(kb.select(take, magnitude, current), largest)
    top = kb.load(largest)
    ok = kb.append_basic_block("finite")
    kb.cbranch(kb.fcmp_unordered("uno", top, top), failed, ok)
    kb.position_at_end(ok)
    infinite = kb.fcmp_ordered("==", top, sb.const(np.inf))
    scale = _power_of_two_scale(kb, top)
    with _each(kb, rows, cols) as (k, j):
        kb.store(kb.fmul(element(k, j), scale), work(k, j))

    tolerance = kb.fmul(sb.math("sqrt", kb.sitofp(rows, sb.ty)), sb.const(2.0 ** -53))
    sweep_header, sweep_body, sweep_done = (kb.append_basic_block(f"sweep.{s}") for s in ("header", "body", "done"))
    entry_block = kb.block
    kb.branch(sweep_header)
    kb.position_at_end(sweep_header)
    sweep = kb.phi(I64, "sweep")
    sweep.add_incoming(i64(0), entry_block)
    kb.cbranch(kb.icmp_signed("<", sweep, i64(MAX_SWEEPS)), sweep_body, sweep_done)
    kb.position_at_end(sweep_body)
    kb.store(ir.Constant(I1, 0), any_rotation)
    with for_range(kb, cols, "cn") as j:  # each sweep starts from exact norms; rotations update them
        kb.store(sb.const(0.0), alpha)
        with for_range(kb, rows, "k") as k:
            x = kb.load(work(k, j))
            kb.store(_sum(kb, kb.load(alpha), x, x), alpha)
        kb.store(kb.load(alpha), norm2(j))
    with for_range(kb, cols, "ci") as i, for_range(kb, cols, "cj", kb.add(i, i64(1))) as j:
        kb.store(sb.const(0.0), gamma)
        with for_range(kb, rows, "k") as k:
            kb.store(_sum(kb, kb.load(gamma), kb.load(work(k, i)), kb.load(work(k, j))), gamma)
        a, b, g = kb.load(norm2(i)), kb.load(norm2(j)), kb.load(gamma)
        bound = kb.fmul(tolerance, kb.fmul(sb.math("sqrt", a), sb.math("sqrt", b)))
        with kb.if_then(kb.fcmp_ordered(">", sb.abs(g), bound)):
            kb.store(ir.Constant(I1, 1), any_rotation)
            c, s, t = _rotation(kb, sb, a, b, g)
            with for_range(kb, rows, "r") as k:
                x, y = kb.load(work(k, i)), kb.load(work(k, j))
                kb.store(kb.fsub(kb.fmul(c, x), kb.fmul(s, y)), work(k, i))
                kb.store(kb.fadd(kb.fmul(s, x), kb.fmul(c, y)), work(k, j))
            moved = kb.fmul(t, g)  # Rutishauser: the rotated columns' norms^2 are a - t g and b + t g
            kb.store(kb.fsub(a, moved), norm2(i))
            kb.store(kb.fadd(b, moved), norm2(j))
    sweep.add_incoming(kb.add(sweep, i64(1)), kb.block)
    kb.cbranch(kb.load(any_rotation), sweep_header, sweep_done)
    kb.position_at_end(sweep_done)

    unscale = kb.fdiv(sb.const(1.0), scale)  # exact: a power of two
    nan = sb.const(np.nan)
    with for_range(kb, cols, "norm") as j:
        kb.store(sb.const(0.0), alpha)
        with for_range(kb, rows, "k") as k:
            x = kb.load(work(k, j))
            kb.store(kb.fadd(kb.load(alpha), kb.fmul(x, x)), alpha)
        value = kb.select(infinite, nan, kb.fmul(sb.math("sqrt", kb.load(alpha)), unscale))
        store(kb, cast(kb, value, F64, po.dtype), po.at(kb, kb.add(oo, kb.mul(j, out_step))), po.dtype)
    _sort_descending(kb, po, oo, out_step, cols)


def _sum(kb: ir.IRBuilder, acc, x, y):
    """acc + x * y, reassociable: LLVM vectorizes the dot products (in lanes, then summed, as BLAS does)."""
    product = kb.fmul(x, y)
    total = kb.fadd(acc, product)
    product.flags.extend(_FAST)
    total.flags.extend(_FAST)
    return total


def _power_of_two_scale(kb: ir.IRBuilder, top):
    """2^-e for the exponent e of `top` (clamped to normal numbers): top * 2^-e lies in [1, 2), exactly."""
    field = kb.and_(kb.lshr(kb.bitcast(top, I64), i64(52)), i64(0x7FF))
    scaled = kb.sub(i64(2046), field)
    scaled = kb.select(kb.icmp_signed("<", scaled, i64(1)), i64(1), scaled)
    scaled = kb.select(kb.icmp_signed(">", scaled, i64(2046)), i64(2046), scaled)
    zero = kb.fcmp_ordered("==", top, ir.Constant(top.type, 0.0))
    scaled = kb.select(zero, i64(1023), scaled)  # a zero matrix stays as it is
    return kb.bitcast(kb.shl(scaled, i64(52)), top.type)


def _rotation(kb: ir.IRBuilder, sb: ScalarBuilder, a, b, g):
    """(cos, sin, tan) of the Jacobi rotation that makes columns with norms^2 a, b and product g orthogonal: the
    smaller root t of t^2 + 2 zeta t - 1 = 0 for zeta = (b - a) / 2g (1 / 2zeta where zeta^2 would overflow)."""
    zeta = kb.fdiv(kb.fsub(b, a), kb.fmul(sb.const(2.0), g))
    magnitude = sb.abs(zeta)
    root = sb.math("sqrt", kb.fadd(sb.const(1.0), kb.fmul(zeta, zeta)))
    t = kb.fdiv(sb._intrinsic("llvm.copysign", sb.const(1.0), zeta), kb.fadd(magnitude, root))
    t = kb.select(kb.fcmp_ordered(">", magnitude, sb.const(2.0 ** 500)), kb.fdiv(sb.const(0.5), zeta), t)
    c = kb.fdiv(sb.const(1.0), sb.math("sqrt", kb.fadd(sb.const(1.0), kb.fmul(t, t))))
    return c, kb.fmul(c, t), t


def _sort_descending(kb: ir.IRBuilder, po: Buf, oo, step, count) -> None:
    """Selection sort of the (few) singular values in place."""
    def at(j):
        return po.at(kb, kb.add(oo, kb.mul(j, step)))

    with for_range(kb, count, "si") as i, for_range(kb, count, "sj", kb.add(i, i64(1))) as j:
        x, y = load(kb, at(i), po.dtype), load(kb, at(j), po.dtype)
        swap = kb.fcmp_ordered("<", x, y)
        store(kb, kb.select(swap, y, x), at(i), po.dtype)
        store(kb, kb.select(swap, x, y), at(j), po.dtype)


@contextlib.contextmanager
def _each(kb: ir.IRBuilder, rows, cols):
    """for j in range(cols): for k in range(rows): the workspace's memory order."""
    with for_range(kb, cols, "wj") as j, for_range(kb, rows, "wk") as k:
        yield k, j
