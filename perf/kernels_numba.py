"""The workloads for numba `@njit` (fastmath off, like NumPy), each written as array expressions and as explicit
loops, serial and parallel: perf reports the fastest variant. Constants are float32 so that nothing is
promoted to float64 (NumPy keeps float32 for `x * 0.5`; numba would not)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

if TYPE_CHECKING:  # perf.first_call imports this module and must not import jitc with it
    from .workloads import Workload

JACOBI_STEPS = 50  # perf.workloads.JACOBI_STEPS (not imported: see above)


@njit(inline="always")
def _tanh_add(x, h):
    return np.tanh(x + h)


@njit(inline="always")
def _tanh_scaled(x, h):
    half = np.float32(0.5)
    return np.tanh(x * half + h) * half + half


def _elementwise(scalar, parallel: bool):
    """out[i] = scalar(x[i], h[i]) over flat contiguous arrays."""

    @njit(parallel=parallel)
    def loops(x, h):
        out = np.empty_like(x)
        for i in prange(x.size):
            out[i] = scalar(x[i], h[i])
        return out

    return loops


def _array(scalar, parallel: bool):
    @njit(parallel=parallel)
    def array(x, h):
        return scalar(x, h)

    return array


@njit
def _cell_array(x, h, W, b):
    y = x @ W.T + b
    if y.sum() > 0:
        return np.tanh(y + h)
    return np.tanh(-y + h)


@njit
def _cell_loops(x, h, W, b):
    rows, n_in, n_out = x.shape[0], x.shape[1], W.shape[0]
    y = np.empty((rows, n_out), dtype=x.dtype)
    total = np.float32(0.0)
    for i in range(rows):
        for j in range(n_out):
            acc = b[j]
            for k in range(n_in):
                acc += x[i, k] * W[j, k]
            y[i, j] = acc
            total += acc
    sign = np.float32(1.0) if total > 0 else np.float32(-1.0)
    for i in range(rows):
        for j in range(n_out):
            y[i, j] = np.tanh(sign * y[i, j] + h[i, j])
    return y


def _linear(parallel: bool):
    @njit(parallel=parallel)
    def linear(x, W, b, h):
        return np.tanh(x @ W.T + b + h)

    return linear


@njit
def _jacobi_2d_loops(A0, B0):
    A, B = A0.copy(), B0.copy()
    n, m = A.shape
    fifth = np.float32(0.2)
    for _ in range(JACOBI_STEPS):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                B[i, j] = fifth * (A[i, j] + A[i, j - 1] + A[i, j + 1] + A[i + 1, j] + A[i - 1, j])
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                A[i, j] = fifth * (B[i, j] + B[i, j - 1] + B[i, j + 1] + B[i + 1, j] + B[i - 1, j])
    return A


@njit
def _lu_loops(A0):
    A = A0.copy()
    n = A.shape[0]
    for k in range(n - 1):
        pivot = A[k, k]
        for i in range(k + 1, n):
            A[i, k] /= pivot
        for i in range(k + 1, n):
            lik = A[i, k]
            for j in range(k + 1, n):
                A[i, j] -= lik * A[k, j]
    return A


_SCALARS = {"tanh_add": _tanh_add, "tanh_scaled": _tanh_scaled}
_LOOPS = {"jacobi_2d": _jacobi_2d_loops, "lu": _lu_loops}


def variants(w: Workload) -> dict[str, object] | None:
    """label -> zero-argument callable running the workload (not yet compiled: the first call compiles)."""
    if w.name == "cell":
        args = (*w.inputs, w.extra["weight"], w.extra["bias"])
        return {"array": lambda: _cell_array(*args), "loops": lambda: _cell_loops(*args)}
    if w.name in _SCALARS:
        s, args = _SCALARS[w.name], w.inputs
        kernels = {"array": _array(s, False), "array-par": _array(s, True),
                   "loops": _elementwise(s, False), "loops-par": _elementwise(s, True)}
        return {label: (lambda k=k: k(*args)) for label, k in kernels.items()}
    if w.name in _LOOPS:
        # "array": the NumPy program itself, compiled unchanged (numba computes `0.2 * A` in float64)
        as_written, loops = njit(w.fn), _LOOPS[w.name]
        return {"array": lambda: as_written(*w.inputs), "loops": lambda: loops(*w.inputs)}
    if w.name == "linear_tanh":
        serial, par = _linear(False), _linear(True)
        return {"array": lambda: serial(*w.inputs), "array-par": lambda: par(*w.inputs)}
    return None
