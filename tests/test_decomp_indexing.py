"""Integer-array indexing reads: x[idx], x[:, [0, 2]], x[i, j], np.take, np.take_along_axis, emb[ids]; bounds
checked with NumPy's IndexError; boolean masks rejected with a clear error."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

import jitc

F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_
IDS = np.array([2, 0, 3, 3, -1], dtype=np.int64)
IDS32 = np.array([[1, 0], [2, -3]], dtype=np.int32)

SAMPLES = (
    samples(["x[y]", "np.take(x, y, axis=0)", "x.take(y, axis=-1)", "np.take(x, y)", "x[:, y]", "x[1:, y]",
             "x[y, 1:3]", "x[..., y]", "x[y][:, None]"], (signed((4, 5), F32), IDS), (signed((4, 5), I64), IDS),
            (noncontig((4, 5), F64), IDS32), (signed((4, 5), B), IDS32))
    + samples(["x[:, [0, 2]]", "x[[1, 0, 1]]", "x[[0, -1], 1:]", "x[1, [0, 2]]", "x[[0, 2], 1]",
               "x[:, [-1], :]", "x[[0, 1], [1, 2]]", "x[[[0], [1]], [1, 2]]", "x[0][[2, 1]]"],
              (signed((3, 4, 2), F32),), (signed((3, 4, 2), I32),))
    + samples(["x[y, z]", "x[y[:, None], z]", "np.take_along_axis(x, y[:, :1], axis=0)"],
              (signed((4, 5), F64), np.array([[0, 3], [2, 1]]), np.array([[4, 0], [-1, 2]])))
    + samples(["np.take_along_axis(x, np.argsort(x, axis=1)[:, :2] if False else y, axis=1)",
               "np.take_along_axis(x, y, axis=-1)", "np.take_along_axis(x, y[:1], axis=1)"],
              (signed((3, 4), F32), np.array([[3, 0], [1, 1], [-1, 2]])))
    + samples(["x[y]"], (signed((10, 4), F32), np.array([[1, 2, 9], [0, 0, 5]], dtype=np.int64)),
              (signed((6,), F64), np.zeros((0,), np.int64)))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("indexing"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_indexing(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])


def gather(x, idx):
    return x[idx]


def gather_pair(x, i, j):
    return x[i, j]


@pytest.mark.parametrize("bad", [np.array([0, 4]), np.array([-5, 1]), np.array([[1], [7]])])
def test_index_out_of_range_raises_index_error(bad):
    x = signed((4, 3), F64)
    with pytest.raises(IndexError):
        gather(x, bad)
    for compiled in (jitc.script(gather), jitc.compile(gather, fallback="error")):
        with pytest.raises(IndexError):
            compiled(x, bad)
    np.testing.assert_array_equal(jitc.script(gather)(x, np.array([3, -4])), x[[3, -4]])  # still works after


def test_each_index_of_a_pair_is_checked():
    x, i, j = signed((3, 4), F64), np.array([1, 0]), np.array([4, 0])  # i * 4 + j would be in range
    with pytest.raises(IndexError):
        jitc.script(gather_pair)(x, i, j)


def mask_read(x):
    return x[x > 0]


def test_boolean_mask_reads_are_rejected_with_a_clear_error():
    x = signed((3, 4), F64)
    with pytest.raises(jitc.JitcError, match="boolean mask"):
        jitc.trace(mask_read, (x,))


def pick_by_data(E, obs):
    """Indices read from data in a loop: a 0-d int array as an int index, next to an int value and in a list."""
    out = E[:, obs[0]]
    for t in range(1, obs.shape[0]):
        out = out + E[:, obs[t]] + E[t, obs[t]]
        E[[t, obs[t]]] = E[[obs[t], t]]  # swap two rows, as pivoting does
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_indices_read_from_data_index_like_numpy(rng, dtype):
    E = (rng.standard_normal((6, 6)) * 10).astype(dtype)
    cf = jitc.compile(pick_by_data, fallback="error")
    for obs in (np.array([1, 3, 5, 0]), np.array([1, -3, 5, -6], np.int32), np.array([2])):
        mine, ref = E.copy(), E.copy()
        got, want = cf(mine, obs), pick_by_data(ref, obs)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6)
        np.testing.assert_array_equal(mine, ref)
    with pytest.raises(IndexError, match="out of bounds"):
        cf(E.copy(), np.array([1, 6]))
