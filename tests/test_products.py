"""Matrix-vector products through the gemv kernel (sizes, threaded when large, layouts, dtypes, fused epilogues) and
small products whose right operand has contiguous columns (packed before the product)."""
from __future__ import annotations

import numpy as np
import pytest

import jitc

pytestmark = pytest.mark.filterwarnings("error::jitc.FallbackWarning")


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("JITC_CACHE", "0")


def _bound(a, x, out_dtype):
    """|error| allowed for dot products of length k in any summation order."""
    k = a.shape[-1]
    return 2 * k * np.finfo(out_dtype).eps * (np.abs(a).astype(np.float64) @ np.abs(x).astype(np.float64)) + 1e-30


@pytest.mark.parametrize("m, k", [(1, 1), (7, 3), (5, 9), (100, 100), (300, 700), (1001, 300)])
@pytest.mark.parametrize("dtypes", [(np.float32, np.float32), (np.float64, np.float64), (np.float32, np.float64)])
def test_matvec_matches_numpy(m, k, dtypes):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(dtypes[0])
    x = rng.standard_normal(k).astype(dtypes[1])
    fn = jitc.compile(lambda a, x: a @ x)
    layouts = [(a, x), (np.asfortranarray(a), x), (a, np.repeat(x, 2)[::2]), (a, x[:, None])]
    for aa, xx in layouts:
        got, expected = fn(aa, xx), aa @ xx
        assert got.dtype == expected.dtype and got.shape == expected.shape
        assert np.all(np.abs(got - expected) <= _bound(aa, xx, expected.dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matvec_of_symbolic_sizes_matches_numpy(monkeypatch, dtype):
    """Rows in blocks of four and the rest one by one, over the threads' chunks, for sizes known only at run time."""
    monkeypatch.setenv("JITC_NUM_THREADS", "2")
    rng = np.random.default_rng(2)
    fn = jitc.compile(lambda a, x: a @ x + 1.0, dynamic=True)
    for m, k in [(3, 5), (9, 17), (1003, 301), (64, 2500)]:
        a, x = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal(k).astype(dtype)
        for aa in (a, np.asfortranarray(a)):
            got, expected = fn(aa, x), aa @ x + 1.0
            assert got.dtype == expected.dtype and got.shape == expected.shape
            assert np.all(np.abs(got - expected) <= _bound(aa, x, expected.dtype) + np.finfo(dtype).eps * 4)


def test_matvec_epilogue_stays_fused():
    rng = np.random.default_rng(1)
    a, x, b = rng.standard_normal((200, 64)), rng.standard_normal(64), rng.standard_normal(200)
    fn = jitc.compile(lambda a, x, b: np.tanh(a @ x + b))
    np.testing.assert_allclose(fn(a, x, b), np.tanh(a @ x + b), rtol=1e-12, atol=1e-12)
    top = str(fn.graph_for(a, x, b)).split("with prim::FusionGroup")[0]
    assert "aten::matmul" not in top and top.count("prim::FusionGroup") == 1, "the product is not in the group"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shapes", [((6, 64, 48), (6, 64, 48)), ((3, 5), (4, 5)), ((2, 7, 300), (2, 9, 300))])
def test_products_with_a_transposed_right_operand(dtype, shapes):
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal(s).astype(dtype) for s in shapes)
    f = (lambda a, b: a @ b.T) if a.ndim == 2 else (lambda a, b: a @ b.transpose(0, 2, 1))
    got, expected = jitc.compile(f)(a, b), f(a, b)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.all(np.abs(got - expected) <= _bound(a, np.swapaxes(b, -1, -2), expected.dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_vector_products_with_epilogues(dtype):
    rng = np.random.default_rng(3)
    a = (rng.standard_normal((40, 30)) * 4).astype(dtype)
    x, y = (rng.standard_normal(30) * 4).astype(dtype), (rng.standard_normal(40) * 4).astype(dtype)
    for f, args in (((lambda a, x: np.maximum(a @ x, 0) * 2), (a, x)), ((lambda y, a: y @ a - 1), (y, a))):
        got, expected = jitc.compile(f)(*args), f(*args)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["contiguous", "transposed_w", "strided_batch", "size1_batch", "sliced_rows"])
def test_batched_products_with_one_matrix(dtype, layout):
    """x (B, L, D) @ W (D, H) runs as one (B*L, D) @ (D, H) product when the batches stack as rows; layouts whose
    batches do not (a strided batch, rows of a slice) keep the batched loop; both give NumPy's answer."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 64)).astype(dtype)
    w = rng.standard_normal((64, 128)).astype(dtype)
    if layout == "transposed_w":
        w = np.ascontiguousarray(w.T).T
    elif layout == "strided_batch":
        x = rng.standard_normal((4, 3, 64)).astype(dtype)[::2]
    elif layout == "size1_batch":
        x = rng.standard_normal((2, 1, 3, 64)).astype(dtype)
    elif layout == "sliced_rows":
        x = rng.standard_normal((2, 5, 64)).astype(dtype)[:, 1:4]
    got, expected = jitc.compile(lambda x, w: x @ w)(x, w), x @ w
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.all(np.abs(got - expected) <= _bound(x, w, expected.dtype))
