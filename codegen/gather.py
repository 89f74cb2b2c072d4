"""take along one axis (integer-array indexing): out[pre, j..., post] = src[pre, idx[j...], post]. Negative
indices wrap; an index out of range stops the entry with NumPy's IndexError (naming the axis, its size and the line), never
reads outside."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node
from jitc.ops.abstract import normalize_axes

from .dims import SIZES_TYPE, bind_sizes, symbolic_bufs
from .kernel import kernel_args
from .loops import Buf, i64, loop_nest, pointer_type
from .scalar import I32, I64, cast, load, store


def lower_take(lw, node: Node) -> Buf:
    src, idx = lw.buf(node.inputs[0]), lw.buf(node.inputs[1])
    (axis,) = normalize_axes(lw.const(node.inputs[2]), len(src.shape), "take")
    out = lw.result_buf(node.output)
    bufs = [src, idx, out]
    symbolic = symbolic_bufs(bufs)  # (an index array of data-dependent length: `x[np.nonzero(m)]`)
    fnty = ir.FunctionType(I32, [pointer_type(b.dtype) for b in bufs] + [SIZES_TYPE] * symbolic + [I64.as_pointer()])
    fn = ir.Function(lw.module, fnty, lw.module.get_unique_name("take"))
    fn.linkage = "internal"
    for a in fn.args:
        a.add_attribute("noalias")
    if symbolic:
        bind_sizes(fn, fn.args[len(bufs)])
    ps, pi, po = (b.with_ptr(a) for b, a in zip(bufs, fn.args))
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    oob = fn.append_basic_block("out_of_range")
    with kb.goto_block(oob):
        bad_index = kb.phi(I64, "index")  # reported with NumPy's IndexError
    n, step = src.shape[axis], src.strides[axis]
    inner = len(idx.shape)
    src_strides = ps.strides[:axis] + (0,) * inner + ps.strides[axis + 1:]
    idx_strides = (0,) * axis + pi.strides + (0,) * (len(src.shape) - axis - 1)
    with loop_nest(kb, po.shape, [src_strides, idx_strides, po.strides]) as (so, io, oo):
        given = cast(kb, load(kb, pi.at(kb, io), pi.dtype), pi.dtype, np.int64)
        j = kb.select(kb.icmp_signed("<", given, i64(0)), kb.add(given, i64(n)), given) if pi.dtype.kind == "i" \
            else given
        ok = fn.append_basic_block("in_range")
        kb.cbranch(kb.icmp_unsigned(">=", j, i64(n)), oob, ok)
        bad_index.add_incoming(given, kb.block)
        kb.position_at_end(ok)
        value = load(kb, ps.at(kb, kb.add(so, kb.mul(j, i64(step)))), ps.dtype)
        store(kb, value, po.at(kb, oo), po.dtype)
    kb.ret(ir.Constant(I32, 0))
    with kb.goto_block(oob):
        kb.store(bad_index, fn.args[-1])
        kb.ret(ir.Constant(I32, 1))
    with lw.b.goto_entry_block():
        where = lw.b.alloca(I64)
    status = lw.b.call(fn, kernel_args(lw.b, bufs, [where]))
    failed = lw.b.icmp_signed("!=", status, ir.Constant(I32, 0))
    lw.error(lw.index_error(axis, n, node, lw.b.load(where)), failed)
    return out
