"""argmax/argmin kernels (codegen/argreduce.py): NumPy's first-occurrence rule for ties, the first NaN winning,
every dtype, axis and layout, the thread-split path, the empty-axis error, and vector code in the IR and asm."""
from __future__ import annotations

import re

import numpy as np
import pytest

import jitc

pytestmark = pytest.mark.filterwarnings("error::jitc.FallbackWarning")
KINDS = ("argmax", "argmin")


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("JITC_CACHE", "0")


def _data(shape, dtype, seed=0, spread=None):
    """Random values; integers from a small range, so that ties are everywhere."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.random(shape) > 0.8
    info = np.iinfo(dtype)
    lo, hi = (info.min, info.max) if spread is None else (max(info.min, -spread), min(info.max, spread))
    return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)


def _compiled(kind, axis, keepdims=False):
    return jitc.compile(lambda a: getattr(np, kind)(a, axis=axis, keepdims=keepdims))


def _check(fn, x, kind, axis, keepdims=False):
    got, expected = np.asarray(fn(x)), np.asarray(getattr(np, kind)(x, axis=axis, keepdims=keepdims))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.uint16, np.int32,
                                   np.int64, np.uint64, np.uint8, np.bool_])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_matches_numpy_for_every_dtype_axis_and_layout(kind, dtype, axis):
    x = _data((37, 301), dtype, spread=9)
    fn = _compiled(kind, axis)
    for layout in (x, x.T, x[::2, 3:]) + ((np.asfortranarray(x), x[:, :5]) if dtype in (np.float32, np.uint8) else ()):
        _check(fn, layout, kind, axis)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8])
def test_extremes_of_the_type_and_full_range_integers(kind, dtype):
    x = _data((7, 517), dtype)
    if np.dtype(dtype).kind == "f":
        x[1, 200] = np.inf
        x[2, 300] = -np.inf
    else:
        info = np.iinfo(dtype)
        x[1, 200], x[2, 300] = info.max, info.min
    for axis in (None, 0, 1):
        _check(_compiled(kind, axis), x, kind, axis)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape, axis", [((5, 7, 300), 1), ((5, 7, 300), 2), ((5, 7, 300), 0), ((4, 1, 70), None),
                                         ((1,), None), ((300,), 0), ((2, 3), 1)])
def test_3d_and_keepdims(kind, shape, axis):
    x = _data(shape, np.float32, seed=2)
    for keepdims in (False, True):
        fn = _compiled(kind, axis, keepdims)
        _check(fn, x, kind, axis, keepdims)
        if x.ndim == 3:
            _check(fn, x.transpose(2, 0, 1), kind, axis, keepdims)


def test_zero_dim_array():
    assert jitc.compile(lambda a: np.argmax(a))(np.array(3.5)) == 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [1, 15, 16, 17, 128, 129, 1000, 4096 + 77])
def test_ties_keep_the_first_position(kind, n):
    fn = _compiled(kind, None)
    constant = np.full(n, 2.5, np.float32)
    assert fn(constant) == 0
    x = _data(n, np.float32, seed=n)
    extreme = np.float32(9.0 if kind == "argmax" else -9.0)
    for positions in ([n - 1], [n // 2, n - 1], [n // 3, n // 2], [0, n - 1]):
        y = x.copy()
        y[positions] = extreme
        assert fn(y) == positions[0] == getattr(np, kind)(y)
    zeros = np.zeros(n, np.float32)
    zeros[n // 2:] = -0.0  # NumPy does not order the zeros: the first one wins either way
    assert fn(zeros) == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", KINDS)
def test_the_first_nan_wins(dtype, kind):
    n = 1000
    fn = _compiled(kind, None)
    x = _data(n, dtype, seed=3)
    x[10] = np.inf if kind == "argmax" else -np.inf
    for nans in ([0], [5], [999], [130, 900], [700, 600, 650], [128, 127]):
        y = x.copy()
        y[nans] = np.nan
        assert fn(y) == min(nans) == getattr(np, kind)(y)
    assert fn(np.full(n, np.nan, dtype)) == 0
    rows = _data((6, 300), dtype, seed=4)
    rows[1, 0] = rows[2, 299] = rows[3, 150] = rows[3, 40] = rows[4, :] = np.nan
    for axis in (0, 1):
        fn_axis = _compiled(kind, axis)
        for layout in (rows, rows.T, np.asfortranarray(rows)):
            _check(fn_axis, layout, kind, axis)


@pytest.mark.parametrize("kind", KINDS)
def test_large_runs_split_across_threads_and_combine_in_order(kind):
    n = 1 << 20
    x = _data(n, np.float32, seed=5)
    fn = _compiled(kind, None)
    _check(fn, x, kind, None)
    extreme = np.float32(99.0 if kind == "argmax" else -99.0)
    y = x.copy()
    y[[n // 2 + 3, n // 16 * 5, n - 1]] = extreme  # in different pieces: the earliest piece's wins
    assert fn(y) == n // 16 * 5
    y[n - 2] = np.nan
    assert fn(y) == n - 2
    rows = _data((512, 1024), np.float64, seed=6)
    for axis in (None, 0, 1):
        _check(_compiled(kind, axis), rows, kind, axis)


@pytest.mark.parametrize("kind", KINDS)
def test_empty_axis_raises_like_numpy_and_an_empty_result_is_fine(kind):
    with pytest.raises(ValueError):
        getattr(np, kind)(np.zeros((3, 0)), axis=1)
    with pytest.raises(ValueError, match="empty sequence"):
        _compiled(kind, 1)(np.zeros((3, 0), np.float32))
    with pytest.raises(ValueError, match="empty sequence"):
        _compiled(kind, None)(np.zeros(0, np.float32))
    _check(_compiled(kind, 1), np.zeros((0, 5), np.float32), kind, 1)
    _check(_compiled(kind, 0), np.zeros((5, 0), np.float32), kind, 0)


@pytest.mark.parametrize("dtype, vector", [(np.float32, "<16 x float>"), (np.float64, "<8 x double>"),
                                           (np.int32, "<16 x i32>")])
@pytest.mark.parametrize("kind", KINDS)
def test_loops_are_vectorized(dtype, vector, kind):
    """Contiguous runs compare whole zmm registers; across rows (axis=0), LLVM picks the width."""
    x = _data((64, 512), dtype)
    element = vector.split(" x ")[1].rstrip(">")
    for axis in (None, 1, 0):
        fn = _compiled(kind, axis)
        fn(x)
        ir_text = fn.inspect_llvm(x)
        width = re.escape(vector) if axis != 0 else rf"<\d+ x {element}>"
        assert re.search(rf"[fi]cmp \w+ {width}", ir_text), f"the {kind} loop (axis={axis}) does not compare vectors"
        assert re.search(r"select <\d+ x i1> %[.\w]+, <\d+ x i64>", ir_text), "positions are not kept in lanes"
        assert "zmm" in fn.inspect_asm(x) or axis == 0
