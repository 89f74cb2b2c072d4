"""Sample calls of every op in jitc.ops.OPS for the native backend's tests (test_codegen.py).

A `Case` is either a user spelling (`fn`, traced with jitc.trace) or, for ops no trace contains, a hand-built graph
of `op(*args)`. Inputs are seeded, never zero, positive where the op needs it, and come in several layouts:
contiguous, transposed, stepped, reversed, broadcast, Python scalar, 0-d and empty. Tolerances are explicit per
dtype; reductions and products are compared against a bound scaled by sum(|a|*|b|), since their summation order
legitimately differs from NumPy's (pairwise sums, BLAS).
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from math_samples import SAMPLES as MATH_SAMPLES

from jitc.builder import insert_op
from jitc.ir import Graph
from jitc.nn import functional as F
from jitc.ops import OPS
from jitc.script_module import ScriptFunction
from jitc.types import BOOL, FLOAT, INT, TensorType

# Elementwise float results: our tanh/exp/log/sigmoid are within 2 ULP of NumPy's.
RTOL = {np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-12, np.dtype(np.complex64): 2e-6,
        np.dtype(np.complex128): 1e-12}
FLOATS = (np.float32, np.float64)
INTS = (np.int32, np.int64)

# Ops the backend cannot compile for the sampled inputs: these cases must fall back to the interpreter with a
# FallbackWarning (and raise CompileError under fallback="error"). Keyed by (op, note).
FALLBACK = {
    ("aten::size", "shape"): "returning x.shape (a folded tuple constant) is not a graph-built tuple",
    ("aten::slice.t", "shape"): "an int list result (a folded shape) cannot be returned from native code",
    ("aten::add.t", "shape"): "an int list result (a folded shape) cannot be returned from native code",
    ("prim::dtype", "array"): "a str result (the folded dtype name) cannot be returned from native code",
}


@dataclass(frozen=True)
class Case:
    op: str
    fn: Callable | None       # the user's spelling over `args` (all arrays); None: hand-built graph of op(*args)
    args: tuple               # fn's array inputs, or the op's bound arguments for a hand-built graph
    note: str = ""
    scalar_inputs: bool = False  # hand-built: Python scalars are graph inputs (run-time values), not constants

    @property
    def inputs(self) -> tuple:
        if self.fn is not None:
            return self.args
        return tuple(a for a in self.args if isinstance(a, np.ndarray) or (self.scalar_inputs and _is_scalar(a)))

    @property
    def falls_back(self) -> bool:
        return (self.op, self.note) in FALLBACK

    @property
    def id(self) -> str:
        dtypes = ",".join(sorted({a.dtype.name for a in self.inputs if isinstance(a, np.ndarray)}))
        return f"{self.op.split('::')[1]}[{self.note}]-{dtypes or 'scalars'}"

    def eager(self):
        with np.errstate(all="ignore"):
            return self.fn(*self.args) if self.fn is not None else OPS[self.op].impl(*self.args)

    def compiled(self):
        """A ScriptFunction whose calls run natively (jitc.trace, or the hand-built graph)."""
        import jitc

        if self.fn is not None:
            with np.errstate(all="ignore"):
                return jitc.trace(self.fn, self.args, check_trace=False)
        graph = Graph()
        args = []
        for i, a in enumerate(self.args):
            if isinstance(a, np.ndarray):
                args.append(graph.add_input(TensorType(), f"a{i}"))
            elif self.scalar_inputs and _is_scalar(a):
                args.append(graph.add_input(BOOL if isinstance(a, bool) else INT if isinstance(a, int) else FLOAT,
                                            f"a{i}"))
            else:
                args.append(a)
        graph.block.add_return(insert_op(graph, OPS[self.op], args))
        graph.lint()
        return ScriptFunction(graph, self.op.split("::")[1].strip("_"))


def _is_scalar(a) -> bool:
    return isinstance(a, (bool, int, float))


# ---------------------------------------------------------------------------------------------------- inputs
_rng = np.random.default_rng(20240611)


def signed(shape, dtype) -> np.ndarray:
    """Nonzero values of both signs: ±[0.5, 2) for floats, ±[1, 50) for integers, random for bool."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return _rng.random(shape) > 0.5
    sign = _rng.choice([-1, 1], shape)
    if dt.kind in "iu":
        return (_rng.integers(1, 50, shape) * (sign if dt.kind == "i" else 1)).astype(dt)
    return (_rng.uniform(0.5, 2.0, shape) * sign).astype(dt)


def positive(shape, dtype) -> np.ndarray:
    dt = np.dtype(dtype)
    if dt.kind in "iub":
        return _rng.integers(1, 50, shape).astype(dt)
    return _rng.uniform(0.5, 2.0, shape).astype(dt)


def unary_layouts(make, dtype) -> list[tuple[str, np.ndarray]]:
    return [
        ("contiguous", make((3, 4), dtype)),
        ("transposed", make((4, 3), dtype).T),
        ("step", make((3, 8), dtype)[:, ::2]),
        ("reversed", make((3, 4), dtype)[::-1]),
        ("0d", np.asarray(make((), dtype))),
        ("empty", make((0, 3), dtype)),
        ("long", make((1000,), dtype)),  # the vector body plus a remainder
    ]


def binary_layouts(make, dtype) -> list[tuple[str, tuple]]:
    return [
        ("contiguous", (make((3, 4), dtype), make((3, 4), dtype))),
        ("transposed", (make((4, 3), dtype).T, make((3, 4), dtype))),
        ("step+reversed", (make((3, 8), dtype)[:, ::2], make((3, 4), dtype)[::-1, ::-1])),
        ("3x1+1x4", (make((3, 1), dtype), make((1, 4), dtype))),
        ("0d+3x4", (np.asarray(make((), dtype)), make((3, 4), dtype))),
        ("0d+0d", (np.asarray(make((), dtype)), np.asarray(make((), dtype)))),
        ("empty+3", (make((0, 3), dtype), make((3,), dtype))),
    ]


# ---------------------------------------------------------------------------------------------------- spellings
BINARY = {
    "aten::add": operator.add, "aten::sub": operator.sub, "aten::mul": operator.mul,
    "aten::div": operator.truediv, "aten::floor_divide": operator.floordiv, "aten::remainder": operator.mod,
    "aten::pow": operator.pow, "aten::maximum": np.maximum, "aten::minimum": np.minimum,
    "aten::eq": operator.eq, "aten::ne": operator.ne, "aten::lt": operator.lt, "aten::le": operator.le,
    "aten::gt": operator.gt, "aten::ge": operator.ge, "aten::bitwise_and": operator.and_,
    "aten::bitwise_or": operator.or_, "aten::logical_and": np.logical_and, "aten::logical_or": np.logical_or,
}
UNARY = {
    "aten::neg": operator.neg, "aten::abs": np.abs, "aten::tanh": np.tanh, "aten::exp": np.exp,
    "aten::log": np.log, "aten::sqrt": np.sqrt, "aten::sigmoid": F.sigmoid, "aten::relu": F.relu,
    "aten::bitwise_not": operator.invert, "aten::logical_not": np.logical_not,
}
POSITIVE = {"aten::pow", "aten::log", "aten::sqrt"}
BOOL_OPS = {"aten::eq", "aten::ne", "aten::bitwise_and", "aten::bitwise_or", "aten::logical_and",
            "aten::logical_or", "aten::bitwise_not", "aten::logical_not", "aten::add", "aten::mul",
            "aten::maximum", "aten::minimum"}
NO_FLOAT = {"aten::bitwise_and", "aten::bitwise_or", "aten::bitwise_not"}


def _dtypes(name) -> tuple:
    out = () if name in NO_FLOAT else FLOATS
    return out + INTS + ((np.bool_,) if name in BOOL_OPS else ())


def elementwise_cases() -> list[Case]:
    cases = []
    for name, f in BINARY.items():
        make = positive if name in POSITIVE else signed
        for dtype in _dtypes(name):
            tag = "" if np.dtype(dtype).kind == "f" else np.dtype(dtype).name + "-"
            if name == "aten::pow" and np.dtype(dtype).kind != "f":
                cases.append(Case(name, f, (positive((3, 4), dtype), _rng.integers(1, 4, (3, 4)).astype(dtype)),
                                  "int"))
                continue
            layouts = binary_layouts(make, dtype)
            if np.dtype(dtype).kind != "f":
                layouts = layouts[:4]  # integer and bool paths share the float paths' loops: fewer layouts
            cases += [Case(name, f, args, tag + note) for note, args in layouts]
            if np.dtype(dtype).kind == "f":
                cases.append(Case(name, lambda x, f=f: f(x, 1.5), (make((3, 4), dtype),), "python-scalar"))
                cases.append(Case(name, lambda x, f=f: f(2, x), (make((3, 4), dtype),), "reflected-int"))
    for name, f in UNARY.items():
        make = positive if name in POSITIVE else signed
        for dtype in _dtypes(name):
            if np.dtype(dtype).kind == "f":
                cases += [Case(name, f, (a,), note) for note, a in unary_layouts(make, dtype)]
            else:
                cases.append(Case(name, f, (make((3, 4), dtype)[::-1],), np.dtype(dtype).name + "-reversed"))
    for dtype in FLOATS + INTS:
        a, b = signed((3, 4), dtype), signed((3, 4), dtype)
        cond = signed((3, 4), np.float64) > 0
        cases += [
            Case("aten::where", np.where, (cond, a, b), np.dtype(dtype).name),
            Case("aten::where", lambda c, x: np.where(c, x, 0), (cond[:, :1], a.T.T[::-1]), "broadcast-scalar"),
            Case("aten::clip", lambda x: np.clip(x, -1, 1), (a.T,), "scalars-transposed"),
            Case("aten::clip", np.clip, (a, signed((4,), dtype), signed((3, 1), dtype) + 60), "arrays-broadcast"),
        ]
    cases += [
        Case("aten::where", np.where, (signed((), np.bool_), np.asarray(1.5), signed((0, 3), np.float32)), "0d+empty"),
        Case("aten::to", lambda x: x.astype(np.float64), (signed((3, 4), np.float32).T,), "f32-f64-transposed"),
        Case("aten::to", lambda x: x.astype(np.float32), (signed((3, 4), np.float64)[::-1],), "f64-f32-reversed"),
        Case("aten::to", lambda x: x.astype(np.int32), (signed((3, 4), np.float64) * 40,), "f64-i32"),
        Case("aten::to", lambda x: x.astype(np.float32), (signed((3, 4), np.int64),), "i64-f32"),
        Case("aten::to", lambda x: x.astype(np.int64), (signed((3, 4), np.bool_),), "bool-i64"),
        Case("aten::to", lambda x: x.astype(np.bool_), (signed((3, 4), np.float32),), "f32-bool"),
        Case("aten::to", lambda x: x.astype(np.float64), (np.asarray(signed((), np.float32)),), "0d"),
        Case("aten::add", operator.add, (signed((3, 4), np.int32), signed((3, 4), np.float32)), "int32+f32"),
        Case("aten::mul", lambda x: x * 2.5, (signed((3, 4), np.int64),), "int64*pyfloat"),
        Case("aten::div", operator.truediv, (signed((3, 4), np.int32), signed((3, 4), np.int32)), "int/int"),
        Case("aten::add", operator.add, (signed((3, 4), np.float32), np.asarray(2.0)), "f32+0d-f64"),
        Case("aten::sub", lambda x: 1 - x, (positive((3, 4), np.uint8),), "uint8-wraps"),
        Case("aten::tanh", np.tanh, (signed((3, 4), np.int32),), "int32-to-f64"),
    ]
    return cases


def reduction_cases() -> list[Case]:
    cases = []
    for name in ("sum", "mean", "max", "min"):
        op, fn = f"aten::{name}", getattr(np, name)
        for dtype in FLOATS + INTS:
            x, x3 = signed((3, 4), dtype), signed((2, 3, 5), dtype)
            tag = np.dtype(dtype).name
            cases += [
                Case(op, lambda a, n=name: getattr(a, n)(), (x,), f"{tag}-all"),
                Case(op, lambda a, fn=fn: fn(a, axis=1, keepdims=True), (x,), f"{tag}-axis1-keepdims"),
                Case(op, lambda a, fn=fn: fn(a, axis=0), (x.T,), f"{tag}-axis0-transposed"),
                Case(op, lambda a, fn=fn: fn(a, axis=(0, 2)), (x3[:, ::-1],), f"{tag}-axes-reversed"),
            ]
        for dtype in FLOATS:
            cases += [
                Case(op, lambda a, fn=fn: fn(a, axis=-1), (signed((7, 300), dtype)[:, ::2],), "long-step"),
                Case(op, lambda a, n=name: getattr(a, n)(), (np.asarray(signed((), dtype)),), "0d"),
            ]
            if name != "mean":  # NumPy's mean of an empty slice warns and gives NaN; max/min of a (0, 3) over
                cases.append(Case(op, lambda a, fn=fn: fn(a, axis=0), (signed((0, 3), dtype).T,), "empty-kept"))
    cases.append(Case("aten::sum", lambda a: a.sum(axis=0), (signed((0, 3), np.float32),), "empty-sum"))
    cases.append(Case("aten::sum", lambda a: a.sum(axis=1), (signed((3, 4), np.bool_),), "bool-count"))
    return cases


def matmul_cases() -> list[Case]:
    cases = []
    for dtype in FLOATS:
        x, w, b = signed((3, 4), dtype), signed((5, 4), dtype), signed((5,), dtype)
        big_a, big_b = signed((64, 70), dtype), signed((70, 80), dtype)
        cases += [
            Case("aten::matmul", operator.matmul, (x, w.T), "transposed"),
            Case("aten::matmul", operator.matmul, (x[::-1], signed((4, 10), dtype)[:, ::2]), "reversed+step"),
            Case("aten::matmul", operator.matmul, (big_a, big_b), "gemm"),
            Case("aten::matmul", operator.matmul, (big_a.T.copy().T, big_b.T.copy().T), "gemm-transposed"),
            Case("aten::matmul", operator.matmul, (signed((256, 512), dtype), signed((512, 256), dtype)), "blas"),
            Case("aten::matmul", np.matmul, (signed((2, 3, 4), dtype), signed((4, 5), dtype)), "batched"),
            Case("aten::matmul", operator.matmul, (signed((2, 1, 3, 4), dtype), signed((3, 4, 2), dtype)),
                 "batch-broadcast"),
            Case("aten::matmul", operator.matmul, (signed((4,), dtype), signed((4, 5), dtype)), "1d@2d"),
            Case("aten::matmul", operator.matmul, (x, signed((4,), dtype)[::-1]), "2d@1d"),
            Case("aten::matmul", operator.matmul, (signed((4,), dtype), signed((4,), dtype)), "1d@1d"),
            Case("aten::matmul", operator.matmul, (signed((0, 4), dtype), w.T), "empty"),
            Case("aten::matmul", operator.matmul, (signed((3, 0), dtype), signed((0, 5), dtype)), "empty-k"),
            Case("aten::linear", F.linear, (x, w, b), "bias"),
            Case("aten::linear", F.linear, (x, w), "no-bias"),
            Case("aten::linear", F.linear, (signed((4,), dtype), w, b), "1d-input"),
            Case("aten::linear", F.linear, (x[::-1], w[:, ::-1], b[::-1]), "reversed"),
            Case("aten::linear", F.linear, (big_a, signed((80, 70), dtype), signed((80,), dtype)), "gemm-bias"),
        ]
    cases += [
        Case("aten::matmul", operator.matmul, (signed((3, 4), np.int32), signed((4, 5), np.int64)), "int"),
        Case("aten::matmul", operator.matmul, (signed((3, 4), np.float32), signed((4, 5), np.float64)), "f32@f64"),
    ]
    return cases


def view_cases() -> list[Case]:
    cases = []
    for dtype in FLOATS:
        x, x3 = signed((3, 4), dtype), signed((2, 3, 4), dtype)
        cases += [
            Case("aten::transpose", lambda a: a.T * 2, (x,), "T"),
            Case("aten::transpose", lambda a: np.transpose(a, (2, 0, 1)) + 1, (x3[:, ::-1],), "axes-reversed"),
            Case("aten::transpose", lambda a: a.T, (x,), "returned"),
            Case("aten::reshape", lambda a: a.reshape(-1) + 1, (x,), "-1"),
            Case("aten::reshape", lambda a: a.T.reshape(2, 6) * 2, (x,), "noncontiguous"),
            Case("aten::reshape", lambda a: a[::-1].reshape(4, 3), (x,), "reversed-returned"),
            Case("aten::reshape", lambda a: a.reshape(-1, 3) + 1, (signed((0, 3), dtype),), "empty"),
            Case("aten::select", lambda a: a[1] * 2, (x,), "x[1]"),
            Case("aten::select", lambda a: a[-1] + a[:, 2][:, None], (x.T,), "x[-1]-transposed"),
            Case("aten::select", lambda a: a[..., 0], (x3[::-1],), "returned"),
            Case("aten::slice", lambda a: a[:, 1:3] + 1, (x,), "x[:,1:3]"),
            Case("aten::slice", lambda a: a[::2] * 3, (x3,), "step"),
            Case("aten::slice", lambda a: a[::-1] - a, (x,), "reverse"),
            Case("aten::slice", lambda a: a[5:] + 1, (x,), "out-of-range-empty"),
            Case("aten::unsqueeze", lambda a, b: a[:, None] + b, (x[0], x[:, 0]), "outer"),
            Case("aten::unsqueeze", lambda a: np.expand_dims(a, -1) * 2, (x.T,), "expand_dims"),
        ]
    return cases


def creation_cases() -> list[Case]:
    cases = []
    for fill in ("zeros", "ones"):
        like = getattr(np, f"{fill}_like")
        cases += [
            Case(f"aten::{fill}", None, ((2, 3), "float32"), "float32"),
            Case(f"aten::{fill}", None, ((4,), "int64"), "int64"),
            Case(f"aten::{fill}", None, ((2, 2), "bool"), "bool"),
            Case(f"aten::{fill}", None, ((0, 3), "float64"), "empty"),
            Case(f"aten::{fill}_like", lambda a, like=like: like(a) + a, (signed((3, 4), np.float32).T,), "f32"),
            Case(f"aten::{fill}_like", lambda a, like=like: like(a, dtype=np.int32), (signed((3, 4), np.float64),),
                 "dtype"),
        ]
    return cases


def _set(a, index, value):
    """`a[index] = value` on a copy (samples run many times: their inputs must not change)."""
    b = a.copy()
    b[index] = value
    return b


def _copyto(dst, src):
    np.copyto(dst, src)
    return dst


def mutation_cases() -> list[Case]:
    cases = []
    for dtype in FLOATS + INTS:
        x, v = signed((5, 6), dtype), signed((3, 3), dtype)
        mask = signed((5, 6), np.float64) > 0
        cases += [
            Case("aten::index_put", lambda a, v: _set(a, (slice(1, 4), slice(None, None, 2)), v * 2), (x, v),
                 "computed-into-view"),
            Case("aten::index_put", lambda a, v: _set(a, (slice(1, 4), slice(None, None, 2)), v), (x.T, v),
                 "transposed-base"),
            Case("aten::index_put", lambda a: _set(a, (-1, slice(2, None)), 3), (x,), "scalar"),
            Case("aten::index_put", lambda a, r: _set(a, slice(None), r), (x, x[0][::-1].copy()), "broadcast-row"),
            Case("aten::index_put", lambda a: _set(a, slice(1, None), a[:-1]), (x,), "overlapping-shift"),
            Case("aten::masked_put", lambda m, a: _set(a, m, 7), (mask, x), "scalar"),
            Case("aten::copy", lambda a: np.copy(a[::-1]) + 1, (x,), "reversed"),
            Case("aten::copy_", _copyto, (x.copy(), x), "copyto-input"),
        ]
    return cases


def scalar_cases() -> list[Case]:
    x = signed((3, 4), np.float32)
    cases = [
        Case("aten::size", lambda a: a * a.shape[1], (x,), "dim"),
        Case("aten::size", None, (x, None), "shape"),
        Case("aten::Bool", None, (np.asarray(x[0, 0] > 0),), "0d"),
        Case("aten::Int", None, (np.asarray(np.float64(-2.75)),), "0d-truncates"),
        Case("aten::Float", None, (np.asarray(np.int32(7)),), "0d"),
        Case("aten::__index__", None, (np.asarray(np.int64(-3)),), "0d"),
        Case("aten::len", None, (x,), "array"),
        Case("aten::numel", None, (x,), "array"),
        Case("aten::__getitem__.t", None, ((3, 4, 5), -1), "shape"),
        Case("aten::slice.t", None, ((3, 4, 5), None, -1, None), "shape"),
        Case("aten::add.t", None, ((3, 4), (-1, 2)), "shape"),
        Case("prim::dtype", None, (x,), "array"),
        Case("aten::dim", None, (x,), "array"),
        Case("aten::dim", None, (np.asarray(x[0, 0]),), "0d"),
        Case("prim::Uninitialized", None, ()),
        Case("aten::__is__", None, (x, None), "array"),  # `mask is None` on a Tensor?, decided by then
        Case("aten::__isnot__", None, (x, None), "array"),
        Case("prim::unchecked_cast", None, (x,), "array"),
    ]
    script_scalars = {
        "aten::__range_length": [(0, 10, 3), (5, -1, -2)], "aten::__derive_index": [(3, 1, 2)],
        "aten::__not__": [(True,)], "prim::min": [(2, 1.5)], "prim::max": [(-1, -4)],
    }
    for op, samples in script_scalars.items():
        cases += [Case(op, None, args, "constants") for args in samples]
        cases.append(Case(op, None, samples[0], "runtime-scalars", scalar_inputs=True))
    return cases


CASES: list[Case] = (elementwise_cases() + reduction_cases() + matmul_cases() + view_cases() + creation_cases()
                     + scalar_cases() + mutation_cases())
# jitc/ops/math.py's table (math_samples.py): the first sample of each op and dtype kind here, traced; all of them
# scripted and compiled in test_math_ops.py
_FIRST_MATH = {(s.op, s.inputs[0].dtype.kind): s for s in reversed(MATH_SAMPLES)}
CASES += [Case(s.op, s.fn, s.inputs, s.note) for s in _FIRST_MATH.values()]
