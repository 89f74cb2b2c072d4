"""The C-callable entry of a lowered graph (lower.py): `i32 NAME(i8** args)` allocates the body's workspaces, calls
it, frees them and returns its status."""
from __future__ import annotations

from llvmlite import ir

from .dims import bind_sizes, same, size
from .kernel import declare
from .loops import i64
from .scalar import I8, I32, I64

ALIGN = 64
STACK_WORKSPACE = 64 * 1024  # larger workspaces come from the heap: threads may have small stacks


def emit_entry(lw) -> None:
    """`i32 NAME(i8** args)`: allocate the workspaces (each on the stack up to STACK_WORKSPACE, else with
    aligned_alloc; the one of symbolic size decides at run time), run the body, free, return its status."""
    fn = ir.Function(lw.module, ir.FunctionType(I32, [I8.as_pointer().as_pointer()]), lw.name)
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    alloc = declare(lw.module, "aligned_alloc", I8.as_pointer(), [I64, I64])
    free = declare(lw.module, "free", ir.VoidType(), [I8.as_pointer()])
    null = ir.Constant(I8.as_pointer(), None)
    owned = []

    def heap(nbytes) -> ir.Value:
        ws = b.call(alloc, [i64(ALIGN), b.and_(b.add(nbytes, i64(ALIGN - 1)), i64(-ALIGN))])
        with b.if_then(b.icmp_unsigned("==", ws, null), likely=False):
            for other in owned:
                b.call(free, [other])
            b.ret(ir.Constant(I32, 2))
        owned.append(ws)
        return ws

    nbytes = max(lw.workspace_size, ALIGN)
    if nbytes <= STACK_WORKSPACE:
        ws = b.alloca(ir.ArrayType(I8, nbytes))
        ws.align = ALIGN
        ws = b.bitcast(ws, I8.as_pointer())
    else:
        ws = heap(i64(nbytes))
    sized, from_heap = null, None
    if not same(lw.sized_workspace_size, 0):  # its size is known now: the stack when small, else the heap
        bind_sizes(fn, lw.sizes_pointer(b, fn.args[0]))
        want = size(b, lw.sized_workspace_size)
        with b.if_else(b.icmp_unsigned("<=", want, i64(STACK_WORKSPACE))) as (small, large):
            with small:
                on_stack, stack_block = b.alloca(I8, size=want), b.block
            with large:
                on_heap = heap(want)
                owned.pop()  # freed below, only when it was used
                heap_block = b.block
        sized = b.phi(I8.as_pointer())
        sized.add_incoming(on_stack, stack_block)
        sized.add_incoming(on_heap, heap_block)
        from_heap = b.phi(ir.IntType(1))
        from_heap.add_incoming(ir.Constant(ir.IntType(1), 0), stack_block)
        from_heap.add_incoming(ir.Constant(ir.IntType(1), 1), heap_block)
    status = b.call(lw.fn, [fn.args[0], ws, sized])
    for block in owned:
        b.call(free, [block])
    if from_heap is not None:
        with b.if_then(from_heap):
            b.call(free, [sized])
    b.ret(status)
