"""Ctrl-C during long native loops. Python's own SIGINT handler only records the signal; it runs at the next
bytecode, which a compiled loop never reaches. So a small native handler is chained in front of it: it counts
the signal in COUNT and calls Python's handler. Compiled loops (prim::Loop) read COUNT once per iteration (one
load; nothing is added to calls without loops) and, when it changed since the loop started and they run on the
main thread (where Python delivers KeyboardInterrupt), return the status INTERRUPTED; the runtime then lets
Python's handler raise. Installed when code is compiled, only over a handler that is a function (not SIG_DFL or
SIG_IGN), on Linux x86-64 (the struct sigaction layout below).
"""
from __future__ import annotations

import ctypes
import functools
import platform
import signal
import sys
import threading

from llvmlite import ir

from .scalar import I32, I64

INTERRUPTED = 7  # the entry's status (codegen.abi.ERRORS)
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


_state = {"handler": None, "library": None}


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
    from . import engine

    library = engine.compile_ir(_handler_module(current.handler), "jitc_interrupt")
    ours = _Sigaction()
    ours.handler = library.address("jitc_on_sigint")
    ours.mask = current.mask
    ours.flags = current.flags | SA_SIGINFO
    if libc.sigaction(signal.SIGINT, ctypes.byref(ours), None) == 0:
        _state["handler"], _state["library"] = ours.handler, library  # the library stays loaded while installed


def check_in_loop(lowering, b: ir.IRBuilder, start) -> None:
    """In a loop body: return INTERRUPTED when COUNT differs from `start` (read before the loop) on the main
    thread. `lowering` provides the process-symbol table and the error exit."""
    count = b.inttoptr(lowering.symbols.load(b, "jitc", "interrupts"), I64.as_pointer())
    now = b.load_atomic(count, "monotonic", 8)
    with b.if_then(b.icmp_unsigned("!=", now, start), likely=False):
        self_fn = lowering.module.globals.get("pthread_self") or ir.Function(
            lowering.module, ir.FunctionType(I64, []), "pthread_self")
        main = b.load(b.inttoptr(lowering.symbols.load(b, "jitc", "main_thread"), I64.as_pointer()))
        lowering.error(INTERRUPTED, b.icmp_unsigned("==", b.call(self_fn, []), main))


def loop_start(lowering, b: ir.IRBuilder):
    """COUNT as the loop starts (a signal from before does not interrupt it)."""
    count = b.inttoptr(lowering.symbols.load(b, "jitc", "interrupts"), I64.as_pointer())
    return b.load_atomic(count, "monotonic", 8)


def raise_pending() -> None:
    """After INTERRUPTED: run Python's pending signal handlers (the default one raises KeyboardInterrupt); if
    none raised, raise KeyboardInterrupt, since the computation was abandoned."""
    ctypes.pythonapi.PyErr_CheckSignals()
    raise KeyboardInterrupt
