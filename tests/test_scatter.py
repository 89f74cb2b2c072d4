"""Writes through index arrays, compiled natively and checked against NumPy: `np.<ufunc>.at` accumulates at
repeated indices, `x[idx] = v` keeps the last of repeated indices and `x[idx] op= v` applies the operator once
per distinct index (NumPy's no-accumulation rule); negative indices wrap, an index out of range raises NumPy's
IndexError with nothing written, and NumPy's in-place casting errors are NumPy's."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import jitc

TOL = {np.float32: 1e-5, np.float64: 1e-12, np.int32: 0, np.int64: 0}
DTYPES = [np.float32, np.float64, np.int32, np.int64]


def add_at(x, idx, v):
    np.add.at(x, idx, v)


def sub_at(x, idx, v):
    np.subtract.at(x, idx, v)


def mul_at(x, idx, v):
    np.multiply.at(x, idx, v)


def max_at(x, idx, v):
    np.maximum.at(x, idx, v)


def min_at(x, idx, v):
    np.minimum.at(x, idx, v)


def set_items(x, idx, v):
    x[idx] = v


def add_items(x, idx, v):
    x[idx] += v


def sub_items(x, idx, v):
    x[idx] -= v
    return x.sum()


def mul_items(x, idx, v):
    x[idx] *= v
    return x


PROGRAMS = [add_at, sub_at, mul_at, max_at, min_at, set_items, add_items, sub_items, mul_items]


def arrays(rng, dtype, shape):
    if np.dtype(dtype).kind == "i":
        return rng.integers(-9, 10, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def run(fn, *args):
    """(result, mutated args) of the compiled function, twice (first and cached call), against NumPy's."""
    cf = jitc.compile(fn, fallback="error")
    for _ in range(2):
        mine = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        ref = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        with warnings.catch_warnings():
            warnings.simplefilter("error", jitc.FallbackWarning)
            got = cf(*mine)
        want = fn(*ref)
        tol = TOL.get(args[0].dtype.type, 1e-12)
        if want is None:
            assert got is None
        elif want is ref[0]:
            assert got is mine[0], "returning the written argument returns the caller's array"
        else:
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
        for m, r in zip(mine, ref):
            if isinstance(r, np.ndarray):
                assert m.dtype == r.dtype
                np.testing.assert_allclose(m, r, rtol=tol, atol=tol)


@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_repeated_and_negative_indices(rng, fn, dtype):
    idx = np.array([0, 3, 3, -1, 2, -5, 3])  # -5 is 0 again: repeats through wrapping too
    run(fn, arrays(rng, dtype, 5), idx, arrays(rng, dtype, 7))
    run(fn, arrays(rng, dtype, (5, 3)), idx, arrays(rng, dtype, (7, 3)))  # rows
    run(fn, arrays(rng, dtype, (5, 3)), idx, arrays(rng, dtype, 3))       # one row for every index


@pytest.mark.parametrize("fn", [add_at, max_at, set_items, add_items], ids=lambda f: f.__name__)
def test_index_shapes_values_and_layouts(rng, fn):
    x = rng.standard_normal((6, 4))
    idx2 = rng.integers(-6, 6, (2, 3))
    run(fn, x, idx2, rng.standard_normal((2, 3, 4)))
    run(fn, x, idx2.astype(np.int32), 1.5)             # a Python float: NEP 50's weak scalar
    run(fn, x.astype(np.float32), idx2, 0.1)
    run(fn, x[::2], np.array([1, 1, -1]), rng.standard_normal((3, 4)))  # a strided target
    run(fn, np.asfortranarray(x), idx2, rng.standard_normal(4))
    run(fn, x, np.array([], dtype=np.int64), rng.standard_normal(4))   # no index at all


def test_mixed_dtypes_follow_numpy(rng):
    run(add_at, rng.standard_normal(5).astype(np.float32), np.array([1, 1]), rng.standard_normal(2))
    run(add_items, rng.standard_normal(5).astype(np.float32), np.array([1, 1]), rng.standard_normal(2))
    run(set_items, rng.integers(0, 9, 5), np.array([1, 1, 0]), rng.standard_normal(3) * 10)  # unsafe, as setitem
    run(add_at, rng.integers(0, 9, 5).astype(np.int32), np.array([4, 4]), np.array([3, 4], np.int64))


def test_casting_follows_numpy(rng):
    """`x[idx] += 1.5` on ints is an in-place ufunc on the gathered copy: UFuncTypeError; np.add.at computes in
    the promoted dtype and casts back unsafely (-3 + 0.5 + 0.5 is -1 there, not -3)."""
    x = rng.integers(0, 9, 5)
    with pytest.raises(np._core._exceptions._UFuncOutputCastingError):
        add_items(x.copy(), np.array([1]), 1.5)
    with pytest.raises(np._core._exceptions._UFuncOutputCastingError):
        jitc.compile(add_items, fallback="error")(x, np.array([1]), 1.5)
    run(add_at, np.array([-3, 4, 7]), np.array([0, 0, 2]), 0.5)
    run(add_at, np.array([-3, 4, 7], np.int32), np.array([0, 0, 1]), np.array([0.5, 0.5, -2.25]))


@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [5, -6, 100])
def test_out_of_bounds_raises_index_error_and_writes_nothing(rng, fn, bad):
    x = rng.standard_normal(5)
    idx = np.array([0, 1, bad, 2])
    with pytest.raises(IndexError):
        fn(x.copy(), idx, np.ones(4))
    cf = jitc.compile(fn, fallback="error")
    for _ in range(2):
        mine = x.copy()
        with pytest.raises(IndexError, match="out of bounds"):
            cf(mine, idx, np.ones(4))
        np.testing.assert_array_equal(mine, x)
    run(fn, x, np.array([0, 1, 4, 2]), np.ones(4))  # the same code with good indices


def test_scatter_in_a_loop_and_through_a_view(rng):
    def histogram(counts, data, bins: int):
        for t in range(data.shape[0]):
            np.add.at(counts, data[t] % bins, 1.0)
        counts[1:][np.array([0, 0])] += 10.0
        return counts.sum()

    run(histogram, np.zeros(4), rng.integers(0, 100, (3, 8)), 4)


def test_boolean_masks_keep_numpys_meaning(rng):
    def clip(x, cap):
        x[x > cap] += cap - 1.0
        x[x < 0] *= 2
        return x

    run(clip, rng.standard_normal((4, 3)), 0.5)
    x = rng.integers(-5, 5, 6)
    with pytest.raises(np._core._exceptions._UFuncOutputCastingError):
        jitc.compile(clip, fallback="error")(x, 0.5)


def write_selection(x, y):
    m = x > 0
    x[m] = y[m] * 2  # values for the selected elements, in C order
    return x


def write_rows(x, y):
    rows = x[:, 0] > 0
    x[rows] = y[rows][:, ::-1] + 1
    return x.sum(axis=0)


def add_selection(x, y):
    m = y < 0.5
    x[m] += np.sqrt(np.abs(y[m]))


def write_other_mask(x, y):  # counts that may differ: NumPy raises when they do
    x[x > 0] = y[y > 0]
    return x


@pytest.mark.parametrize("fn", [write_selection, write_rows, add_selection], ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_boolean_mask_writes_of_selected_values(rng, fn, dtype):
    """`x[mask] = values` with one value per selected element (their count set by the data), scripted, traced
    and compiled; empty and non-contiguous arrays too."""
    for shape in ((4, 5), (0, 5), (7, 3)):
        x, y = arrays(rng, dtype, shape), arrays(rng, dtype, shape)
        if np.dtype(dtype).kind == "i" and fn is add_selection:
            continue  # sqrt's float64 into an int array: NumPy's casting error, tested above
        run(fn, x, y)
        run(fn, x.T.copy().T[:, ::-1], y)
        mine, ref = x.copy(), x.copy()
        got, want = jitc.trace(fn, (x.copy(), y))(mine, y), fn(ref, y)
        np.testing.assert_array_equal(mine, ref)
        if want is not None:
            np.testing.assert_allclose(got, want, rtol=TOL[dtype])


def test_a_count_that_may_differ_runs_through_numpy(rng):
    x, y = rng.standard_normal(6), rng.standard_normal(6)
    y[(x > 0) != (y > 0)] *= -1  # the same count: NumPy assigns
    with pytest.warns(jitc.FallbackWarning, match="depends on the size"):
        got = jitc.compile(write_other_mask)(x.copy(), y)
    np.testing.assert_array_equal(got, write_other_mask(x.copy(), y))


def set_pairs(x, i, j, v):
    x[i, j] = v


def sub_pairs(x, i, j, v):
    x[i, j] -= v
    return x


def scale_column_picks(x, j, s):
    x[np.arange(x.shape[0]), j] *= s
    return x.sum()


def bump_fixed_column(x, i, v):
    x[i, -2, ...] += v


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_several_index_arrays_write_like_numpy(rng, dtype):
    """`x[i, j] = v` / `x[i, j] op= v` (the cross-entropy gradient's `dx[np.arange(n), y] -= 1`): the index arrays
    broadcast together, each wraps and is checked against its own axis, a repeated pair takes its last write."""
    i, j = np.array([0, 3, 3, -1, 2, -4]), np.array([1, -1, -1, 0, 4, 1])  # (0, 1) and (3, 4) repeat
    for fn in (set_pairs, sub_pairs):
        run(fn, arrays(rng, dtype, (4, 5)), i, j, arrays(rng, dtype, 6))
        run(fn, arrays(rng, dtype, (4, 5, 3)), i, j, arrays(rng, dtype, (6, 3)))  # rows of the trailing axis
        run(fn, arrays(rng, dtype, (4, 5)), i[:, None], j[None, :2], arrays(rng, dtype, 1))  # broadcast indices
        run(fn, arrays(rng, dtype, (8, 5))[::2], i, j, arrays(rng, dtype, 6))  # a strided argument, in place
    run(scale_column_picks, arrays(rng, dtype, (6, 7)), rng.integers(-7, 7, 6), 3)
    run(bump_fixed_column, arrays(rng, dtype, (4, 5, 2)), np.array([1, -1, 1]), arrays(rng, dtype, 2))


def test_several_index_arrays_out_of_bounds_raise_index_error_and_write_nothing(rng):
    x = rng.standard_normal((4, 5))
    i, j = np.array([0, 2]), np.array([1, 5])  # 5 is past axis 1 although the flat position 2 * 5 + 5 is not
    with pytest.raises(IndexError):
        set_pairs(x.copy(), i, j, 1.0)
    mine = x.copy()
    with pytest.raises(IndexError, match="out of bounds"):
        jitc.compile(set_pairs, fallback="error")(mine, i, j, 1.0)
    np.testing.assert_array_equal(mine, x)


def counts_of(idx, n):
    counts = np.zeros(n)
    np.add.at(counts, idx, 1.0)
    return counts


def histogram_of(x, idx):
    hist = np.zeros_like(x)
    np.add.at(hist, idx, x[: idx.shape[0]])
    peaks = np.full(x.shape, -1000, x.dtype)
    np.maximum.at(peaks, idx, x[: idx.shape[0]])
    marks = np.zeros(x.shape[0], np.int64)
    marks[idx] = 7
    return hist, peaks, marks


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_a_fresh_array_written_in_place_and_returned(rng, dtype):
    """The write reuses the fresh array's memory, so the returned value is there, not in the output slot (the
    compiled call used to return the slot's uninitialized memory)."""
    idx = rng.integers(0, 9, 40)
    np.testing.assert_array_equal(jitc.compile(counts_of, fallback="error")(idx, 9), counts_of(idx, 9))
    x, idx = (rng.standard_normal(12) * 10).astype(dtype), rng.integers(-12, 12, 10)
    got, want = jitc.compile(histogram_of, fallback="error")(x, idx), histogram_of(x, idx)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=TOL[dtype])
