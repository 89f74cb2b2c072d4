"""Loop counters as symbols: slices whose bounds move with a loop (`A[k + 1:, k]`) have shapes in terms of the
counter (`s0 - u0 - 1`), so triangular loops compile natively; results equal NumPy at every size and dtype."""
import warnings

import numpy as np
import pytest
from programs.back_substitution import back_substitution
from programs.lu_right_looking import lu_inplace

import jitc

RNG = np.random.default_rng(5)
TOL = {np.float32: {"rtol": 2e-4, "atol": 1e-5}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}


def cholesky(A):
    A = A.copy()
    for i in range(A.shape[0]):
        for j in range(i):
            A[i, j] = (A[i, j] - np.dot(A[i, :j], A[j, :j])) / A[j, j]
        A[i, i] = np.sqrt(A[i, i] - np.dot(A[i, :i], A[i, :i]))
    return A


def reversed_prefix(r):
    y = np.zeros_like(r)
    for k in range(1, r.shape[0]):
        y[:k] += r[k] * np.flip(r[:k])
    return y


def spd(n, dtype):
    m = RNG.random((n, n))
    return (m @ m.T + n * np.eye(n)).astype(dtype)


CASES = {
    "lu": (lu_inplace, lambda n, dt: (spd(n, dt),)),
    "back_substitution": (back_substitution, lambda n, dt: (np.triu(spd(n, dt)), RNG.random(n).astype(dt))),
    "cholesky": (cholesky, lambda n, dt: (spd(n, dt),)),
    "reversed_prefix": (reversed_prefix, lambda n, dt: (RNG.random(n).astype(dt),)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_native_and_equal_to_numpy_at_every_size(name, dtype):
    fn, make = CASES[name]
    compiled = jitc.compile(fn, fallback="error")
    for n in (2, 3, 8, 17, 40):
        args = make(n, dtype)
        ref_args = [a.copy() for a in args]
        np.testing.assert_allclose(compiled(*args), fn(*ref_args), err_msg=f"n={n}", **TOL[dtype])
        for a, b in zip(args, ref_args):  # and every argument as NumPy left it (lu_inplace writes its own)
            np.testing.assert_allclose(a, b, err_msg=f"n={n}", **TOL[dtype])
    assert len(compiled.cache_info()) <= 3  # n=2, then one symbolic specialization (and n=3 when it is needed)


def test_the_counter_is_a_symbol_in_the_graph():
    compiled = jitc.compile(lu_inplace, fallback="error")
    text = str(compiled.graph_for(spd(6, np.float64)))
    assert "prim::Loop[counter=u0]" in text and "Double(-u0 + 5" in text, text


def test_a_slice_that_may_leave_the_array_runs_as_numpy_does():
    """k runs past the end: the slice clamps (NumPy's rule). Not decided for every k, so not compiled with symbols:
    the call still gives NumPy's result."""
    def ragged(x):
        out = np.zeros(x.shape[0] + 3)
        for k in range(x.shape[0] + 3):
            out[k] = x[k:k + 2].sum()
        return out

    compiled = jitc.compile(ragged)
    x = RNG.random(7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jitc.FallbackWarning)
        np.testing.assert_allclose(compiled(x), ragged(x))


def test_an_index_past_the_end_raises_index_error():
    def poke(x):
        for k in range(x.shape[0] + 1):
            x[k] = 1.0
        return x

    compiled = jitc.compile(poke)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jitc.FallbackWarning)
        with pytest.raises(IndexError):
            compiled(np.zeros(4))


@pytest.mark.parametrize("n", [0, 1])
def test_a_loop_that_never_runs_may_hold_shapes_that_do_not_exist(n):
    """`for k in range(n - 1)` on a 1x1 or empty matrix: the body's `A[k + 1:, k]` and argmax of an empty column
    are never evaluated by NumPy, so they must not be by the compiler either (was: ShapeError at compile time)."""
    def eliminate(A):
        for k in range(A.shape[0] - 1):
            p = k + np.argmax(np.abs(A[k:, k]))
            A[k + 1:, k] /= A[p, k]
            A[k + 1:, k + 1:] -= A[k + 1:, k:k + 1] * A[k:k + 1, k + 1:]
        return A

    A = RNG.random((n, n)) + 1.0
    expected = eliminate(A.copy())
    got = jitc.compile(eliminate, fallback="error")(A)
    assert got is A
    np.testing.assert_array_equal(A, expected)
