"""Splitting a kernel's outermost loop across threads (pthreads, spawned per call: only worth it for loops of
hundreds of microseconds, see PARALLEL_MIN_ELEMENTS). The calling thread runs the first share itself."""
from __future__ import annotations

import os

from llvmlite import ir

from .loops import i64
from .scalar import I8, I32, I64

PARALLEL_MIN_ELEMENTS = 1 << 18


def thread_count() -> int:
    """JITC_NUM_THREADS, else the CPUs this process may use."""
    try:
        return max(1, int(os.environ["JITC_NUM_THREADS"]))
    except (KeyError, ValueError):
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _declare(module: ir.Module, name: str, fnty: ir.FunctionType) -> ir.Function:
    existing = module.globals.get(name)
    return existing if existing is not None else ir.Function(module, fnty, name)


def _trampoline(module: ir.Module, body: ir.Function, ctx_type: ir.LiteralStructType) -> ir.Function:
    """`i8* tramp(i8* ctx)`: unpack one thread's arguments and call body (pthread's start routine)."""
    p8 = I8.as_pointer()
    fn = ir.Function(module, ir.FunctionType(p8, [p8]), f"{body.name}.thread")
    fn.linkage = "internal"
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    ctx = b.bitcast(fn.args[0], ctx_type.as_pointer())
    args = [b.load(b.gep(ctx, [ir.Constant(I32, 0), ir.Constant(I32, k)])) for k in range(len(ctx_type.elements))]
    b.call(body, args)
    b.ret(ir.Constant(p8, None))
    return fn


def emit_parallel_call(module: ir.Module, b: ir.IRBuilder, body: ir.Function, args: list, n: int,
                       threads: int) -> None:
    """Call body(*args, lo, hi) for shares of [0, n); with one thread, or if a thread can't start, inline."""
    threads = max(1, min(threads, n))
    if threads == 1:
        b.call(body, list(args) + [i64(0), i64(n)])
        return
    p8 = I8.as_pointer()
    create = _declare(module, "pthread_create", ir.FunctionType(I32, [I64.as_pointer(), p8, p8, p8]))
    join = _declare(module, "pthread_join", ir.FunctionType(I32, [I64, p8.as_pointer()]))
    ctx_type = ir.LiteralStructType([a.type for a in args] + [I64, I64])
    tramp = _trampoline(module, body, ctx_type)
    contexts = b.alloca(ctx_type, size=threads)
    handles = b.alloca(I64, size=threads)
    started = b.alloca(ir.IntType(1), size=threads)
    bounds = [n * t // threads for t in range(threads + 1)]
    for t in range(threads):
        ctx = b.gep(contexts, [i64(t)])
        for k, value in enumerate(list(args) + [i64(bounds[t]), i64(bounds[t + 1])]):
            b.store(value, b.gep(ctx, [ir.Constant(I32, 0), ir.Constant(I32, k)]))
    for t in range(1, threads):
        rc = b.call(create, [b.gep(handles, [i64(t)]), ir.Constant(p8, None), b.bitcast(tramp, p8),
                             b.bitcast(b.gep(contexts, [i64(t)]), p8)])
        ok = b.icmp_signed("==", rc, ir.Constant(I32, 0))
        b.store(ok, b.gep(started, [i64(t)]))
        with b.if_then(b.not_(ok)):  # no thread: do its share here
            b.call(tramp, [b.bitcast(b.gep(contexts, [i64(t)]), p8)])
    b.call(tramp, [b.bitcast(b.gep(contexts, [i64(0)]), p8)])
    for t in range(1, threads):
        with b.if_then(b.load(b.gep(started, [i64(t)]))):
            b.call(join, [b.load(b.gep(handles, [i64(t)])), ir.Constant(p8.as_pointer(), None)])
