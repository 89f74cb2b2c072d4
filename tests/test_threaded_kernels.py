"""Kernels that split across the thread pool only when large, at sizes past PARALLEL_MIN_ELEMENTS: the copies of
np.concatenate (each part's outermost loop in pieces) and a dot product of two vectors (pieces of k summed
into partial sums, then added up). Results equal NumPy's for every dtype, layout and axis."""
from __future__ import annotations

import numpy as np
import pytest

import jitc
from codegen.parallel import PARALLEL_MIN_ELEMENTS, thread_count

N = PARALLEL_MIN_ELEMENTS + 4099  # not a multiple of the pieces: the last piece is short


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.bool_])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_large_concatenate_matches_numpy(rng, dtype, axis):
    a = (rng.standard_normal((N // 512 + 3, 512)) * 100).astype(dtype)
    b = (rng.standard_normal((N // 512 + 3, 384)) * 100).astype(dtype)[:, ::-1] if axis else \
        (rng.standard_normal((7, 512)) * 100).astype(dtype)
    f = jitc.compile(lambda x, y: np.concatenate((x, y), axis=axis), fallback="error")
    got = f(a, b)
    np.testing.assert_array_equal(got, np.concatenate((a, b), axis=axis))
    assert got.dtype == dtype


def test_large_concatenate_converts_and_reads_strided_parts(rng):
    a = rng.standard_normal((2 * N // 256, 256)).astype(np.float32)[::2]
    b = rng.integers(-9, 9, (N // 256, 256), dtype=np.int64)
    f = jitc.compile(lambda x, y: np.concatenate((x, y)), fallback="error")
    np.testing.assert_array_equal(f(a, b), np.concatenate((a, b)))


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("step", [1, 3, -2])
def test_long_vector_dot_matches_numpy(rng, dtype, rtol, step):
    x = rng.standard_normal(N * abs(step)).astype(dtype)[::step]
    y = rng.standard_normal(N * abs(step)).astype(dtype)[::-step]
    f = jitc.compile(lambda a, b: np.dot(a, b), fallback="error")
    g = jitc.compile(lambda a, b: a @ b + 1.5, fallback="error")
    scale = float(np.dot(np.abs(x).astype(np.float64), np.abs(y)))  # cancellation: errors scale with the terms
    for fn, want in ((f, np.dot(x, y)), (g, x @ y + 1.5)):
        got = fn(x, y)
        assert np.asarray(got).dtype == dtype
        assert abs(float(got) - float(want)) <= rtol * scale
    if thread_count() > 1:
        assert "dot_pieces" in f.inspect_llvm(x, y)  # the split kernel ran, not one thread's loop


def test_long_dot_of_a_float32_and_a_float64_vector(rng):
    x, y = rng.standard_normal(N).astype(np.float32), rng.standard_normal(N)
    got = jitc.compile(lambda a, b: np.dot(a, b), fallback="error")(x, y)
    assert np.asarray(got).dtype == np.float64
    assert abs(got - np.dot(x, y)) <= 1e-12 * float(np.dot(np.abs(x), np.abs(y)))
