"""Process-specific addresses (the ndarray type, dtype descriptors, NumPy's BLAS) are read from a table that
the runtime fills after loading the code, never baked in as constants: object code stays valid in another
process, so it can be cached on disk."""
from __future__ import annotations

import ctypes
import functools

import numpy as np
from llvmlite import ir

from .scalar import I32, I64

MAX_SYMBOLS = 64


class ProcessSymbols:
    """Collects the symbols a module needs; `load` emits a read of one table slot."""

    def __init__(self, module: ir.Module, name: str):
        self.keys: list[tuple[str, str]] = []
        self.name = f"{name}.symbols"
        self.table = ir.GlobalVariable(module, ir.ArrayType(I64, MAX_SYMBOLS), self.name)
        self.table.initializer = ir.Constant(ir.ArrayType(I64, MAX_SYMBOLS), None)

    def load(self, b: ir.IRBuilder, kind: str, what: str) -> ir.Value:
        key = (kind, what)
        if key not in self.keys:
            if len(self.keys) == MAX_SYMBOLS:
                raise OverflowError("too many process symbols in one module")
            self.keys.append(key)
        slot = b.gep(self.table, [ir.Constant(I32, 0), ir.Constant(I32, self.keys.index(key))], inbounds=True)
        return b.load(slot)


GENERATION = ctypes.c_int64(0)  # bumped when a jitc parameter is reassigned: compiled fast paths re-check


@functools.cache
def _numpy_api() -> ctypes.Array:
    """NumPy's C-API function table (what `import_array()` gives C extensions)."""
    from numpy._core import _multiarray_umath

    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype, get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    return (ctypes.c_void_p * 400).from_address(get_pointer(_multiarray_umath._ARRAY_API, None))


NUMPY_API_INDEX = {"PyArray_Type": 2, "PyArray_Return": 76, "PyArray_Empty": 184}  # stable slots of NumPy's C-API table


def resolve(kind: str, what: str) -> int:
    """The address of a symbol in this process (0 when unavailable)."""
    if kind == "type":
        return id({"ndarray": np.ndarray, "float": float, "complex": complex, "int": int, "bool": bool}[what])
    if kind == "object":
        return id({"True": True, "None": None, "KeyboardInterrupt": KeyboardInterrupt}[what])
    if kind == "descr":
        return id(np.dtype(what))
    if kind == "capi":
        return ctypes.cast(getattr(ctypes.pythonapi, what), ctypes.c_void_p).value or 0
    if kind == "numpy":
        api = _numpy_api()
        return api[NUMPY_API_INDEX[what]] if api[NUMPY_API_INDEX["PyArray_Type"]] == id(np.ndarray) else 0
    if kind == "jitc":
        if what == "parallel_for":
            from .threadpool import parallel_for_address

            return parallel_for_address()
        from .interrupt import MAIN_THREAD

        return ctypes.addressof({"generation": GENERATION, "main_thread": MAIN_THREAD}[what])
    if kind == "blas":
        from .matmul import blas_gemm

        return blas_gemm(np.dtype(what)) or 0
    raise KeyError(kind)


def fill(address: int, keys: list) -> None:
    """Write this process's addresses into a loaded module's table; raises if one is unavailable."""
    table = (ctypes.c_int64 * MAX_SYMBOLS).from_address(address)
    for i, key in enumerate(keys):
        value = resolve(*key)
        if not value:
            raise LookupError(f"process symbol {key} is not available")
        table[i] = value
