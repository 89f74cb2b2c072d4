"""NumPy's IndexError messages from compiled code ("index 7 is out of bounds for axis 0 with size 5", the axis of
the array, the offending index) for reads and writes through index arrays and run-time scalar indices; and
index arrays next to a loop counter (`x[t, idx] += v`, `x[t, idx, :]` in a loop) compiled natively (the read was
taken along the wrong axis before: a silently wrong result when the shapes still fit)."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import jitc


def set_rows(x, idx):
    x[idx, 1] = 3.0
    return x


def set_pairs(x, i, j):
    x[i, j] = 1.0
    return x


def add_rows(x, idx):
    x[idx] += 1
    return x


def gather(x, idx):
    return x[idx] * 2


def gather_columns(x, idx):
    return x[:, idx]


def gather_pairs(x, i, j):
    return x[1, :, i, j]


def row(x, t):
    return x[t] * 2


CASES = [
    (set_rows, (np.zeros((5, 3)), np.array([1, 7]))),
    (set_rows, (np.zeros((5, 3)), np.array([1, -9]))),
    (set_pairs, (np.zeros((5, 6)), np.array([1, 2]), np.array([0, 9]))),
    (set_pairs, (np.zeros((5, 6)), np.array([8, 2]), np.array([0, 1]))),
    (add_rows, (np.zeros(3, np.int32), np.array([0, 3]))),
    (gather, (np.zeros(4, np.float32), np.array([[0], [4]]))),
    (gather_columns, (np.zeros((3, 4)), np.array([-5]))),
    (gather_pairs, (np.zeros((2, 3, 4, 5)), np.array([1]), np.array([7]))),
    (row, (np.zeros((4, 2)), 6)),
    (row, (np.zeros((4, 2)), -5)),
]


def _numpy_message(fn, args) -> str:
    with pytest.raises(IndexError) as info:
        fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
    return str(info.value)


@pytest.mark.parametrize("fn, args", CASES, ids=[f"{fn.__name__}-{k}" for k, (fn, _) in enumerate(CASES)])
@pytest.mark.parametrize("front", ["compile", "script"])
def test_index_errors_say_what_numpy_says(fn, args, front):
    want = _numpy_message(fn, args)
    compiled = jitc.compile(fn, fallback="error") if front == "compile" else jitc.script(fn)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    with warnings.catch_warnings():
        warnings.simplefilter("error", jitc.FallbackWarning)
        with pytest.raises(IndexError, match=re.escape(want) + r" \(at test_index_messages.py:\d+:\d+\)"):
            compiled(*copies)
    for a, c in zip(args, copies):  # a write that fails leaves its array as it was
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, c)


def test_an_index_beyond_what_the_status_carries_still_names_the_axis():
    x, idx = np.zeros(4), np.array([0, 2 ** 40])
    with pytest.raises(IndexError, match=r"^index out of bounds for axis 0 with size 4 \(at"):
        jitc.compile(gather, fallback="error")(x, idx)


def add_each_row(x, idx, v):
    for t in range(x.shape[0]):
        x[t, idx] += v
    return x


def shift_rows(x, idx, v):
    for t in range(1, x.shape[0]):
        x[t, idx] = x[t - 1, idx] * v
    return x


def from_the_end(x, idx, v):
    for t in range(x.shape[0]):
        x[-1 - t, idx, 1] -= v
    return x


def sum_rows(x, idx):
    total = np.zeros(idx.shape[0], x.dtype)
    for t in range(x.shape[0]):
        total = total + x[t, idx]
    return total


def sum_planes(x, idx):  # x[t, idx, :] of square planes: taken along the wrong axis, the shape was still right
    total = np.zeros(x.shape[1:], x.dtype)
    for t in range(x.shape[0]):
        total = total + x[t, idx, :]
    return total


def past_the_end(x, idx):
    for t in range(x.shape[0] + 1):
        x[t, idx] = 1.0
    return x


LOOPS = [(add_each_row, lambda: (np.random.default_rng(1).random((5, 6)), np.array([0, 2, 5]), 2)),
         (add_each_row, lambda: (np.arange(30, dtype=np.int32).reshape(5, 6), np.array([4, -1]), 3)),
         (add_each_row, lambda: (np.random.default_rng(2).random((4, 6)).astype(np.float32), np.array([1, 1, 3]),
                                 np.arange(3, dtype=np.float32))),
         (shift_rows, lambda: (np.random.default_rng(3).random((5, 6)), np.array([0, 3]), 1.5)),
         (from_the_end, lambda: (np.random.default_rng(4).random((5, 6, 2)), np.array([5, 0]), 1)),
         (sum_rows, lambda: (np.random.default_rng(5).random((5, 6))[:, ::-1], np.array([0, 2, 5]))),
         (sum_planes, lambda: (np.arange(16.0).reshape(4, 2, 2), np.array([1, 0])))]


@pytest.mark.parametrize("fn, make", LOOPS, ids=[f"{fn.__name__}-{k}" for k, (fn, _) in enumerate(LOOPS)])
def test_index_arrays_next_to_a_loop_counter_are_native(fn, make):
    mine, theirs = make(), make()
    with warnings.catch_warnings():
        warnings.simplefilter("error", jitc.FallbackWarning)
        got = jitc.compile(fn, fallback="error")(*mine)
    want = fn(*theirs)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-6)  # the argument written in place


def test_a_loop_counter_that_may_leave_the_axis_runs_through_numpy():
    x, idx = np.zeros((3, 4)), np.array([1, 2])
    with pytest.warns(jitc.FallbackWarning, match="may be out of bounds"), pytest.raises(IndexError,
                                                                                        match="index 3 is out"):
        jitc.compile(past_the_end)(x, idx)


def test_a_constant_index_past_a_known_size_raises_index_error():
    """`a[1]` on a one-row array is found out while specializing: NumPy's IndexError (was a ValueError)."""
    def swap_first_rows(a):
        a[0], a[1] = a[1].copy(), a[0].copy()
        return a

    with pytest.raises(IndexError, match=re.escape("index 1 is out of bounds for axis 0 with size 1")) as e:
        jitc.compile(swap_first_rows, fallback="error")(np.ones((1, 3)))
    assert isinstance(e.value, jitc.JitcError)
    with pytest.raises(IndexError):
        swap_first_rows(np.ones((1, 3)))
