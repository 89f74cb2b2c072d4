"""The CPython entry of a specialization: a METH_FASTCALL|METH_KEYWORDS function
`NAME_fastcall(self, args, nargs, kwnames)`.

It guards every argument against the specialization by reading the objects directly (exact ndarray type,
dtype descriptor, shape, strides, alignment; exact int/float/bool for scalars), allocates the outputs with
NumPy's C API, runs the entry (without the GIL when the work is large) and builds the result. When a guard
fails it calls the general Python path instead, so a call is one C call in the common case.

`self` is the tuple (parameters, slow_path, generation, keepalive): the parameter arrays are guarded like
arguments, and a changed jitc parameter generation (a parameter was reassigned) also takes the slow path.
Offsets are CPython's and NumPy's stable struct layouts; `layout_ok()` checks them before any code relies on
them. Every C-API address comes from the module's process-symbol table (see symbols.py).
"""
from __future__ import annotations

import ctypes
import functools

import numpy as np
from llvmlite import ir

from jitc.symbolic import MIN_SIZE, Sym
from jitc.types import ScalarType, TensorType

from .dims import bind_sizes, size, size_slot
from .interrupt import INTERRUPTED
from .loops import i64, numel
from .scalar import F64, I8, I32, I64

OB_TYPE, TUPLE_ITEMS, FLOAT_VALUE = 8, 24, 16
ARR_DATA, ARR_ND, ARR_DIMS, ARR_STRIDES, ARR_DESCR, ARR_FLAGS = 16, 24, 32, 40, 56, 64
NPY_ARRAY_ALIGNED, NPY_ARRAY_WRITEABLE = 0x0100, 0x0400
VECTORCALL_OFFSET_BIT = 1 << 63
RELEASE_GIL_ELEMENTS = 1 << 15  # below this the work is shorter than releasing and retaking the GIL


@functools.cache
def layout_ok() -> bool:
    """True when this interpreter's ndarray and float structs have the offsets the entry reads."""
    a = np.empty((2, 3), np.float32)

    def word(obj, off, t=ctypes.c_void_p):
        return t.from_address(id(obj) + off).value

    return (word(a, OB_TYPE) == id(np.ndarray) and word(a, ARR_DATA) == a.ctypes.data and
            word(a, ARR_ND, ctypes.c_int) == 2 and word(a, ARR_DESCR) == id(a.dtype) and
            ctypes.c_int64.from_address(word(a, ARR_DIMS) + 8).value == 3 and
            ctypes.c_int64.from_address(word(a, ARR_STRIDES)).value == 12 and
            id(np.dtype(np.float32)) == id(a.dtype) and word(2.5, FLOAT_VALUE, ctypes.c_double) == 2.5)


class _Emitter:
    def __init__(self, module: ir.Module, name: str, symbols):
        self.p8 = I8.as_pointer()
        fnty = ir.FunctionType(self.p8, [self.p8, self.p8.as_pointer(), I64, self.p8])
        self.fn = ir.Function(module, fnty, name)
        self.self_tuple, self.args, self.nargsf, self.kwnames = self.fn.args
        self.b = ir.IRBuilder(self.fn.append_basic_block("entry"))
        self.symbols = symbols
        self.slow = self.fn.append_basic_block("slow_path")

    def capi(self, name: str, ret, args: list) -> ir.Value:
        """A C-API function pointer from the symbol table."""
        address = self.symbols.load(self.b, "capi", name)
        return self.b.inttoptr(address, ir.FunctionType(ret, args).as_pointer())

    def call(self, name: str, ret, args: list, values: list) -> ir.Value:
        return self.b.call(self.capi(name, ret, args), values)

    def load(self, base, offset: int, ty) -> ir.Value:
        ptr = self.b.gep(base, [i64(offset)], inbounds=True)
        return self.b.load(self.b.bitcast(ptr, ty.as_pointer()))

    def check(self, cond) -> None:
        ok = self.fn.append_basic_block("ok")
        self.b.cbranch(cond, ok, self.slow)
        self.b.position_at_end(ok)

    def check_all(self, conds: list) -> None:
        """One branch for many conditions that are all safe to evaluate (fewer blocks: faster to compile)."""
        if conds:
            self.check(functools.reduce(self.b.and_, conds))

    def is_type(self, obj, kind: str, what: str) -> ir.Value:
        actual = self.b.ptrtoint(self.load(obj, OB_TYPE, self.p8), I64)
        return self.b.icmp_unsigned("==", actual, self.symbols.load(self.b, kind, what))

    # ---- arguments
    def arrays(self, arrays: list) -> list:
        """Guard (object, TensorType) pairs of ndarrays against their specialized types; returns their data
        pointers. Each kind of condition is checked for every array at once: three branches in all, however many
        arrays (fewer blocks compile faster and make faster code at -O0, see tiers.py)."""
        b = self.b
        self.check_all([self.is_type(obj, "type", "ndarray") for obj, _ in arrays])  # before any ndarray field
        conds = []
        for obj, t in arrays:
            descr = b.ptrtoint(self.load(obj, ARR_DESCR, self.p8), I64)
            flags = self.load(obj, ARR_FLAGS, I32)
            conds += [b.icmp_unsigned("==", descr, self.symbols.load(b, "descr", np.dtype(t.dtype).str)),
                      b.icmp_signed("==", self.load(obj, ARR_ND, I32), ir.Constant(I32, len(t.shape))),
                      b.icmp_unsigned("!=", b.and_(flags, ir.Constant(I32, NPY_ARRAY_ALIGNED)), ir.Constant(I32, 0))]
        self.check_all(conds)
        conds, derived = [], []
        for obj, t in arrays:  # every ndim is right: the dims can be read
            dims = self.load(obj, ARR_DIMS, self.p8)
            for d, n in enumerate(t.shape):
                actual = self.load(dims, 8 * d, I64)
                if isinstance(n, Sym) and n.name is None:  # an expression of symbols (`x[::2] = v`: v's size)
                    derived.append((actual, n))
                else:
                    conds.append(self.bind_symbol(n, actual) if isinstance(n, Sym) else b.icmp_signed("==", actual, i64(n)))
        conds += [b.icmp_signed("==", actual, size(b, n)) for actual, n in derived]  # once every symbol is bound
        for obj, t in arrays:  # after the dims: strides are expressions of them
            strides, item = self.load(obj, ARR_STRIDES, self.p8), np.dtype(t.dtype).itemsize
            conds += [b.icmp_signed("==", self.load(strides, 8 * d, I64), size(b, s * item))
                      for d, s in enumerate(t.strides)]
        self.check_all(conds)
        return [self.load(obj, ARR_DATA, self.p8) for obj, _ in arrays]

    def bind_symbol(self, sym: Sym, actual) -> ir.Value:
        """The condition on a dimension of a symbol: the first gives its size (at least 2), later ones must equal
        it (an unchecked size is stored, but the call takes the slow path unless every condition holds)."""
        b, k = self.b, int(sym.name[1:])
        slot = b.gep(self.sizes, [i64(k)], inbounds=True)
        if k in self.bound:
            return b.icmp_signed("==", actual, b.load(slot))
        b.store(actual, slot)
        self.bound.add(k)
        return b.icmp_signed(">=", actual, i64(MIN_SIZE))

    def scalar(self, obj, t: ScalarType) -> ir.Value:
        """Guard an exact Python int/float/complex/bool and store it in a stack slot (the entry reads 0-d arrays)."""
        b = self.b
        with b.goto_entry_block():
            slot = b.alloca(ir.ArrayType(F64, 2) if t.name == "complex" else F64 if t.name == "float" else I64)
        if t.name == "complex":  # PyComplexObject's cval: two doubles, as a complex128 0-d array holds them
            self.check(self.is_type(obj, "type", "complex"))
            for k in range(2):
                b.store(self.load(obj, FLOAT_VALUE + 8 * k, F64), b.gep(slot, [i64(0), ir.Constant(I32, k)]))
        elif t.name == "float":
            self.check(self.is_type(obj, "type", "float"))
            b.store(self.load(obj, FLOAT_VALUE, F64), slot)
        elif t.name == "int":
            self.check(self.is_type(obj, "type", "int"))
            with b.goto_entry_block():
                overflow = b.alloca(I32)
            value = self.call("PyLong_AsLongLongAndOverflow", I64, [self.p8, I32.as_pointer()], [obj, overflow])
            self.check(b.icmp_signed("==", b.load(overflow), ir.Constant(I32, 0)))
            b.store(value, slot)
        else:
            self.check(self.is_type(obj, "type", "bool"))
            true = self.symbols.load(b, "object", "True")
            b.store(b.zext(b.icmp_unsigned("==", b.ptrtoint(obj, I64), true), I64), slot)
        return b.bitcast(slot, self.p8)

    # ---- outputs
    def new_array(self, spec) -> ir.Value:
        b = self.b
        descr = b.inttoptr(self.symbols.load(b, "descr", spec.dtype.str), self.p8)
        self.call("Py_IncRef", ir.VoidType(), [self.p8], [descr])  # PyArray_Empty steals this reference
        with b.goto_entry_block():
            dims = b.alloca(I64, size=max(len(spec.shape), 1))
        for d, n in enumerate(spec.shape):
            b.store(size(b, n), b.gep(dims, [i64(d)]))
        address = self.symbols.load(b, "numpy", "PyArray_Empty")
        empty = b.inttoptr(address, ir.FunctionType(self.p8, [I32, I64.as_pointer(), self.p8, I32]).as_pointer())
        return b.call(empty, [ir.Constant(I32, len(spec.shape)), dims, descr, ir.Constant(I32, 0)])

    def box_scalar(self, slot, spec) -> ir.Value:
        b = self.b
        if spec.dtype.kind == "f":
            value = b.load(b.bitcast(slot, F64.as_pointer()))
            return self.call("PyFloat_FromDouble", self.p8, [F64], [value])
        if spec.dtype.kind == "b":  # the entry stores a bool as one byte: the slot's other bytes are garbage
            value = b.zext(b.load(b.bitcast(slot, I8.as_pointer())), I64)
            return self.call("PyBool_FromLong", self.p8, [I64], [value])
        value = b.load(b.bitcast(slot, I64.as_pointer()))
        return self.call("PyLong_FromLongLong", self.p8, [I64], [value])


def _extent(t: TensorType) -> tuple[int, int] | None:
    """The byte range [lo, hi) an array of this type spans around its data pointer; None when it is empty."""
    if any(n == 0 for n in t.shape):
        return None
    item = np.dtype(t.dtype).itemsize
    lo = sum(min(0, (n - 1) * s * item) for n, s in zip(t.shape, t.strides))
    hi = sum(max(0, (n - 1) * s * item) for n, s in zip(t.shape, t.strides)) + item
    return lo, hi


def _check_no_overlap(e: _Emitter, input_types: list, objects: list, data: list, written) -> None:
    """Arguments the code writes in place must be writeable and share no memory with other arguments; otherwise
    the general path decides (NumPy's error, or the user's code run as it is)."""
    b = e.b
    for i in written:
        flags = e.load(objects[i], ARR_FLAGS, I32)
        e.check(b.icmp_unsigned("!=", b.and_(flags, ir.Constant(I32, NPY_ARRAY_WRITEABLE)), ir.Constant(I32, 0)))
        span_i = _extent(input_types[i])
        for j, t in enumerate(input_types):
            span_j = _extent(t) if j != i and isinstance(t, TensorType) else None
            if span_i is None or span_j is None:
                continue
            pi, pj = b.ptrtoint(data[i], I64), b.ptrtoint(data[j], I64)
            apart = b.or_(b.icmp_signed("<=", b.add(pi, i64(span_i[1])), b.add(pj, i64(span_j[0]))),
                          b.icmp_signed("<=", b.add(pj, i64(span_j[1])), b.add(pi, i64(span_i[0]))))
            e.check(apart)


def emit_fastcall(module: ir.Module, entry: ir.Function, name: str, input_types: list, n_user: int,
                  specs: list, template, symbols, written=(), sizes_slots: int = 0, facts=(),
                  scalar_symbols=None, tier_up_at: int | None = None) -> None:
    """Emit `NAME` (METH_FASTCALL) for a specialization whose inputs are n_user arguments then parameters;
    `written`: the inputs the code writes in place; `sizes_slots`: the length of its sizes array (dims.py);
    `facts`: expressions of the size symbols that must be >= 0 (symbolic.Assumptions); `scalar_symbols`: int
    argument index -> the symbol it binds; `tier_up_at`: after that many calls every call takes the slow path,
    whose general path compiles better code (tiers.py)."""
    e = _Emitter(module, name, symbols)
    b = e.b
    with b.goto_entry_block():
        e.sizes = b.alloca(I64, size=max(sizes_slots, 1), name="sizes")
    bind_sizes(e.fn, e.sizes)
    e.bound = set()
    with b.goto_block(e.slow):
        slow_fn = e.load(e.self_tuple, TUPLE_ITEMS + 8, e.p8)
        b.ret(e.call("PyObject_Vectorcall", e.p8, [e.p8, e.p8.as_pointer(), I64, e.p8],
                     [slow_fn, e.args, e.nargsf, e.kwnames]))
    hits = ir.GlobalVariable(module, I64, f"{name}.hits")  # read by cache_info()
    hits.initializer = i64(0)
    nargs = b.and_(e.nargsf, i64(VECTORCALL_OFFSET_BIT - 1))
    expected_generation = e.call("PyLong_AsLongLong", I64, [e.p8], [e.load(e.self_tuple, TUPLE_ITEMS + 16, e.p8)])
    generation = b.load(b.inttoptr(symbols.load(b, "jitc", "generation"), I64.as_pointer()))
    conditions = [b.icmp_unsigned("==", e.kwnames, ir.Constant(e.p8, None)),  # keywords: the general path explains
                  b.icmp_signed("==", nargs, i64(n_user)), b.icmp_signed("==", generation, expected_generation)]
    if tier_up_at is not None:
        conditions.append(b.icmp_signed("<", b.load_atomic(hits, "monotonic", 8), i64(tier_up_at)))
    e.check_all(conditions)
    params = e.load(e.self_tuple, TUPLE_ITEMS, e.p8)
    slots = b.alloca(ir.ArrayType(e.p8, len(input_types) + len(specs) + 1))
    if sizes_slots:
        b.store(b.bitcast(e.sizes, e.p8), b.gep(slots, [ir.Constant(I32, 0), ir.Constant(I32, len(input_types) + len(specs))]))

    def put(i: int, ptr) -> None:
        b.store(ptr, b.gep(slots, [ir.Constant(I32, 0), ir.Constant(I32, i)]))

    arg_objects = [b.load(b.gep(e.args, [i64(i)])) if i < n_user else
                   e.load(params, TUPLE_ITEMS + 8 * (i - n_user), e.p8) for i in range(len(input_types))]
    tensors = [i for i, t in enumerate(input_types) if isinstance(t, TensorType)]
    data = dict(zip(tensors, e.arrays([(arg_objects[i], input_types[i]) for i in tensors])))
    for i, t in enumerate(input_types):
        if i not in data:
            data[i] = e.scalar(arg_objects[i], t)
        put(i, data[i])
        if i in (scalar_symbols or {}):  # output shapes and the facts read it
            b.store(b.load(b.bitcast(data[i], I64.as_pointer())), size_slot(b, scalar_symbols[i]))
    e.check_all([b.icmp_signed(">=", size(b, fact), i64(0)) for fact in facts])  # once every symbol is bound
    _check_no_overlap(e, input_types, arg_objects, data, written)
    # outputs: arrays from NumPy, scalars in stack slots boxed after the run
    objects, scalar_slots = [], {}
    for j, spec in enumerate(specs):
        if spec.scalar:
            with b.goto_entry_block():
                slot = b.alloca(I64)
            scalar_slots[j] = slot
            put(len(input_types) + j, b.bitcast(slot, e.p8))
            objects.append(None)
            continue
        arr = e.new_array(spec)
        with b.if_then(b.icmp_unsigned("==", arr, ir.Constant(e.p8, None)), likely=False):
            for previous in objects:
                if previous is not None:
                    e.call("Py_DecRef", ir.VoidType(), [e.p8], [previous])
            b.ret(ir.Constant(e.p8, None))  # MemoryError is set
        objects.append(arr)
        put(len(input_types) + j, e.load(arr, ARR_DATA, e.p8))
    work = sum(numel(t.shape) for t in input_types if isinstance(t, TensorType))
    work += sum(numel(s.shape) for s in specs)
    args = [b.bitcast(slots, e.p8.as_pointer())]
    if isinstance(work, Sym):  # decided at run time
        with b.if_else(b.icmp_signed(">=", size(b, work), i64(RELEASE_GIL_ELEMENTS))) as (large, small):
            with large:
                state = e.call("PyEval_SaveThread", e.p8, [], [])
                released = b.call(entry, args)
                e.call("PyEval_RestoreThread", ir.VoidType(), [e.p8], [state])
                large_block = b.block
            with small:
                held = b.call(entry, args)
                small_block = b.block
        status = b.phi(I32)
        status.add_incoming(released, large_block)
        status.add_incoming(held, small_block)
    elif work >= RELEASE_GIL_ELEMENTS:
        state = e.call("PyEval_SaveThread", e.p8, [], [])
        status = b.call(entry, args)
        e.call("PyEval_RestoreThread", ir.VoidType(), [e.p8], [state])
    else:
        status = b.call(entry, args)
    with b.if_then(b.icmp_signed("!=", status, ir.Constant(I32, 0)), likely=False):
        for obj in objects:  # the slow path runs again and raises the right exception
            if obj is not None:
                e.call("Py_DecRef", ir.VoidType(), [e.p8], [obj])
        with b.if_then(b.icmp_signed("==", status, ir.Constant(I32, INTERRUPTED)), likely=False):
            _raise_interrupt(e)
        b.branch(e.slow)
    for j, slot in scalar_slots.items():
        objects[j] = e.box_scalar(slot, specs[j])
    for j, spec in enumerate(specs):
        if spec.numpy_scalar:  # PyArray_Return: a 0-d array's NumPy scalar (it steals the array's reference)
            address = symbols.load(b, "numpy", "PyArray_Return")
            to_scalar = b.inttoptr(address, ir.FunctionType(e.p8, [e.p8]).as_pointer())
            objects[j] = b.call(to_scalar, [objects[j]])
    b.atomic_rmw("add", hits, i64(1), "monotonic")
    b.ret(_build(e, template, objects, arg_objects))


def _raise_interrupt(e: _Emitter) -> None:
    """Ctrl-C stopped the run (see interrupt.py): Python's pending handler raises (KeyboardInterrupt by default);
    if it does not, KeyboardInterrupt is raised here, since the result was abandoned."""
    b = e.b
    raised = e.call("PyErr_CheckSignals", I32, [], [])
    with b.if_then(b.icmp_signed("==", raised, ir.Constant(I32, 0))):
        keyboard_interrupt = b.inttoptr(e.symbols.load(b, "object", "KeyboardInterrupt"), e.p8)
        e.call("PyErr_SetNone", ir.VoidType(), [e.p8], [keyboard_interrupt])
    b.ret(ir.Constant(e.p8, None))


def _borrowed(e: _Emitter, item, arg_objects: list) -> ir.Value:
    """A template entry that is not a new output: None, or an argument returned as itself (-1 - index)."""
    if item is None:
        return e.b.inttoptr(e.symbols.load(e.b, "object", "None"), e.p8)
    return arg_objects[-1 - item]


def _build(e: _Emitter, template, objects: list, arg_objects: list) -> ir.Value:
    """The returned object: the single output itself, or (nested) tuples holding a new reference to each."""
    if not isinstance(template, tuple):
        if template is not None and template >= 0:
            return objects[template]
        obj = _borrowed(e, template, arg_objects)
        e.call("Py_IncRef", ir.VoidType(), [e.p8], [obj])
        return obj
    tup = _tuple(e, template, objects, arg_objects)
    for obj in objects:  # the tuples own them now
        e.call("Py_DecRef", ir.VoidType(), [e.p8], [obj])
    return tup


def _tuple(e: _Emitter, template: tuple, objects: list, arg_objects: list) -> ir.Value:
    b = e.b
    tup = e.call("PyTuple_New", e.p8, [I64], [i64(len(template))])
    with b.if_then(b.icmp_unsigned("==", tup, ir.Constant(e.p8, None)), likely=False):
        b.ret(tup)  # MemoryError is set (the outputs leak: out of memory anyway)
    for k, item in enumerate(template):
        if isinstance(item, tuple):
            child = _tuple(e, item, objects, arg_objects)
        else:
            child = objects[item] if item is not None and item >= 0 else _borrowed(e, item, arg_objects)
            e.call("Py_IncRef", ir.VoidType(), [e.p8], [child])
        b.store(child, b.bitcast(b.gep(tup, [i64(TUPLE_ITEMS + 8 * k)]), e.p8.as_pointer()))
    return tup
