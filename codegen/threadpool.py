"""A persistent thread pool, generated as LLVM IR and loaded once per process (its code is never unloaded, so
its threads can live as long as the process).

`void jitc_parallel_for(void (*body)(i8 *ctx, i64 lo, i64 hi), i8 *ctx, i64 n, i64 chunks, i64 threads)` runs
body over `chunks` pieces of [0, n). Workers spin briefly after each job (PAUSE_ROUNDS pause instructions,
then YIELD_ROUNDS sched_yields, which hand the core to any other runnable thread: BLAS's, another process's),
then sleep on a futex, so a job reaches them in microseconds and an idle pool costs a busy machine almost
nothing. The caller waiting for the last chunks yields the same way, so a worker that was preempted in the
middle of a chunk gets the core back at once instead of after the spinning caller's time slice. Chunks are claimed with a compare-and-swap on (job number, next chunk), and a
finished job is closed (its chunk index set past any count) before the next one's settings are written: a
worker that wakes late can never run a chunk with settings of a job other than the one it claimed. The caller
works too and only waits for chunks in progress. If another thread holds the pool, the caller runs alone.

On a machine shared with other busy processes a worker can lose its core in the middle of a chunk, and the caller
then waits for the rest of the other process's time slice (milliseconds, for a job of microseconds): a parallel
call becomes slower than a serial one. So the caller measures (time-stamp counter) how long it waited for chunks
in progress after running out of chunks to claim; when that is longer than it worked itself, the workers were not
keeping up, and parallel calls run alone for a while (ALONE_CYCLES, doubling with each such job in a row up to
MAX_ALONE_DOUBLINGS), then try the pool again.
"""
from __future__ import annotations

import ctypes
import functools
import os

from llvmlite import ir

from .scalar import I8, I32, I64

FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE, SYS_FUTEX, SYS_SCHED_YIELD = 128, 129, 202, 24
PAUSE_ROUNDS = 512  # about 10-40 microseconds, depending on the CPU's pause latency
YIELD_ROUNDS = 32
CLOSED = 0xFFFFFFFF  # the chunk index of a finished job: beyond any chunk count, so every claim fails
ALONE_CYCLES = 1 << 21  # about a millisecond of time-stamp counter (2-4 GHz): the first pause of the pool
MAX_ALONE_DOUBLINGS = 3
SLOW_WAIT_CYCLES = 1 << 16  # waits shorter than this (~25 us) never count as a worker falling behind
JOB, DONE, BUSY, STARTED, BODY, CTX, N, CHUNK, CHUNKS, ALONE_UNTIL, SLOW_JOBS, SLEEPERS, _FIELDS = range(13)


def _c(v: int) -> ir.Constant:
    return ir.Constant(I64, v)


class _Pool:
    def __init__(self, module: ir.Module | None = None, prefix: str = "jitc"):
        """Into its own module (the process's pool), or into `module` with internal names (an exported
        library's own pool: each library linked into a program has its own state and workers)."""
        self.module = module if module is not None else ir.Module(name="jitc_threadpool")
        self.prefix = prefix
        m = self.module
        self.p8 = I8.as_pointer()
        self.body_type = ir.FunctionType(ir.VoidType(), [self.p8, I64, I64])
        self.state = ir.GlobalVariable(m, ir.ArrayType(I64, _FIELDS), f"{prefix}_pool_state")
        self.state.initializer = ir.Constant(ir.ArrayType(I64, _FIELDS), None)
        self.wake = ir.GlobalVariable(m, I32, f"{prefix}_pool_wake")
        self.wake.initializer = ir.Constant(I32, 0)
        self.syscall = m.globals.get("syscall") or ir.Function(m, ir.FunctionType(I64, [I64], var_arg=True), "syscall")
        self.pause = m.declare_intrinsic("llvm.x86.sse2.pause", [], ir.FunctionType(ir.VoidType(), []))
        self.clock = m.globals.get("llvm.readcyclecounter") or ir.Function(m, ir.FunctionType(I64, []),
                                                                           "llvm.readcyclecounter")
        self.create = m.globals.get("pthread_create") or ir.Function(
            m, ir.FunctionType(I32, [I64.as_pointer(), self.p8, self.p8, self.p8]), "pthread_create")
        self.detach = m.globals.get("pthread_detach") or ir.Function(m, ir.FunctionType(I32, [I64]), "pthread_detach")
        self.run_chunks = self._run_chunks()
        self.worker = self._worker()
        self.parallel_for = self._parallel_for()

    def field(self, b: ir.IRBuilder, k: int):
        return b.gep(self.state, [ir.Constant(I32, 0), ir.Constant(I32, k)])

    def _run_chunks(self) -> ir.Function:
        """`void run(i64 job)`: claim and run chunks of job number `job` until none is left."""
        fn = ir.Function(self.module, ir.FunctionType(ir.VoidType(), [I64]), f"{self.prefix}_pool_run")
        fn.linkage = "internal"
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        job = fn.args[0]
        body = b.inttoptr(b.load(self.field(b, BODY)), self.body_type.as_pointer())
        ctx = b.inttoptr(b.load(self.field(b, CTX)), self.p8)
        n, chunk, chunks = (b.load(self.field(b, k)) for k in (N, CHUNK, CHUNKS))
        claim, check, run, out = (fn.append_basic_block(x) for x in ("claim", "check", "run", "out"))
        b.branch(claim)
        b.position_at_end(claim)
        word = b.load_atomic(self.field(b, JOB), "acquire", 8)
        same_job = b.icmp_unsigned("==", b.lshr(word, _c(32)), job)
        index = b.and_(word, _c(0xFFFFFFFF))
        b.cbranch(b.and_(same_job, b.icmp_signed("<", index, chunks)), check, out)
        b.position_at_end(check)
        swapped = b.cmpxchg(self.field(b, JOB), word, b.add(word, _c(1)), "acq_rel", "acquire")
        b.cbranch(b.extract_value(swapped, 1), run, claim)
        b.position_at_end(run)
        lo = b.mul(index, chunk)
        hi = b.add(lo, chunk)
        b.call(body, [ctx, lo, b.select(b.icmp_signed("<", hi, n), hi, n)])
        b.atomic_rmw("add", self.field(b, DONE), _c(1), "release")
        b.branch(claim)
        b.position_at_end(out)
        b.ret_void()
        return fn

    def _worker(self) -> ir.Function:
        """`i8* worker(i8*)`: wait for a new job (spin, then futex), run its chunks, forever."""
        fn = ir.Function(self.module, ir.FunctionType(self.p8, [self.p8]), f"{self.prefix}_pool_worker")
        fn.linkage = "internal"
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        seen = b.alloca(I64)
        b.store(b.lshr(b.load_atomic(self.field(b, JOB), "acquire", 8), _c(32)), seen)
        wait, spin, sleep, work = (fn.append_basic_block(x) for x in ("wait", "spin", "sleep", "work"))
        b.branch(wait)
        b.position_at_end(wait)
        rounds = b.phi(I64)
        rounds.add_incoming(_c(0), fn.entry_basic_block)
        job = b.lshr(b.load_atomic(self.field(b, JOB), "acquire", 8), _c(32))
        b.cbranch(b.icmp_unsigned("!=", job, b.load(seen)), work, spin)
        b.position_at_end(spin)
        self._pause_or_yield(b, rounds)
        more = b.add(rounds, _c(1))
        b.cbranch(b.icmp_signed("<", more, _c(PAUSE_ROUNDS + YIELD_ROUNDS)), wait, sleep)
        rounds.add_incoming(more, b.block)
        b.position_at_end(sleep)  # read the futex word, then re-check: a job posted after this wakes us
        ticket = b.load_atomic(self.wake, "acquire", 4)
        job_now = b.lshr(b.load_atomic(self.field(b, JOB), "acquire", 8), _c(32))
        nap = fn.append_basic_block("nap")
        b.cbranch(b.icmp_unsigned("!=", job_now, b.load(seen)), work, nap)
        b.position_at_end(nap)  # counted as asleep before the wait, so a caller that sees none need not wake
        b.atomic_rmw("add", self.field(b, SLEEPERS), _c(1), "seq_cst")
        b.call(self.syscall, [_c(SYS_FUTEX), self.wake, ir.Constant(I32, FUTEX_WAIT_PRIVATE), ticket,
                              ir.Constant(self.p8, None)])
        b.atomic_rmw("sub", self.field(b, SLEEPERS), _c(1), "seq_cst")
        b.branch(wait)
        rounds.add_incoming(_c(0), nap)
        b.position_at_end(work)
        current = b.lshr(b.load_atomic(self.field(b, JOB), "acquire", 8), _c(32))
        b.store(current, seen)
        b.call(self.run_chunks, [current])
        b.branch(wait)
        rounds.add_incoming(_c(0), b.block)
        return fn

    def _parallel_for(self) -> ir.Function:
        m, b_ty = self.module, self.body_type.as_pointer()
        fn = ir.Function(m, ir.FunctionType(ir.VoidType(), [b_ty, self.p8, I64, I64, I64]),
                         f"{self.prefix}_parallel_for")
        body, ctx, n, chunks, threads = fn.args
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        with b.if_then(b.icmp_signed("<=", n, _c(0))):
            b.ret_void()
        chunks = b.select(b.icmp_signed(">", chunks, n), n, chunks)  # at least one element per chunk
        alone, pooled = fn.append_basic_block("alone"), fn.append_basic_block("pooled")
        got = b.cmpxchg(self.field(b, BUSY), _c(0), _c(1), "acquire", "monotonic")
        b.cbranch(b.extract_value(got, 1), pooled, alone)
        b.position_at_end(alone)  # another thread is using the pool
        b.call(body, [ctx, _c(0), n])
        b.ret_void()
        b.position_at_end(pooled)
        start = b.call(self.clock, [])
        rest, go = fn.append_basic_block("resting"), fn.append_basic_block("go")
        b.cbranch(b.icmp_unsigned("<", start, b.load_atomic(self.field(b, ALONE_UNTIL), "monotonic", 8)), rest, go)
        b.position_at_end(rest)  # the workers fell behind lately: this call runs alone
        b.store_atomic(_c(0), self.field(b, BUSY), "release", 8)
        b.branch(alone)
        b.position_at_end(go)
        first = b.cmpxchg(self.field(b, STARTED), _c(0), _c(1), "acq_rel", "monotonic")
        with b.if_then(b.extract_value(first, 1)):
            handle = b.alloca(I64)
            with _counted_loop(b, fn, b.sub(threads, _c(1))):
                ok = b.call(self.create, [handle, ir.Constant(self.p8, None), b.bitcast(self.worker, self.p8),
                                          ir.Constant(self.p8, None)])
                with b.if_then(b.icmp_signed("==", ok, ir.Constant(I32, 0))):
                    b.call(self.detach, [b.load(handle)])
        chunk = b.udiv(b.add(n, b.sub(chunks, _c(1))), chunks)
        count = b.udiv(b.add(n, b.sub(chunk, _c(1))), chunk)
        for k, value in ((BODY, b.ptrtoint(body, I64)), (CTX, b.ptrtoint(ctx, I64)), (N, n), (CHUNK, chunk),
                         (CHUNKS, count)):
            b.store(value, self.field(b, k))
        b.store_atomic(_c(0), self.field(b, DONE), "release", 8)
        job = b.add(b.lshr(b.load_atomic(self.field(b, JOB), "acquire", 8), _c(32)), _c(1))
        b.store_atomic(b.shl(job, _c(32)), self.field(b, JOB), "release", 8)  # publishes the job
        # a worker not yet counted as asleep either sees the job or finds the futex word changed, so the wake
        # syscall (a microsecond) is only for counted sleepers
        b.atomic_rmw("add", self.wake, ir.Constant(I32, 1), "seq_cst")
        asleep = b.icmp_signed(">", b.load_atomic(self.field(b, SLEEPERS), "seq_cst", 8), _c(0))
        with b.if_then(asleep):
            b.call(self.syscall, [_c(SYS_FUTEX), self.wake, ir.Constant(I32, FUTEX_WAKE_PRIVATE),
                                  ir.Constant(I32, 2 ** 31 - 1)])
        b.call(self.run_chunks, [job])
        out_of_work = b.call(self.clock, [])
        entry_end = b.block
        wait, waiting, finished = (fn.append_basic_block(x) for x in ("wait", "waiting", "finished"))
        b.branch(wait)
        b.position_at_end(wait)
        rounds = b.phi(I64)
        rounds.add_incoming(_c(0), entry_end)
        done = b.load_atomic(self.field(b, DONE), "acquire", 8)
        b.cbranch(b.icmp_signed("<", done, count), waiting, finished)
        b.position_at_end(waiting)
        self._pause_or_yield(b, rounds)
        rounds.add_incoming(b.add(rounds, _c(1)), b.block)
        b.branch(wait)
        b.position_at_end(finished)
        self._judge_the_wait(b, start, out_of_work)
        # close the job before the next caller may rewrite the settings: a worker that read this job's number
        # but not yet its settings can then never claim a chunk with the next job's settings
        b.store_atomic(b.or_(b.shl(job, _c(32)), _c(CLOSED)), self.field(b, JOB), "release", 8)
        b.store_atomic(_c(0), self.field(b, BUSY), "release", 8)
        b.ret_void()
        return fn


    def _judge_the_wait(self, b: ir.IRBuilder, start, out_of_work) -> None:
        """After a job: a wait for chunks in progress longer than the caller's own work (and than
        SLOW_WAIT_CYCLES) sends the next calls of the next ALONE_CYCLES << (slow jobs in a row) cycles alone."""
        now = b.call(self.clock, [])
        waited, worked = b.sub(now, out_of_work), b.sub(out_of_work, start)
        slow = b.and_(b.icmp_unsigned(">", waited, worked), b.icmp_unsigned(">", waited, _c(SLOW_WAIT_CYCLES)))
        streak = b.load(self.field(b, SLOW_JOBS))
        longer = b.select(b.icmp_unsigned("<", streak, _c(MAX_ALONE_DOUBLINGS)), b.add(streak, _c(1)), streak)
        with b.if_else(slow) as (fell_behind, kept_up):
            with fell_behind:
                b.store(longer, self.field(b, SLOW_JOBS))
                b.store_atomic(b.add(now, b.shl(_c(ALONE_CYCLES), streak)), self.field(b, ALONE_UNTIL),
                               "monotonic", 8)
            with kept_up:
                b.store(_c(0), self.field(b, SLOW_JOBS))

    def _pause_or_yield(self, b: ir.IRBuilder, rounds) -> None:
        """One round of waiting: a pause instruction for the first PAUSE_ROUNDS rounds, then sched_yield."""
        pause, give_up, after = (b.function.append_basic_block(x) for x in ("pause", "yield", "waited"))
        b.cbranch(b.icmp_signed("<", rounds, _c(PAUSE_ROUNDS)), pause, give_up)
        b.position_at_end(pause)
        b.call(self.pause, [])
        b.branch(after)
        b.position_at_end(give_up)
        b.call(self.syscall, [_c(SYS_SCHED_YIELD)])
        b.branch(after)
        b.position_at_end(after)


class _counted_loop:
    """`for _ in range(count)` as a context manager over an i64 count."""

    def __init__(self, b: ir.IRBuilder, fn: ir.Function, count):
        self.b, self.fn, self.count = b, fn, count

    def __enter__(self):
        b = self.b
        self.pre = b.block
        self.head, self.body, self.done = (self.fn.append_basic_block(x) for x in ("loop", "step", "end"))
        b.branch(self.head)
        b.position_at_end(self.head)
        self.i = b.phi(I64)
        self.i.add_incoming(_c(0), self.pre)
        b.cbranch(b.icmp_signed("<", self.i, self.count), self.body, self.done)
        b.position_at_end(self.body)

    def __exit__(self, *exc):
        b = self.b
        self.i.add_incoming(b.add(self.i, _c(1)), b.block)
        b.branch(self.head)
        b.position_at_end(self.done)
        return False


def embed_pool(module: ir.Module, prefix: str) -> ir.Function:
    """A pool of the module's own, all internal (an exported library's): its `parallel_for` function."""
    pool = _Pool(module, prefix)
    for g in (pool.state, pool.wake, pool.parallel_for):
        g.linkage = "internal"
    return pool.parallel_for


@functools.cache
def parallel_for_address() -> int:
    """Compile the pool once; its library stays loaded for the life of the process."""
    from . import engine

    library = engine.compile_ir(str(_Pool().module), "jitc_threadpool")
    _KEEP.append(library)
    return library.address("jitc_parallel_for")


_KEEP: list = []


def _reset_in_child() -> None:
    """After fork only the forking thread exists: the pool's workers are gone and the pool may be marked busy
    by a thread that was running a job. Back to the initial state, so the child's first job starts new workers."""
    for library in _KEEP:
        ctypes.memset(library.address("jitc_pool_state"), 0, _FIELDS * 8)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_in_child)
