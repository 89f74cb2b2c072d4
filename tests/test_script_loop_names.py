"""A name a for loop's body assigns first is readable after the loop, as after Python's last iteration (the
loop is specialized for its trip count; a loop that runs no times raises UnboundLocalError, as Python does)."""
from __future__ import annotations

import numpy as np
import pytest

import jitc

DTYPES = (np.float32, np.float64)


def last_of_range(x, n: int):
    for i in range(n):
        y = x * (i + 1.5)
        labels = np.argmax(y, axis=1)
    return y, labels


def last_row(X):
    for row in X:
        last = np.tanh(row)
    return last


def read_before_assign(x, n: int):
    for _ in range(n):
        x = z + x  # noqa: F821 (z is read before the body assigns it)
        z = x
    return z


@pytest.mark.parametrize("dtype", DTYPES)
def test_name_assigned_in_range_loop_is_read_after(dtype):
    rng = np.random.default_rng(0)
    cf = jitc.compile(last_of_range, fallback="error")
    for n in (3, 1, 5):
        x = rng.standard_normal((4, 6)).astype(dtype)
        got, want = cf(x, n), last_of_range(x, n)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_name_assigned_in_loop_over_rows_is_read_after(dtype):
    X = np.random.default_rng(1).standard_normal((5, 3)).astype(dtype)
    got = jitc.compile(last_row, fallback="error")(X)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, last_row(X), rtol=1e-6)


def test_loop_that_runs_no_times_raises_unbound_local_error():
    x = np.random.default_rng(2).standard_normal((2, 3))
    with pytest.raises(UnboundLocalError):
        last_of_range(x, 0)
    cf = jitc.compile(last_of_range, fallback="error")
    with pytest.raises(UnboundLocalError) as info:
        cf(x, 0)
    assert isinstance(info.value, jitc.JitcError)
    with pytest.raises(UnboundLocalError):
        jitc.compile(last_row, fallback="error")(np.zeros((0, 3)))


def test_read_before_the_first_assignment_is_a_script_error():
    with pytest.raises(jitc.ScriptError, match="'z' is read before it is assigned in the loop"):
        jitc.script(read_before_assign)
