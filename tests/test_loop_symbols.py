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


def guarded_rows(A):
    """`A[i + 1, j]` is past the end only when i = n - 1, where the j loop is empty (nussinov's pattern): the
    shapes cannot decide it, so the index is checked as the loop runs."""
    n = A.shape[0]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            A[i, j] = 0.5 * A[i + 1, j] + np.sum(A[i, :j]) / n
    return A


def unguarded_rows(A):
    n = A.shape[0]
    for i in range(n - 1, -1, -1):
        for j in range(i, n):  # j = i runs for i = n - 1 too: A[n, j] is past the end
            A[i, j] = A[i + 1, j] + np.sum(A[i, :j])
    return A


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_index_in_range_on_the_iterations_that_run_compiles_with_symbols(dtype):
    compiled = jitc.compile(guarded_rows, fallback="error")
    for n in (2, 5, 12):
        A = RNG.random((n, n)).astype(dtype)
        want = guarded_rows(A.copy())
        np.testing.assert_allclose(compiled(A), want, **TOL[dtype])
        np.testing.assert_allclose(A, want, **TOL[dtype])
    assert "prim::Loop[counter=u0]" in str(compiled.graph_for(RNG.random((6, 6)).astype(dtype)))


def unguarded_write(A):
    n = A.shape[0]
    for i in range(n - 1, -1, -1):
        for j in range(i, n):
            A[i + 1, j] = np.sum(A[i, :j])
    return A


@pytest.mark.parametrize("fn", [unguarded_rows, unguarded_write])
def test_an_index_past_the_end_on_an_iteration_that_runs_raises_index_error(fn):
    with pytest.raises(IndexError):
        fn(RNG.random((4, 4)))
    compiled = jitc.compile(fn, fallback="error")
    with pytest.raises(IndexError, match="out of bounds for axis 0 with size 4"):
        compiled(RNG.random((4, 4)))


def nested_trapezoids(y, levels=4):
    """Romberg's first column: the stride `n // 2 ** i` is no symbol's expression, so the loop of four trips is
    unrolled, each trip's counter a constant."""
    n = y.shape[0] - 1
    R = np.zeros(levels, dtype=y.dtype)
    for i in range(levels):
        stride = n // 2 ** i
        samples = y[::stride]
        R[i] = (0.5 * samples[0] + np.sum(samples[1:-1]) + 0.5 * samples[-1]) * stride
    return R


def long_strided(y):
    total = y[:0].sum()
    for i in range(40):  # too many trips to unroll: runs as NumPy does
        total = total + y[::i % 3 + 1].sum()
    return total


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_small_loop_whose_shapes_no_symbol_gives_is_unrolled(dtype):
    compiled = jitc.compile(nested_trapezoids, fallback="error")
    for n in (17, 33, 65, 17):
        y = RNG.random(n).astype(dtype)
        np.testing.assert_allclose(compiled(y), nested_trapezoids(y), **TOL[dtype])
        np.testing.assert_allclose(compiled(y, 3), nested_trapezoids(y, 3), **TOL[dtype])
    assert "prim::Loop" not in str(compiled.graph_for(RNG.random(17).astype(dtype)))


def test_a_long_loop_is_not_unrolled():
    y = RNG.random(12)
    with pytest.raises(jitc.CompileError, match="known only at run time"):
        jitc.compile(long_strided, fallback="error")(y)
    with pytest.warns(jitc.FallbackWarning):
        np.testing.assert_allclose(jitc.compile(long_strided)(y), long_strided(y))


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
