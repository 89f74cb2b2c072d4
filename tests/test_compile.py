"""End-to-end native compilation: models, the per-signature cache, bad calls, environment switches, compiled
control flow, and the `@jitc.compile` front door. Every check compares against eager NumPy and asserts the call
ran natively (cache_info's "compiled"), not on the interpreter."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from models import MLP, MyCell, MyDecisionGate

import jitc
from jitc import nn
from jitc.nn import functional as F

F32_RTOL, F64_RTOL = 2e-6, 1e-12


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    """Compile for real: object code an older codegen left in the on-disk cache would hide regressions."""
    monkeypatch.setenv("JITC_CACHE", "0")
    monkeypatch.delenv("JITC_DISABLE", raising=False)
    monkeypatch.delenv("JITC_DEBUG", raising=False)


def compiled(obj) -> bool:
    info = obj.cache_info()
    return bool(info) and all(entry["compiled"] for entry in info)


def native(fn, *args):
    """Call fn, failing on a FallbackWarning; the inputs must not be written."""
    before = [a.copy() for a in args if isinstance(a, np.ndarray)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", jitc.FallbackWarning)
        out = fn(*args)
    for a, b in zip([a for a in args if isinstance(a, np.ndarray)], before):
        np.testing.assert_array_equal(a, b)
    return out


def assert_close(got, expected, rtol=None, atol=0.0):
    got, expected = np.asarray(got), np.asarray(expected)
    assert (got.dtype, got.shape) == (expected.dtype, expected.shape)
    rtol = rtol if rtol is not None else F32_RTOL if expected.dtype == np.float32 else F64_RTOL
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def rand(rng, *shape, dtype=np.float32):
    return (rng.random(shape) - 0.5).astype(dtype)


# ---------------------------------------------------------------------------------------------------- models
class GRUCell(nn.Module):
    """A GRU cell in NumPy: sigmoid reset/update gates, tanh candidate, linear layers."""

    def __init__(self, n_in: int, n_hidden: int):
        super().__init__()
        self.x2h = nn.Linear(n_in, 3 * n_hidden)
        self.h2h = nn.Linear(n_hidden, 3 * n_hidden)
        self.n = n_hidden

    def forward(self, x, h):
        gx, gh = self.x2h(x), self.h2h(h)
        n = self.n
        r = F.sigmoid(gx[:, :n] + gh[:, :n])
        z = F.sigmoid(gx[:, n:2 * n] + gh[:, n:2 * n])
        c = np.tanh(gx[:, 2 * n:] + r * gh[:, 2 * n:])
        return (1 - z) * c + z * h


def test_tutorial_cell_traced_and_compiled(rng):
    cell = MyCell(MyDecisionGate())
    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    with pytest.warns(jitc.TracerWarning):
        traced = jitc.trace(cell, (x, h))
    new_h, same = native(traced, x, h)
    expected, _ = cell(x, h)
    assert_close(new_h, expected, atol=1e-6)  # the linear layer sums in another order than NumPy's BLAS
    assert_close(same, expected, atol=1e-6)
    assert compiled(traced)


def test_gru_cell_matches_eager(rng):
    cell = GRUCell(5, 8)
    x, h = rand(rng, 4, 5), rand(rng, 4, 8)
    traced = jitc.trace(cell, (x, h))
    for _ in range(3):  # the hidden state fed back, as an RNN uses it
        got, expected = native(traced, x, h), cell(x, h)
        assert_close(got, expected, atol=1e-6)
        h = expected
    assert compiled(traced) and len(traced.cache_info()) == 1


def test_mlp_with_softmax_matches_eager(rng):
    model = MLP((16, 32, 32, 10))
    x = rand(rng, 64, 16)
    traced = jitc.trace(model, (x,))
    got = native(traced, x)
    assert_close(got, model(x), atol=1e-6)
    np.testing.assert_allclose(got.sum(axis=-1), 1, rtol=1e-5)
    assert compiled(traced)


def test_float64_model(rng):
    model = MLP((4, 8, 3))
    for p in ("body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias"):
        module_name, _, attr = p.rpartition(".")
        owner = model.body[int(module_name.split(".")[1])]
        setattr(owner, attr, getattr(owner, attr).astype(np.float64))
    x = rand(rng, 5, 4, dtype=np.float64)
    traced = jitc.trace(model, (x,))
    assert_close(native(traced, x), model(x), atol=1e-14)


# ---------------------------------------------------------------------------------------------------- the cache
def test_one_compilation_per_signature(rng):
    traced = jitc.trace(lambda a, b: np.tanh(a) * b, (rand(rng, 3, 4), rand(rng, 3, 4)))
    a, b = rand(rng, 3, 4), rand(rng, 3, 4)
    for _ in range(3):
        native(traced, a, b)
    assert len(traced.cache_info()) == 1 and traced.cache_info()[0]["hits"] == 3
    native(traced, rand(rng, 3, 4), rand(rng, 3, 4))  # new values, same signature: no recompilation
    assert len(traced.cache_info()) == 1 and traced.cache_info()[0]["hits"] == 4
    calls = [(rand(rng, 5, 4), rand(rng, 5, 4)),                                         # new shape
             (rand(rng, 3, 4, dtype=np.float64), rand(rng, 3, 4, dtype=np.float64)),     # new dtype
             (rand(rng, 4, 3).T, rand(rng, 3, 4)),                                       # new strides
             (rand(rng, 3, 4), rand(rng, 4))]                                            # broadcasting
    for n, (a, b) in enumerate(calls, start=2):
        assert_close(native(traced, a, b), np.tanh(a) * b)
        assert len(traced.cache_info()) == n
    native(traced, *calls[0])
    info = traced.cache_info()
    assert len(info) == 5 and sorted(e["hits"] for e in info) == [1, 1, 1, 2, 4]  # listed least recent first
    assert compiled(traced) and all(e["compile_seconds"] is not None for e in info)


# ---------------------------------------------------------------------------------------------------- bad calls
@pytest.fixture
def chain(rng):
    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    return jitc.trace(lambda x, h: np.tanh(x * 0.5 + h) * 0.5 + 0.5, (x, h)), x, h


def expected_chain(x, h):
    return np.tanh(x * 0.5 + h) * 0.5 + 0.5


def still_works(fn, x, h):
    assert_close(native(fn, x, h), expected_chain(x, h))


@pytest.mark.parametrize("args, error, match", [
    (lambda x, h: (x,), jitc.SignatureError, "expects 2 arguments"),
    (lambda x, h: (x, h, h), jitc.SignatureError, "expects 2 arguments"),
    (lambda x, h: (x, h.tolist()), jitc.SignatureError, "must be a NumPy array, got list"),
    (lambda x, h: (x, 2.0), jitc.SignatureError, "must be a NumPy array, got float"),
    (lambda x, h: (x, h.astype(object)), jitc.SignatureError, "unsupported dtype object"),
    (lambda x, h: (x, np.ones((5, 4), np.float32)), jitc.ShapeError, "do not broadcast"),
], ids=["too-few", "too-many", "list", "float", "object", "shapes"])
def test_bad_calls_raise_clean_errors_and_the_object_keeps_working(chain, args, error, match):
    fn, x, h = chain
    still_works(fn, x, h)
    with pytest.raises(error, match=match) as info:
        fn(*args(x, h))
    assert isinstance(info.value, jitc.JitcError)
    still_works(fn, x, h)
    still_works(fn, x, h)


def test_complex_inputs_compile_natively(chain):
    fn, x, h = chain
    hc = h.astype(np.complex64) + 0.5j
    with warnings.catch_warnings():
        warnings.simplefilter("error", jitc.FallbackWarning)
        got = native(fn, x, hc)
    expected = expected_chain(x, hc)
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    still_works(fn, x, h)


def test_float16_is_native(chain):
    """Half arrays are stored as half and computed in float32, each op rounded to half (NumPy's half loops)."""
    fn, x, h = chain
    for a, b in ((x.astype(np.float16), h.astype(np.float16)), (x, h.astype(np.float16))):
        expected = expected_chain(a, b)
        with warnings.catch_warnings():
            warnings.simplefilter("error", jitc.FallbackWarning)
            got = native(fn, a, b)
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-3 if expected.dtype == np.float16 else 2e-6)
    still_works(fn, x, h)


def test_unusual_memory_is_read_correctly(chain):
    fn, x, h = chain
    readonly = h.copy()
    readonly.flags.writeable = False
    still_works(fn, x, readonly)
    raw = np.zeros(h.nbytes + 1, np.uint8)
    raw[1:] = np.frombuffer(h.tobytes(), np.uint8)
    unaligned = np.frombuffer(raw.tobytes(), np.float32, count=h.size, offset=1).reshape(h.shape)
    assert not unaligned.flags.aligned
    still_works(fn, x, unaligned)
    big_endian = h.astype(">f4")
    still_works(fn, x, big_endian)
    np.testing.assert_array_equal(big_endian, h)  # converted for the call, not in place
    still_works(fn, np.asfortranarray(x), h)
    assert compiled(fn)


def test_unsupported_dtype_falls_back_and_fallback_error_raises(rng):
    def logistic(a):
        return jitc.nn.functional.sigmoid(a)  # of complex values: not native

    a = rng.integers(1, 5, (3, 4)).astype(np.complex64)
    traced = jitc.trace(logistic, (a,))
    with pytest.warns(jitc.FallbackWarning, match="complex64"):
        np.testing.assert_array_equal(traced(a), logistic(a))
    assert not compiled(traced)
    with pytest.raises(jitc.CompileError, match="complex64"):
        jitc.compile(logistic, fallback="error")(a)
    np.testing.assert_array_equal(jitc.compile(logistic, fallback="silent")(a), logistic(a))
    small = a.real.astype(np.float32)
    np.testing.assert_allclose(native(jitc.compile(logistic, fallback="error"), small), logistic(small), rtol=1e-6)


def test_integer_power_is_native(rng):
    def power(a, b):
        return a ** b

    a, b = rng.integers(1, 5, (3, 4)).astype(np.int32), rng.integers(0, 4, (3, 4)).astype(np.int32)
    np.testing.assert_array_equal(native(jitc.compile(power, fallback="error"), a, b), a ** b)


# ---------------------------------------------------------------------------------------------------- environment
def test_jitc_disable_runs_the_interpreter(chain, monkeypatch):
    fn, x, h = chain
    monkeypatch.setenv("JITC_DISABLE", "1")
    assert_close(fn(x, h), expected_chain(x, h))
    assert fn.cache_info() == []  # nothing was compiled
    monkeypatch.setenv("JITC_DISABLE", "0")
    still_works(fn, x, h)
    assert compiled(fn)


def test_jitc_debug_2_prints_the_optimized_graph(chain, monkeypatch, capsys):
    fn, x, h = chain
    monkeypatch.setenv("JITC_DEBUG", "2")
    still_works(fn, x, h)
    err = capsys.readouterr().err
    assert "optimized graph" in err and "prim::FusionGroup" in err and "aten::tanh" in err
    monkeypatch.setenv("JITC_DEBUG", "0")
    still_works(fn, x[::-1], h)  # a new signature, compiled quietly
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------------------------------------- control flow
def gate(x):
    if x.sum() > 0:
        return x
    else:
        return -x


def rnn(xs, h, w):
    for i in range(xs.shape[0]):
        h = np.tanh(xs[i] @ w + h)
    return h


def rnn_len(xs, h):
    for i in range(len(xs)):
        h = np.tanh(xs[i] + 0.5 * h)
    return h * 1.0


def skip_and_stop(x):
    acc = x * 0.0
    for i in range(10):
        if i == 2:
            continue
        if i > 6:
            break
        acc = acc + x * i
    return acc


def doubling(x):
    n = 0
    while x.sum() < 100.0:
        x = x * 2.0
        n += 1
    return x, n


def _eager(fn, args):
    out = fn(*args)
    return out if isinstance(out, tuple) else (out,)


def _check(obj, fn, args):
    got = native(obj, *args)
    got = got if isinstance(got, tuple) else (got,)
    for g, e in zip(got, _eager(fn, args), strict=True):
        if isinstance(e, np.ndarray):
            assert_close(g, e, atol=1e-6)
        else:
            assert type(g) is type(e) and g == e
    assert compiled(obj), f"{fn.__name__} ran on the interpreter"


@pytest.mark.parametrize("sign", [1, -1], ids=["positive", "negative"])
def test_scripted_gate_takes_both_branches(rng, sign):
    x = np.abs(rand(rng, 3, 4)) * sign + 0.01 * sign
    scripted = jitc.script(gate)
    _check(scripted, gate, (x,))


def test_scripted_gate_one_compilation_for_both_branches(rng):
    scripted = jitc.script(gate)
    x = np.abs(rand(rng, 3, 4)) + 0.01
    _check(scripted, gate, (x,))
    _check(scripted, gate, (-x,))
    assert len(scripted.cache_info()) == 1  # the branch is taken in native code, not by recompiling


def test_scripted_tutorial_cell(rng):
    cell = MyCell(MyDecisionGate())
    scripted = jitc.script(cell)
    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    for sign in (1, -1):
        got, _ = native(scripted, sign * x, h)
        assert_close(got, cell(sign * x, h)[0], atol=1e-6)
    assert compiled(scripted) and len(scripted.cache_info()) == 1


@pytest.mark.parametrize("fn, make", [
    (rnn, lambda rng: (rand(rng, 6, 3, 4), rand(rng, 3, 4), rand(rng, 4, 4))),
    (rnn_len, lambda rng: (rand(rng, 5, 3), rand(rng, 3))),
    (skip_and_stop, lambda rng: (rand(rng, 3, 4),)),
    (doubling, lambda rng: (np.abs(rand(rng, 3, 4)) + 0.1,)),
], ids=["rnn-carried", "len-loop", "break-continue", "while"])
def test_scripted_loops_run_natively(rng, fn, make):
    """Regression (loop results returned directly): the carried buffers were never copied to the caller's
    output, which returned uninitialized memory."""
    args = make(rng)
    _check(jitc.script(fn), fn, args)


def test_compile_decorator_on_function_and_module(rng):
    step = jitc.compile(rnn)
    args = (rand(rng, 4, 2, 3), rand(rng, 2, 3), rand(rng, 3, 3))
    _check(step, rnn, args)
    _check(step, rnn, (rand(rng, 7, 2, 3),) + args[1:])
    assert len(step.cache_info()) == 2

    cell = MyCell(MyDecisionGate())
    compiled_cell = jitc.compile(cell)
    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    for sign in (1, -1):
        got, _ = native(compiled_cell, sign * x, h)
        assert_close(got, cell(sign * x, h)[0], atol=1e-6)
    assert compiled(compiled_cell)


def test_compile_decorator_with_options_and_bad_calls(rng):
    @jitc.compile(fallback="error")
    def fused(x, h):
        return np.tanh(x * 0.5 + h) * 0.5 + 0.5

    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    assert_close(native(fused, x, h), expected_chain(x, h))
    assert "prim::FusionGroup" in str(fused.graph_for(x, h))
    with pytest.raises(jitc.SignatureError):
        fused(x)
    with pytest.raises(jitc.ShapeError):
        fused(x, np.ones((2, 2), np.float32))
    assert_close(native(fused, x, h), expected_chain(x, h))
    assert compiled(fused)
