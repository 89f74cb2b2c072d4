"""Splitting a kernel's outermost loop across threads: the kernel's arguments go into a context on the stack,
a small trampoline unpacks them for each chunk, and the process's thread pool (threadpool.py, reached through
the process-symbol table) runs the chunks. Exported libraries run serially, or on a pool of their own when built
with one (`use_own_pool`)."""
from __future__ import annotations

import os
import sys
import weakref

from llvmlite import ir

from jitc.symbolic import Sym

from .dims import size
from .loops import i64
from .scalar import I8, I32, I64

PARALLEL_MIN_ELEMENTS = 1 << 17
CHUNKS_PER_THREAD = 8
_OWN_POOLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # module -> its parallel_for


def use_own_pool(module: ir.Module, prefix: str) -> None:
    """Parallel calls of `module` (which has no process-symbol table) go to a thread pool built into it."""
    from .threadpool import embed_pool

    _OWN_POOLS[module] = embed_pool(module, prefix)


def has_pool(module: ir.Module, symbols) -> bool:
    return symbols is not None or module in _OWN_POOLS


def thread_count() -> int:
    """Threads a parallel kernel may use: JITC_NUM_THREADS, else OMP_NUM_THREADS (as numexpr and BLAS read it;
    Dask's nanny sets it to 1 in its workers so that tasks running side by side do not oversubscribe), else the
    CPUs of this process's affinity mask, shared among the threads of the Dask worker running this code."""
    for variable in ("JITC_NUM_THREADS", "OMP_NUM_THREADS"):
        try:
            return max(1, int(os.environ[variable]))
        except (KeyError, ValueError):
            pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus // _dask_worker_threads())


def _dask_worker_threads() -> int:
    """The worker's nthreads when this thread runs a Dask task, else 1 (distributed is never imported here)."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return 1
    try:
        return max(1, int(distributed.get_worker().state.nthreads))
    except (ValueError, AttributeError, TypeError):  # get_worker raises ValueError outside a worker
        return 1


def _trampoline(module: ir.Module, body: ir.Function, ctx_type: ir.LiteralStructType) -> ir.Function:
    """`void chunk(i8* ctx, i64 lo, i64 hi)`: body(*ctx, lo, hi)."""
    p8 = I8.as_pointer()
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [p8, I64, I64]), f"{body.name}.chunk")
    fn.linkage = "internal"
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    ctx = b.bitcast(fn.args[0], ctx_type.as_pointer())
    args = [b.load(b.gep(ctx, [ir.Constant(I32, 0), ir.Constant(I32, k)])) for k in range(len(ctx_type.elements))]
    b.call(body, args + list(fn.args[1:]))
    b.ret_void()
    return fn


def parallel_threads(threads: int, work) -> int:
    """Threads for a kernel over `work` elements: one when it is small; a symbolic amount decides at run time."""
    return threads if isinstance(work, Sym) or work >= PARALLEL_MIN_ELEMENTS else 1


def emit_parallel_call(module: ir.Module, b: ir.IRBuilder, body: ir.Function, args: list, n,
                       threads: int, symbols=None, work=None, chunks: int | None = None) -> None:
    """Call body(*args, lo, hi) over [0, n): in chunks on the thread pool, or in one call on this thread. With a
    symbolic n or `work` (elements), small calls run on this thread (decided at run time). `chunks` (for an int
    n): how many pieces, when the caller sized its work items to balance (else up to CHUNKS_PER_THREAD each)."""
    if isinstance(n, (Sym, ir.Value)) or isinstance(work, Sym):
        _emit_sized_call(module, b, body, args, n, threads, symbols, work)
        return
    threads = max(1, min(threads, n))
    if threads == 1 or not has_pool(module, symbols):
        b.call(body, list(args) + [i64(0), i64(n)])
        return
    chunks = min(n, threads * CHUNKS_PER_THREAD) if chunks is None else chunks
    _emit_pool_call(module, b, body, args, i64(n), i64(chunks), threads, symbols)


def _emit_sized_call(module, b, body, args, n, threads, symbols, work) -> None:
    count = size(b, n)
    if threads == 1 or not has_pool(module, symbols):
        b.call(body, list(args) + [i64(0), count])
        return
    work = size(b, n if work is None else work)
    wide = b.and_(b.icmp_signed(">=", work, i64(PARALLEL_MIN_ELEMENTS)), b.icmp_signed(">", count, i64(1)))
    with b.if_else(wide) as (pool, serial):
        with pool:
            most = i64(threads * CHUNKS_PER_THREAD)
            chunks = b.select(b.icmp_signed("<", count, most), count, most)
            _emit_pool_call(module, b, body, args, count, chunks, threads, symbols)
        with serial:
            b.call(body, list(args) + [i64(0), count])


def _emit_pool_call(module, b, body, args, count, chunks, threads, symbols) -> None:
    p8 = I8.as_pointer()
    ctx_type = ir.LiteralStructType([a.type for a in args])
    with b.goto_entry_block():
        ctx = b.alloca(ctx_type)
    for k, value in enumerate(args):
        b.store(value, b.gep(ctx, [ir.Constant(I32, 0), ir.Constant(I32, k)]))
    chunk = _trampoline(module, body, ctx_type)
    run_type = ir.FunctionType(ir.VoidType(), [chunk.type, p8, I64, I64, I64])
    own = _OWN_POOLS.get(module) if symbols is None else None
    run = own if own is not None else b.inttoptr(symbols.load(b, "jitc", "parallel_for"), run_type.as_pointer())
    b.call(run, [chunk, b.bitcast(ctx, p8), count, chunks, i64(threads)])
