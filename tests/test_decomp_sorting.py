"""Sorting: np.sort, np.argsort, `.argsort()`, np.median over the stable merge-sort kernel (codegen/sort.py)."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

import jitc

F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_


def distinct(shape, dtype):
    """Values without ties (argsort's order of equal keys is NumPy's kind='stable' only)."""
    values = np.random.default_rng(3).permutation(int(np.prod(shape))).reshape(shape) - 7
    return values.astype(dtype)


def with_nans(shape):
    x = signed(shape, F64)
    x.flat[::4] = np.nan
    return x


ANY = [(signed((4, 5), F32),), (signed((4, 5), F64),), (signed((4, 5), I32),), (signed((4, 5), B),),
       (noncontig((4, 5), F64),), (with_nans((4, 5)),), (signed((2, 3, 4), F32),)]
DISTINCT = [(distinct((4, 5), F32),), (distinct((4, 5), I64),), (distinct((2, 3, 4), F64),)]

SAMPLES = (
    samples(["np.sort(x)", "np.sort(x, axis=0)", "np.sort(x, axis=None)", "np.sort(x, kind='stable')",
             "np.median(x)", "np.median(x, axis=0)", "np.median(x, axis=-1, keepdims=True)",
             "np.median(x, keepdims=True)", "np.argsort(x, kind='stable')", "np.argsort(x, axis=0, kind='stable')",
             "np.median(x[:, :4], axis=1)"], *ANY)
    + samples(["np.argsort(x)", "x.argsort()", "x.argsort(axis=0)", "np.argsort(x, axis=None)",
               "np.argsort(-x, axis=-1)[:2]", "np.argsort(x[0, 0])",
               "np.argsort(x[0, 0], axis=None)"], *DISTINCT)
    + samples(["np.sort(x)", "np.argsort(x)", "np.median(x)"], (signed((1,), F64),), (signed((37,), F32),),
              (distinct((64,), F64),))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("sorting"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_sorting(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])


def stable_order(x):
    return np.argsort(x, kind="stable"), np.argsort(x)


@pytest.mark.parametrize("n", [5, 16, 17, 100])
def test_equal_keys_keep_their_order(n):
    x = np.random.default_rng(n).integers(0, 3, n)
    stable, default = jitc.compile(stable_order, fallback="error")(x)
    np.testing.assert_array_equal(stable, np.argsort(x, kind="stable"))
    np.testing.assert_array_equal(default, stable)  # every kind is the stable order (NumPy's default: any order)
    np.testing.assert_array_equal(x[default], np.sort(x))


def sorted_rows(x):
    return np.sort(x, axis=1)


def test_dynamic_lengths_compile_once():
    cf = jitc.compile(sorted_rows, fallback="error")
    for n in (3, 8, 33, 65, 9):
        x = np.random.default_rng(n).standard_normal((2, n))
        np.testing.assert_array_equal(cf(x), sorted_rows(x))


def sort_bad_kind(x):
    return np.sort(x, kind="bubble")


def sort_scalar(x):
    return np.sort(x[0], axis=0), np.argsort(x[0], axis=1)


@pytest.mark.parametrize(("fn", "match"), [(sort_bad_kind, "kind"), (sort_scalar, "out of bounds")])
def test_bad_arguments_are_refused_with_numpys_reason(fn, match):
    x = signed((3,), F64)
    with pytest.raises((ValueError, np.exceptions.AxisError)):
        fn(x)
    with pytest.raises(jitc.JitcError, match=match):
        jitc.compile(fn, fallback="error")(x)
