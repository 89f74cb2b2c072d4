"""Ufunc decompositions (np.angle, np.divmod, np.<ufunc>.outer/.reduce/.accumulate, x.item(), allclose,
array_equal, isreal, iscomplex, positive) and complex samples
of the reductions and products written over the primitives (norm, var, vdot, dot, mean): eager == traced ==
scripted == compiled (decomp_check.check); x.item() scripted and compiled (a trace bakes it, with a warning)."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

C64, C128, F32, F64, I32, I8, B = np.complex64, np.complex128, np.float32, np.float64, np.int32, np.int8, np.bool_

COMPLEX = [(signed((3, 4), C64),), (signed((3, 4), C128),), (noncontig((3, 4), C64),)]
MATRICES = [(signed((3, 4), F32),), (noncontig((3, 4), F64),), (signed((3, 4), I32),), (signed((2, 3, 4), I8),),
            (signed((3, 4), B),)]
PAIRS = [(signed(3, F32), signed((2, 2), F64)), (signed(4, I32), noncontig((2, 3), I32)), (signed(3, B), signed(2, B)),
         (signed((0, 2), F32), signed(3, F32)), (np.asarray(signed((), F64)), signed(2, F32))]
UFUNCS = ("add", "multiply", "maximum", "minimum")
WITH_NAN = signed((2, 3), F64)
WITH_NAN[1, 1] = np.nan

SAMPLES = (
    samples(["np.angle(x)", "np.angle(x, deg=True)", "np.angle(x * 1j + 1)"], *COMPLEX, (signed((3, 4), F32),),
            (signed((3, 4), I32),))
    + samples(["np.linalg.norm(x)", "np.linalg.norm(x, axis=1)", "np.linalg.norm(x, 'fro')", "np.var(x)",
               "x.std(axis=0, ddof=1)", "np.vdot(x, x)", "np.dot(x, x.T)", "x.mean(axis=-1)", "np.sum(x, axis=0)",
               "np.real(x).var()", "np.abs(x).max()"], *COMPLEX)
    + samples(["np.vdot(x, y)", "np.outer(x, y)", "np.inner(x, y)"], (signed(4, C128), signed(4, F64)),
              (signed(4, F32), signed(4, C64)))
    + samples([f"np.{u}.outer(x, y)" for u in UFUNCS], *PAIRS)
    + samples(["np.add.outer(x, 2.5)", "np.maximum.outer(x, x)"], (signed((2, 3), F32),), (signed(3, I8),))
    + samples(["np.add.reduce(x)", "np.add.reduce(x, axis=1)", "np.multiply.reduce(x, axis=-1, keepdims=True)",
               "np.maximum.reduce(x, axis=None)", "np.minimum.reduce(x, axis=(0, 1))", "np.maximum.reduce(x)",
               "np.add.reduce(x, axis=0, dtype=np.float64)", "np.multiply.reduce(x, dtype=np.int32)",
               "np.add.accumulate(x)", "np.multiply.accumulate(x, axis=1)", "np.add.accumulate(x, axis=-1, dtype=np.float64)",
               "np.minimum.reduce(x, axis=-1)", "np.divmod(x, 3)", "np.divmod(x, x.T[:1].T)"],
              *MATRICES)
    + samples(["np.allclose(x, y)", "np.allclose(x, y * (1 + 1e-6), rtol=1e-3)", "np.array_equal(x, y)",
               "np.array_equal(x, x)", "np.array_equal(x, y[:1])", "np.isreal(x)", "np.iscomplex(y)",
               "np.isreal(x * 1j)", "np.allclose(x, x + 1, atol=2, equal_nan=True)", "np.positive(x) - y"],
              (signed((3, 4), F32), signed((3, 4), F32)), (signed((2, 3), C128), signed((2, 3), C128)),
              (signed((3, 4), I32), signed((1, 4), I32)))
    + samples(["np.array_equal(x, y, equal_nan=True)", "np.array_equal(x, y)", "np.allclose(x, y, equal_nan=True)",
               "np.isreal(x)"], (WITH_NAN, WITH_NAN.copy()))
    + samples(["np.add.accumulate(x, axis=None)", "np.divmod(x, 0.75)", "np.add.reduce(x, axis=0)"],
              (signed(5, F32),), (signed((0,), F64),))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("decomp_ufuncs"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_sample(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])


def item_of(x, y):
    return x * x[0, 1].item() + y.sum().item(), (y[:1] > 0).item(), x.astype(np.int32)[1, 1].item() // 2


@pytest.mark.parametrize("dtype", [F32, F64, I32])
def test_item_is_a_python_scalar(dtype):
    import warnings

    import jitc

    x, y = signed((3, 4), dtype), signed(1, F64)
    expected = item_of(x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", jitc.FallbackWarning)
        for fn in (jitc.script(item_of), jitc.compile(item_of)):
            got = fn(x, y)
            assert [type(g) for g in got[1:]] == [bool, int]
            assert got[1:] == expected[1:]
            np.testing.assert_allclose(got[0], expected[0], rtol=1e-6)
            assert got[0].dtype == expected[0].dtype
    assert "aten::Float" in str(jitc.script(item_of).graph_for(x, y))
    with pytest.warns(jitc.TracerWarning, match=r"\.item\(\)"):
        jitc.trace(item_of, (x, y))


def test_item_of_more_than_one_element_is_numpys_error():
    import jitc

    def bad(x):
        return x.item()

    with pytest.raises(jitc.ShapeError, match="size 1") as info:
        jitc.compile(bad, fallback="error")(signed((2,), F64))
    assert isinstance(info.value, ValueError) and "test_decomp_ufuncs.py" in str(info.value)
