"""Lower a specialized, optimized graph to one LLVM function: `i32 NAME(i8** args)`.

`args` holds the data pointers of the inputs (user arrays, parameters, 0-d arrays for scalars) followed by the
outputs, which the caller allocates (dense, row-major); a graph with symbolic sizes (jitc/symbolic.py) takes one
more pointer, to the `int64_t` values of its symbols s0, s1, ... Intermediates live at static offsets in a
workspace the entry allocates itself (on the stack when small; those of symbolic size in a second one, from the
heap), so the function is self-contained: callable from C.
One call of a specialized graph is one entry into native code: control flow and scalar code are compiled too.
The result is 0 on success, or an error code (see ERRORS) the caller turns into an exception.
"""
from __future__ import annotations

import functools

import numpy as np
from llvmlite import ir

from jitc.errors import CompileError
from jitc.ir import Block, Graph, Node, Value
from jitc.ops import OPS
from jitc.ops.abstract import normalize_axes
from jitc.ops.registry import CREATION, ELEMENTWISE, KERNEL, MATMUL, REDUCTION, SCALAR
from jitc.symbolic import Sym, SymbolicError, bound, is_symbolic
from jitc.types import NONE, SCALAR_DTYPES, ScalarType, TensorType

from . import weak
from .abi import FIRST_SITE_CODE, site_error_code
from .attention import is_attention
from .c_entry import ALIGN, emit_entry
from .compact import check_nonempty, data_symbols
from .constants import constant_array
from .control import lower_if, lower_loop, writes_fresh_buffer
from .dims import SIZES_TYPE, bind_sizes, same, size, size_slot, slots_needed
from .elementwise import emit_copy, emit_fill, emit_fusion_group, emit_scalar_node, python_dtype
from .inplace import InPlacePlan
from .kernels import kernel
from .loops import Buf, i64, numel, pointer_type
from .lower_products import lower_attention, lower_matmul, lower_matmul_epilogue
from .matmul import calls_blas
from .mutation import lower_copy_into, lower_index_put, write_view
from .outputs import flatten_outputs, output_spec, views_as_bases
from .parallel import has_pool, thread_count, use_own_pool
from .reduce import emit_reduction, fused_element, load_element
from .rows import emit_row_kernel, is_row_kernel
from .scalar import I8, I32, I64, ScalarBuilder, cast, load
from .symbols import ProcessSymbols
from .views import VIEWS


class Lowering:
    """Walks the graph once, emitting LLVM IR; `env` maps IR values to Bufs, scalars or Python constants."""

    def __init__(self, graph: Graph, name: str, in_process: bool = True, dedupe_outputs: bool = True,
                 embedded: dict | None = None, own_pool: bool = False):
        """in_process: the code is JIT-compiled into this process and may use its symbols (NumPy's BLAS, the
        thread pool, the Python entry); False gives self-contained code for export. embedded: the values of
        inputs built into the module (an exported model's parameters), which products may lay out up front.
        own_pool: exported code runs large kernels on a thread pool built into it (parallel.use_own_pool)."""
        self.graph = graph
        self.embedded = embedded or {}
        self.module = ir.Module(name=name)
        self.name = name
        self.symbols = ProcessSymbols(self.module, name) if in_process else None
        if own_pool and not in_process:
            use_own_pool(self.module, name)
        # BLAS threads keep spinning after a product: our loops in the same call stay on this thread
        blas = self.symbols is not None and any(calls_blas(n) for n in _all_nodes(graph))
        self.threads = 1 if blas or not has_pool(self.module, self.symbols) else thread_count()
        fnty = ir.FunctionType(I32, [I8.as_pointer().as_pointer(), I8.as_pointer(), I8.as_pointer()])
        self.fn = ir.Function(self.module, fnty, f"{name}.body")
        self.fn.linkage = "internal"
        self.b = ir.IRBuilder(self.fn.append_basic_block("entry"))
        self.args, self.workspace, self.sized_workspace = self.fn.args
        self.workspace_size = 0
        self.sized_workspace_size = 0  # bytes (a symbolic size) of the buffers whose size is symbolic
        names = {s for v in graph.inputs if isinstance(v.type, TensorType)
                 for d in (*v.type.shape, *v.type.strides) if isinstance(d, Sym) for s in d.symbols}
        names |= {n.attrs["counter"].name for n in _all_nodes(graph) if "counter" in n.attrs} | data_symbols(graph.nodes())
        self.scalar_symbols = getattr(graph, "scalar_symbols", {})  # int input index -> its symbol (p0, ...)
        names |= set(self.scalar_symbols.values())
        self.sizes_slots = slots_needed(names)  # the length of the sizes array callers pass (0: none)
        self.symbolic = bool(names)
        self.env: dict = {}
        self.error_block = None
        self.errors: dict[int, str] = {}  # error code -> the IndexError message of that indexing site
        self.outputs, self.template = flatten_outputs(graph, dedupe_outputs)
        self.specs = [output_spec(v) for v in self.outputs]
        self.out_slot: dict[Value, int] = {}  # output value -> its caller-allocated slot, where it is computed
        self.plan = InPlacePlan(graph)

    # ---- buffers
    def arg_pointer(self, i: int, dtype) -> ir.Value:
        raw = self.b.load(self.b.gep(self.args, [i64(i)], inbounds=True))
        return self.b.bitcast(raw, pointer_type(dtype))

    def alloc(self, dtype, shape) -> Buf:
        """Scratch memory for an array; one whose size depends on a loop counter gets room for its largest."""
        t = TensorType.contiguous(dtype, tuple(shape))
        room = tuple(bound(d, low=False) for d in t.shape)
        if any(d is None for d in room):
            raise SymbolicError(f"no bound on the size {shape} of an intermediate")
        if is_symbolic(room):  # at a run-time offset, aligned at run time
            offset = self.sized_workspace_size
            self.sized_workspace_size = offset + numel(room) * np.dtype(dtype).itemsize + ALIGN
            start = self.b.ptrtoint(self.b.gep(self.sized_workspace, [size(self.b, offset)], inbounds=True), I64)
            aligned = self.b.and_(self.b.add(start, i64(ALIGN - 1)), i64(-ALIGN))
            return Buf(self.b.inttoptr(aligned, pointer_type(dtype)), np.dtype(dtype), t.shape, t.strides)
        nbytes = int(np.prod(room, dtype=np.int64)) * np.dtype(dtype).itemsize
        offset = self.workspace_size
        self.workspace_size += -(-max(nbytes, 1) // ALIGN) * ALIGN
        ptr = self.b.gep(self.workspace, [i64(offset)], inbounds=True)
        return Buf(self.b.bitcast(ptr, pointer_type(dtype)), np.dtype(dtype), t.shape, t.strides)

    def result_buf(self, v: Value) -> Buf:
        """Where a node writes v: straight into the caller's output when v is returned, else the workspace."""
        t = v.type
        if v in self.out_slot:
            ptr = self.arg_pointer(self.n_inputs + self.out_slot[v], t.dtype)
            c = TensorType.contiguous(t.dtype, t.shape)
            return Buf(ptr, np.dtype(t.dtype), c.shape, c.strides)
        return self.alloc(t.dtype, t.shape)

    def dest_buf(self, v: Value) -> Buf | None:
        """The region of an array that v is written into in place (see inplace.py), when there is one."""
        write = self.plan.dest_write(v)
        if write is None:
            return None
        return write_view(self, write, self.buf(write.inputs[0]), self.static(write.inputs[2]))

    def static(self, v: Value):
        """v's lowered value, also before its node is reached when it is a constant or a tuple of known values."""
        if v in self.env:
            return self.env[v]
        if v.node is not None and v.node.kind == "prim::TupleConstruct":
            return tuple(self.static(x) for x in v.node.inputs)
        return self.const(v)

    # ---- values
    def scalar(self, v: Value):
        """(llvm value, dtype, weak python value) for a scalar operand."""
        x = self.env[v]
        if isinstance(x, tuple) and len(x) == 3 and isinstance(x[1], np.dtype):
            return x
        if isinstance(x, (bool, int, float, complex)):
            dt = python_dtype(x)
            if isinstance(x, int) and not isinstance(x, bool) and not -(1 << 63) <= x < (1 << 63):
                raise CompileError(f"the Python int {x} does not fit the 64-bit ints of compiled code")
            return ScalarBuilder(self.b, dt).const(x), dt, x
        if isinstance(x, Sym):  # a size of a symbolic shape, as a Python int
            return size(self.b, x), np.dtype(np.int64), None
        if isinstance(x, Buf) and same(x.size, 1):
            return load(self.b, x.ptr, x.dtype), x.dtype, None
        raise CompileError(f"%{v.name} is not a scalar")

    def buf(self, v: Value) -> Buf:
        x = self.env[v]
        if not isinstance(x, Buf):
            raise CompileError(f"%{v.name} is not an array")
        return x

    def const(self, v: Value):
        if v.node is None or v.node.kind != "prim::Constant":
            raise CompileError(f"{v.node.kind if v.node else 'an input'} needs a constant here (%{v.name})")
        return v.node.attrs.get("value")

    # ---- driver
    def run(self):
        graph = self.graph
        self.n_inputs = len(graph.inputs)
        if self.symbolic:
            bind_sizes(self.fn, self.sizes_pointer(self.b, self.args))
        seen = set()
        for j, v in enumerate(self.outputs):
            producer = v.node
            reused = producer is not None and (producer.kind == "prim::Loop" and self.plan.reuses_init(
                producer, producer.outputs.index(v)) or self.plan.in_place(producer))  # (np.add.at's base's memory)
            if v not in seen and producer is not None and producer.owning_block is graph.block and \
                    isinstance(v.type, TensorType) and writes_fresh_buffer(producer) and not reused:
                self.out_slot[v] = j
            seen.add(v)
        for i, v in enumerate(graph.inputs):
            t = v.type
            if isinstance(t, TensorType):
                self.env[v] = Buf(self.arg_pointer(i, t.dtype), np.dtype(t.dtype), tuple(t.shape), tuple(t.strides))
            else:
                dt = SCALAR_DTYPES[t.name]
                ptr = self.arg_pointer(i, dt)
                self.env[v] = (load(self.b, ptr, dt), dt, None)
                if i in self.scalar_symbols:  # where the code reads it as a size
                    self.b.store(self.env[v][0], size_slot(self.b, self.scalar_symbols[i]))
        self.block(graph.block)
        for j, v in enumerate(self.outputs):
            if self.out_slot.get(v) == j:
                continue
            spec = self.specs[j]
            dst_t = TensorType.contiguous(spec.dtype, spec.shape)
            dst = Buf(self.arg_pointer(self.n_inputs + j, spec.dtype), spec.dtype, dst_t.shape, dst_t.strides)
            x = self.env[v]
            if isinstance(x, Buf):
                emit_copy(self.module, self.b, x, dst)
            else:
                value, dt, _ = self.scalar(v)
                self.b.store(cast(self.b, value, dt, spec.dtype) if spec.dtype.kind != "b"
                             else self.b.zext(cast(self.b, value, dt, spec.dtype), I8), dst.ptr)
        self.b.ret(ir.Constant(I32, 0))
        emit_entry(self)
        return self.module

    def sizes_pointer(self, b: ir.IRBuilder, args) -> ir.Value:
        """The symbols' values: the pointer after the outputs' in args."""
        slot = b.load(b.gep(args, [i64(self.n_inputs + len(self.outputs))], inbounds=True))
        return b.bitcast(slot, SIZES_TYPE)

    def block(self, block: Block) -> None:
        for node in block.nodes:
            self.node(node)

    def node(self, node: Node) -> None:
        kind = node.kind
        if kind == "prim::Constant":
            value = node.attrs.get("value")
            is_array = isinstance(value, (np.ndarray, np.generic)) and isinstance(node.output.type, TensorType)
            self.env[node.output] = constant_array(self.module, self.b, np.asarray(value)) if is_array else value
        elif kind == "prim::FusionGroup":
            self.fusion(node)
        elif kind in ("prim::TupleConstruct", "prim::ListConstruct"):
            self.env[node.output] = tuple(self.env[v] for v in node.inputs)
        elif kind == "prim::TupleUnpack":
            for v, x in zip(node.outputs, self.env[node.inputs[0]]):
                self.env[v] = x
        elif kind == "prim::TupleIndex":
            self.env[node.output] = self.env[node.inputs[0]][self.const(node.inputs[1])]
        elif kind == "prim::If":
            lower_if(self, node)
        elif kind == "prim::Loop":
            lower_loop(self, node)
        elif kind == "aten::index_put":
            lower_index_put(self, node)
        elif kind == "aten::copy_":
            lower_copy_into(self, node)
        elif kind == "prim::Uninitialized":  # a value no path reads before assigning it: any content will do
            t = node.output.type
            self.env[node.output] = None if t == NONE else self.alloc(t.dtype, t.shape) if isinstance(t, TensorType) else \
                (ScalarBuilder(self.b, SCALAR_DTYPES[t.name]).const(0), SCALAR_DTYPES[t.name], None)
        elif kind in OPS:
            self.op(node, OPS[kind])
        else:
            raise CompileError(f"the native backend cannot compile {kind}{_at(node)}")

    # ---- ops
    def fusion(self, node: Node) -> None:
        inputs = []
        for v in node.inputs:
            x = self.env[v]
            inputs.append(x if isinstance(x, Buf) else self.scalar(v)[:2])
        sub = node.attrs["subgraph"]
        for v, dt, what in weak.narrow_int_uses(sub):  # NumPy: int8_array + 300 raises OverflowError
            self.error(3, weak.range_check(self.b, inputs[sub.inputs.index(v)][0], dt, what))
        if is_attention(sub):
            lower_attention(self, node, sub)
            return
        first = next(n for n in sub.block.nodes if n.kind != "prim::Constant")
        if OPS.get(first.kind) is not None and OPS[first.kind].kind == MATMUL:  # a product and its epilogue
            lower_matmul_epilogue(self, node, sub, first, inputs)
            return
        last = sub.block.nodes[-1]
        if OPS.get(last.kind) is not None and OPS[last.kind].kind == REDUCTION and not is_row_kernel(sub):  # elementwise chain + reduction
            scalar_dtypes = [x[1] for x in inputs if not isinstance(x, Buf)]
            self.reduction(_Alias(last, node.output), OPS[last.kind], tuple(last.inputs[0].type.shape), inputs,
                           functools.partial(fused_element, sub, scalar_dtypes))
            return
        outs = [self.dest_buf(v) or self.result_buf(v) for v in node.outputs]
        emit = emit_row_kernel if is_row_kernel(sub) else emit_fusion_group
        emit(self.module, self.b, sub, inputs, outs, self.symbols, self.threads)
        for v, o in zip(node.outputs, outs):
            self.env[v] = o

    def op(self, node: Node, op) -> None:
        out_t = node.outputs[0].type
        if op.kind in (ELEMENTWISE, SCALAR) and op.emit is not None and not isinstance(out_t, TensorType):
            env = {v: self.scalar(v) for v in node.inputs}
            if all(isinstance(v.type, ScalarType) for v in node.inputs):
                self.python_checks(node, op, env)
            emit_scalar_node(self.b, node, env)
            self.env[node.output] = env[node.output]
        elif op.kind == KERNEL:
            self.env[node.output] = kernel(op.name)(self, node)
        elif op.kind == REDUCTION:
            self.reduction(node, op)
        elif op.kind == MATMUL:
            lower_matmul(self, node, op)
        elif op.kind == CREATION:
            out = self.result_buf(node.output)
            emit_fill(self.module, self.b, out, 1 if "ones" in op.name else 0)
            self.env[node.output] = out
        elif op.name in VIEWS:
            self.env[node.output] = VIEWS[op.name](self, node)
        elif op.name in ("aten::Bool", "aten::Int", "aten::Float", "aten::__index__"):
            src = self.buf(node.inputs[0])
            if src.size != 1:
                raise CompileError(f"converting an array of {src.size} elements to a Python scalar{_at(node)}")
            dt = SCALAR_DTYPES[out_t.name]
            self.env[node.output] = (cast(self.b, load(self.b, src.ptr, src.dtype), src.dtype, dt), dt, None)
        elif isinstance(out_t, TensorType) and op.kind == ELEMENTWISE:
            raise CompileError(f"{op.name} was not fused{_at(node)}")
        else:
            raise CompileError(f"the native backend cannot compile {op.name}{_at(node)}")

    def python_checks(self, node: Node, op, env: dict) -> None:
        """Python scalar code raises where Python does: a zero divisor (ZeroDivisionError), range()'s zero step
        (ValueError); int arithmetic beyond 64 bits raises IntegerOverflowError instead of wrapping."""
        if op.zero_error is not None and op.zero_error[0] < len(node.inputs):
            value, dt, _ = env[node.inputs[op.zero_error[0]]]
            zero = ScalarBuilder(self.b, dt).const(0)
            is_zero = self.b.fcmp_ordered("==", value, zero) if dt.kind == "f" else self.b.icmp_unsigned("==", value, zero)
            self.error(op.zero_error[1], is_zero)
        out_t = node.output.type
        if op.overflow is not None and isinstance(out_t, ScalarType) and out_t.name == "int":
            x, y = (cast(self.b, env[v][0], env[v][1], np.int64) for v in node.inputs[:2])
            pair = ir.LiteralStructType([I64, ir.IntType(1)])
            name = f"llvm.{op.overflow}.with.overflow.i64"
            fn = self.module.globals.get(name) or ir.Function(self.module, ir.FunctionType(pair, [I64, I64]), name)
            self.error(6, self.b.extract_value(self.b.call(fn, [x, y]), 1))

    def reduction(self, node: Node, op, shape=None, inputs=None, element=load_element) -> None:
        """A reduction node, or (given shape, inputs and element) a fusion group ending in one."""
        if inputs is None:
            src = self.buf(node.inputs[0])
            shape, inputs = src.shape, [src]
        axes = normalize_axes(self.const(node.inputs[1]), len(shape), op.short)
        check_nonempty(self, op.short, shape, axes)
        out = self.result_buf(node.output)
        emit_reduction(self.module, self.b, op.short, axes, out, shape,
                       [x for x in inputs if isinstance(x, Buf)], [x for x in inputs if not isinstance(x, Buf)],
                       element, self.alloc, self.threads, self.symbols)
        self.env[node.output] = out

    # ---- control flow
    def error(self, code, cond) -> None:
        """Stop the entry with `code` (an int, or an i32 computed here: index_error with the index) when cond."""
        if self.error_block is None:
            self.error_block = self.fn.append_basic_block("error")
            with self.b.goto_block(self.error_block):
                self.error_phi = self.b.phi(I32, "code")
                self.b.ret(self.error_phi)
        ok = self.fn.append_basic_block("ok")
        self.error_phi.add_incoming(code if isinstance(code, ir.Value) else ir.Constant(I32, code), self.b.block)
        self.b.cbranch(cond, self.error_block, ok)
        self.b.position_at_end(ok)

    def index_error(self, axis: int, size: int, node: Node, index=None):
        """The error code of an indexing site: its message says which axis, its size and the user's line; given
        the offending index (an i64), the code carries it too where it fits (codegen.abi.site_error_code)."""
        code = FIRST_SITE_CODE + len(self.errors)
        self.errors[code] = f"index out of bounds for axis {axis} with size {size}{_at(node)}"
        return code if index is None else site_error_code(self.b, code, index)


class _Alias:
    """A subgraph's reduction node seen from the enclosing graph: its constant arguments, the group's output."""

    def __init__(self, node: Node, output: Value):
        self.inputs, self.output = node.inputs, output


def _all_nodes(graph: Graph):
    """Every node, inside fusion groups too."""
    for node in graph.nodes():
        yield node
        if node.kind == "prim::FusionGroup":
            yield from _all_nodes(node.attrs["subgraph"])


def _at(node: Node) -> str:
    return f" (at {node.source})" if node.source else ""


def lower(graph: Graph, name: str = "jitc_entry", n_user: int | None = None,
          tier_up_at: int | None = None) -> tuple[Lowering, str]:
    """LLVM IR text of a specialized graph for this process, plus the lowering (output specs, symbols to fill).
    With n_user (the number of user arguments; the rest are parameters), also the CPython entry `NAME_fastcall`,
    which leaves calls to the general path once it has run `tier_up_at` times (see tiers.py)."""
    from .pyentry import emit_fastcall, layout_ok

    lw = Lowering(graph, name)
    module = lw.run()
    types = [v.type for v in graph.inputs]
    python_types = all(isinstance(t, TensorType) or (isinstance(t, ScalarType) and t.name in ("int", "float", "complex", "bool"))
                       for t in types)
    lw.has_fastcall = n_user is not None and lw.symbols is not None and layout_ok() and python_types and \
        not (lw.symbolic and lw.plan.written_back) and not any(s.room for s in lw.specs)  # the runtime trims
    if lw.has_fastcall:
        written = [i for i, v in enumerate(graph.inputs) if v in lw.plan.written_back]
        emit_fastcall(module, module.get_global(name), f"{name}_fastcall", types, n_user, lw.specs,
                      views_as_bases(lw.template), lw.symbols, written, lw.sizes_slots,  # the runtime makes views
                      getattr(graph, "size_facts", ()), lw.scalar_symbols, tier_up_at)
    return lw, str(module)
