"""Integer-array indexing reads: x[idx], x[:, [0, 2]], x[i, j], np.take, np.take_along_axis, emb[ids]; bounds
checked with NumPy's IndexError. Boolean mask reads (x[mask], rows, x[:, mask]) and the functions over them
(np.nonzero, np.flatnonzero, np.argwhere, np.extract), whose result length the data sets."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import assert_same, check, functions, noncontig, samples, signed

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
MASKS = (  # y: a random boolean mask of x's shape
    samples(["x[y]", "x[x > 0]", "x[x > 0] * 2 + 1", "np.sum(x[y], axis=0)", "x[y].shape[0]", "np.extract(y, x)",
             "np.extract(x, y)", "np.flatnonzero(x > 0)", "np.nonzero(y)", "y.nonzero()", "np.argwhere(x > 0)",
             "x[np.nonzero(y)] + 1", "np.nonzero(x > 0)[1] * x[x > 0]", "x[y][::-1]", "x.T[y.T]", "np.where(y)",
             "np.where(x > 0)[1] + x[y].size", "x[np.where(y)] * x[y].size", "np.where(y, x, 0)"],
            (signed((4, 5), F32), signed((4, 5), B)), (signed((4, 5), I32), signed((4, 5), B)),
            (noncontig((4, 5), F64), noncontig((4, 5), B)), (signed((4, 5), B), signed((4, 5), B)),
            (signed((0, 5), F64), signed((0, 5), B)))
    + samples(["x[y]", "x[y[:, 0]]", "x[:, y[0]]", "x[y[:, 0], 1:]", "x[1:, y[1]]", "x[y[:, 0]][:, 0]",
               "x[y[:, 0], :, 1]", "np.argwhere(y)", "x[y] - x[y].mean(axis=0)"],
              (signed((3, 4, 2), F32), signed((3, 4), B)), (noncontig((3, 4, 2), I64), signed((3, 4), B)))
    + samples(["x[x > 0]", "x[y]", "np.flatnonzero(x)"], (signed((), F64), np.array(True)),
              (signed((), I32) * 0, np.array(False)))
    + samples(["x[x > 1]", "np.nonzero(x > 1)", "np.extract(x > 1, x)", "x[[True, False, True, True]]",
               "x[np.where(x > 1)[0]].size > 0"],
              (signed((4,), I64),), (noncontig((4,), F32),))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("indexing"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_indexing(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])


@pytest.fixture(scope="module")
def mask_fns(tmp_path_factory):
    return functions(MASKS, tmp_path_factory.mktemp("masks"))


@pytest.mark.parametrize("sample", MASKS, ids=lambda s: s.id)
def test_boolean_mask_reads(sample, mask_fns):
    check(sample, mask_fns[(sample.expr, len(sample.inputs))])


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


def mask_read(x, mask):
    return x[mask]


def largest_selected(x):
    return x[x > 0].max(), np.argmin(x[x > 0])


@pytest.mark.parametrize("shape", [(3, 5), (4, 4)])
def test_a_mask_of_another_shape_raises_index_error(shape):
    x, mask = signed((3, 4), F64), signed(shape, B)
    with pytest.raises(IndexError):
        mask_read(x, mask)
    with pytest.raises(IndexError):
        jitc.trace(mask_read, (x, mask))
    for compiled in (jitc.script(mask_read), jitc.compile(mask_read, fallback="error")):
        with pytest.raises(IndexError):
            compiled(x, mask)


def test_max_of_an_empty_selection_raises_value_error():
    x = signed((3, 4), F32)
    for compiled in (jitc.script(largest_selected), jitc.compile(largest_selected, fallback="error")):
        assert_same(compiled(x), largest_selected(x), "some selected")
        with pytest.raises(ValueError, match="zero-size array"):
            compiled(-np.abs(x))


def test_selections_follow_the_data_across_calls_and_dynamic_shapes():
    """One specialization serves every count; a symbolic batch (dynamic=True) as well; a returned selection owns
    its memory, as NumPy's does."""
    compiled = jitc.compile(mask_read, fallback="error", dynamic=True)
    for n in (3, 6, 9):
        x = signed((n, 4), F32)
        for mask in (x > 0, np.zeros_like(x, bool), np.ones_like(x, bool)):
            got = compiled(x, mask)
            assert_same(got, x[mask], f"n={n}")
            assert got.base is None and got.flags.owndata
    assert len(compiled.cache_info()) <= 2


def test_an_exported_function_may_select_but_not_return_a_selection(tmp_path):
    x = signed((3, 4), F32)
    with pytest.raises(jitc.JitcError, match="depends on the data"):
        jitc.export(jitc.trace(mask_read, (x, x > 0)), (x, x > 0), tmp_path / "masked")


def segment_sums(p, a):
    total = 0.0
    for i in range(p.size - 1):
        total = total + len(a[p[i]:p[i + 1]]) * 10 + a[p[i]:p[i + 1]].sum()
    return total


def runtime_slices(p, a):
    return a[p[0]:p[1]] * 2, a[p[2]:], a[:p[3]], a[-p[1]:p[0]], a[p[0]:p[1]] @ a[p[0]:p[1]]


@pytest.mark.parametrize("p", [[0, 3, 3, 7, 9], [2, 1, -3, 20, 0], [-20, 30, 0, -1, 5]])
def test_slice_bounds_read_from_an_int_array(p):
    """`a[p[i]:p[i + 1]]` (CSR rows): bounds known only at run time, clamped as Python does, with a length the
    code computes; slices with the same bounds line up (their product)."""
    p, a = np.array(p, dtype=np.int64), signed((10,), F64)
    for fn in (segment_sums, runtime_slices):
        for compiled in (jitc.script(fn), jitc.compile(fn, fallback="error")):
            assert_same(compiled(p, a), fn(p, a), fn.__name__)
    with pytest.raises(TypeError):
        jitc.script(runtime_slices)(p.astype(F64), a)


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
