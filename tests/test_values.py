"""Python values are values (issue 10, item 2): scalar arguments, defaults, keywords, shapes as values, runtime
indices, math on scalars, loops over arrays/enumerate/zip, tuples of arrays as arguments. Each is compared with
eager NumPy (values and dtypes), on the first and the cached call, through jitc.script and jitc.compile."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import jitc

TOL = {np.float32: 2e-5, np.float64: 1e-12}


def rand(rng, *shape, dtype=np.float64):
    return (rng.standard_normal(shape) + 0.5).astype(dtype)


def same(got, want, dtype=np.float64):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w, dtype)
        return
    assert np.asarray(got).dtype == np.asarray(want).dtype, (np.asarray(got).dtype, np.asarray(want).dtype)
    np.testing.assert_allclose(got, want, rtol=TOL.get(dtype, 1e-12), atol=TOL.get(dtype, 1e-12))


def natively(fn):
    """jitc.compile(fn) that must not fall back (a FallbackWarning fails the test)."""
    compiled = jitc.compile(fn, fallback="error")

    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("error", jitc.FallbackWarning)
            return compiled(*args, **kwargs)

    call.compiled = compiled
    return call


def check(fn, *args, dtype=np.float64, **kwargs):
    """compile and script give NumPy's answer, twice (compiling, then cached)."""
    want = fn(*args, **kwargs)
    for compiled in (natively(fn), jitc.script(fn)):
        for _ in range(2):
            same(compiled(*args, **kwargs), want, dtype)


# ---- scalar arguments, defaults, keywords
def axpy(alpha, x, y):
    return alpha * x + y


def scaled(x, scale=2.0, shift=0):
    return x * scale + shift


def repeat_tanh(x, n):
    for _ in range(n):
        x = np.tanh(x)
    return x


def gate(x, flag):
    if flag:
        return x * 2.0
    return -x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_python_scalar_arguments_specialize_by_type(rng, dtype):
    x, y = rand(rng, 5, 3, dtype=dtype), rand(rng, 5, 3, dtype=dtype)
    f = natively(axpy)
    for alpha in (2.0, -0.5, 3.25):
        same(f(alpha, x, y), axpy(alpha, x, y), dtype)
    same(f(3, x, y), axpy(3, x, y), dtype)  # an int alpha: its own variant
    assert len(f.compiled.cache_info()) == 2  # one per scalar type, not per value
    check(repeat_tanh, x, 3, dtype=dtype)
    check(gate, x, True, dtype=dtype)
    check(gate, x, False, dtype=dtype)


def test_defaults_and_keywords(rng):
    x = rand(rng, 4, 4)
    check(scaled, x)
    check(scaled, x, 0.5)
    check(scaled, x, shift=3)
    check(scaled, x, shift=1.5, scale=-1)
    with pytest.raises(jitc.SignatureError, match="unexpected keyword argument 'bias'"):
        natively(scaled)(x, bias=1.0)


def loop_count(x, n):
    acc = x
    for _ in range(n):
        acc = acc * 0.5
    return acc


def test_a_loop_bound_is_not_a_new_specialization(rng):
    x = rand(rng, 8)
    f = natively(loop_count)
    for n in (0, 1, 5, 9):
        same(f(x, n), loop_count(x, n))
    assert len(f.compiled.cache_info()) == 1


# ---- shapes as values
def shapes(x):
    B, L, D = x.shape
    y = x.reshape(B, L, 2, D // 2)
    z = x.reshape(x.shape[:-1] + (-1, 2))
    return y.sum(axis=-1) + z.sum(axis=-1) + x.size + x.ndim + len(x)


def zeros_like_shape(x, H):
    h = np.zeros((x.shape[1], H), x.dtype)
    out = np.ones(x.shape[:1], dtype=x.dtype)
    return h + x[0, :, None], out * x.shape[0]


def sizes_in_range(x):
    acc = np.zeros(x.shape[1:], x.dtype)
    for i in range(x.shape[0]):
        acc = acc + x[i]
    return acc


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shapes_are_values(rng, dtype):
    x = rand(rng, 2, 3, 4, dtype=dtype)
    check(shapes, x, dtype=dtype)
    check(zeros_like_shape, x[0], 5, dtype=dtype)
    check(sizes_in_range, x, dtype=dtype)


def test_a_scalar_that_sets_a_shape_is_specialized_by_value(rng):
    x = rand(rng, 4, 3)
    f = natively(zeros_like_shape)
    for H in (2, 5, 2):
        same(f(x, H), zeros_like_shape(x, H))
    assert len(f.compiled.cache_info()) == 2


# ---- runtime indices
def row(x, i):
    return x[i] * 2.0


def window(x, s, n):
    return x[s:s + n].sum(axis=0)


def test_runtime_indices_and_slice_bounds(rng):
    x = rand(rng, 6, 3)
    for i in (0, 3, -1, -6):
        check(row, x, i)
    for s, n in ((0, 2), (1, 3), (4, 5)):
        check(window, x, s, n)


def test_runtime_index_out_of_range_raises_numpys_index_error(rng):
    f = jitc.compile(row)
    x = rand(rng, 4, 3)
    f(x, 1)
    for bad in (4, -5, 100):
        with pytest.raises(IndexError, match=r"axis 0 with size 4 \(at test_values.py:\d+"):
            f(x, bad)
    same(f(x, 2), row(x, 2))


# ---- math on scalars, loop-carried NumPy scalars
def attention_scale(q, k):
    d = q.shape[-1]
    return (q @ k.T) / math.sqrt(d) * math.exp(0.0) + math.log(1.0) + math.pi * 0


def tanh_trace(a):
    trace = 0.0
    for i in range(a.shape[0]):
        trace += np.tanh(a[i, i])
    return a + trace


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_math_and_loop_carried_numpy_scalars(rng, dtype):
    q, k = rand(rng, 4, 8, dtype=dtype), rand(rng, 5, 8, dtype=dtype)
    check(attention_scale, q, k, dtype=dtype)
    check(tanh_trace, rand(rng, 5, 5, dtype=dtype), dtype=dtype)


def givens(A, p, q):
    """math on Python floats read out of the array (a Jacobi rotation): one- and two-argument functions."""
    theta = 0.5 * math.atan2(2.0 * A[p, q], A[q, q] - A[p, p])
    c, s = math.cos(theta), math.sin(theta)
    r = math.hypot(A[p, p], A[q, q]) + math.copysign(1.0, A[p, q]) + math.fmod(A[q, p], 0.3)
    t = math.atan(A[p, q]) + math.asinh(A[q, p]) + math.cosh(A[p, p] / 8) + math.sinh(A[q, q] / 8)
    u = math.asin(math.tanh(A[p, q])) + math.acos(math.tanh(A[q, p])) + math.atanh(math.tanh(A[p, p]) / 2)
    w = math.acosh(1.0 + A[q, q] ** 2) + math.log1p(A[p, q] ** 2) + math.fabs(A[q, p]) + math.degrees(theta)
    return A * c - A.T * s + r + t + u + w + math.radians(float(A[0, 0])) + math.atan2(1.0, 2.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_two_argument_math_on_array_scalars(rng, dtype):
    A = rand(rng, 4, 4, dtype=dtype)
    check(givens, A, 1, 3, dtype=dtype)
    A[1, 3] = 0.0
    check(givens, A, 3, 1, dtype=dtype)


def atan2_one_argument(x):
    return x * math.atan2(float(x[0]))


def test_math_with_the_wrong_argument_count_is_refused(rng):
    with pytest.raises(jitc.JitcError, match=r"math.atan2\(\) takes 2 positional arguments"):
        jitc.script(atan2_one_argument)


# ---- iteration
def rows_enumerated(A):
    acc = np.zeros(A.shape[1:], A.dtype)
    for i, r in enumerate(A):
        acc = acc + r * i
    return acc


def zipped(A, B):
    acc = np.zeros(A.shape[1:], A.dtype)
    for a, b in zip(A, B):
        acc = acc + a * b
    return acc


def over_rows(A):
    acc = np.zeros(A.shape[1:], A.dtype)
    for r in A:
        acc = acc + np.tanh(r)
    return acc


def tuple_of_arrays(xs, scale):
    total = xs[0] * scale
    for x in xs[1:]:
        total = total + x
    return total, len(xs)


def zipped_tuples(params, grads, lr=0.1):
    out = ()
    for p, g in zip(params, grads):
        out = out + (p - lr * g,)
    return out


def test_iteration(rng):
    A, B = rand(rng, 5, 3), rand(rng, 5, 3)
    check(rows_enumerated, A)
    check(zipped, A, B)
    check(over_rows, A)
    check(tuple_of_arrays, (A, B, A), 2.0)
    check(tuple_of_arrays, [A, B], 0.5)
    check(zipped_tuples, (A, B), (B, A))


# ---- annotations jitc does not understand are ignored
class Array:
    def __class_getitem__(cls, item):
        return cls


def annotated(x: Array[B, D], w: np.ndarray, scale: float = 1.0) -> Array[B, D]:  # noqa: F821
    return x @ w * scale


def test_unknown_annotations_are_ignored(rng):
    x, w = rand(rng, 3, 4), rand(rng, 4, 2)
    check(annotated, x, w)
    check(annotated, x, w, 3)
