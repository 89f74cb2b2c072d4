"""Calling a specialization's native code: through ctypes on the general path (run_compiled) or as a CPython
builtin that is the native fast path itself (fast_path); what a call wrote to copies of the caller's arrays goes
back to them, and the returned structure is rebuilt from the flat outputs (views of inputs made again)."""
from __future__ import annotations

import ctypes

import numpy as np

from ..errors import JitcError
from ..ops import OPS
from ..symbolic import Sym, slot_of
from ..types import SCALAR_DTYPES
from .pipeline import Compiled, arg_type


def written_back(args, values: list, result):
    """Arguments native code could not use as they are (unaligned, byte-swapped) ran on copies: what was written
    to a copy goes to the caller's array, and a returned copy is the caller's array."""
    for a, v in zip(args, values):
        if v is not a and isinstance(a, np.ndarray) and isinstance(v, np.ndarray):
            if not np.array_equal(a, v, equal_nan=True):
                np.copyto(a, v)
            result = _swap(result, v, a)
    return result


def _swap(result, old, new):
    if isinstance(result, tuple):
        return tuple(_swap(r, old, new) for r in result)
    return new if result is old else result


def run_compiled(compiled: Compiled, values: list):
    n_in, n_out = len(values), len(compiled.outputs)
    sizes = compiled.guard.sizes(values) if compiled.guard is not None else {}
    slots = (ctypes.c_void_p * (n_in + n_out + 1))()
    keep = []
    for i, a in enumerate(values):
        if not isinstance(a, np.ndarray):
            a = np.array(a, SCALAR_DTYPES[arg_type(a).name])
            keep.append(a)
        slots[i] = a.ctypes.data
    if compiled.sizes_slots:  # the symbols' sizes, and room for the loop counters (codegen/dims.py)
        outs = [np.empty(tuple(d.evaluate(sizes) if isinstance(d, Sym) else d for d in s.room or s.shape), s.dtype)
                for s in compiled.outputs]
        keep.append(np.zeros(compiled.sizes_slots, np.int64))
        for name, value in sizes.items():
            keep[-1][slot_of(name)] = value
        slots[n_in + n_out] = keep[-1].ctypes.data
    else:
        outs = [np.empty(s.shape, s.dtype) for s in compiled.outputs]
    for j, o in enumerate(outs):
        slots[n_in + j] = o.ctypes.data
    code = compiled.entry(slots)
    if code:
        from codegen.abi import ERRORS, site_error_message
        from codegen.interrupt import INTERRUPTED, raise_pending

        if code == INTERRUPTED:
            raise_pending()

        message = site_error_message(code, compiled.errors)
        if message is not None:
            raise IndexError(message)
        exc, msg = ERRORS.get(code, (JitcError, f"native code failed with code {code}"))
        raise exc(msg)
    for o, s in zip(outs, compiled.outputs):
        if s.room:  # a selection's length, set by the data (codegen/compact.py): keep that prefix
            values_of = {name: int(keep[-1][slot_of(name)]) for d in s.shape if isinstance(d, Sym) for name in d.symbols}
            o.resize(tuple(d.evaluate(values_of) if isinstance(d, Sym) else d for d in s.shape), refcheck=False)
    flat = [o.item() if s.scalar else o[()] if s.numpy_scalar else o for o, s in zip(outs, compiled.outputs)]
    return _rebuild(compiled.template, flat, values)


class _MethodDef(ctypes.Structure):
    _fields_ = [("ml_name", ctypes.c_char_p), ("ml_meth", ctypes.c_void_p), ("ml_flags", ctypes.c_int),
                ("ml_doc", ctypes.c_char_p)]


METH_FASTCALL_KEYWORDS = 0x0080 | 0x0002
_new_cfunction = ctypes.pythonapi.PyCFunction_NewEx
_new_cfunction.restype = ctypes.py_object
_new_cfunction.argtypes = [ctypes.POINTER(_MethodDef), ctypes.py_object, ctypes.py_object]


def fast_path(compiled: Compiled, params: tuple, slow, generation: int):
    """A builtin function running the specialization's native entry (guards included); on a guard failure, or
    once a parameter is reassigned (generation), the native code itself calls `slow`, the general path."""
    method = _MethodDef(b"jitc_fastcall", compiled.fastcall, METH_FASTCALL_KEYWORDS, None)
    state = (params, slow, generation, (compiled, method))  # keeps the code and the method table alive
    return _new_cfunction(ctypes.byref(method), state, None)


def has_views(template) -> bool:
    """Whether a template (see _rebuild) returns a view of an input. Checked here, not with codegen's helper: a
    first import on this path (a warm start loads code without codegen.outputs) could be under way at a fork."""
    if isinstance(template, tuple):
        return any(has_views(t) for t in template)
    return isinstance(template, dict)


def _rebuild(template, flat: list, inputs: list):
    """The returned structure: template entries index the outputs; None is None, -1 - i is input i itself, and
    {"view": -1 - i, "steps": ...} a view of input i."""
    if isinstance(template, tuple):
        return tuple(_rebuild(t, flat, inputs) for t in template)
    if template is None:
        return None
    if isinstance(template, dict):
        view = inputs[-1 - template["view"]]
        for name, *args in template["steps"]:
            view = OPS[f"aten::{name}"].impl(view, *args)
        return view
    return inputs[-1 - template] if template < 0 else flat[template]
