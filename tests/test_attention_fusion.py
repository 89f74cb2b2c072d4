"""Attention fusion (jitc/passes/attnfuse.py, codegen/attention.py): `rows(q @ k.T) @ v` is one FusionGroup, one
kernel, whose results equal NumPy's across shapes (edge tiles, narrow strips, one query row), layouts (transposed
and strided views, broadcast batches), row groups (softmax, masked and scaled, a normalization) and dtypes, on one
thread or two, with the right operands laid out inside the items or by a first pass."""
from __future__ import annotations

import re

import numpy as np
import pytest

import jitc

pytestmark = pytest.mark.filterwarnings("error::jitc.FallbackWarning")
ATTENTION_KERNEL = r'define internal void @"?attention\.\d'
TOL = {np.dtype(np.float32): (1e-4, 1e-5), np.dtype(np.float64): (1e-10, 1e-12)}


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("JITC_CACHE", "0")


def softmax_attention(q, k, v):
    s = q @ np.swapaxes(k, -1, -2) * q.shape[-1] ** -0.5
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True) @ v


def masked_attention(q, k, v, mask, scale):
    s = (q @ np.swapaxes(k, -1, -2)) * scale + mask
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True) @ v


def normalized_scores(q, k, v):
    s = q @ np.swapaxes(k, -1, -2)
    d = s - s.mean(axis=-1, keepdims=True)
    return d / np.sqrt((d * d).mean(axis=-1, keepdims=True) + 1e-5) @ v


def multi_head(x, wq, wk, wv, heads):
    """The benchmark's block without the output projection: q, k, v are transposed views of projections."""
    t, e = x.shape
    q, k, v = ((x @ w).reshape(t, heads, e // heads).transpose(1, 0, 2) for w in (wq, wk, wv))
    s = q @ k.transpose(0, 2, 1) * (e // heads) ** -0.5
    e_ = np.exp(s - s.max(axis=-1, keepdims=True))
    return (e_ / e_.sum(axis=-1, keepdims=True) @ v).transpose(1, 0, 2).reshape(t, e)


def _check(fn, args, dtype):
    got, want = jitc.compile(fn)(*args), fn(*args)
    assert got.dtype == want.dtype and got.shape == want.shape
    rtol, atol = TOL[np.dtype(dtype)]
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def _has_attention_kernel(fn, args) -> bool:
    """Whether lowering the specialized graph emits the fused kernel (its unoptimized IR names it)."""
    from codegen.lower import lower

    return re.search(ATTENTION_KERNEL, lower(jitc.compile(fn).graph_for(*args))[1]) is not None


def _top_level_kinds(fn, args) -> list[str]:
    graph = jitc.compile(fn).graph_for(*args)
    return [n.kind for n in graph.nodes() if n.kind != "prim::Constant"]


# (batch, M, K, N, D): edge tiles (M % 8), partial and narrow strips of N and D, one query row, no batch
SHAPES = [((2, 3), 16, 8, 16, 8), ((4,), 13, 5, 37, 12), ((), 40, 24, 70, 20), ((3,), 1, 16, 33, 48),
          ((2,), 64, 48, 64, 48), ((), 200, 16, 300, 16)]


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch, m, k, n, d", SHAPES)
def test_softmax_attention_matches_numpy(monkeypatch, threads, dtype, batch, m, k, n, d):
    monkeypatch.setenv("JITC_NUM_THREADS", threads)
    rng = np.random.default_rng(m * n + d)
    q, kk, v = (rng.standard_normal(batch + s).astype(dtype) for s in ((m, k), (n, k), (n, d)))
    _check(softmax_attention, (q, kk, v), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [29, 32])
def test_operand_layouts(dtype, n):
    """q transposed, k given as k.T's contiguous copy (rows of b contiguous: read in place when its strips are
    whole), v in Fortran order and strided."""
    rng = np.random.default_rng(7)
    q = np.swapaxes(rng.standard_normal((3, 20, 17)).astype(dtype), -1, -2)  # (3, 17, 20), columns apart
    kt = rng.standard_normal((3, 20, n)).astype(dtype)
    v_f = np.asfortranarray(rng.standard_normal((n, 11)).astype(dtype))  # one v for every batch
    v_s = rng.standard_normal((3, 2 * n, 22)).astype(dtype)[:, ::2, ::2]

    def with_kt(q, kt, v):
        s = q @ kt
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True) @ v

    for args in ((q, kt, v_f), (q, kt, v_s), (q[0], kt, v_s)):  # the last: one q for every batch
        _check(with_kt, args, dtype)
        assert _top_level_kinds(with_kt, args) == ["prim::FusionGroup"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_masked_scaled_and_other_row_groups(dtype):
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal((2, 24, 16)).astype(dtype) for _ in range(3))
    mask = np.where(np.tril(np.ones((24, 24))) > 0, 0.0, -1e9).astype(dtype)  # causal: broadcast over batches
    _check(masked_attention, (q, k, v, mask, 0.25), dtype)
    _check(normalized_scores, (q, k, v), dtype)
    for fn, args in ((masked_attention, (q, k, v, mask, 0.25)), (normalized_scores, (q, k, v))):
        kinds = _top_level_kinds(fn, args)
        assert kinds.count("prim::FusionGroup") == 1 and "aten::matmul" not in kinds


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multi_head_block_is_one_fused_group(dtype):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((32, 48)).astype(dtype)
    ws = [(rng.standard_normal((48, 48)) / 7).astype(dtype) for _ in range(3)]
    _check(lambda x, a, b, c: multi_head(x, a, b, c, 4), (x, *ws), dtype)
    graph = jitc.compile(lambda x, a, b, c: multi_head(x, a, b, c, 4)).graph_for(x, *ws)
    groups = [n for n in graph.nodes() if n.kind == "prim::FusionGroup"]
    assert len(groups) == 1
    inner = [n.kind for n in groups[0].attrs["subgraph"].block.nodes if n.kind != "prim::Constant"]
    assert inner == ["aten::matmul", "prim::FusionGroup", "aten::matmul"]
    text = str(graph)  # the nested row group is numbered after the attention group, and printed after it
    assert text.count("with prim::FusionGroup_0 = ") == 1 and text.count("with prim::FusionGroup_1 = ") == 1
    assert _has_attention_kernel(lambda x, a, b, c: multi_head(x, a, b, c, 4), (x, *ws))


def test_scores_used_elsewhere_are_not_fused():
    """The probabilities are also returned: they must be materialized, so the products stay separate."""
    rng = np.random.default_rng(5)
    q, k, v = (rng.standard_normal((2, 16, 8)).astype(np.float32) for _ in range(3))

    def both(q, k, v):
        s = q @ k.transpose(0, 2, 1)
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        p = e / e.sum(axis=-1, keepdims=True)
        return p @ v, p

    got, want = jitc.compile(both)(q, k, v), both(q, k, v)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)
    assert _top_level_kinds(both, (q, k, v)).count("aten::matmul") == 2


def test_products_large_enough_for_blas_run_one_after_another():
    """A 2-D attention whose scores product (512 x 512 x 128) goes to BLAS: the group's nodes are lowered one by
    one (BLAS, the row kernel, BLAS), with the same results."""
    rng = np.random.default_rng(9)
    q, k = (rng.standard_normal((512, 128)).astype(np.float32) for _ in range(2))
    v = rng.standard_normal((512, 64)).astype(np.float32)
    _check(softmax_attention, (q, k, v), np.float32)
    assert not _has_attention_kernel(softmax_attention, (q, k, v))


@pytest.mark.parametrize("axes", [(1, 0, 2), (0, 2, 1), (2, 1, 0)])
def test_output_read_through_a_transpose(axes):
    """A transpose keeping the last axis last gets the output written in its order (the view is then dense);
    others read the plain layout. Returned as is or reshaped, the values are NumPy's."""
    rng = np.random.default_rng(13)
    q, k, v = (rng.standard_normal((3, 10, 8)).astype(np.float32) for _ in range(3))

    def transposed(q, k, v):
        return softmax_attention(q, k, v).transpose(axes)

    def reshaped(q, k, v):
        return softmax_attention(q, k, v).transpose(axes).reshape(-1, 24) + 1.0

    _check(transposed, (q, k, v), np.float32)
    _check(reshaped, (q, k, v), np.float32)
