"""Control flow in native code: prim::If as branches that merge into shared buffers (arrays) or phis
(scalars), prim::Loop as a counted loop whose carried arrays live in one buffer for every iteration."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Block, Node, Value
from jitc.ops import OPS
from jitc.ops.registry import CREATION, KERNEL, MATMUL, REDUCTION
from jitc.types import SCALAR_DTYPES, TensorType

from . import interrupt
from .dims import size_slot
from .elementwise import emit_copy
from .loops import i64, numel
from .scalar import cast, value_type

SYMBOLIC_ELEMENTS = 1 << 20  # how much work a node of symbolic size counts for (Ctrl-C checks in loops)


def merge_slots(lw, values: list[Value]) -> list:
    """Destinations for values merged from branches or carried by loops: one buffer per array value (for a
    loop, the same buffer in every iteration)."""
    return [lw.result_buf(v) if isinstance(v.type, TensorType) else None for v in values]


def assign(lw, slots: list, values: list[Value]) -> list:
    """Copy array values into their slots; returns the scalar values (for phis)."""
    scalars = []
    for slot, v in zip(slots, values):
        if slot is None:
            value, dt, _ = lw.scalar(v)
            scalars.append((value, dt))
        elif lw.env[v] is not slot:
            emit_copy(lw.module, lw.b, lw.buf(v), slot)
    return scalars


def stage_carried(lw, results: list[Value], slots: list) -> None:
    """Before the carried buffers are overwritten, copy aside any result that may read them: a carried value
    itself (`a, b = a + b, a`) or a view (`x = x.T`). Results computed fresh in the body are safe, and so is
    a result already in its own buffer (an in-place write), which is not overwritten."""
    for v, slot in zip(results, slots):
        producer = v.node
        if lw.env.get(v) is slot:
            continue
        if isinstance(v.type, TensorType) and (producer is None or not writes_fresh_buffer(producer)):
            src = lw.buf(v)
            staged = lw.alloc(src.dtype, src.shape)
            emit_copy(lw.module, lw.b, src, staged)
            lw.env[v] = staged


def lower_if(lw, node: Node) -> None:
    cond, dt, _ = lw.scalar(node.inputs[0])
    cond = cast(lw.b, cond, dt, np.bool_)
    slots = merge_slots(lw, node.outputs)
    then_bb, else_bb = lw.fn.append_basic_block("then"), lw.fn.append_basic_block("else")
    merge = lw.fn.append_basic_block("endif")
    lw.b.cbranch(cond, then_bb, else_bb)
    incoming = []
    for bb, block in ((then_bb, node.blocks[0]), (else_bb, node.blocks[1])):
        lw.b.position_at_end(bb)
        lw.block(block)
        incoming.append((assign(lw, slots, block.returns), lw.b.block))
        lw.b.branch(merge)
    lw.b.position_at_end(merge)
    k = 0
    for v, slot in zip(node.outputs, slots):
        if slot is not None:
            lw.env[v] = slot
            continue
        dt = SCALAR_DTYPES[v.type.name]
        phi = lw.b.phi(value_type(dt))
        for scalars, bb in incoming:
            phi.add_incoming(_cast_in(lw.b, bb, scalars[k], dt), bb)
        lw.env[v] = (phi, dt, None)
        k += 1


def lower_loop(lw, node: Node) -> None:
    body = node.blocks[0]
    max_trips, _, _ = lw.scalar(node.inputs[0])
    init_cond = cast(lw.b, *lw.scalar(node.inputs[1])[:2], np.bool_)
    carried_in = node.inputs[2:]
    # the carried buffers are the loop's results (maybe an output), or the initial arrays when those are dead
    slots = [lw.buf(init) if lw.plan.reuses_init(node, k) else merge_slots(lw, [v])[0]
             for k, (init, v) in enumerate(zip(carried_in, node.outputs))]
    init_scalars = assign(lw, slots, carried_in)
    interrupts = interrupt.loop_start(lw, lw.b) if lw.symbols is not None else None
    pre = lw.b.block
    header = lw.fn.append_basic_block("loop.header")
    body_bb = lw.fn.append_basic_block("loop.body")
    done = lw.fn.append_basic_block("loop.done")
    lw.b.branch(header)
    lw.b.position_at_end(header)
    i = lw.b.phi(i64(0).type, "iter")
    i.add_incoming(i64(0), pre)
    cond = lw.b.phi(ir.IntType(1), "cond")
    cond.add_incoming(init_cond, pre)
    phis, k = [], 0
    for p, slot in zip(body.params[1:], slots):
        if slot is not None:
            lw.env[p] = slot
            continue
        dt = SCALAR_DTYPES[p.type.name]
        phi = lw.b.phi(value_type(dt))
        phi.add_incoming(_cast_in(lw.b, pre, init_scalars[k], dt), pre)
        lw.env[p] = (phi, dt, None)
        phis.append((phi, dt))
        k += 1
    trips = cast(lw.b, max_trips, lw.scalar(node.inputs[0])[1], np.int64)
    go = lw.b.and_(cond, lw.b.icmp_signed("<", i, trips))
    lw.b.cbranch(go, body_bb, done)
    lw.b.position_at_end(body_bb)
    lw.env[body.params[0]] = (i, np.dtype(np.int64), None)
    if "counter" in node.attrs:  # where the body's kernels read the counter's symbol
        lw.b.store(i, size_slot(lw.b, node.attrs["counter"].name))
    lw.block(body)
    next_cond = cast(lw.b, *lw.scalar(body.returns[0])[:2], np.bool_)
    stage_carried(lw, body.returns[1:], slots)
    new_scalars = assign(lw, slots, body.returns[1:])
    if interrupts is not None:  # Ctrl-C (interrupt.py)
        interrupt.check_in_loop(lw, lw.b, interrupts, i, _elements(body))
    latch = lw.b.block
    for (phi, dt), (value, src_dt) in zip(phis, new_scalars):
        phi.add_incoming(cast(lw.b, value, src_dt, dt), latch)
    cond.add_incoming(next_cond, latch)
    i.add_incoming(lw.b.add(i, i64(1)), latch)
    lw.b.branch(header)
    lw.b.position_at_end(done)
    for v, p in zip(node.outputs, body.params[1:]):
        lw.env[v] = lw.env[p]


def _elements(block: Block) -> int:
    """Array elements a block's nodes compute (nested blocks included): how much work one loop iteration is."""
    total = 0
    for node in block.nodes:
        for v in node.outputs:
            if isinstance(v.type, TensorType) and v.type.shape is not None:
                n = numel(v.type.shape)
                total += n if isinstance(n, int) else SYMBOLIC_ELEMENTS
        total += sum(_elements(b) for b in node.blocks)
    return total


def _cast_in(b: ir.IRBuilder, block, scalar, dt):
    value, src_dt = scalar
    with b.goto_block(block):
        return cast(b, value, src_dt, dt)


def writes_fresh_buffer(node: Node) -> bool:
    op = OPS.get(node.kind)
    if node.kind in ("prim::FusionGroup", "prim::If", "prim::Loop"):
        return True
    return op is not None and op.kind in (REDUCTION, MATMUL, CREATION, KERNEL)
