"""Ctrl-C during long native loops. Python's own SIGINT handler only records the signal; it runs at the next
bytecode, which a compiled loop never reaches. So a small native handler is chained in front of it: it counts
the signal in COUNT and calls Python's handler. Compiled loops (prim::Loop) read COUNT at the end of an
iteration (every iteration, or every 64th for light ones; calls without loops get nothing) through
`jitc_interrupt_count`, and when it changed since the loop started and they run on the main thread (where
Python delivers KeyboardInterrupt) return the status INTERRUPTED; the runtime then lets Python's handler raise.
Installed when code is compiled, only over a handler that is a function (not SIG_DFL or SIG_IGN), on Linux
x86-64 (the struct sigaction layout below).
"""
from __future__ import annotations

import ctypes
import functools
import platform
import signal
import sys
import threading

from llvmlite import ir

from . import engine
from .scalar import I32, I64

INTERRUPTED = 7  # the entry's status (codegen.abi.ERRORS)
# Iterations between two reads of COUNT: every one when an iteration computes at least BIG_ITERATION array
# elements (a read is nothing next to that), else every 64th (reading it each time slows tight loops 3x).
CHECK_EVERY, BIG_ITERATION = 64, 1024
COUNT = ctypes.c_int64(0)
MAIN_THREAD = ctypes.c_uint64(threading.main_thread().ident or 0)
SA_SIGINFO = 4


class _Sigaction(ctypes.Structure):
    _fields_ = [("handler", ctypes.c_void_p), ("mask", ctypes.c_uint64 * 16), ("flags", ctypes.c_int),
                ("restorer", ctypes.c_void_p)]


def supported() -> bool:
    return sys.platform == "linux" and platform.machine() == "x86_64"


@functools.cache
def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.sigaction.argtypes = [ctypes.c_int, ctypes.POINTER(_Sigaction), ctypes.POINTER(_Sigaction)]
    return libc


_state = {"handler": None, "library": None, "reader": None}


def _handler_module(previous: int) -> str:
    """`void jitc_on_sigint(int, siginfo_t *, void *)`: count, then call the handler it replaced."""
    module = ir.Module(name="jitc_interrupt")
    p8 = ir.IntType(8).as_pointer()
    fnty = ir.FunctionType(ir.VoidType(), [I32, p8, p8])
    fn = ir.Function(module, fnty, "jitc_on_sigint")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    count = b.inttoptr(ir.Constant(I64, ctypes.addressof(COUNT)), I64.as_pointer())
    b.atomic_rmw("add", count, ir.Constant(I64, 1), "seq_cst")
    b.call(b.inttoptr(ir.Constant(I64, previous), fnty.as_pointer()), list(fn.args))
    b.ret_void()
    return str(module)


def ensure_handler() -> None:
    """Chain the counting handler in front of the current SIGINT handler unless it is already there. Signal
    handlers belong to the main thread: elsewhere this does nothing."""
    if not supported() or threading.current_thread() is not threading.main_thread():
        return
    libc = _libc()
    current = _Sigaction()
    if libc.sigaction(signal.SIGINT, None, ctypes.byref(current)) != 0:
        return
    if current.handler in (None, 0, 1) or current.handler == _state["handler"]:
        return  # SIG_DFL / SIG_IGN: Ctrl-C is not Python's to deliver; or ours already

    library = engine.compile_ir(_handler_module(current.handler), "jitc_interrupt", imports=False, light=True)
    ours = _Sigaction()
    ours.handler = library.address("jitc_on_sigint")
    ours.mask = current.mask
    ours.flags = current.flags | SA_SIGINFO
    if libc.sigaction(signal.SIGINT, ctypes.byref(ours), None) == 0:
        _state["handler"], _state["library"] = ours.handler, library  # the library stays loaded while installed


READER = ir.FunctionType(I64, [])


@functools.cache
def reader_address() -> int:
    """`i64 jitc_interrupt_count()`: COUNT, read in a library of its own. Compiled loops call it through a
    pointer marked as touching no memory of theirs, so LLVM still keeps their arrays in registers."""
    module = ir.Module(name="jitc_interrupt_count")
    fn = ir.Function(module, READER, "jitc_interrupt_count")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    count = b.inttoptr(ir.Constant(I64, ctypes.addressof(COUNT)), I64.as_pointer())
    b.ret(b.load_atomic(count, "monotonic", 8))
    library = engine.compile_ir(str(module), "jitc_interrupt_count", imports=False, light=True)
    _state["reader"] = library  # loaded for the life of the process
    return library.address("jitc_interrupt_count")


def _reader(module: ir.Module) -> ir.Function:
    """The declaration compiled loops call: it touches no memory of theirs, so LLVM keeps their arrays in
    registers across iterations (a plain load of COUNT could alias them and forces every store)."""
    fn = module.globals.get("jitc_interrupt_count")
    if fn is None:
        fn = ir.Function(module, READER, "jitc_interrupt_count")
        fn.attributes.add("inaccessiblememonly")
        fn.attributes.add("nounwind")
    return fn


def loop_start(lowering, b: ir.IRBuilder) -> tuple:
    """Before a loop: the reader, COUNT now (a signal from before does not interrupt the loop), and whether this
    is the main thread (where Python delivers KeyboardInterrupt; a loop elsewhere is never interrupted)."""
    reader = _reader(lowering.module)
    self_fn = lowering.module.globals.get("pthread_self") or ir.Function(
        lowering.module, ir.FunctionType(I64, []), "pthread_self")
    main = b.load(b.inttoptr(lowering.symbols.load(b, "jitc", "main_thread"), I64.as_pointer()))
    return reader, b.call(reader, []), b.icmp_unsigned("==", b.call(self_fn, []), main)


def check_in_loop(lowering, b: ir.IRBuilder, state: tuple, iteration, elements: int) -> None:
    """At the end of a loop body (after its stores, so LLVM still keeps carried arrays in registers): return
    INTERRUPTED when COUNT changed since loop_start, on the main thread. `elements`: the array elements one
    iteration computes; `lowering` provides the error exit."""
    reader, start, on_main = state
    every = 1 if elements >= BIG_ITERATION else CHECK_EVERY
    due = b.icmp_unsigned("==", b.and_(iteration, ir.Constant(I64, every - 1)), ir.Constant(I64, 0))
    with b.if_then(due, likely=False):
        changed = b.icmp_unsigned("!=", b.call(reader, []), start)
        lowering.error(INTERRUPTED, b.and_(on_main, changed))


def raise_pending() -> None:
    """After INTERRUPTED: run Python's pending signal handlers (the default one raises KeyboardInterrupt); if
    none raised, raise KeyboardInterrupt, since the computation was abandoned."""
    ctypes.pythonapi.PyErr_CheckSignals()
    raise KeyboardInterrupt


engine.register_import("jitc_interrupt_count", reader_address)
