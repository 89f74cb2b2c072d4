"""Our GEMM (codegen/gemm.py) in process: products too small for a BLAS call and batched ones. Edge tiles (rows
past m, a partial last strip), w read in place or copied (transposed), broadcast batch dims, fused epilogues."""
from __future__ import annotations

import numpy as np
import pytest

import jitc

pytestmark = pytest.mark.filterwarnings("error::jitc.FallbackWarning")
TOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-12}


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("JITC_CACHE", "0")


def _layouts(a, b):
    """Row-major operands, w with contiguous columns (a transposed copy), a in column-major order."""
    yield a, b
    yield a, np.ascontiguousarray(np.swapaxes(b, -1, -2)).swapaxes(-1, -2)
    if a.ndim == 2:
        yield np.asfortranarray(a), b


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sa, sb", [((37, 41), (41, 53)), ((1, 100), (100, 70)), ((9, 33), (33, 33)),
                                    ((20, 20), (20, 17)), ((3, 64, 48), (3, 48, 64)), ((6, 64, 64), (6, 64, 48)),
                                    ((2, 1, 30, 20), (3, 20, 40)), ((30, 20), (4, 20, 40))])
def test_products_match_numpy(dtype, sa, sb):
    rng = np.random.default_rng(len(sa) + sa[-1])
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    fn = jitc.compile(lambda x, y: x @ y)
    tol = TOL[np.dtype(dtype)]
    for x, y in _layouts(a, b):
        got = fn(x, y)
        assert got.dtype == (x @ y).dtype
        np.testing.assert_allclose(got, x @ y, rtol=tol, atol=tol * sa[-1])
    epilogue = jitc.compile(lambda x, y, c: np.maximum(x @ y + c, 0))
    c = rng.standard_normal(sb[-1]).astype(dtype)
    np.testing.assert_allclose(epilogue(a, b, c), np.maximum(a @ b + c, 0), rtol=tol, atol=tol * sa[-1])


def test_the_micro_kernel_is_vector_fma():
    a, b = np.ones((6, 64, 48), np.float32), np.ones((6, 48, 64), np.float32)
    fn = jitc.compile(lambda x, y: x @ y)
    fn(a, b)
    text = fn.inspect_llvm(a, b)
    assert "llvm.fma.v16f32" in text and "zmm" in fn.inspect_asm(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sa, sb", [((64, 288), (288, 288)), ((40, 100), (100, 150)), ((3, 64, 48), (3, 48, 40)),
                                    ((7, 33, 64), (7, 64, 96)), ((64, 256), (256, 10))])
def test_products_split_across_threads_match_numpy(monkeypatch, dtype, sa, sb):
    """Products large enough for the pool, with (batch, strip) counts that do not divide among 2 threads: the
    work items then include blocks of row tiles, each its own chunk."""
    monkeypatch.setenv("JITC_NUM_THREADS", "2")
    rng = np.random.default_rng(sa[-1] + sb[-1])
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    c = rng.standard_normal(sb[-1]).astype(dtype)
    fn = jitc.compile(lambda x, y, c: np.maximum(x @ y + c, 0))
    tol = TOL[np.dtype(dtype)]
    for x, y in _layouts(a, b):
        np.testing.assert_allclose(fn(x, y, c), np.maximum(x @ y + c, 0), rtol=tol, atol=tol * sa[-1])


@pytest.mark.parametrize("dtype, n, narrow", [(np.float32, 48, True), (np.float32, 64, False), (np.float32, 56, False),
                                              (np.float64, 20, True), (np.float64, 32, False)])
def test_a_last_strip_of_one_vector_runs_a_one_vector_kernel(dtype, n, narrow):
    """n % (2 vectors) within one vector (a head of 48 float32): that strip's tiles skip the padding's FMAs."""
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal((64, 40)).astype(dtype), rng.standard_normal((40, n)).astype(dtype)
    fn = jitc.compile(lambda x, y: x @ y)
    np.testing.assert_allclose(fn(a, b), a @ b, rtol=TOL[np.dtype(dtype)], atol=TOL[np.dtype(dtype)] * 40)
    assert ("x1." in fn.inspect_llvm(a, b)) == narrow
