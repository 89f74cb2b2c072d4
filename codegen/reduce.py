"""Reductions (sum, mean, max, min over any axes) in one pass over the input.

When the input's last axis is reduced, each output element is accumulated in a register over a contiguous inner
loop, which LLVM vectorizes with several vector accumulators (for max/min through `llvm.maximum`/`llvm.minimum`:
vmaxps plus an unordered compare, so NaN propagates as in NumPy). Large reductions split across the thread pool:
over output elements, or, for a reduction to one value, over pieces whose partial results are combined after.
Otherwise (only leading axes reduced) one pass in memory order accumulates into an output-shaped buffer, so the
innermost loop is contiguous and vectorizes across output elements."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Graph
from jitc.symbolic import Sym

from .complex import ComplexBuilder
from .dims import size
from .kernel import call_kernel, kernel_args, kernel_function
from .loops import Buf, advance, broadcast_strides, collapse, for_range, i64, loop_nest, numel
from .parallel import CHUNKS_PER_THREAD, PARALLEL_MIN_ELEMENTS, emit_parallel_call, has_pool, parallel_threads
from .scalar import I1, ScalarBuilder, cast, load, store, value_type

_FAST = ("reassoc", "contract", "nsz")  # lets LLVM vectorize the running sum (NumPy reorders sums too)
_INDEX = np.dtype(np.int64)
_TILE = 256  # outputs per column tile: measured best (accumulators in L1, rows read in 1-2 KB runs)


def accumulator_dtype(kind: str, out_dtype) -> np.dtype:
    """float32 (complex64) sums accumulate in float64 (complex128): as accurate as NumPy's pairwise summation,
    and still vectorized."""
    if kind in ("sum", "mean") and np.dtype(out_dtype) in (np.float32, np.complex64):
        return np.dtype(np.float64 if np.dtype(out_dtype) == np.float32 else np.complex128)
    if np.dtype(out_dtype) == np.float16:  # NumPy's half reductions accumulate in float32
        return np.dtype(np.float32)
    return np.dtype(out_dtype)


def identity(b: ir.IRBuilder, kind: str, dtype: np.dtype) -> ir.Constant:
    """The value every reduction starts from (NumPy refuses empty max/min before this matters)."""
    if dtype.kind == "b":
        return ir.Constant(I1, int(kind == "min"))
    if kind in ("sum", "mean"):
        value = 0
    elif dtype.kind == "c":  # below (above) every value: maximum (minimum) keeps the first element
        return ComplexBuilder(b, dtype).const(complex(-np.inf, -np.inf) if kind == "max" else complex(np.inf, np.inf))
    elif dtype.kind == "f":
        value = -np.inf if kind == "max" else np.inf
    else:
        info = np.iinfo(dtype)
        value = info.min if kind == "max" else info.max
    return ScalarBuilder(b, dtype).const(value)


def combine(b: ir.IRBuilder, kind: str, dtype: np.dtype, acc, x):
    """One accumulation step. Float max/min are LLVM's NaN-propagating `maximum`/`minimum`, which the loop
    vectorizer turns into per-lane accumulators; `nsz` (NumPy does not order -0 and +0 either) lowers them to
    vmaxps plus an unordered compare instead of a sign-bit blend sequence."""
    if kind in ("sum", "mean"):
        new = ScalarBuilder(b, dtype).add(acc, x)
        if dtype.kind == "f":
            new.flags.extend(_FAST)
        return new
    if dtype.kind == "b":
        return b.or_(acc, x) if kind == "max" else b.and_(acc, x)
    if dtype.kind == "c":  # NumPy's complex maximum/minimum, in order (the first NaN wins)
        complex_builder = ComplexBuilder(b, dtype)
        return complex_builder.maximum(acc, x) if kind == "max" else complex_builder.minimum(acc, x)
    if dtype.kind == "f":
        name = "llvm.maximum" if kind == "max" else "llvm.minimum"
    else:
        name = f"llvm.{'s' if dtype.kind == 'i' else 'u'}{kind}"
    ty = value_type(dtype)
    fn = b.module.declare_intrinsic(name, [ty], ir.FunctionType(ty, [ty, ty]))
    return b.call(fn, [acc, x], fastmath=("nsz",) if dtype.kind == "f" else ())


def finish(b: ir.IRBuilder, kind: str, acc, acc_dtype: np.dtype, count: int, out_dtype: np.dtype):
    """The accumulated value as the output element: divided by the count for a mean, cast to the output dtype."""
    if kind == "mean" and acc_dtype.kind in "fc":
        sb = ScalarBuilder(b, acc_dtype)
        n = cast(b, size(b, count), np.int64, acc_dtype) if isinstance(count, (Sym, ir.Value)) else sb.const(count)
        acc = sb.div(acc, n)  # a complex mean divides like NumPy's complex true_divide
    return cast(b, acc, acc_dtype, out_dtype)


def emit_reduction(module: ir.Module, b: ir.IRBuilder, kind: str, axes: tuple[int, ...], out: Buf, shape: tuple,
                   tensor_inputs: list[Buf], scalar_inputs: list, element, alloc, threads: int = 1,
                   symbols=None) -> None:
    """out = kind(x, axes) where x, of `shape`, is computed per index by `element(builder, input params,
    their offsets, scalar args) -> (value, dtype)` from the inputs (broadcast to shape): a plain load, or a whole
    fused elementwise expression, so producers never materialize. `alloc(dtype, shape)` gives scratch memory."""
    acc_dtype = accumulator_dtype(kind, out.dtype)
    count = numel([shape[a] for a in axes])
    job = _Job(module, kind, axes, out, shape, tensor_inputs, scalar_inputs, element, acc_dtype, count)
    threads = parallel_threads(threads, numel(shape)) if has_pool(module, symbols) else 1
    if shape and len(shape) - 1 in axes:
        if len(axes) < len(shape):
            job.rows(b, threads, symbols)
        else:
            job.pieces(b, alloc, threads, symbols)
    elif not job.columns(b, threads, symbols):
        job.in_memory_order(b, alloc(acc_dtype, job.kept))


class _Job:
    """One reduction's facts, shared by its three loop structures."""

    def __init__(self, module, kind, axes, out, shape, tensor_inputs, scalar_inputs, element, acc_dtype, count):
        self.module, self.kind, self.axes, self.out, self.shape = module, kind, axes, out, shape
        self.tensors, self.scalars, self.element = tensor_inputs, scalar_inputs, element
        self.acc_dtype, self.count = acc_dtype, count
        self.kept = tuple(d for i, d in enumerate(shape) if i not in axes)
        self.in_strides = [broadcast_strides(p.shape, p.strides, shape) for p in tensor_inputs]
        # keepdims: the output's size-1 reduced dims are skipped
        self.out_strides = out.strides if len(out.shape) == len(self.kept) else \
            tuple(s for d, s in enumerate(out.strides) if d not in axes)

    def _split(self, strides: tuple, reduced: bool) -> tuple:
        return tuple(s for d, s in enumerate(strides) if (d in self.axes) == reduced)

    def _kernel(self, name: str, extra: list[Buf], scalars: list):
        fn, params, scalar_args = kernel_function(self.module, f"reduce_{self.kind}.{name}", self.tensors + extra,
                                                  [d for _, d in self.scalars] + scalars)
        kb = ir.IRBuilder(fn.append_basic_block("entry"))
        return fn, kb, params[:len(self.tensors)], params[len(self.tensors):], scalar_args

    def _accumulate(self, kb, params, base: list, shape: tuple, strides: list, scalar_args, slot, outer=None):
        """slot = combine(slot, x) over the reduced index space `shape`, inputs at base + their offsets."""
        with loop_nest(kb, shape, strides, outer) as offsets:
            offs = [o if isinstance(z, ir.Constant) and z.constant == 0 else kb.add(z, o, flags=("nsw",))
                    for z, o in zip(base, offsets)]
            value, dt = self.element(kb, params, offs, scalar_args[:len(self.scalars)])
            x = cast(kb, value, dt, self.acc_dtype)
            kb.store(combine(kb, self.kind, self.acc_dtype, kb.load(slot), x), slot)

    def _slot(self, kb):
        return kb.alloca(value_type(self.acc_dtype))  # promoted to a register (a loop phi) by LLVM

    def rows(self, b: ir.IRBuilder, threads: int, symbols) -> None:
        """Each output element in a register over the reduced (inner) axes; threads split the output."""
        fn, kb, params, (po,), scalar_args = self._kernel("rows", [self.out], [_INDEX, _INDEX])
        slot = self._slot(kb)
        kept_strides = [self._split(s, False) for s in self.in_strides] + [self.out_strides]
        red_shape = tuple(d for i, d in enumerate(self.shape) if i in self.axes)
        red_strides = [self._split(s, True) for s in self.in_strides]
        with loop_nest(kb, self.kept, kept_strides, outer=tuple(scalar_args[-2:])) as offsets:
            kb.store(identity(kb, self.kind, self.acc_dtype), slot)
            self._accumulate(kb, params, offsets[:-1], red_shape, red_strides, scalar_args, slot)
            value = finish(kb, self.kind, kb.load(slot), self.acc_dtype, self.count, po.dtype)
            store(kb, value, po.at(kb, offsets[-1]), po.dtype)
        kb.ret_void()
        n = collapse(self.kept, kept_strides)[0]
        emit_parallel_call(self.module, b, fn, kernel_args(b, self.tensors + [self.out], [v for v, _ in self.scalars]),
                           n[0] if n else 1, threads, symbols, numel(self.shape))

    def pieces(self, b: ir.IRBuilder, alloc, threads: int, symbols) -> None:
        """A reduction to one value: pieces of the outermost axis reduce into partials (on the thread pool),
        which are then combined in order. With a symbolic size, how many pieces is decided at run time (one when
        the work is small)."""
        shape, strides = collapse(self.shape, self.in_strides)
        first = shape[0] if shape else 1
        pieces = threads * CHUNKS_PER_THREAD if threads > 1 else 1
        symbolic = isinstance(first, Sym)
        if symbolic:
            n, step = pieces, None
            big = b.icmp_signed(">=", size(b, numel(self.shape)), i64(PARALLEL_MIN_ELEMENTS))
            active = b.select(big, i64(pieces), i64(1)) if pieces > 1 else i64(1)
        else:
            step = max(1, -(-first // pieces))
            n = max(1, -(-first // step))
        partials = alloc(self.acc_dtype, (n,))
        fn, kb, params, (pp,), scalar_args = self._kernel("pieces", [partials], [_INDEX] * symbolic + [_INDEX, _INDEX])
        slot = self._slot(kb)
        lo, hi = scalar_args[-2:]
        total = size(kb, first)
        length = i64(step) if step is not None else \
            kb.sdiv(kb.add(total, kb.sub(scalar_args[-3], i64(1))), scalar_args[-3])
        with for_range(kb, hi, "piece", lo) as p:
            start = kb.mul(p, length, flags=("nsw",))
            end = kb.add(start, length, flags=("nsw",))
            end = kb.select(kb.icmp_signed("<", end, total), end, total)
            kb.store(identity(kb, self.kind, self.acc_dtype), slot)
            self._accumulate(kb, params, [i64(0)] * len(params), shape, strides, scalar_args, slot, (start, end))
            store(kb, kb.load(slot), pp.at(kb, p), pp.dtype)
        kb.ret_void()
        scalars = [v for v, _ in self.scalars] + ([active] if symbolic else [])
        emit_parallel_call(self.module, b, fn, kernel_args(b, self.tensors + [partials], scalars),
                           active if symbolic else n, threads, symbols, numel(self.shape))
        self._combine_partials(b, partials, active if symbolic else n)

    def _combine_partials(self, b: ir.IRBuilder, partials: Buf, n) -> None:
        """out = the partials (n of them: an int, or a value known at run time) combined in order."""
        symbolic = isinstance(self.count, Sym)  # a mean's symbolic count comes in as an argument
        counted = isinstance(n, ir.Value)
        fn, (pp, po), args = kernel_function(self.module, f"reduce_{self.kind}.combine", [partials, self.out],
                                             [_INDEX] * (symbolic + counted))
        count = args[0] if symbolic else self.count
        kb = ir.IRBuilder(fn.append_basic_block("entry"))
        slot = self._slot(kb)
        kb.store(identity(kb, self.kind, self.acc_dtype), slot)
        with for_range(kb, args[-1] if counted else n, "partial") as p:
            kb.store(combine(kb, self.kind, self.acc_dtype, kb.load(slot), load(kb, pp.at(kb, p), pp.dtype)), slot)
        store(kb, finish(kb, self.kind, kb.load(slot), self.acc_dtype, count, po.dtype), po.ptr, po.dtype)
        kb.ret_void()
        call_kernel(b, fn, [partials, self.out], [size(b, self.count)] * symbolic + [n] * counted)

    def columns(self, b: ir.IRBuilder, threads: int, symbols) -> bool:
        """One block of axes reduced, the kept axes before it and after it each one dimension once collapsed (a
        column sum, `x.mean(axis=1)` of (B, T, C)): a task is (outer index, tile of inner outputs). The tile's
        accumulators live on the stack while the reduced rows stream through them in contiguous, vectorized loads,
        so threads split the output and only the output is written. False when the layout does not fit."""
        if not self.axes:
            return False
        first, last = min(self.axes), max(self.axes)
        if last - first + 1 != len(self.axes):
            return False
        o_shape, o_strides = collapse(self.shape[:first], [s[:first] for s in self.in_strides] +
                                      [self.out_strides[:first]])
        k_shape, k_strides = collapse(self.shape[last + 1:], [s[last + 1:] for s in self.in_strides] +
                                      [self.out_strides[first:]])
        if len(o_shape) > 1 or len(k_shape) != 1:
            return False
        outer, inner = (o_shape[0] if o_shape else 1), k_shape[0]
        tile = min(_TILE, inner) if isinstance(inner, int) else _TILE
        red_shape = self.shape[first:last + 1]
        red_strides = [s[first:last + 1] for s in self.in_strides]
        fn, kb, params, (po,), scalar_args = self._kernel("columns", [self.out], [_INDEX, _INDEX])
        acc = kb.alloca(ir.ArrayType(value_type(self.acc_dtype), max(tile, 1)))
        inner_n = size(kb, inner)
        tiles = kb.sdiv(kb.add(inner_n, i64(tile - 1)), i64(tile)) if tile else i64(0)
        with for_range(kb, scalar_args[-1], "task", scalar_args[-2]) as task:
            o, t = (kb.sdiv(task, tiles), kb.srem(task, tiles)) if not (isinstance(outer, int) and outer == 1) \
                else (i64(0), task)
            j0 = kb.mul(t, i64(tile), flags=("nsw",))
            rest = kb.sub(inner_n, j0)
            width = kb.select(kb.icmp_signed("<", rest, i64(tile)), rest, i64(tile))
            base = [advance(kb, advance(kb, i64(0), o, os[0] if os else 0), j0, ks[0])
                    for os, ks in zip(o_strides, k_strides)]
            with for_range(kb, width, "j") as j:
                kb.store(identity(kb, self.kind, self.acc_dtype), kb.gep(acc, [i64(0), j], inbounds=True))
            with loop_nest(kb, red_shape, red_strides) as offsets:
                row = [kb.add(z, r, flags=("nsw",)) for z, r in zip(base, offsets)]
                with for_range(kb, width, "j") as j:
                    offs = [advance(kb, r, j, ks[0]) for r, ks in zip(row, k_strides)]
                    value, dt = self.element(kb, params, offs, scalar_args[:len(self.scalars)])
                    slot = kb.gep(acc, [i64(0), j], inbounds=True)
                    kb.store(combine(kb, self.kind, self.acc_dtype, kb.load(slot),
                                     cast(kb, value, dt, self.acc_dtype)), slot)
            with for_range(kb, width, "j") as j:
                value = finish(kb, self.kind, kb.load(kb.gep(acc, [i64(0), j], inbounds=True)), self.acc_dtype,
                               self.count, po.dtype)
                store(kb, value, po.at(kb, advance(kb, base[-1], j, k_strides[-1][0])), po.dtype)
        kb.ret_void()
        if isinstance(outer, int) and isinstance(inner, int):
            tasks = outer * -(-inner // tile) if tile else 0
        else:
            count = size(b, inner)
            tasks = b.mul(size(b, outer), b.sdiv(b.add(count, i64(tile - 1)), i64(tile)), flags=("nsw",))
        emit_parallel_call(self.module, b, fn, kernel_args(b, self.tensors + [self.out], [v for v, _ in self.scalars]),
                           tasks, threads, symbols, numel(self.shape))
        return True

    def in_memory_order(self, b: ir.IRBuilder, acc: Buf) -> None:
        """Leading axes reduced: accumulate into `acc` (kept shape, contiguous) walking the input in order."""
        fn, kb, params, (pa, po), scalar_args = self._kernel("ordered", [acc, self.out], [])
        with loop_nest(kb, pa.shape, [pa.strides]) as (off,):
            store(kb, identity(kb, self.kind, self.acc_dtype), pa.at(kb, off), pa.dtype)
        acc_strides, k = [], 0  # the accumulator seen from the input's index space: stride 0 along reduced axes
        for d in range(len(self.shape)):
            if d in self.axes:
                acc_strides.append(0)
            else:
                acc_strides.append(pa.strides[k])
                k += 1
        with loop_nest(kb, self.shape, self.in_strides + [tuple(acc_strides)]) as offsets:
            value, dt = self.element(kb, params, offsets[:-1], scalar_args)
            slot = pa.at(kb, offsets[-1])
            x = cast(kb, value, dt, pa.dtype)
            store(kb, combine(kb, self.kind, pa.dtype, load(kb, slot, pa.dtype), x), slot, pa.dtype)
        with loop_nest(kb, pa.shape, [pa.strides, self.out_strides]) as (ai, oi):
            value = finish(kb, self.kind, load(kb, pa.at(kb, ai), pa.dtype), pa.dtype, self.count, po.dtype)
            store(kb, value, po.at(kb, oi), po.dtype)
        kb.ret_void()
        call_kernel(b, fn, self.tensors + [acc, self.out], [v for v, _ in self.scalars])


def load_element(b: ir.IRBuilder, params: list[Buf], offsets: list, scalar_args: list):
    """The element of an unfused reduction: its one input, loaded."""
    return load(b, params[0].at(b, offsets[0]), params[0].dtype), params[0].dtype


def fused_element(sub: Graph, scalar_dtypes: list, b: ir.IRBuilder, params: list, offsets: list,
                  scalar_args: list):
    """The reduced element of a fused group: everything before the reduction, evaluated at one index."""
    from .elementwise import bind_inputs, emit_expression

    reduce_node = sub.block.nodes[-1]
    env = bind_inputs(b, sub, params, offsets, scalar_args, list(zip(scalar_args, scalar_dtypes)))
    emit_expression(b, sub, env, sub.block.nodes[:-1])
    value, dt, _ = env[reduce_node.inputs[0]]
    return value, dt
