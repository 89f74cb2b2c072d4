"""Row-wise fusion: softmax, log-softmax, layernorm, RMSNorm and logsumexp each become one FusionGroup (one row
kernel) whose results equal NumPy's across shapes, layouts and dtypes, threaded or not."""
from __future__ import annotations

import re

import numpy as np
import pytest

import jitc
from jitc.nn import functional as F

pytestmark = pytest.mark.filterwarnings("error::jitc.FallbackWarning")
RTOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-12}


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("JITC_CACHE", "0")


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def layernorm(x, g, b):
    m = x.mean(axis=-1, keepdims=True)
    d = x - m
    return d / np.sqrt((d * d).mean(axis=-1, keepdims=True) + 1e-5) * g + b


def rmsnorm(x, g):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + 1e-6) * g


def logsumexp(x):
    m = x.max(axis=-1, keepdims=True)
    return np.log(np.exp(x - m).sum(axis=-1, keepdims=True)) + m


def softmax_and_stats(x):
    """Several outputs: the row values and per-row values (keepdims and not) of one row kernel."""
    m = x.max(axis=-1, keepdims=True)
    e = np.exp(x - m)
    s = e.sum(axis=-1)
    return e / e.sum(axis=-1, keepdims=True), m, s


def centered_over_rows(x, scale, k):
    """A 0-d array, a literal and an integer row operand in the group."""
    return (x - x.mean(axis=-1, keepdims=True)) * scale + k - 2


CASES = {"softmax": (softmax, 0), "log_softmax": (log_softmax, 0), "layernorm": (layernorm, 2),
         "rmsnorm": (rmsnorm, 1), "logsumexp": (logsumexp, 0), "nn.softmax": (lambda x: F.softmax(x), 0),
         "nn.log_softmax": (lambda x: F.log_softmax(x, axis=-1), 0)}


def _layouts(shape, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype) * 3
    yield "contiguous", x
    if len(shape) >= 2:
        yield "transposed", np.ascontiguousarray(np.swapaxes(x, -1, -2)).swapaxes(-1, -2)
        yield "strided", rng.standard_normal(shape[:-1] + (2 * shape[-1],)).astype(dtype)[..., ::2]


def _check(got, expected):
    for g, e in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else
                    (expected,)):
        g, e = np.asarray(g), np.asarray(e)
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=RTOL[e.dtype], atol=RTOL[e.dtype])


def _group_count(fn, *args) -> int:
    return len(re.findall(r"= prim::FusionGroup_\d+\(", str(fn.graph_for(*args))))


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("shape", [(3, 7), (2, 5, 33), (100,), (300, 512)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_kernels_match_numpy(name, shape, dtype):
    f, n_weights = CASES[name]
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(shape[-1]).astype(dtype) for _ in range(n_weights)]
    fn = jitc.compile(f)
    for layout, x in _layouts(shape, dtype, rng):
        args = (x, *weights)
        _check(fn(*args), f(*args))
        assert _group_count(fn, *args) == 1, f"{name} {layout}: not one row kernel\n{fn.graph_for(*args)}"


@pytest.mark.parametrize("shape", [(4, 9), (300, 512)])
def test_several_outputs_of_one_row_kernel(shape):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    fn = jitc.compile(softmax_and_stats)
    _check(fn(x), softmax_and_stats(x))
    assert _group_count(fn, x) == 1


def test_scalar_and_integer_operands():
    x = np.random.default_rng(2).standard_normal((6, 40))
    k = np.arange(40, dtype=np.int32)
    scale = np.asarray(0.5)
    fn = jitc.compile(centered_over_rows)
    _check(fn(x, scale, k), centered_over_rows(x, scale, k))
    assert _group_count(fn, x, scale, k) == 1


def test_nan_and_inf_rows_behave_like_numpy():
    x = np.random.default_rng(3).standard_normal((5, 50)).astype(np.float32)
    x[1, 7] = np.nan
    x[2, 3] = np.inf
    x[3, :] = -np.inf
    fn = jitc.compile(softmax)
    with np.errstate(all="ignore"):
        got, expected = fn(x), softmax(x)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    finite = ~np.isnan(expected)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=RTOL[np.dtype(np.float32)])


def test_reduction_of_a_row_kernel_result_stays_correct():
    """softmax(x).sum(axis=0): the column sum reads the row kernel's output (it is not merged into it)."""
    x = np.random.default_rng(4).standard_normal((20, 30))
    fn = jitc.compile(lambda a: softmax(a).sum(axis=0))
    _check(fn(x), softmax(x).sum(axis=0))


def test_a_single_reduction_is_left_to_plain_fusion():
    x = np.random.default_rng(5).standard_normal((8, 16))
    fn = jitc.compile(lambda a: np.exp(a).sum(axis=-1))
    _check(fn(x), np.exp(x).sum(axis=-1))
    assert "aten::sub" not in str(fn.graph_for(x)) and _group_count(fn, x) == 1


def repeated_softmax(x, n: int):
    for _ in range(n):
        x = softmax(x * 3.0)
    return x


def test_row_kernel_inside_a_scripted_loop():
    x = np.random.default_rng(6).standard_normal((5, 40))
    fn = jitc.script(repeated_softmax)
    _check(fn(x, 3), repeated_softmax(x, 3))
    assert _group_count(fn, x, 3) == 1 and "aten::sum" not in str(fn.graph_for(x, 3)).split("with prim::")[0]
