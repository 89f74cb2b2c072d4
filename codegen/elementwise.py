"""Fused elementwise loops: one loop nest over the group's output shape evaluates the whole subgraph per element
with the op table's scalar emitters; plus copy and fill, which are the trivial cases."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.errors import CompileError
from jitc.ir import Graph
from jitc.ops import OPS
from jitc.ops.registry import CONDITION, INPUT, OPERANDS
from jitc.ops.results import SCALAR_PRODUCT
from jitc.symbolic import Sym, SymbolicError
from jitc.types import SCALAR_DTYPES, ScalarType, TensorType

from . import weak
from .kernel import call_kernel, kernel_args, kernel_function
from .loops import Buf, broadcast_strides, collapse, loop_nest, numel
from .mathlib import MATH_FUNCS
from .parallel import emit_parallel_call, parallel_threads
from .scalar import ScalarBuilder, cast, load, store

_WEAK = {"i": 1, "f": 1.0, "c": 1j, "b": True}
MATH_COST = 8  # a vectorized exp/tanh/log costs about as much per element as 8 adds: worth threads sooner


def element_work(nodes, count):
    """`count` elements of work weighted by the math functions each one evaluates, for the threading decision."""
    math = sum(1 for n in nodes if OPS.get(n.kind) is not None and OPS[n.kind].short in MATH_FUNCS)
    return count * (1 + MATH_COST * math) if math else count


def python_dtype(value) -> np.dtype:
    """The dtype a Python scalar is computed in before promotion casts it (NEP 50 weak scalars)."""
    kind = "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else \
        "complex" if isinstance(value, complex) else "float"
    return SCALAR_DTYPES[kind]


def compute_dtype(op, out: np.dtype, in_dtypes: list, weak_values: list) -> np.dtype:
    """The dtype the op's operands are converted to before its emitter runs (see OpDef.compute)."""
    if op.compute not in (OPERANDS, INPUT):
        return out
    args = [v if v is not None else np.ones((), dt) for dt, v in zip(in_dtypes, weak_values)]
    return np.result_type(*args)  # NumPy's promotion, Python scalars weak


def emit_scalar_node(b: ir.IRBuilder, node, env: dict, guards: list | None = None) -> None:
    """Evaluate one op on scalars; env maps IR values to (llvm value, dtype, weak Python value or None). With a
    `guards` list, math functions may take fast paths (see ScalarBuilder.guards)."""
    if node.kind == "prim::Constant":
        value = node.attrs["value"]
        if isinstance(value, (np.ndarray, np.generic)):
            value = np.asarray(value).item()
        if isinstance(value, Sym):  # (its weak-int promotion and range checks need the number)
            raise SymbolicError(f"a symbolic size {value} inside fused code")
        if not isinstance(value, (bool, int, float, complex)):
            env[node.output] = (None, None, value)  # e.g. astype's dtype name: read by the op, not computed
            return
        env[node.output] = weak.constant_entry(b, value, python_dtype(value))
        return
    op = OPS[node.kind]
    if op.emit is None:
        raise CompileError(f"{node.kind} has no scalar emitter")
    used = [i for i in op.tensor_params if i < len(node.inputs)]
    ins = [env[node.inputs[i]] for i in used]
    out_t = node.output.type
    out_dt = np.dtype(out_t.dtype) if isinstance(out_t, TensorType) else scalar_dtype(out_t)
    dt = compute_dtype(op, out_dt, [d for _, d, _ in ins], [c for _, _, c in ins])
    known = weak.exact_comparison(op, dt, ins)
    if known is not None:
        env[node.output] = (ir.Constant(ir.IntType(1), int(known)), out_dt, None)
        return
    dt = weak.widened(op, dt, ins)
    targets = [np.dtype(np.bool_)] + [dt] * (len(ins) - 1) if op.compute == CONDITION else [dt] * len(ins)
    # a None operand (np.clip(x, None, 1)) reaches the emitter as None
    args = [weak.operand(b, op, k, x, t) for k, (x, t) in enumerate(zip(ins, targets))]
    # NumPy's half loops compute in float32 and round each result to half; np.round is three ufuncs in NumPy
    # (multiply, rint, divide), each rounded to half, which LLVM's half arithmetic does op by op too
    half = dt == np.float16 and node.kind != "aten::round"
    if half:
        args = [cast(b, a, t, np.float32) if a is not None and t == dt else a for a, t in zip(args, targets)]
    sb = ScalarBuilder(b, np.float32 if half else dt, guards, tuple(weak.uniform(node.inputs[i].type) for i in used))
    sb.numpy_scalars = bool(node.attrs.get(SCALAR_PRODUCT))
    result = op.emit(sb, *args)
    result = weak.negative_against_uint64(b, op, dt, ins, result)
    if op.compute == OPERANDS or (op.compute == INPUT and not half):
        env[node.output] = (result, out_dt, None)  # comparisons and logic give the bool (i1) result directly
    else:
        env[node.output] = (cast(b, result, sb.dtype, out_dt), out_dt, None)


def emit_expression(b: ir.IRBuilder, sub: Graph, env: dict, nodes=None, guards: list | None = None) -> None:
    for node in sub.block.nodes if nodes is None else nodes:
        emit_scalar_node(b, node, env, guards)


def bind_inputs(b: ir.IRBuilder, sub: Graph, in_params: list[Buf], offsets: list, scalar_args: list,
                scalar_in: list, used=None) -> dict:
    """The expression environment at one loop index: tensor inputs loaded at their offsets, scalars as given.
    `used` (default: all) selects the subgraph inputs this kernel receives."""
    env, tensors, scalars = {}, iter(zip(in_params, offsets)), iter(zip(scalar_args, scalar_in))
    for v in sub.inputs:
        if used is not None and v not in used:
            continue
        if isinstance(v.type, TensorType):
            p, off = next(tensors)
            env[v] = (load(b, p.at(b, off), p.dtype), p.dtype, None)
        else:
            arg, (_, dt) = next(scalars)
            env[v] = (arg, dt, _WEAK[dt.kind])  # a Python scalar promotes weakly, like a constant
    return env


def emit_fusion_group(module: ir.Module, b: ir.IRBuilder, sub: Graph, inputs: list, outputs: list[Buf],
                      symbols=None, threads: int = 1, nodes=None, in_place=None) -> None:
    """Emit and call one kernel for a FusionGroup; inputs (aligned with sub.inputs) are Bufs, (llvm scalar,
    dtype) pairs, or None for inputs this kernel does not read. `nodes` (default: all) are the subgraph nodes to
    evaluate; `in_place` is a value read from outputs[0] itself at each element before it is overwritten (a
    matrix product's epilogue). Large groups split their outermost loop across up to `threads` pool threads."""
    shape = outputs[0].shape
    used = {v for v, x in zip(sub.inputs, inputs) if x is not None}
    tensor_in = [x for x in inputs if isinstance(x, Buf)]
    scalar_in = [x for x in inputs if isinstance(x, tuple)]
    index = np.dtype(np.int64)
    fn, params, scalar_args = kernel_function(module, "fused", tensor_in + outputs,
                                              [d for _, d in scalar_in] + [index, index])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    in_params, out_params = params[:len(tensor_in)], params[len(tensor_in):]
    strides = [broadcast_strides(p.shape, p.strides, shape) for p in in_params] + [p.strides for p in out_params]
    beyond = kb.alloca(ir.IntType(1), name="beyond_fast_path")
    kb.store(ir.Constant(ir.IntType(1), 0), beyond)

    def loop(guards: list | None) -> None:
        with loop_nest(kb, shape, strides, outer=tuple(scalar_args[-2:])) as offsets:
            out_offsets = offsets[len(in_params):]
            env = bind_inputs(kb, sub, in_params, offsets, scalar_args, scalar_in, used)
            if in_place is not None:
                p = out_params[0]
                env[in_place] = (load(kb, p.at(kb, out_offsets[0]), p.dtype), p.dtype, None)
            emit_expression(kb, sub, env, nodes, guards)
            for p, off, v in zip(out_params, out_offsets, sub.outputs):
                value, dt, _ = env[v]
                store(kb, cast(kb, value, dt, p.dtype), p.at(kb, off), p.dtype)
            for flag in guards or ():
                kb.store(kb.or_(kb.load(beyond), flag), beyond)

    # Math functions take their fast paths first; if any argument was beyond one, the loop is redone exactly
    # (outputs never alias inputs: the pointers are noalias). Not for an in-place epilogue, which reads outputs.
    guards = [] if in_place is None else None
    loop(guards)
    if guards:
        exact, done = fn.append_basic_block("exact"), fn.append_basic_block("done")
        kb.cbranch(kb.load(beyond), exact, done)
        kb.position_at_end(exact)
        loop(None)
        kb.branch(done)
        kb.position_at_end(done)
    kb.ret_void()
    collapsed = collapse(shape, strides)[0]
    work = element_work(sub.block.nodes if nodes is None else nodes, numel(shape))
    emit_parallel_call(module, b, fn, kernel_args(b, tensor_in + outputs, [v for v, _ in scalar_in]),
                       collapsed[0] if collapsed else 1, parallel_threads(threads, work), symbols, work)


def emit_copy(module: ir.Module, b: ir.IRBuilder, src: Buf, dst: Buf, symbols=None, threads: int = 1) -> None:
    """dst[...] = src (broadcasting src, converting dtype); a large copy splits its outermost loop across up to
    `threads` pool threads, as a fusion group does."""
    index = np.dtype(np.int64)
    fn, (ps, pd), outer = kernel_function(module, "copy", [src, dst], [index, index])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    strides = [broadcast_strides(ps.shape, ps.strides, dst.shape), pd.strides]
    with loop_nest(kb, dst.shape, strides, outer=tuple(outer)) as (si, di):
        store(kb, cast(kb, load(kb, ps.at(kb, si), ps.dtype), ps.dtype, pd.dtype), pd.at(kb, di), pd.dtype)
    kb.ret_void()
    collapsed = collapse(dst.shape, strides)[0]
    work = numel(dst.shape)
    emit_parallel_call(module, b, fn, kernel_args(b, [src, dst], []), collapsed[0] if collapsed else 1,
                       parallel_threads(threads, work), symbols, work)


def emit_fill(module: ir.Module, b: ir.IRBuilder, dst: Buf, value) -> None:
    fn, (pd,), _ = kernel_function(module, "fill", [dst], [])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    const = ScalarBuilder(kb, pd.dtype).const(value) if pd.dtype.kind != "b" else ir.Constant(ir.IntType(1), bool(value))
    with loop_nest(kb, pd.shape, [pd.strides]) as (off,):
        store(kb, const, pd.at(kb, off), pd.dtype)
    kb.ret_void()
    call_kernel(b, fn, [dst], [])


def scalar_dtype(t) -> np.dtype:
    if isinstance(t, ScalarType) and t.name in SCALAR_DTYPES:
        return SCALAR_DTYPES[t.name]
    raise CompileError(f"values of type {t} cannot be compiled")
