"""Differences, polynomials and signals: np.diff, np.polyval, np.sinc, np.convolve (jitc/ops/decomp/signals.py)."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

import jitc

F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_

ONE = [(signed((3, 5), F32),), (signed((3, 5), F64),), (signed((3, 5), I32),), (noncontig((3, 5), F64),),
       (signed((3, 5), B),)]
VECTORS = [(signed((9,), F32), signed((4,), F32)), (signed((9,), F64), signed((4,), F64)),
           (signed((3,), F64), signed((8,), F64)), (signed((7,), I32), signed((3,), I32)),
           (signed((6,), F32), signed((6,), F64)), (signed((5,), I64), signed((2,), F32)),
           (noncontig((8,), F32), signed((1,), F32))]

SAMPLES = (
    samples(["np.diff(x)", "np.diff(x, axis=0)", "np.diff(x, n=2)", "np.diff(x, 3, axis=-1)", "np.diff(x, n=0)",
             "np.diff(x, prepend=x[:, :1])", "np.diff(x, append=x[:, -2:], axis=1)", "np.diff(x, axis=0, prepend=0)",
             "np.diff(x, n=2, prepend=1.5, append=x[:, :1])", "np.diff(x[0])"], *ONE)
    + samples(["np.sinc(x)", "np.sinc(x - x[0, 0])"], *ONE[:4])
    + samples(["np.polyval(x, y)", "np.polyval(y, x)", "np.polyval([2.0, -1.0, 0.5], x)", "np.polyval(x, 1.5)",
               "np.convolve(x, y)", "np.convolve(x, y, 'same')", "np.convolve(x, y, mode='valid')",
               "np.convolve(y, x, mode='same')", "np.convolve(x, [0.25, 0.5, 0.25], 'valid')"], *VECTORS)
    + samples(["np.polyval(x[0], y)", "np.polyval(y[:, 0], x)"], (signed((2, 3), F32), signed((3, 4), F64)))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("signals"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_signals(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])


def convolve_modes(a, v):
    return np.convolve(a, v), np.convolve(a, v, mode="same"), np.convolve(a, v, "valid")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize(("n", "m"), [(1, 1), (2, 5), (64, 9), (33, 33)])
def test_convolve_every_length_and_mode(dtype, n, m):
    rng = np.random.default_rng(n * 100 + m)
    a, v = rng.standard_normal(n).astype(dtype), rng.standard_normal(m).astype(dtype)
    tol = 2e-5 if dtype == F32 else 1e-12
    got = jitc.compile(convolve_modes, fallback="error")(a, v)
    for g, e, mode in zip(got, convolve_modes(a, v), ("full", "same", "valid")):
        assert g.dtype == e.dtype and g.shape == e.shape, mode
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol * max(n, m), err_msg=mode)


def sinc_of(x):
    return np.sinc(x)


def test_sinc_is_one_at_zero():
    x = np.array([0.0, 0.5, -0.0, 2.0], F32)
    got = jitc.compile(sinc_of, fallback="error")(x)
    assert got.dtype == F32 and got[0] == 1.0 and got[2] == 1.0
    np.testing.assert_allclose(got, np.sinc(x), rtol=1e-6)


def diff_zero(x):
    return np.diff(x, n=0)


def test_diff_of_zero_order_is_the_argument_itself():
    x = signed((4,), F64)
    assert jitc.compile(diff_zero, fallback="error")(x) is x


def diff_negative(x):
    return np.diff(x, n=-1)


def diff_scalar(x):
    return np.diff(x[0])


def diff_axis2(x):
    return np.diff(x, axis=2)


def convolve_empty(x):
    return np.convolve(x, x[:0])


def convolve_circular(x):
    return np.convolve(x, x, mode="circular")


def convolve_2d(x):
    return np.convolve(x, x)


@pytest.mark.parametrize(("fn", "shape", "match"), [
    (diff_negative, (4,), "non-negative"), (diff_scalar, (4,), "at least one dimensional"),
    (diff_axis2, (2, 3), "out of bounds"), (convolve_empty, (4,), "cannot be empty"),
    (convolve_circular, (4,), "mode"), (convolve_2d, (2, 2), "1-D"),
])
def test_bad_arguments_are_refused_with_numpys_reason(fn, shape, match):
    """NumPy raises ValueError; jitc names the same problem and the user's line (a ShapeError, a ValueError,
    when the shapes tell at specialization; the refusal to compile when the arguments already do)."""
    x = signed(shape)
    with pytest.raises(ValueError):
        fn(x)
    with pytest.raises(jitc.JitcError, match=match) as info:
        jitc.compile(fn, fallback="error")(x)
    assert "test_decomp_signals.py" in str(info.value)
