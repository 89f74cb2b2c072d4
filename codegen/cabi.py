"""The C entry of an exported model: `int NAME(const float *x, ..., float *out0, ...)` with the parameters
embedded as constant data, so the object file needs nothing but libc/libm/pthreads at run time."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.symbolic import MIN_SIZE

from .abi import FIRST_SITE_CODE, SIZE_ERROR
from .loops import pointer_type
from .scalar import I8, I32, I64, value_type


def emit_c_entry(module: ir.Module, entry: ir.Function, name: str, user_types: list, params: list[np.ndarray],
                 n_outputs_types: list, n_symbols: int = 0, sizes_slots: int = 0) -> None:
    """user_types: TensorType (passed as `const T *`) or scalar dtype (passed by value); params: arrays embedded
    in the module; n_outputs_types: output dtypes (all passed as `T *`); then n_symbols `int64_t` sizes, each at
    least 2 (else the function returns SIZE_ERROR), into a sizes array of sizes_slots (see dims.py)."""
    p8 = I8.as_pointer()
    arg_types = [pointer_type(t.dtype) if hasattr(t, "shape") else value_type(t) for t in user_types]
    arg_types += [pointer_type(dt) for dt in n_outputs_types] + [I64] * n_symbols
    fn = ir.Function(module, ir.FunctionType(I32, arg_types), name)
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    n_in = len(user_types) + len(params)
    slots = b.alloca(ir.ArrayType(p8, n_in + len(n_outputs_types) + 1))

    def put(i: int, ptr) -> None:
        b.store(b.bitcast(ptr, p8), b.gep(slots, [ir.Constant(I32, 0), ir.Constant(I32, i)]))

    for i, (t, arg) in enumerate(zip(user_types, fn.args)):
        if hasattr(t, "shape"):
            put(i, arg)
        else:  # scalars travel as 0-d arrays in the entry's argument list
            cell = b.alloca(arg.type)
            b.store(arg, cell)
            put(i, cell)
    for k, array in enumerate(params):
        data = np.ascontiguousarray(array)
        blob = ir.GlobalVariable(module, ir.ArrayType(I8, max(data.nbytes, 1)), f"{name}.param{k}")
        blob.global_constant = True
        blob.linkage = "internal"
        blob.align = 64
        blob.initializer = ir.Constant(ir.ArrayType(I8, max(data.nbytes, 1)), bytearray(data.tobytes() or b"\0"))
        put(len(user_types) + k, blob)
    outputs = fn.args[len(user_types):len(user_types) + len(n_outputs_types)]
    for j, arg in enumerate(outputs):
        put(n_in + j, arg)
    if sizes_slots:
        sizes = b.alloca(I64, size=sizes_slots)
        for k, arg in enumerate(fn.args[len(arg_types) - n_symbols:]):
            with b.if_then(b.icmp_signed("<", arg, ir.Constant(I64, MIN_SIZE)), likely=False):
                b.ret(ir.Constant(I32, SIZE_ERROR))
            b.store(arg, b.gep(sizes, [ir.Constant(I64, k)]))
        put(n_in + len(n_outputs_types), sizes)
    status = b.call(entry, [b.bitcast(slots, p8.as_pointer())])
    site = b.or_(b.icmp_signed("<", status, ir.Constant(I32, 0)), b.icmp_signed(">=", status, ir.Constant(I32, FIRST_SITE_CODE)))
    b.ret(b.select(site, ir.Constant(I32, 1), status))  # an indexing site's code: the header's 1


def export_only(module: ir.Module, name: str) -> None:
    """Make every definition but `name` local: kernels and `NAME_graph` never clash with another library's."""
    for symbol in module.global_values:
        defined = symbol.initializer is not None if isinstance(symbol, ir.GlobalVariable) else bool(symbol.blocks)
        if symbol.name != name and defined:
            symbol.linkage = "internal"
