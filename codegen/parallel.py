"""Splitting a kernel's outermost loop across threads, robust to a busy machine.

The range is cut into chunks that threads take from a shared atomic counter; the calling thread works too and
then waits only for chunks already being computed, never for a thread that has not been scheduled yet (such a
thread finds no chunk left and exits). Helper threads are detached and the shared state is reference-counted,
so a late thread never touches memory the caller has released.
"""
from __future__ import annotations

import os

from llvmlite import ir

from .kernel import declare
from .loops import i64
from .scalar import I8, I32, I64

PARALLEL_MIN_ELEMENTS = 1 << 18
CHUNKS_PER_THREAD = 8
_HEADER = 6  # next chunk, chunks done, references, chunk count, chunk length, range length


def thread_count() -> int:
    """JITC_NUM_THREADS, else the CPUs this process may use."""
    try:
        return max(1, int(os.environ["JITC_NUM_THREADS"]))
    except (KeyError, ValueError):
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _field(b: ir.IRBuilder, shared, k: int) -> ir.Value:
    return b.gep(shared, [ir.Constant(I32, 0), ir.Constant(I32, k)])


def _release(b: ir.IRBuilder, module: ir.Module, shared) -> None:
    """Drop one reference to the shared state; the last one frees it."""
    p8 = I8.as_pointer()
    free = declare(module, "free", ir.VoidType(), [p8])
    before = b.atomic_rmw("sub", _field(b, shared, 2), i64(1), "acq_rel")
    with b.if_then(b.icmp_signed("==", before, i64(1))):
        b.call(free, [b.bitcast(shared, p8)])


def _worker(module: ir.Module, body: ir.Function, shared_type: ir.LiteralStructType) -> ir.Function:
    """`i8* worker(i8* shared)`: take chunks until none is left, count each as done, drop the reference."""
    p8 = I8.as_pointer()
    fn = ir.Function(module, ir.FunctionType(p8, [p8]), f"{body.name}.worker")
    fn.linkage = "internal"
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    shared = b.bitcast(fn.args[0], shared_type.as_pointer())
    nchunks, chunk, n = (b.load(_field(b, shared, k)) for k in (3, 4, 5))
    args = [b.load(_field(b, shared, _HEADER + k)) for k in range(len(shared_type.elements) - _HEADER)]
    loop, work, done = (fn.append_basic_block(name) for name in ("take", "work", "done"))
    b.branch(loop)
    b.position_at_end(loop)
    c = b.atomic_rmw("add", _field(b, shared, 0), i64(1), "monotonic")
    b.cbranch(b.icmp_signed("<", c, nchunks), work, done)
    b.position_at_end(work)
    lo = b.mul(c, chunk)
    hi = b.add(lo, chunk)
    hi = b.select(b.icmp_signed("<", hi, n), hi, n)
    b.call(body, args + [lo, hi])
    b.atomic_rmw("add", _field(b, shared, 1), i64(1), "release")
    b.branch(loop)
    b.position_at_end(done)
    _release(b, module, shared)
    b.ret(ir.Constant(p8, None))
    return fn


def emit_parallel_call(module: ir.Module, b: ir.IRBuilder, body: ir.Function, args: list, n: int,
                       threads: int) -> None:
    """Call body(*args, lo, hi) over chunks of [0, n); with one thread (or no memory for the shared state),
    one call over the whole range on this thread."""
    threads = max(1, min(threads, n))
    if threads == 1:
        b.call(body, list(args) + [i64(0), i64(n)])
        return
    p8 = I8.as_pointer()
    shared_type = ir.LiteralStructType([I64] * _HEADER + [a.type for a in args])
    worker = _worker(module, body, shared_type)
    malloc = declare(module, "malloc", p8, [I64])
    create = declare(module, "pthread_create", I32, [I64.as_pointer(), p8, p8, p8])
    detach = declare(module, "pthread_detach", I32, [I64])
    yield_cpu = declare(module, "sched_yield", I32, [])
    size = b.ptrtoint(b.gep(ir.Constant(shared_type.as_pointer(), None), [i64(1)]), I64)
    raw = b.call(malloc, [size])
    serial, parallel, after = (b.append_basic_block(name) for name in ("serial", "parallel", "after"))
    b.cbranch(b.icmp_unsigned("==", raw, ir.Constant(p8, None)), serial, parallel)
    b.position_at_end(serial)
    b.call(body, list(args) + [i64(0), i64(n)])
    b.branch(after)
    b.position_at_end(parallel)
    shared = b.bitcast(raw, shared_type.as_pointer())
    chunks = min(n, threads * CHUNKS_PER_THREAD)
    chunk = -(-n // chunks)
    chunks = -(-n // chunk)
    for k, value in enumerate([i64(0), i64(0), i64(threads), i64(chunks), i64(chunk), i64(n), *args]):
        b.store(value, _field(b, shared, k))
    handle = b.alloca(I64)
    for _ in range(threads - 1):
        started = b.call(create, [handle, ir.Constant(p8, None), b.bitcast(worker, p8), raw])
        with b.if_else(b.icmp_signed("==", started, ir.Constant(I32, 0))) as (ok, failed):
            with ok:
                b.call(detach, [b.load(handle)])
            with failed:  # that thread's reference is dropped here; its chunks get taken by the others
                b.atomic_rmw("sub", _field(b, shared, 2), i64(1), "acq_rel")
    b.atomic_rmw("add", _field(b, shared, 2), i64(1), "acq_rel")  # hold our own until we stop waiting
    b.call(worker, [raw])  # take chunks too; this drops the worker reference we just added
    wait, waiting, finished = (b.append_basic_block(name) for name in ("wait", "waiting", "finished"))
    b.branch(wait)
    b.position_at_end(wait)
    done = b.load_atomic(_field(b, shared, 1), "acquire", 8)
    b.cbranch(b.icmp_signed("<", done, i64(chunks)), waiting, finished)
    b.position_at_end(waiting)
    b.call(yield_cpu, [])
    b.branch(wait)
    b.position_at_end(finished)
    _release(b, module, shared)
    b.branch(after)
    b.position_at_end(after)
