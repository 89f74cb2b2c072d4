"""Loop-carried values whose type the first iterations change, as NumPy lets them: a 0-d value broadcast to an
array (`v = total; for ...: v = np.maximum(v, a)`), an int array made float, a rank that grows for a known number
of iterations. The compiled code runs those first iterations on their own types (peeled before the loop) and
must match NumPy; a type that keeps changing is refused with the loop's line."""
from __future__ import annotations

import numpy as np
import pytest

import jitc


def broadcast_in_loop(a, b):
    v = np.sum(a)
    for i in range(3):
        v = np.maximum(v, b) * 0.9 + i
        if v.sum() > 100.0:
            break
    return v


def break_in_first_iteration(a, b):
    v = np.sum(a)
    for i in range(3):
        v = np.maximum(v, b) * 0.9 + i
        if v.sum() > -1e30:
            break
    return v


def int_made_float(a, b):
    v = (a * 10).astype(np.int64)
    for _ in range(4):
        v = v * 0.5 + b[0]
    return v


def rank_grows_three_times(a, b):
    v = b
    for _ in range(3):
        v = v[None] * 2
    return v


def nested_loops(a, b):
    v = np.sum(a)
    for j in range(2):
        for i in range(3):
            v = np.maximum(v, b) + j * i
    return v


def trips_from_a_size(a, b):
    v = np.sum(a)
    for i in range(a.shape[0]):
        v = np.maximum(v, b) * 0.5 + a[i]
    return v


def trips_from_an_argument(a, b, n: int):
    v = np.sum(a)
    for _ in range(n):
        v = np.minimum(v, b) - 1.0
    return v


def loop_of_no_iterations(a, b):
    v = np.sum(a)
    for _ in range(0):
        v = np.maximum(v, b)
    return v


CASES = [broadcast_in_loop, break_in_first_iteration, int_made_float, rank_grows_three_times, nested_loops,
         trips_from_a_size, loop_of_no_iterations]
RTOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-13}


def _check(got, expected):
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=RTOL[expected.dtype], atol=0)


@pytest.mark.filterwarnings("error::jitc.FallbackWarning")
@pytest.mark.parametrize("dynamic", [None, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", CASES, ids=lambda f: f.__name__)
def test_carried_type_changes_in_first_iterations(fn, dtype, dynamic):
    rng = np.random.default_rng(11)
    compiled = jitc.compile(fn, fallback="error", dynamic=dynamic)
    b = rng.standard_normal(2).astype(dtype)
    for n in (4, 6, 5):
        a = rng.standard_normal(n).astype(dtype)
        _check(compiled(a, b), fn(a, b))


@pytest.mark.filterwarnings("error::jitc.FallbackWarning")
def test_trip_count_from_an_int_argument():
    rng = np.random.default_rng(12)
    compiled = jitc.compile(trips_from_an_argument, fallback="error")
    a, b = rng.standard_normal(4), rng.standard_normal(3)
    for n in (2, 1, 3):
        _check(compiled(a, b, n), trips_from_an_argument(a, b, n))


def rank_grows_every_iteration(a, b):
    v = b
    for _ in range(20):
        v = v[None] * 2
    return v


def test_type_that_keeps_changing_is_refused_at_its_line():
    compiled = jitc.compile(rank_grows_every_iteration, fallback="error")
    with pytest.raises(jitc.CompileError, match=r"changes type .* in each of its first \d+ iterations .*"
                                                r"test_loop_types.py:\d+"):
        compiled(np.ones(2), np.random.default_rng(1).standard_normal(2))


def test_type_that_keeps_changing_runs_on_the_interpreter():
    b = np.random.default_rng(2).standard_normal(2)
    with pytest.warns(jitc.FallbackWarning, match="changes type"):
        got = jitc.compile(rank_grows_every_iteration)(np.ones(2), b)
    _check(got, rank_grows_every_iteration(np.ones(2), b))
