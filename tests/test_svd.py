"""The singular-values kernel (codegen/svd.py) against NumPy's LAPACK: accuracy on random, ill-conditioned and
rank-deficient matrices, batches, dynamic shapes, and NumPy's errors (a NaN: LinAlgError).

The bound: every singular value within ERROR_BOUND * eps * s_max of NumPy's (the backward error both
methods guarantee: a tiny singular value of an ill-conditioned matrix is only defined to that absolute
accuracy); for well-conditioned matrices also within RELATIVE_ULP of NumPy's, relatively."""
from __future__ import annotations

import math

import numpy as np
import pytest

import jitc

ERROR_BOUND = {np.dtype(np.float32): 8.0, np.dtype(np.float64): 100.0}  # in eps * s_max, measured <= 52 (f64)
RELATIVE_ULP = 200.0
_rng = np.random.default_rng(11)


def svdvals(a):
    return np.linalg.svd(a, compute_uv=False)


def norms(a):
    return np.linalg.norm(a, 2), np.linalg.norm(a, -2), np.linalg.norm(a, "nuc")


def _with_singular_values(m: int, n: int, s) -> np.ndarray:
    u, _ = np.linalg.qr(_rng.standard_normal((m, m)))
    v, _ = np.linalg.qr(_rng.standard_normal((n, n)))
    k = len(s)
    return (u[:, :k] * s) @ v[:k]


def ill_conditioned(m: int, n: int, cond: float) -> np.ndarray:
    return _with_singular_values(m, n, np.logspace(0, -math.log10(cond), min(m, n)))


def rank_deficient(m: int, n: int, rank: int) -> np.ndarray:
    return _rng.standard_normal((m, rank)) @ _rng.standard_normal((rank, n))


MATRICES = {
    "random 6x6": _rng.standard_normal((6, 6)),
    "random 40x9": _rng.standard_normal((40, 9)),
    "random 9x40": _rng.standard_normal((9, 40)),
    "random 60x60": _rng.standard_normal((60, 60)),
    "cond 1e12 20x20": ill_conditioned(20, 20, 1e12),
    "cond 1e6 30x12": ill_conditioned(30, 12, 1e6),
    "rank 3 of 20x15": rank_deficient(20, 15, 3),
    "rank 1 of 7x7": rank_deficient(7, 7, 1),
    "scaled tiny": _rng.standard_normal((5, 4)),  # times SCALE below: near the dtype's smallest normals
    "scaled huge": _rng.standard_normal((5, 4)),  # near its largest floats
    "graded rows": _rng.standard_normal((8, 8)) * np.logspace(0, -12, 8)[:, None],
}


SCALE = {"scaled tiny": {np.float32: 1e-35, np.float64: 1e-300}, "scaled huge": {np.float32: 1e35, np.float64: 1e300}}


def matrix(name: str, dtype) -> np.ndarray:
    return (MATRICES[name] * SCALE.get(name, {}).get(dtype, 1.0)).astype(dtype)


def measured_errors(got, want, dtype) -> tuple[float, float]:
    """(max |got - want| in eps * s_max, max relative error in ULP) of two descending singular value lists."""
    eps = np.finfo(dtype).eps
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    top = want[..., :1]
    absolute = np.max(np.abs(got - want) / (eps * top))
    relative = np.max(np.abs(got - want) / (eps * np.abs(want)))
    return float(absolute), float(relative)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(MATRICES))
def test_singular_values_match_numpy(name, dtype):
    a = matrix(name, dtype)
    got = jitc.compile(svdvals, fallback="error")(a)
    want = svdvals(a)
    assert got.dtype == want.dtype and got.shape == want.shape
    absolute, relative = measured_errors(got, want, dtype)
    assert absolute <= ERROR_BOUND[np.dtype(dtype)], (absolute, relative)
    if name.startswith(("random", "scaled")):
        assert relative <= RELATIVE_ULP, (absolute, relative)


def test_norms_of_batches_and_axes():
    a = _rng.standard_normal((3, 7, 5))
    nonc = _rng.standard_normal((4, 10, 6))[:, ::2, 1::2]

    def batched(a, b):
        return (np.linalg.norm(a, 2, axis=(1, 2)), np.linalg.norm(a, -2, axis=(2, 1), keepdims=True),
                np.linalg.norm(b, "nuc", axis=(0, 2)), svdvals(b), np.linalg.matrix_rank(a), np.linalg.cond(b))

    got = jitc.compile(batched, fallback="error")(a, nonc)
    for g, w in zip(got, batched(a, nonc)):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_dynamic_shapes():
    """Square stacks of any size run one symbolic kernel (its sizes read at run time); matrix sizes whose order only
    the call knows stay specialized."""
    compiled = jitc.compile(batched_norms, fallback="error", dynamic=True)
    for shape in [(2, 5, 5), (3, 6, 6), (4, 7, 7), (2, 3, 9), (2, 9, 3)]:
        a = _rng.standard_normal(shape)
        np.testing.assert_allclose(compiled(a), batched_norms(a), rtol=1e-12)
    assert len(compiled.cache_info()) == 3  # (s0, s1, s1), then (2, 3, 9) and (2, 9, 3) as they are


def batched_norms(a):
    return np.linalg.norm(a, 2, axis=(1, 2)) + np.linalg.norm(a, "nuc", axis=(1, 2))


def test_nan_raises_linalg_error_as_numpy():
    a = _rng.standard_normal((4, 4))
    a[2, 1] = np.nan
    with pytest.raises(np.linalg.LinAlgError):
        svdvals(a)
    for fn in (svdvals, norms):
        compiled = jitc.compile(fn, fallback="error")
        compiled(np.ones((4, 4)))
        with pytest.raises(np.linalg.LinAlgError, match="SVD did not converge"):
            compiled(a)
        with pytest.raises(jitc.JitcError):
            compiled(a)


def test_infinity_gives_nan_and_empty_matrices():
    a = _rng.standard_normal((3, 4))
    a[0, 0] = -np.inf
    got = jitc.compile(norms, fallback="error")(a)
    assert all(np.isnan(g) for g in got) and all(np.isnan(w) for w in norms(a))
    empty = np.zeros((0, 4))
    with pytest.raises(ValueError):  # NumPy: the minimum of no singular values
        jitc.compile(norms, fallback="error")(empty)


def test_complex_matrices():
    a = _rng.standard_normal((5, 3)) + 1j * _rng.standard_normal((5, 3))
    for dtype, rtol in ((np.complex128, 1e-12), (np.complex64, 2e-6)):
        x = a.astype(dtype)
        got, want = jitc.compile(norms, fallback="error")(x), norms(x)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=rtol)


def test_matrices_past_a_few_rows_get_o3_code():
    """Jacobi's work grows as rows * cols^2 per sweep: past tiny matrices the light pipeline would cost far more per
    call than O3's compile (codegen/tiers.py counts it)."""
    compiled = jitc.compile(norms, fallback="error")
    for shape in [(3, 3), (8, 8), (4, 12)]:
        a = _rng.standard_normal(shape)
        np.testing.assert_allclose(compiled(a), norms(a), rtol=1e-12)
    assert [i["pipeline"] for i in compiled.cache_info()] == ["light", "O3", "O3"]
