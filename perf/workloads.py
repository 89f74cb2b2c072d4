"""The workloads: what NumPy computes, the inputs, the float64 reference and how close a contender must get."""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from jitc import nn
from jitc.demo import MyCell, MyDecisionGate

from . import workloads_models


def tanh_add(x, h):
    return np.tanh(x + h)


def tanh_scaled(x, h):
    return np.tanh(x * 0.5 + h) * 0.5 + 0.5


def sin(x):
    return np.sin(x)


def linear_tanh(x, W, b, h):
    return np.tanh(x @ W.T + b + h)


def row_dots(a, b):
    return np.einsum("ij,ij->i", a, b)


def dot(a, b):
    return np.dot(a, b)


def outer(a, b):
    return np.outer(a, b)


def concatenate(a, b):
    return np.concatenate((a, b), axis=0)


def argmax(a):
    return np.argmax(a)


def cumsum(a):
    return np.cumsum(a)


def jacobi_2d(A, B):
    """PolyBench's Jacobi 2-D time loop, in place on copies (every timed call starts from the same grids)."""
    A = A.copy()
    B = B.copy()
    for t in range(JACOBI_STEPS):
        B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:] + A[2:, 1:-1] + A[:-2, 1:-1])
        A[1:-1, 1:-1] = 0.2 * (B[1:-1, 1:-1] + B[1:-1, :-2] + B[1:-1, 2:] + B[2:, 1:-1] + B[:-2, 1:-1])
    return A


def lu(A):
    """Right-looking LU without pivoting: a triangular loop of runtime-bounded slice updates, in place on a copy."""
    A = A.copy()
    n = A.shape[0]
    for k in range(n - 1):
        A[k + 1:, k] /= A[k, k]
        A[k + 1:, k + 1:] -= A[k + 1:, k:k + 1] * A[k:k + 1, k + 1:]
    return A


JACOBI_STEPS = 50


class NotApplicable(Exception):
    """A contender does not run this workload (yet); the message says why and lands in the row's note."""


@dataclass
class Workload:
    """One timed case. `fn(*inputs)` is eager NumPy; contenders look their own spelling up by `name`."""

    name: str
    size: str
    title: str
    fn: Callable
    inputs: tuple
    rtol: float
    atol: float
    elementwise: bool = False
    settle: float = 0.02  # seconds to sleep after each timed batch: OpenMP workers spin ~10 ms after a region
    extra: dict = field(default_factory=dict)  # the cell's weight and bias, for contenders that rebuild it
    bytes: int | None = None  # the least a pass must move, when it is not "inputs once plus one output"
    flops: int | None = None  # floating-point operations of a product
    blas: bool = False  # NumPy calls BLAS here: runs last (OpenBLAS threads spin after a product)

    @property
    def label(self) -> str:
        return f"{self.title} [{self.size}]"

    def reference(self) -> np.ndarray:
        """The float64 result: NumPy on float64 copies of the inputs (a cell's float32 weights promote)."""
        return first(self.fn(*(a.astype(np.float64) for a in self.inputs)))

    def bytes_moved(self) -> int:
        """Bytes read plus written by one fused pass: the inputs once, the float32 output once."""
        return self.bytes if self.bytes is not None else sum(a.nbytes for a in self.inputs) + self.inputs[0].nbytes

    @functools.cached_property
    def dtype(self) -> np.dtype:
        """The dtype of NumPy's result, which every contender must match."""
        return np.asarray(first(self.fn(*self.inputs))).dtype


def first(out):
    """A cell returns (new_h, new_h): compare and keep the first."""
    return out[0] if isinstance(out, tuple) else out


def _cell(rng: np.random.Generator) -> Workload:
    nn.manual_seed(0)
    cell = MyCell(MyDecisionGate())
    x, h = rng.random((3, 4), dtype=np.float32), rng.random((3, 4), dtype=np.float32)
    return Workload("cell", "3x4", "MyCell (Linear 4x4, gate, tanh)", cell, (x, h), rtol=1e-5, atol=1e-6,
                    extra={"weight": cell.linear.weight, "bias": cell.linear.bias})


def _elementwise(name: str, fn: Callable, title: str, n: int, rng: np.random.Generator) -> Workload:
    x, h = rng.standard_normal(n, dtype=np.float32), rng.standard_normal(n, dtype=np.float32)
    return Workload(name, _size(n), title, fn, (x, h), rtol=1e-5, atol=1e-6, elementwise=True)


def _sin(n: int, rng: np.random.Generator) -> Workload:
    x = rng.uniform(-100, 100, n).astype(np.float32)  # many periods: the range reduction is part of the cost
    return Workload("sin", _size(n), "np.sin(x)", sin, (x,), rtol=1e-5, atol=1e-6, elementwise=True)


def _linear(rows: int, features: int, rng: np.random.Generator, settle: float) -> Workload:
    bound = 1 / np.sqrt(features)  # nn.Linear's init keeps x @ W.T + b near 1, where tanh is not flat
    x = rng.standard_normal((rows, features), dtype=np.float32)
    W = rng.uniform(-bound, bound, (features, features)).astype(np.float32)
    b = rng.uniform(-bound, bound, features).astype(np.float32)
    h = rng.standard_normal((rows, features), dtype=np.float32)
    # float32 dot products of length `features` round differently per library (blocking, FMA): allow for it
    return Workload("linear_tanh", f"{rows}x{features}", "tanh(x @ W.T + b + h)", linear_tanh, (x, W, b, h),
                    rtol=1e-5, atol=2e-5, settle=settle, blas=True)


def _jacobi(n: int, rng: np.random.Generator) -> Workload:
    A, B = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    return Workload("jacobi_2d", f"{n}x{n}", f"Jacobi 2-D stencil, {JACOBI_STEPS} steps", jacobi_2d, (A, B),
                    rtol=1e-5, atol=1e-6)


def _lu(n: int, rng: np.random.Generator) -> Workload:
    A = rng.random((n, n), dtype=np.float32) + np.float32(n) * np.eye(n, dtype=np.float32)  # no pivoting needed
    # float32 elimination over n steps rounds differently per evaluation order: the factors agree to ~n ulps
    return Workload("lu", f"{n}x{n}", "LU triangular loop (right-looking)", lu, (A,), rtol=1e-4, atol=1e-5)


def _numpy_api(rng: np.random.Generator, quick: bool) -> list[Workload]:
    """Decomposed NumPy functions at 1M elements (64k with --quick): einsum, dot, outer, concatenate, argmax,
    cumsum (float64 inputs: a float32 running sum of 1M terms drifts from the float64 reference)."""
    side = 256 if quick else 1024
    n = side * side
    m = lambda *shape: rng.standard_normal(shape, dtype=np.float32)
    sz = _size(n)
    return [Workload("np_einsum", sz, "einsum('ij,ij->i')", row_dots, (m(side, side), m(side, side)), 1e-4, 1e-3),
            Workload("np_dot", sz, "np.dot(a, b) of vectors", dot, (m(n), m(n)), 1e-3, 1e-1, blas=True),
            Workload("np_outer", sz, "np.outer(a, b)", outer, (m(side), m(side)), 1e-6, 1e-6),
            Workload("np_concatenate", sz, "np.concatenate((a, b))", concatenate,
                     (m(side // 2, side), m(side // 2, side)), 0, 0),
            Workload("np_argmax", sz, "np.argmax(a)", argmax, (m(n),), 0, 0),
            Workload("np_cumsum", sz, "np.cumsum(a)", cumsum, (rng.standard_normal(n),), 1e-9, 1e-9)]


def _size(n: int) -> str:
    for unit, scale in (("M", 1 << 20), ("k", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{unit}"
    return str(n)


def build(quick: bool, only: set[str] | None = None, seed: int = 0) -> list[Workload]:
    """The timed workloads in run order (the runner moves products last: OpenBLAS threads spin after them).
    `first_call` is in perf.first_call: it runs in fresh processes."""
    rng = np.random.default_rng(seed)
    sizes = (1 << 10, 1 << 16) if quick else (1 << 10, 1 << 20, 1 << 24)
    makers = [("cell", lambda: _cell(rng))]
    makers += [("tanh_add", lambda n=n: _elementwise("tanh_add", tanh_add, "tanh(x + h)", n, rng)) for n in sizes]
    makers.append(("tanh_scaled", lambda: _elementwise("tanh_scaled", tanh_scaled, "tanh(x*0.5 + h)*0.5 + 0.5",
                                                       1 << 16 if quick else 1 << 22, rng)))
    # its own generator, so adding it left the other workloads' inputs as they were
    makers.append(("sin", lambda: _sin(1 << 16 if quick else 1 << 20, np.random.default_rng(seed + 1))))
    makers.append(("jacobi_2d", lambda: _jacobi(64 if quick else 700, rng)))
    makers.append(("lu", lambda: _lu(48 if quick else 400, rng)))
    makers += list(workloads_models.build(Workload, quick, rng).items())
    makers += [("numpy_api", lambda w=w: w) for w in _numpy_api(rng, quick)]
    # after a large matmul OpenBLAS's threads spin for a while: let them stop before the next batch
    makers.append(("linear_tanh", lambda: _linear(16, 64, rng, 0.01) if quick else _linear(256, 1024, rng, 0.2)))
    return [make() for name, make in makers if only is None or name in only]
