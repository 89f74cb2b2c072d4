"""Reduction kernels: vectorized max/min with NumPy's NaN propagation, sums' accuracy, every axis and layout, the
multi-threaded paths (large inputs), and NumPy's error for max/min over an empty axis."""
from __future__ import annotations

import re

import numpy as np
import pytest

import jitc

pytestmark = pytest.mark.filterwarnings("error::jitc.FallbackWarning")
TOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-13}


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("JITC_CACHE", "0")


def _data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.random(shape) > 0.5
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -1000), min(info.max, 1000), shape).astype(dtype)


def _reducer(kind, axis):
    return lambda a: getattr(a, kind)(axis=axis)


def _check(got, expected, kind):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if kind in ("max", "min") or expected.dtype.kind != "f":
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=TOL[expected.dtype] * 10, atol=TOL[expected.dtype] * 100)


@pytest.mark.parametrize("kind", ["max", "min", "sum", "mean"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
def test_reductions_match_numpy(kind, dtype, axis):
    if dtype is np.bool_ and kind in ("sum", "mean"):
        pytest.skip("covered by the backend op cases")
    x = _data((37, 130), dtype)
    fn = jitc.compile(lambda a: getattr(a, kind)(axis=axis))
    for layout in (x, x.T, x[::2, 3:], np.asfortranarray(x)):
        _check(fn(layout), getattr(layout, kind)(axis=axis), kind)


@pytest.mark.parametrize("shape, axis", [((1 << 20,), None), ((512, 1024), 1), ((512, 1024), None), ((3, 1 << 18), -1),
                                         ((64, 64, 64), (1, 2))])
@pytest.mark.parametrize("kind", ["max", "min", "sum"])
def test_large_reductions_split_across_threads(shape, axis, kind):
    x = _data(shape, np.float32, seed=1)
    fn = jitc.compile(lambda a: getattr(a, kind)(axis=axis))
    _check(fn(x), getattr(x, kind)(axis=axis), kind)
    y = x.copy()
    y.flat[y.size // 3] = np.nan  # one NaN anywhere makes its row (or the whole result) NaN
    got, expected = np.asarray(fn(y)), getattr(y, kind)(axis=axis)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["max", "min"])
def test_nan_propagates_from_any_position(dtype, kind):
    x = _data((5, 67), dtype)
    x[1, 0] = x[2, 66] = x[3, 33] = np.nan  # first, last (remainder loop) and middle (vector body) elements
    x[4, :] = np.inf if kind == "max" else -np.inf
    fn = jitc.compile(lambda a: getattr(a, kind)(axis=1))
    _check(fn(x), getattr(x, kind)(axis=1), kind)
    full = jitc.compile(lambda a: getattr(a, kind)())
    assert np.isnan(full(x)) and not np.isnan(full(x[4:]))
    assert np.isnan(jitc.compile(lambda a: getattr(a, kind)(axis=0))(x)[0])


def max_over_rows(a):
    return a.max(axis=1)


def min_over_rows(a):
    return a.min(axis=1)


@pytest.mark.parametrize("fn", [max_over_rows, min_over_rows])
def test_empty_axis_raises_like_numpy(fn):
    x = np.zeros((3, 0), np.float32)
    with pytest.raises(ValueError):
        fn(x)
    with pytest.raises(ValueError, match="zero-size"):
        jitc.script(fn)(x)
    kept_empty = np.zeros((0, 3)).T  # reducing the non-empty axis is fine: an empty result
    _check(jitc.script(fn)(kept_empty.T), fn(kept_empty.T), "max")


def test_sum_keeps_float32_accuracy():
    x = np.full(1 << 21, 0.1, np.float32)  # a naive float32 running sum drifts by percent here
    got = jitc.compile(lambda a: a.sum())(x)
    assert abs(float(got) - float(x.astype(np.float64).sum())) <= 1e-6 * float(x.sum())


@pytest.mark.parametrize("dtype, vector", [(np.float32, r"<16 x float>"), (np.float64, r"<8 x double>")])
@pytest.mark.parametrize("kind", ["max", "min"])
def test_max_min_are_vectorized(dtype, vector, kind):
    x = _data((64, 256), dtype)
    for axis in (None, 1):
        fn = jitc.compile(_reducer(kind, axis))
        fn(x)
        assert re.search(rf"llvm\.{kind}imum\.v\d+f\d+", fn.inspect_llvm(x))
        assert re.search(vector, fn.inspect_llvm(x)), "the max/min loop is not vectorized"
        assert "zmm" in fn.inspect_asm(x)


@pytest.mark.parametrize("shape, axis", [((3, 100_000), 0), ((257, 513), 0), ((1, 300), 0), ((6, 50, 257), 1),
                                         ((4, 5, 6, 7), (1, 2)), ((0, 300), 0), ((5, 0, 3), 1)])
@pytest.mark.parametrize("kind, dtype", [("sum", np.float32), ("mean", np.float64), ("max", np.float32),
                                         ("min", np.int32)])
def test_column_reductions_over_tiles(shape, axis, kind, dtype):
    """Leading or middle axes reduced (tiles of outputs accumulated on the stack, split across threads): partial
    last tiles, several outer indices, empty inputs, views, a fused producer and NaN in one column."""
    if 0 in shape and kind in ("max", "min"):
        pytest.skip("NumPy refuses an empty max/min; covered above")
    x = _data(shape, dtype, seed=2)
    fn = jitc.compile(lambda a: getattr(a, kind)(axis=axis, keepdims=True))
    for layout in (x, x[..., ::-1]):
        _check(fn(layout), getattr(layout, kind)(axis=axis, keepdims=True), kind)
    if dtype is np.int32 or x.size == 0:
        return
    fused = jitc.compile(lambda a: getattr(a * 2 + 1, kind)(axis=axis))
    _check(fused(x), getattr(x * 2 + 1, kind)(axis=axis), kind)
    x.flat[x.size // 2] = np.nan
    np.testing.assert_array_equal(np.isnan(fn(x)), np.isnan(getattr(x, kind)(axis=axis, keepdims=True)))


@pytest.mark.parametrize("kind", ["sum", "max"])
def test_column_reductions_with_symbolic_sizes(kind):
    fn = jitc.compile(lambda a: getattr(a, kind)(axis=0), dynamic=True)
    for rows, cols in ((3, 7), (40, 256), (5, 257), (2, 1000), (2, 20_000)):
        x = _data((rows, cols), np.float64, seed=rows)
        _check(fn(x), getattr(x, kind)(axis=0), kind)
    assert len(fn.cache_info()) == 1
    assert f"reduce_{kind}.columns" in fn.inspect_llvm(x), "the column kernel did not run"
