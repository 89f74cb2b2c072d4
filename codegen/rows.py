"""Row kernels (see jitc/passes/rowfuse.py): one kernel over blocks of rows for a group of reductions over the last
axis and the elementwise work around them. Per row, each reduction is one vectorized pass over the row (the
first pass reads it from memory, later passes find it in L1/L2), per-row values are scalars in registers, and a
final pass writes the row-shaped outputs. A row value that a reduction consumes and later passes read again
(softmax's exp) is kept in a row of stack scratch; other row values are recomputed where needed, which is
cheaper than another trip through memory. Threads split the rows."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Graph, Node, Value
from jitc.ops import OPS
from jitc.ops.registry import REDUCTION
from jitc.symbolic import Sym
from jitc.types import TensorType

from .dims import same, size
from .elementwise import _WEAK, element_work, emit_scalar_node
from .kernel import kernel_args, kernel_function
from .loops import Buf, broadcast_strides, for_range, i64, numel
from .parallel import emit_parallel_call, parallel_threads
from .reduce import accumulator_dtype, combine, finish, identity
from .scalar import cast, load, storage_type, store, value_type

_INDEX = np.dtype(np.int64)
ROW_SCRATCH_BYTES = 32 * 1024  # a row kept for later passes must stay in L1


def _reductions(sub: Graph) -> list[Node]:
    return [n for n in sub.block.nodes if OPS.get(n.kind) is not None and OPS[n.kind].kind == REDUCTION]


def is_row_kernel(sub: Graph) -> bool:
    """A row group: more than one reduction, or work after its reduction (a plain reduction group ends in it)."""
    found = _reductions(sub)
    return len(found) > 1 or (len(found) == 1 and (found[0] is not sub.block.nodes[-1] or len(sub.outputs) > 1))


def _shape(v: Value) -> tuple:
    return tuple(v.type.shape)


class RowKernel:
    """The code of one row of a row group (emit), given its buffers and scalars as kernel parameters."""

    def __init__(self, sub: Graph, rows: tuple, in_params: list[Buf], out_params: list[Buf], scalar_args: list,
                 scalar_in: list):
        self.sub, self.rows, self.n = sub, rows, rows[-1]
        self.tensors = dict(zip([v for v in sub.inputs if isinstance(v.type, TensorType)], in_params))
        self.outputs = list(zip(sub.outputs, out_params))
        self.scalars = dict(zip([v for v in sub.inputs if not isinstance(v.type, TensorType)],
                                zip(scalar_args, [dt for _, dt in scalar_in])))
        self.stored: dict[Value, tuple] = {}  # row values kept in a row of scratch: (pointer, dtype)

    def _offsets(self, kb, index: list, buf: Buf, context: tuple):
        """(row base offset, column stride) of buf read (broadcast) in a value of shape `context` at this row."""
        strides = broadcast_strides(buf.shape, buf.strides, context)
        row_strides = strides[:len(self.rows) - 1]
        base = i64(0)
        for i, s in zip(index, row_strides):
            if not same(s, 0):
                base = kb.add(base, kb.mul(i, size(kb, s), flags=("nsw",)), flags=("nsw",))
        return base, (strides[-1] if len(context) == len(self.rows) else 0)

    def emit(self, kb, r) -> None:
        index = self._row_index(kb, r)
        env = {}
        for v, (arg, dt) in self.scalars.items():
            env[v] = (arg, dt, _WEAK[dt.kind])
        deferred: list[Node] = []
        for node in self.sub.block.nodes:
            op = OPS.get(node.kind)
            if node.kind == "prim::Constant":
                emit_scalar_node(kb, node, env)
            elif op is not None and op.kind == REDUCTION:
                env[node.output] = self._reduce(kb, index, node, env, deferred)
            elif _shape(node.output) == self.rows:
                deferred.append(node)
            else:
                self._bind_tensors(kb, index, node, env, None)
                emit_scalar_node(kb, node, env)
        for v, buf in self.outputs:
            if _shape(v) != self.rows:
                value, dt, _ = env[v]
                base, _ = self._offsets(kb, index, buf, _shape(v))
                store(kb, cast(kb, value, dt, buf.dtype), buf.at(kb, base), buf.dtype)
        row_outputs = [(v, buf) for v, buf in self.outputs if _shape(v) == self.rows]
        if row_outputs:
            bases = [self._offsets(kb, index, buf, self.rows) for _, buf in row_outputs]
            with for_range(kb, self.n, "col") as j:
                inner = self._evaluate(kb, index, j, env, deferred, [v for v, _ in row_outputs])
                for (v, buf), (base, stride) in zip(row_outputs, bases):
                    value, dt, _ = inner[v]
                    store(kb, cast(kb, value, dt, buf.dtype), buf.at(kb, _at(kb, base, j, stride)), buf.dtype)

    def _row_index(self, kb, r) -> list:
        """The row's multi-index over the leading dims (row-major)."""
        dims = self.rows[:-1]
        index, rest = [], r
        for k, d in enumerate(dims):
            inner = numel(dims[k + 1:])
            index.append(kb.udiv(rest, size(kb, inner)) if not same(inner, 1) else rest)
            if not same(inner, 1):
                rest = kb.urem(rest, size(kb, inner))
        return index

    def _bind_tensors(self, kb, index, node: Node, env: dict, j) -> None:
        """Load the node's group inputs: at column j for a row value or a reduction, once per row for a per-row
        value."""
        context = self.rows if j is not None else _shape(node.output)
        for v in node.inputs:
            if v in self.tensors and v not in env:
                buf = self.tensors[v]
                base, stride = self._offsets(kb, index, buf, context)
                offset = base if j is None else _at(kb, base, j, stride)
                env[v] = (load(kb, buf.at(kb, offset), buf.dtype), buf.dtype, None)

    def _evaluate(self, kb, index, j, env: dict, deferred: list[Node], wanted: list[Value]) -> dict:
        """Row values needed for `wanted`, evaluated at column j (per-row values come from env)."""
        needed, stack = set(), [v for v in wanted if v.node in deferred and v not in self.stored]
        while stack:
            n = stack.pop().node
            if n not in needed:
                needed.add(n)
                stack += [v for v in n.inputs if v.node in deferred and v not in self.stored]
        inner = dict(env)
        for v, (ptr, dt) in self.stored.items():
            inner[v] = (load(kb, kb.gep(ptr, [i64(0), j], inbounds=True), dt), dt, None)
        for node in deferred:
            if node in needed:
                for v in node.inputs:
                    if v in self.tensors and v in env:
                        del inner[v]  # a per-row load of the same input does not serve a column
                self._bind_tensors(kb, index, node, inner, j)
                emit_scalar_node(kb, node, inner)
        return inner

    def _reduce(self, kb, index, node: Node, env: dict, deferred: list[Node]):
        kind = OPS[node.kind].short
        out_dtype = np.dtype(node.output.type.dtype)
        acc_dtype = accumulator_dtype(kind, out_dtype)
        with kb.goto_entry_block():
            slot = kb.alloca(value_type(acc_dtype))
        kb.store(identity(kb, kind, acc_dtype), slot)
        source = node.inputs[0]
        keep = self._scratch(kb, source, node) if source.node in deferred else None
        if keep is not None:  # computed in its own loop at full vector width, then reduced from L1
            with for_range(kb, self.n, "col") as j:
                value, dt, _ = self._evaluate(kb, index, j, env, deferred, [source])[source]
                store(kb, value, kb.gep(keep, [i64(0), j], inbounds=True), dt)
            self.stored[source] = (keep, dt)
        with for_range(kb, self.n, "col") as j:
            if source in self.tensors:
                inner = dict(env)
                inner.pop(source, None)
                self._bind_tensors(kb, index, node, inner, j)
            else:
                inner = self._evaluate(kb, index, j, env, deferred, [source])
            value, dt, _ = inner[source]
            kb.store(combine(kb, kind, acc_dtype, kb.load(slot), cast(kb, value, dt, acc_dtype)), slot)
        return finish(kb, kind, kb.load(slot), acc_dtype, self.n, out_dtype), out_dtype, None


    def _scratch(self, kb, source: Value, reduction: Node):
        """A row of stack scratch for a reduced row value that later passes read again (softmax's exp): they load
        it from L1 instead of computing it again. None when nothing else reads it or the row is too long."""
        dt = np.dtype(source.type.dtype)
        if all(u is reduction for u in source.uses) or isinstance(self.n, Sym) or \
                self.n * dt.itemsize > ROW_SCRATCH_BYTES:
            return None  # (a row of symbolic length is recomputed: its scratch size is not known here)
        with kb.goto_entry_block():
            row = kb.alloca(ir.ArrayType(storage_type(dt), self.n))
        row.align = 64
        return row


def _at(kb, base, j, stride):
    if same(stride, 0):
        return base
    step = j if same(stride, 1) else kb.mul(j, size(kb, stride), flags=("nsw",))
    return kb.add(base, step, flags=("nsw",))


def emit_row_kernel(module: ir.Module, b: ir.IRBuilder, sub: Graph, inputs: list, outputs: list[Buf],
                    symbols=None, threads: int = 1) -> None:
    """Emit and call the row kernel of a row group; inputs are Bufs or (llvm scalar, dtype) pairs."""
    rows = _shape(_reductions(sub)[0].inputs[0])
    tensor_in = [x for x in inputs if isinstance(x, Buf)]
    scalar_in = [x for x in inputs if isinstance(x, tuple)]
    fn, params, scalar_args = kernel_function(module, "rows", tensor_in + outputs,
                                              [d for _, d in scalar_in] + [_INDEX, _INDEX])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    body = fn.append_basic_block("rows")
    kb.branch(body)
    kb.position_at_end(body)
    kernel = RowKernel(sub, rows, params[:len(tensor_in)], params[len(tensor_in):], scalar_args[:-2], scalar_in)
    lo, hi = scalar_args[-2:]
    with for_range(kb, hi, "row", lo) as r:
        kernel.emit(kb, r)
    kb.ret_void()
    work = element_work(sub.block.nodes, numel(rows))
    emit_parallel_call(module, b, fn, kernel_args(b, tensor_in + outputs, [v for v, _ in scalar_in]),
                       numel(rows[:-1]), parallel_threads(threads, work), symbols, work)
