"""The linear-systems kernel (codegen/solve.py) behind np.linalg.solve and np.linalg.inv, against NumPy's LAPACK:
vectors and matrices of right-hand sides, broadcast batches, int and non-contiguous inputs, empty systems,
dynamic shapes, ill-conditioned matrices (a backward-error bound), and NumPy's errors (a singular matrix:
LinAlgError)."""
from __future__ import annotations

import numpy as np
import pytest

import jitc

_rng = np.random.default_rng(23)
TOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-11}


def solve(a, b):
    return np.linalg.solve(a, b)


def inv(a):
    return np.linalg.inv(a)


def well_conditioned(shape, dtype):
    n = shape[-1]
    return (_rng.standard_normal(shape) + n * np.eye(n)).astype(dtype)


def assert_numpys(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape, want.dtype, want.shape)
    tol = TOL.get(want.dtype, 1e-11)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("a_shape", "b_shape"), [
    ((4, 4), (4,)), ((5, 5), (5, 3)), ((1, 1), (1,)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3, 2)),
    ((3, 4, 4), (4, 1)), ((2, 1, 3, 3), (4, 3, 2)), ((17, 17), (17, 5)),
])
def test_solve_matches_numpy(dtype, a_shape, b_shape):
    a, b = well_conditioned(a_shape, dtype), _rng.standard_normal(b_shape).astype(dtype)
    cf = jitc.compile(solve, fallback="error")
    assert_numpys(cf(a, b), solve(a, b))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inv_matches_numpy_and_pivots(dtype):
    a = well_conditioned((3, 6, 6), dtype)
    a[:, 0, 0] = 0.0  # the first pivot must come from another row
    cf = jitc.compile(inv, fallback="error")
    assert_numpys(cf(a), inv(a))
    permutation = np.eye(5, dtype=dtype)[[3, 0, 4, 1, 2]]  # only row swaps make it triangular
    assert_numpys(cf(permutation), inv(permutation))


@pytest.mark.parametrize(("a_dtype", "b_dtype"), [(np.int64, np.int64), (np.int32, np.float32),
                                                  (np.float32, np.float64), (np.bool_, np.float32)])
def test_mixed_and_integer_dtypes_compute_in_float64(a_dtype, b_dtype):
    a = (np.triu(_rng.random((4, 4)) > 0.5, 1) | np.eye(4, dtype=bool)).astype(a_dtype)[[2, 0, 3, 1]]  # nonsingular
    b = _rng.integers(-3, 4, (4, 2)).astype(b_dtype)
    assert_numpys(jitc.compile(solve, fallback="error")(a, b), solve(a, b))


def test_non_contiguous_inputs():
    a = well_conditioned((6, 6), np.float64).T
    b = _rng.standard_normal((6, 8))[:, ::2]
    assert_numpys(jitc.compile(solve, fallback="error")(a, b), solve(a, b))


def test_empty_systems():
    cf = jitc.compile(solve, fallback="error")
    assert_numpys(cf(np.zeros((0, 0)), np.zeros(0)), solve(np.zeros((0, 0)), np.zeros(0)))
    a = well_conditioned((3, 3), np.float64)
    assert_numpys(cf(a, np.zeros((3, 0))), solve(a, np.zeros((3, 0))))


def test_dynamic_shapes_compile_once():
    cf = jitc.compile(solve, fallback="error")
    for n in (3, 5, 8, 13, 21):
        a, b = well_conditioned((n, n), np.float64), _rng.standard_normal(n)
        assert_numpys(cf(a, b), solve(a, b))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ill_conditioned_systems_have_a_small_backward_error(dtype):
    u, _ = np.linalg.qr(_rng.standard_normal((12, 12)))
    v, _ = np.linalg.qr(_rng.standard_normal((12, 12)))
    a = ((u * np.logspace(0, -8, 12)) @ v).astype(dtype)
    b = _rng.standard_normal(12).astype(dtype)
    x = jitc.compile(solve, fallback="error")(a, b)
    a64 = a.astype(np.float64)
    residual = np.linalg.norm(a64 @ x.astype(np.float64) - b) / (np.linalg.norm(a64) * np.linalg.norm(x))
    assert residual < 1e3 * np.finfo(dtype).eps, residual


def implicit_euler(A, u, dt, steps):
    """u_{k+1} = (I - dt A)^-1 u_k, the system solved each step (a stiff ODE integrator)."""
    n = u.shape[0]
    M = np.eye(n, dtype=A.dtype) - dt * A
    for _ in range(steps):
        u = np.linalg.solve(M, u)
    return u


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_solve_in_a_loop(dtype):
    A = -(_rng.random((7, 7)) + 7 * np.eye(7)).astype(dtype)
    u = _rng.standard_normal(7).astype(dtype)
    assert_numpys(jitc.compile(implicit_euler, fallback="error")(A, u, 0.1, 5), implicit_euler(A, u, 0.1, 5))


def test_a_singular_matrix_is_numpys_linalg_error():
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        solve(a, np.ones(2))
    for fn, args in ((solve, (a, np.ones(2))), (inv, (np.zeros((2, 3, 3)),))):
        with pytest.raises(jitc.errors.LinAlgError, match="Singular matrix") as info:
            jitc.compile(fn, fallback="error")(*args)
        assert isinstance(info.value, np.linalg.LinAlgError)


def solve_rows(a, b):
    return np.linalg.solve(a[:-1], b)


@pytest.mark.parametrize(("fn", "args", "error", "match"), [
    (solve_rows, (np.ones((3, 3)), np.ones(3)), np.linalg.LinAlgError, "must be square"),
    (solve, (np.eye(3), np.ones(4)), ValueError, "mismatch in its core dimension"),
    (inv, (np.ones(3),), np.linalg.LinAlgError, "at least two-dimensional"),
])
def test_bad_shapes_are_numpys_errors(fn, args, error, match):
    with pytest.raises(error):
        fn(*args)
    with pytest.raises(jitc.JitcError, match=match) as info:
        jitc.compile(fn, fallback="error")(*args)
    assert isinstance(info.value, error) and "test_solve.py" in str(info.value)
