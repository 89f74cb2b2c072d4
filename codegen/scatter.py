"""`aten::index_scatter` (jitc/ops/scatter.py): a[indices] = values, or np.<ufunc>.at(a, indices, values), along
axis 0. Every index is checked first (negative ones wrap; one out of range stops the entry with an IndexError
before anything is written); then the writes run in index order, so a repeated index keeps the last value
("set") or accumulates every one (the ufuncs), as NumPy does."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node
from jitc.ops import OPS
from jitc.ops.scatter import loop_dtype

from .dims import SIZES_TYPE, bind_sizes, size, sizes_of, symbolic_bufs
from .elementwise import emit_copy
from .loops import Buf, broadcast_strides, i64, loop_nest, pointer_type
from .mutation import settable
from .scalar import I32, I64, ScalarBuilder, cast, load, store, value_type


def lower_index_scatter(lw, node: Node) -> Buf:
    base, idx = lw.buf(node.inputs[0]), lw.buf(node.inputs[1])
    reduce = lw.const(node.inputs[3])
    compute = loop_dtype(node.inputs[0].type, node.inputs[2].type, reduce)
    value = lw.env[node.inputs[2]]
    if lw.plan.in_place(node):
        target = base
    else:
        target = lw.result_buf(node.output)
        emit_copy(lw.module, lw.b, base, target)
    region = tuple(idx.shape) + tuple(base.shape[1:])
    bufs, scalars = [target, idx], []
    if isinstance(value, Buf):
        if lw.plan.may_overlap(node.inputs[2], node.inputs[0]) and target is base:
            staged = lw.alloc(value.dtype, value.shape)  # the values read what the writes change: NumPy copies
            emit_copy(lw.module, lw.b, value, staged)
            value = staged
        bufs.append(settable(value, Buf(None, base.dtype, region, ())) if reduce == "set" else value)
    else:
        scalars.append(lw.scalar(node.inputs[2])[:2])
    symbolic = symbolic_bufs(bufs)  # (a boolean mask's positions: `x[mask] = values`, a length set by the data)
    arg_types = [pointer_type(b.dtype) for b in bufs] + [SIZES_TYPE] * symbolic + [value_type(dt) for _, dt in scalars]
    arg_types.append(I64.as_pointer())  # where an index out of range is reported
    fn = ir.Function(lw.module, ir.FunctionType(I32, arg_types), lw.module.get_unique_name("index_scatter"))
    fn.linkage = "internal"
    if symbolic:
        bind_sizes(fn, fn.args[len(bufs)])
    params = [b.with_ptr(a) for b, a in zip(bufs, fn.args)]
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    oob = fn.append_basic_block("out_of_range")
    pt, pi = params[0], params[1]
    n = base.shape[0]

    def row(offset, j=None):
        j = cast(kb, load(kb, pi.at(kb, offset), pi.dtype), pi.dtype, np.int64) if j is None else j
        return kb.select(kb.icmp_signed("<", j, i64(0)), kb.add(j, size(kb, n)), j) if pi.dtype.kind == "i" else j

    with kb.goto_block(oob):
        bad_index = kb.phi(I64, "index")
    with loop_nest(kb, idx.shape, [pi.strides]) as (io,):
        ok = fn.append_basic_block("in_range")
        given = cast(kb, load(kb, pi.at(kb, io), pi.dtype), pi.dtype, np.int64)
        kb.cbranch(kb.icmp_unsigned(">=", row(io, given), size(kb, n)), oob, ok)
        bad_index.add_incoming(given, kb.block)
        kb.position_at_end(ok)
    trailing = len(base.shape) - 1
    strides = [pi.strides + (0,) * trailing, (0,) * len(idx.shape) + pt.strides[1:]]
    if len(params) > 2:
        strides.append(broadcast_strides(params[2].shape, params[2].strides, region))
    sb = ScalarBuilder(kb, compute)
    with loop_nest(kb, region, strides) as offsets:
        slot = pt.at(kb, kb.add(offsets[1], kb.mul(row(offsets[0]), size(kb, pt.strides[0]))))
        if len(params) > 2:
            v = cast(kb, load(kb, params[2].at(kb, offsets[2]), params[2].dtype), params[2].dtype, compute)
        else:
            v = cast(kb, fn.args[len(bufs) + symbolic], scalars[0][1], compute)
        if reduce != "set":
            old = cast(kb, load(kb, slot, pt.dtype), pt.dtype, compute)
            v = OPS[f"aten::{reduce}"].emit(sb, old, v)
        store(kb, cast(kb, v, compute, pt.dtype), slot, pt.dtype)
    kb.ret(ir.Constant(I32, 0))
    with kb.goto_block(oob):
        kb.store(bad_index, fn.args[-1])
        kb.ret(ir.Constant(I32, 1))
    with lw.b.goto_entry_block():
        where = lw.b.alloca(I64)
    args = [lw.b.bitcast(b.ptr, pointer_type(b.dtype)) for b in bufs] + ([sizes_of(lw.b)] if symbolic else []) + \
        [x for x, _ in scalars] + [where]
    status = lw.b.call(fn, args)
    lw.error(lw.index_error(0, n, node, lw.b.load(where)), lw.b.icmp_signed("!=", status, ir.Constant(I32, 0)))
    return target
