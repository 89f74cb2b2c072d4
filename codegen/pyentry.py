"""A CPython-facing entry: `i32 NAME_py(PyObject *args, PyObject *params, PyObject *outs)` takes tuples of
ndarrays, checks every array against the specialization (exact ndarray type, dtype, shape, strides, alignment)
by reading the array structs directly, gathers the data pointers and runs the entry. It returns -1 when any
guard fails, so the runtime falls back to its general path: calls cost far less than ctypes conversions.

The struct offsets are NumPy's stable PyArrayObject layout; `layout_ok()` verifies them at run time.
"""
from __future__ import annotations

import ctypes
import functools

import numpy as np
from llvmlite import ir

from jitc.types import TensorType

from .loops import i64
from .scalar import I8, I32

TUPLE_SIZE, TUPLE_ITEMS, OB_TYPE = 16, 24, 8
ARR_DATA, ARR_ND, ARR_DIMS, ARR_STRIDES, ARR_DESCR, ARR_FLAGS = 16, 24, 32, 40, 56, 64
NPY_ARRAY_ALIGNED = 0x0100


@functools.cache
def layout_ok() -> bool:
    """True when this interpreter's ndarray struct has the offsets the fast entry reads."""
    a = np.empty((2, 3), np.float32)
    addr = id(a)

    def word(off, t=ctypes.c_void_p):
        return t.from_address(addr + off).value

    return (word(OB_TYPE) == id(np.ndarray) and word(ARR_DATA) == a.ctypes.data and
            word(ARR_ND, ctypes.c_int) == 2 and word(ARR_DESCR) == id(a.dtype) and
            ctypes.c_int64.from_address(word(ARR_DIMS) + 8).value == 3 and
            ctypes.c_int64.from_address(word(ARR_STRIDES)).value == 12 and
            id(np.dtype(np.float32)) == id(a.dtype))


def _load(b: ir.IRBuilder, base, offset: int, ty: ir.Type):
    ptr = b.gep(base, [i64(offset)], inbounds=True)
    return b.load(b.bitcast(ptr, ty.as_pointer()))


def emit_py_entry(module: ir.Module, entry: ir.Function, name: str, input_types: list[TensorType], n_user: int,
                  n_outputs: int, symbols) -> None:
    """The guarded entry for inputs (user arrays, then parameters/constants: two tuples) and outputs."""
    p8 = I8.as_pointer()
    fn = ir.Function(module, ir.FunctionType(I32, [p8, p8, p8]), name)
    args_tuple, params_tuple, outs_tuple = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    fail = fn.append_basic_block("guard_failed")
    with b.goto_block(fail):
        b.ret(ir.Constant(I32, -1))
    n_in = len(input_types)
    slots = b.alloca(ir.ArrayType(p8, max(n_in + n_outputs, 1)))
    array_type = symbols.load(b, "type", "ndarray")

    def check(cond) -> None:
        ok = fn.append_basic_block("ok")
        b.cbranch(cond, ok, fail)
        b.position_at_end(ok)

    def item(tup, i):
        return _load(b, tup, TUPLE_ITEMS + 8 * i, p8)

    groups = [(args_tuple, range(n_user)), (params_tuple, range(n_user, n_in))]
    for tup, indices in groups:
        check(b.icmp_signed("==", _load(b, tup, TUPLE_SIZE, i64(0).type), i64(len(indices))))
        for k, i in enumerate(indices):
            arr, t = item(tup, k), input_types[i]
            check(b.icmp_unsigned("==", b.ptrtoint(_load(b, arr, OB_TYPE, p8), i64(0).type), array_type))
            descr = b.ptrtoint(_load(b, arr, ARR_DESCR, p8), i64(0).type)
            check(b.icmp_unsigned("==", descr, symbols.load(b, "descr", np.dtype(t.dtype).str)))
            check(b.icmp_signed("==", _load(b, arr, ARR_ND, I32), ir.Constant(I32, len(t.shape))))
            flags = _load(b, arr, ARR_FLAGS, I32)
            check(b.icmp_unsigned("!=", b.and_(flags, ir.Constant(I32, NPY_ARRAY_ALIGNED)), ir.Constant(I32, 0)))
            dims, strides = _load(b, arr, ARR_DIMS, p8), _load(b, arr, ARR_STRIDES, p8)
            item_size = np.dtype(t.dtype).itemsize
            for d, (n, s) in enumerate(zip(t.shape, t.strides)):
                check(b.icmp_signed("==", _load(b, dims, 8 * d, i64(0).type), i64(n)))
                check(b.icmp_signed("==", _load(b, strides, 8 * d, i64(0).type), i64(s * item_size)))
            b.store(_load(b, arr, ARR_DATA, p8), b.gep(slots, [ir.Constant(I32, 0), ir.Constant(I32, i)]))
    for j in range(n_outputs):
        data = _load(b, item(outs_tuple, j), ARR_DATA, p8)
        b.store(data, b.gep(slots, [ir.Constant(I32, 0), ir.Constant(I32, n_in + j)]))
    b.ret(b.call(entry, [b.bitcast(slots, p8.as_pointer())]))
