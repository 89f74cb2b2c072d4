"""The OpInfo-style table of test_ops.py: sample inputs of every op in jitc.ops.OPS and the way users spell it.

A `Sample` gives the op's arguments (arrays become graph inputs, everything else constants) and the user's spelling
(`2 - x`, `x.sum(axis=1, keepdims=True)`, `x[:, 1:3]`, `F.relu(x)` ...), or None for ops no trace contains
(NOT_TRACEABLE). Inputs are seeded, never zero, and come in several layouts, 0-d and empty included.
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from backend_samples import _copyto, _set
from math_samples import SAMPLES as MATH_SAMPLES

from jitc.nn import functional as F

# Ops that no trace can contain, so their samples have no user spelling (fn=None): they are checked through
# hand-built graphs (impl, infer, interpreter) only. Scripting emits them.
NOT_TRACEABLE = {
    "aten::zeros": "np.zeros(shape) has no traced argument: a trace records its result as a tensor constant",
    "aten::ones": "np.ones(shape) has no traced argument: a trace records its result as a tensor constant",
    "aten::size": "x.shape is a concrete tuple while tracing (graphs are specialized)",
    "aten::Bool": "bool(x) while tracing bakes the value in (TracerWarning)",
    "aten::Int": "int(x) while tracing bakes the value in (TracerWarning)",
    "aten::Float": "float(x) while tracing bakes the value in (TracerWarning)",
    "aten::__index__": "a slice bound read from an array bakes the value in while tracing (TracerWarning)",
    **{name: "the script compiler emits it for Python scalars (loops, len, not, min/max); a trace never does"
       for name in ("aten::__range_length", "aten::__derive_index", "aten::len", "aten::dim", "aten::__not__",
                    "aten::numel", "prim::dtype", "aten::__getitem__.t", "aten::slice.t", "aten::add.t",
                    "prim::Uninitialized", "prim::min", "prim::max")},
    **{name: "the script compiler emits it for `x is None` on a variable that may be None; a trace never does"
       for name in ("aten::__is__", "aten::__isnot__", "prim::unchecked_cast")},
}


@dataclass(frozen=True)
class Sample:
    op: str
    fn: Callable | None       # the user's spelling, called with the sample's arrays; None: see NOT_TRACEABLE
    args: tuple               # the op's bound arguments; np.ndarrays among them are the graph/trace inputs
    kind: str | None = None   # the node the trace records, when the spelling maps to another op (`2 < x` is gt)
    note: str = ""

    @property
    def inputs(self) -> tuple:
        return tuple(a for a in self.args if isinstance(a, np.ndarray))

    @property
    def id(self) -> str:
        shapes = ",".join("x".join(map(str, a.shape)) or "0d" for a in self.inputs)
        dtypes = ",".join(sorted({a.dtype.name for a in self.inputs}))
        return f"{self.op.split('::')[1]}[{self.note or shapes}]-{dtypes}"


# ---------------------------------------------------------------------------------------------------- inputs
_rng = np.random.default_rng(20240601)


def signed(shape, dtype):
    """Random values in ±[0.5, 2): never zero, both signs."""
    return (_rng.uniform(0.5, 2.0, shape) * _rng.choice([-1.0, 1.0], shape)).astype(dtype)


def positive(shape, dtype):
    return _rng.uniform(0.5, 2.0, shape).astype(dtype)


def layouts(make, dtype):
    """(note, array) pairs of shape-compatible-with-(3, 4) arrays in several layouts, plus 0-d and empty ones."""
    return [
        ("3x4", make((3, 4), dtype)),
        ("0d", np.asarray(make((), dtype))),
        ("transposed", make((4, 3), dtype).T),
        ("step", make((3, 8), dtype)[:, ::2]),
        ("reversed", make((3, 4), dtype)[::-1]),
        ("empty", make((0, 3), dtype)),
    ]


# ---------------------------------------------------------------------------------------------------- spellings
BINARY = {
    "aten::add": operator.add, "aten::sub": operator.sub, "aten::mul": operator.mul,
    "aten::div": operator.truediv, "aten::floor_divide": operator.floordiv, "aten::remainder": operator.mod,
    "aten::pow": operator.pow, "aten::maximum": np.maximum, "aten::minimum": np.minimum,
    "aten::eq": operator.eq, "aten::ne": operator.ne, "aten::lt": operator.lt, "aten::le": operator.le,
    "aten::gt": operator.gt, "aten::ge": operator.ge,
}
# `2 < x` runs x.__gt__(2): Python mirrors comparisons instead of calling a reflected method.
MIRRORED = {"aten::lt": "aten::gt", "aten::gt": "aten::lt", "aten::le": "aten::ge", "aten::ge": "aten::le"}
POSITIVE_DOMAIN = {"aten::pow", "aten::div", "aten::floor_divide", "aten::remainder"}
UNARY = {
    "aten::neg": operator.neg, "aten::abs": abs, "aten::tanh": np.tanh, "aten::exp": np.exp,
    "aten::log": np.log, "aten::sqrt": np.sqrt, "aten::sigmoid": F.sigmoid, "aten::relu": F.relu,
}
FUNCTION_SPELLINGS = {"aten::neg": np.negative, "aten::abs": np.abs}


def binary_samples(dtype) -> list[Sample]:
    out = []
    for name, f in BINARY.items():
        make = positive if name in POSITIVE_DOMAIN else signed
        a, b = make((3, 4), dtype), make((3, 4), dtype)
        out += [
            Sample(name, f, (a, b)),
            Sample(name, f, (make((3, 1), dtype), make((1, 4), dtype)), note="3x1+1x4"),
            Sample(name, lambda x, f=f: f(x, 1.5), (a, 1.5), note="array-scalar"),
            Sample(name, lambda x, f=f: f(2, x), (2, a), kind=MIRRORED.get(name), note="reflected-int"),
            Sample(name, f, (np.asarray(make((), dtype)), b), note="0d+3x4"),
            Sample(name, f, (make((4, 3), dtype).T, make((4,), dtype)[::-1]), note="transposed+reversed"),
            Sample(name, f, (make((3, 8), dtype)[:, ::2], b), note="step+3x4"),
            Sample(name, f, (make((0, 3), dtype), make((3,), dtype)), note="empty+3"),
        ]
    return out


def unary_samples(dtype) -> list[Sample]:
    out = []
    for name, f in UNARY.items():
        make = positive if name in ("aten::log", "aten::sqrt") else signed
        out += [Sample(name, f, (a,), note=note) for note, a in layouts(make, dtype)]
        if name in FUNCTION_SPELLINGS:
            out.append(Sample(name, FUNCTION_SPELLINGS[name], (signed((2, 3), dtype),), note="np-function"))
    return out


def where_clip_cast_samples(dtype) -> list[Sample]:
    other = np.float64 if dtype == np.float32 else np.float32
    a, b = signed((3, 4), dtype), signed((3, 4), dtype)
    cond = signed((3, 4), np.float64) > 0
    return [
        Sample("aten::where", np.where, (cond, a, b)),
        Sample("aten::where", lambda c, x: np.where(c, x, 0.0), (cond, a, 0.0), note="scalar-other"),
        Sample("aten::where", np.where, (cond[:, :1], a[:1], b.T.T), note="broadcast"),
        Sample("aten::clip", lambda x: np.clip(x, -0.75, 1.25), (a, -0.75, 1.25), note="scalars"),
        Sample("aten::clip", lambda x, lo, hi: x.clip(lo, hi), (a, signed((4,), dtype) - 1, signed((3, 1), dtype) + 1),
               note="method-arrays"),
        Sample("aten::clip", lambda x: np.clip(x, -1.0, 1.0), (a.T[::-1], -1.0, 1.0), note="noncontig"),
        Sample("aten::to", lambda x: x.astype(other), (a, np.dtype(other).name)),
        Sample("aten::to", lambda x: x.astype(np.int32), (a.T, "int32"), note="to-int32-transposed"),
        Sample("aten::to", lambda x: x.astype(np.float64), (np.asarray(a[0, 0]), "float64"), note="0d"),
    ]


def matmul_samples(dtype) -> list[Sample]:
    x, w, b = signed((3, 4), dtype), signed((5, 4), dtype), signed((5,), dtype)
    return [
        Sample("aten::matmul", operator.matmul, (x, w.T), note="3x4@4x5(transposed)"),
        Sample("aten::matmul", np.matmul, (signed((2, 3, 4), dtype), signed((4, 5), dtype)), note="batched"),
        Sample("aten::matmul", operator.matmul, (signed((4,), dtype), signed((4, 5), dtype)), note="1d@2d"),
        Sample("aten::matmul", operator.matmul, (x, signed((4,), dtype)), note="2d@1d"),
        Sample("aten::matmul", operator.matmul, (signed((4,), dtype), signed((4,), dtype)), note="1d@1d"),
        Sample("aten::matmul", operator.matmul, (signed((0, 4), dtype), w.T), note="empty"),
        Sample("aten::linear", F.linear, (x, w, b)),
        Sample("aten::linear", F.linear, (x, w, None), note="no-bias"),
        Sample("aten::linear", F.linear, (signed((4,), dtype), w, b), note="1d-input"),
        Sample("aten::linear", F.linear, (x[::-1], w[:, ::-1], b[::-1]), note="reversed"),
    ]


def reduction_samples(dtype) -> list[Sample]:
    x, x3 = signed((3, 4), dtype), signed((2, 3, 4), dtype)
    out = []
    for name in ("sum", "mean", "max", "min"):
        op, fn = f"aten::{name}", getattr(np, name)
        out += [
            Sample(op, lambda a, n=name: getattr(a, n)(), (x, None, False), note="all"),
            Sample(op, lambda a, n=name: getattr(a, n)(axis=1, keepdims=True), (x, 1, True), note="axis1-keepdims"),
            Sample(op, lambda a, fn=fn: fn(a, axis=0), (x.T, 0, False), note="np-axis0-transposed"),
            Sample(op, lambda a, fn=fn: fn(a, axis=(0, 2)), (x3, (0, 2), False), note="axes-tuple"),
            Sample(op, lambda a, n=name: getattr(a, n)(-1), (x3[:, ::-1], -1, False), note="neg-axis-reversed"),
            Sample(op, lambda a, n=name: getattr(a, n)(), (np.asarray(x[0, 0]), None, False), note="0d"),
        ]
        if name != "mean":  # the mean of an empty slice warns and is NaN
            out.append(Sample(op, lambda a, n=name: getattr(a, n)(axis=1), (signed((0, 3), dtype), 1, False),
                              note="empty"))
    out.append(Sample("aten::sum", lambda a: a.sum(axis=0), (signed((0, 3), dtype), 0, False), note="empty-axis0"))
    return out


def view_samples(dtype) -> list[Sample]:
    x, x3 = signed((3, 4), dtype), signed((2, 3, 4), dtype)
    return [
        Sample("aten::transpose", lambda a: a.T, (x, None), note="T"),
        Sample("aten::transpose", np.transpose, (x3, None), note="np-3d"),
        Sample("aten::transpose", lambda a: a.transpose(1, 0), (x[::-1], (1, 0)), note="method-reversed"),
        Sample("aten::transpose", lambda a: np.transpose(a, (2, 0, 1)), (x3, (2, 0, 1)), note="axes"),
        Sample("aten::transpose", lambda a: a.T, (np.asarray(x[0, 0]), None), note="0d"),
        Sample("aten::reshape", lambda a: a.reshape(-1), (x, -1), note="-1"),
        Sample("aten::reshape", lambda a: a.reshape((2, 6)), (x, (2, 6)), note="tuple"),
        Sample("aten::reshape", lambda a: a.reshape(6, 2), (x, (6, 2)), note="varargs"),
        Sample("aten::reshape", lambda a: np.reshape(a, (4, -1)), (x.T, (4, -1)), note="np-transposed"),
        Sample("aten::reshape", lambda a: a.reshape(1), (np.asarray(x[0, 0]), 1), note="0d"),
        Sample("aten::reshape", lambda a: a.reshape(-1, 3), (signed((0, 3), dtype), (-1, 3)), note="empty"),
        Sample("aten::select", lambda a: a[1], (x, 0, 1), note="x[1]"),
        Sample("aten::select", lambda a: a[-1], (x, 0, -1), note="x[-1]"),
        Sample("aten::select", lambda a: a[:, 2], (x.T, 1, 2), note="x[:,2]-transposed"),
        Sample("aten::select", lambda a: a[..., 0], (x3, 2, 0), note="ellipsis"),
        Sample("aten::slice", lambda a: a[:, 1:3], (x, 1, 1, 3, None), note="x[:,1:3]"),
        Sample("aten::slice", lambda a: a[::2], (x3, 0, None, None, 2), note="step"),
        Sample("aten::slice", lambda a: a[::-1], (x, 0, None, None, -1), note="reverse"),
        Sample("aten::slice", lambda a: a[:, -3:-1], (x[::-1], 1, -3, -1, None), note="negative-bounds"),
        Sample("aten::slice", lambda a: a[5:], (x, 0, 5, None, None), note="out-of-range"),
        Sample("aten::unsqueeze", lambda a: a[None], (x, 0), note="x[None]"),
        Sample("aten::unsqueeze", lambda a: a[:, None], (x.T, 1), note="x[:,None]"),
        Sample("aten::unsqueeze", lambda a: np.expand_dims(a, -1), (x, -1), note="expand_dims-1"),
        Sample("aten::unsqueeze", lambda a: a[None], (np.asarray(x[0, 0]), 0), note="0d"),
    ]


def creation_samples(dtype) -> list[Sample]:
    x = signed((3, 4), dtype)
    name = np.dtype(dtype).name
    out = []
    for fill in ("zeros", "ones"):
        like = getattr(np, f"{fill}_like")
        out += [
            Sample(f"aten::{fill}", None, ((2, 3), name)),
            Sample(f"aten::{fill}", None, (5, name), note="int-shape"),
            Sample(f"aten::{fill}", None, ((0, 3), "float64"), note="empty-default"),
            Sample(f"aten::{fill}_like", like, (x, None)),
            Sample(f"aten::{fill}_like", lambda a, like=like: like(a, dtype=np.float64), (x.T, "float64"),
                   note="dtype-transposed"),
            Sample(f"aten::{fill}_like", like, (np.asarray(x[0, 0]), None), note="0d"),
        ]
    return out


def scalar_samples(dtype) -> list[Sample]:
    x = signed((3, 4), dtype)
    return [
        Sample("aten::size", None, (x, None), note="shape"),
        Sample("aten::size", None, (x, 1), note="dim"),
        Sample("aten::Bool", None, (np.asarray(x[0, 0] > 0),)),
        Sample("aten::Int", None, (np.asarray(x[0, 0]),)),
        Sample("aten::Float", None, (np.asarray(x[0, 0]),)),
        Sample("aten::__index__", None, (np.asarray(np.int32(-3)),)),
    ]


def mutation_samples(dtype) -> list[Sample]:
    a, v = signed((3, 4), dtype), signed((2, 2), dtype)
    mask = signed((3, 4), np.float64) > 0
    rows = (("slice", 0, 1, 3, None), ("slice", 1, None, None, 2))
    return [
        Sample("aten::index_put", lambda a, v: _set(a, (slice(1, 3), slice(None, None, 2)), v), (a, v, rows, "unsafe"),
               note="slices"),
        Sample("aten::index_put", lambda a: _set(a, -1, 2.5), (a, 2.5, (("select", 0, -1),), "unsafe"),
               note="row-scalar"),
        Sample("aten::index_put", lambda a, r: _set(a, (slice(None), None), r[:, None]),
               (a.T, v[:1, :1], (("unsqueeze", 1, ),), "unsafe"), note="none-broadcast"),
        Sample("aten::index_put", lambda a, r: _set(a, (Ellipsis, 1), r), (a[::-1], a[:, 0].astype(np.int32),
                                                                            (("select", 1, 1),), "unsafe"),
               note="ellipsis-cast"),
        Sample("aten::masked_put", lambda m, a: _set(a, m, 0.5), (mask, 0.5, a), note="scalar"),
        Sample("aten::masked_put", lambda m, a: _set(a, m, np.float32(-1)), (mask[::-1], np.float32(-1), a.T.T),
               note="np-scalar"),
        Sample("aten::copy", np.copy, (a.T,)),
        Sample("aten::copy", lambda x: x.copy(), (np.asarray(a[0, 0]),), note="method-0d"),
        Sample("aten::copy_", _copyto, (a.copy(), a), note="copyto"),
    ]


def script_scalar_samples() -> list[Sample]:
    x = signed((3, 4), np.float32)
    return [
        Sample("aten::__range_length", None, (0, 10, 3)),
        Sample("aten::__range_length", None, (5, -1, -2), note="negative-step"),
        Sample("aten::__range_length", None, (4, 2, 1), note="empty"),
        Sample("aten::__derive_index", None, (3, 1, 2)),
        Sample("aten::len", None, (x,)),
        Sample("aten::numel", None, (x,)),
        Sample("aten::__getitem__.t", None, ((3, 4, 5), -1)),
        Sample("aten::slice.t", None, ((3, 4, 5), 1, None, None)),
        Sample("aten::add.t", None, ((3, 4), (-1, 2))),
        Sample("prim::dtype", None, (x,)),
        Sample("aten::dim", None, (x,)),
        Sample("aten::dim", None, (np.asarray(x[0, 0]),), note="0d"),
        Sample("aten::__not__", None, (True,)),
        Sample("aten::__not__", None, (0,), note="int"),
        Sample("prim::Uninitialized", None, ()),
        Sample("prim::min", None, (2, 3), note="int"),
        Sample("prim::min", None, (2, 1.5), note="int-float"),
        Sample("prim::max", None, (2.5, 3), note="float-int"),
        Sample("prim::max", None, (-1, -4), note="int"),
        Sample("aten::__is__", None, (x, None), note="array"),
        Sample("aten::__is__", None, (None, None), note="none"),
        Sample("aten::__isnot__", None, (x, None), note="array"),
        Sample("prim::unchecked_cast", None, (x,)),
    ]


def int_bool_samples() -> list[Sample]:
    """Ops for integer and boolean arrays, and NEP 50 promotion across dtypes."""
    b1, b2 = _rng.random((3, 4)) > 0.5, _rng.random((1, 4)) > 0.5
    i1, i2 = _rng.integers(1, 100, (3, 4), dtype=np.int32), _rng.integers(1, 100, (3, 4), dtype=np.int64)
    f32, f64 = signed((3, 4), np.float32), signed((3, 4), np.float64)
    return [
        Sample("aten::bitwise_and", operator.and_, (b1, b2)),
        Sample("aten::bitwise_and", operator.and_, (i1, i2), note="int32&int64"),
        Sample("aten::bitwise_and", lambda a: 6 & a, (6, i1), note="reflected"),
        Sample("aten::bitwise_or", operator.or_, (b1, b2)),
        Sample("aten::bitwise_or", lambda a: a | 3, (i2, 3), note="int-scalar"),
        Sample("aten::bitwise_not", operator.invert, (b1,)),
        Sample("aten::bitwise_not", np.invert, (i1.T,), note="int-transposed"),
        Sample("aten::logical_and", np.logical_and, (b1, b2)),
        Sample("aten::logical_and", np.logical_and, (f32, i1), note="numbers"),
        Sample("aten::logical_or", np.logical_or, (b1[::-1], b2)),
        Sample("aten::logical_not", np.logical_not, (b1,)),
        Sample("aten::logical_not", np.logical_not, (f64,), note="float"),
        # NEP 50: Python scalars are weak, NumPy scalars and 0-d arrays are not.
        Sample("aten::mul", lambda a: a * 2.5, (f32, 2.5), note="f32*pyfloat"),
        Sample("aten::mul", lambda a: a * np.float64(2.5), (f32, np.float64(2.5)), note="f32*np.float64"),
        Sample("aten::mul", lambda a: a * np.float32(2.5), (f64, np.float32(2.5)), note="f64*np.float32"),
        Sample("aten::add", operator.add, (i1, f32), note="int32+f32"),
        Sample("aten::add", operator.add, (i2, np.asarray(np.float32(1.5))), note="int64+0d-f32"),
        Sample("aten::add", operator.add, (f32, np.asarray(2.0)), note="f32+0d-f64"),
        Sample("aten::add", lambda a: a + 3, (i1, 3), note="int32+pyint"),
        Sample("aten::add", lambda a: a + 2.5, (i1, 2.5), note="int32+pyfloat"),
        Sample("aten::add", operator.add, (b1, b2), note="bool+bool"),
        Sample("aten::div", lambda a: a / 7, (i1, 7), note="int/int"),
        Sample("aten::floor_divide", lambda a: a // 7, (i2, 7), note="int//int"),
        Sample("aten::remainder", lambda a: -7 % a, (-7, i1), note="reflected-int"),
        Sample("aten::pow", lambda a: 2 ** a, (2, positive((3, 4), np.float32)), note="2**x"),
        Sample("aten::pow", lambda a: a ** 2, (i1, 2), note="int**2"),
        Sample("aten::sub", lambda a: 1 - a, (1, b1.astype(np.uint8)), note="uint8"),
        Sample("aten::gt", lambda a: a > 0.5, (i1, 0.5), note="int>float"),
        Sample("aten::eq", lambda a: a == 3, (i1, 3), note="int==int"),
        Sample("aten::maximum", lambda a: np.maximum(a, 50), (i1, 50), note="int"),
        Sample("aten::abs", abs, (-i1,), note="int"),
        Sample("aten::neg", operator.neg, (i2,), note="int"),
        Sample("aten::sum", lambda a: a.sum(axis=0), (b1, 0, False), note="bool-sum"),
        Sample("aten::sum", lambda a: a.sum(), (i1, None, False), note="int32-sum"),
        Sample("aten::mean", lambda a: a.mean(axis=1), (i1, 1, False), note="int-mean"),
        Sample("aten::max", lambda a: a.max(axis=1), (b1, 1, False), note="bool-max"),
        Sample("aten::matmul", operator.matmul, (i1, i2.T), note="int"),
        Sample("aten::matmul", operator.matmul, (f32, f64.T), note="f32@f64"),
        Sample("aten::where", np.where, (b1, i1, f32), note="int|f32"),
        Sample("aten::to", lambda a: a.astype(np.float32), (b1, "float32"), note="bool-to-f32"),
        Sample("aten::zeros", None, ((2,), "int32"), note="int32"),
        Sample("aten::ones_like", np.ones_like, (b1, None), note="bool"),
    ]


FLOAT_DTYPES = (np.float32, np.float64)
BUILDERS = (binary_samples, unary_samples, where_clip_cast_samples, matmul_samples, reduction_samples,
            view_samples, creation_samples, scalar_samples, mutation_samples)
SAMPLES: list[Sample] = [s for dtype in FLOAT_DTYPES for build in BUILDERS for s in build(dtype)]
SAMPLES += int_bool_samples() + script_scalar_samples()
SAMPLES += [Sample(s.op, s.fn, s.args, s.kind, s.note) for s in MATH_SAMPLES]  # jitc/ops/math.py: math_samples.py
TRACEABLE = [s for s in SAMPLES if s.fn is not None]
