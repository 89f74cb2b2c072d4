"""Boolean mask selection, `a[mask]`: the rows of `a` where the mask is true, packed in C order. The row count
is a size symbol set by the data (jitc.ops.movement.infer_masked_select): its buffer has room for every row
(the mask's size), the kernel stores the count in the symbol's slot of the sizes array, and every later kernel
reads it from there. A returned array of such a shape is allocated at its room and trimmed by the caller
(OutputSpec.room)."""
from __future__ import annotations

from llvmlite import ir

from jitc.errors import CompileError
from jitc.ir import Node
from jitc.ops.shapes import slice_key
from jitc.symbolic import Sym, bound, register_unbacked

from .abi import EMPTY_REDUCTION
from .dims import same, size, size_slot
from .kernel import call_kernel, kernel_function
from .loops import Buf, i64, loop_nest, numel
from .scalar import I8, I64


def data_symbols(nodes) -> set[str]:
    """The sizes masked selections (and slices with bounds known at run time) set. Their ranges are registered again: alloc() bounds buffers by them, and
    the loop counters' ranges (the same registry) may have been reset since this graph was specialized."""
    names = set()
    for node in nodes:
        if node.kind == "aten::masked_select":
            rows, mask = node.output.type.shape[0], node.inputs[1].type
            register_unbacked(rows.name, 0, numel(mask.shape))
            names.add(rows.name)
        elif node.kind == "aten::slice" and slice_key(node.inputs) is not None:  # bounds read at run time
            for d, (n, k) in enumerate(zip(node.inputs[0].type.shape, node.output.type.shape)):
                if isinstance(k, Sym) and k.name is not None and k.name[0] == "u" and not same(n, k):
                    register_unbacked(k.name, 0, n)
                    names.add(k.name)
    return names


def lower_masked_select(lw, node: Node) -> Buf:
    src, mask = lw.buf(node.inputs[0]), lw.buf(node.inputs[1])
    out = lw.result_buf(node.output)
    rows = node.output.type.shape[0]
    m = len(mask.shape)
    bufs = [src, mask, out]
    fn, (ps, pm, po), _ = kernel_function(lw.module, "masked_select", bufs, [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    count = kb.alloca(I64, name="count")
    kb.store(i64(0), count)
    with loop_nest(kb, mask.shape, [pm.strides, ps.strides[:m]]) as (at_mask, at_row):
        chosen = kb.icmp_unsigned("!=", kb.load(kb.bitcast(pm.at(kb, at_mask), I8.as_pointer())), ir.Constant(I8, 0))
        k = kb.load(count)
        if numel(src.shape[m:]) == 1:  # stored unconditionally, kept by advancing: no unpredictable branch (k
            kb.store(kb.load(ps.at(kb, at_row)), po.at(kb, k))  # never passes this row's index: inside the room)
            kb.store(kb.add(k, kb.zext(chosen, I64)), count)
        else:
            with kb.if_then(chosen):
                start = kb.mul(k, size(kb, po.strides[0]), flags=("nsw",))
                with loop_nest(kb, src.shape[m:], [ps.strides[m:], po.strides[1:]]) as (si, oi):
                    kb.store(kb.load(ps.at(kb, kb.add(at_row, si))), po.at(kb, kb.add(start, oi)))
                kb.store(kb.add(k, i64(1)), count)
    kb.store(kb.load(count), size_slot(kb, rows.name))
    kb.ret_void()
    call_kernel(lw.b, fn, bufs, [])
    return out


def check_nonempty(lw, what: str, shape: tuple, axes) -> None:
    """NumPy's ValueError for max/min/argmax/argmin over no elements, when the count is known only at run time
    (a selection's length, or a slice that moves with a loop counter)."""
    extent = numel(tuple(shape[a] for a in axes))
    if what in ("max", "min", "argmax", "argmin") and isinstance(extent, Sym) and _data_dependent(extent):
        lw.error(EMPTY_REDUCTION, lw.b.icmp_signed("<=", size(lw.b, extent), i64(0)))


def output_room(shape: tuple):
    """The shape to allocate for an output whose shape the data sets (each dimension at its largest), or None for
    other outputs. The code writes it contiguously in its true shape, so the trimmed array is the flat prefix
    (what ndarray.resize keeps)."""
    if not any(isinstance(d, Sym) and _data_dependent(d) for d in shape):
        return None
    room = tuple(bound(d, low=False) for d in shape)
    if any(d is None for d in room):
        raise CompileError(f"no bound on the shape {shape} of a returned array")
    return room


def _data_dependent(d: Sym) -> bool:
    return any(name[0] == "u" for name in d.symbols)

