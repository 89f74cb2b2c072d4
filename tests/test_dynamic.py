"""Dynamic shapes: one symbolic specialization serves many sizes (automatic after the first size change, or
from the first call with dynamic=True), with results equal to NumPy at every size."""
import ctypes
from pathlib import Path

import numpy as np
import pytest

import jitc
from jitc.export import c_compiler
from jitc.symbolic import Sym, SymbolicError, parse_size

RNG = np.random.default_rng(12)
TOL = {np.float32: {"rtol": 2e-5, "atol": 1e-5}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}


def signatures(fn) -> list[str]:
    return [" ".join(str(a[1]) for a in info["signature"] if isinstance(a, tuple)) for info in fn.cache_info()]


def sweep(fn, reference, make, sizes, dtype=np.float64):
    compiled = jitc.compile(fn, fallback="error")
    for n in sizes:
        args = make(n)
        got = compiled(*args)
        expected = reference(*args)
        for g, e in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else (expected,)):
            assert np.asarray(g).dtype == np.asarray(e).dtype, n
            np.testing.assert_allclose(g, e, err_msg=f"size {n}", **TOL[dtype])
    return compiled


def mlp(x, w1, b1, w2):
    h = np.maximum(x @ w1 + b1, 0.0)
    z = h @ w2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_sweep_compiles_at_most_twice(dtype):
    w1 = RNG.standard_normal((64, 32)).astype(dtype)
    b1 = RNG.standard_normal(32).astype(dtype)
    w2 = RNG.standard_normal((32, 10)).astype(dtype)
    sizes = [1, 2, 7, 64, 65, 128, 256, 3, 1, 4096]  # 4096 x 32 intermediates: a workspace from the heap
    fn = sweep(mlp, mlp, lambda n: (RNG.standard_normal((n, 64)).astype(dtype), w1, b1, w2), sizes, dtype)
    sigs = signatures(fn)
    assert len(sigs) == 2, sigs
    assert sorted(sigs) == ["(1, 64) (64, 32) (32,) (32, 10)", "(s0, 64) (64, 32) (32,) (32, 10)"], sigs


def test_size_one_stays_specialized():
    """A batch of 1 broadcasts differently from a batch of n: the symbolic code never serves it."""
    def f(x, y):
        return x * y + 1.0

    fn = jitc.compile(f, fallback="error")
    y = RNG.standard_normal((1, 5))
    for n in [3, 4, 1, 6, 1]:
        x = RNG.standard_normal((n, 5))
        np.testing.assert_allclose(fn(x, y), f(x, y))
    assert sorted(signatures(fn)) == ["(1, 5) (1, 5)", "(3, 5) (1, 5)", "(s0, 5) (1, 5)"]


def test_one_dimensional_sweep_up_to_a_million_elements():
    def f(x):
        return np.sqrt(np.abs(x)) * 2.0 - np.tanh(x), x.sum(), x.max()

    sizes = [10, 100, 1000, 10 ** 4, 10 ** 5, 10 ** 6, 12345, 2]
    fn = sweep(f, f, lambda n: (RNG.standard_normal(n),), sizes)
    assert len(fn.cache_info()) == 2


def test_scripted_rnn_over_sequence_lengths():
    def rnn(xs, h, wx, wh):
        for t in range(xs.shape[0]):
            h = np.tanh(xs[t] @ wx + h @ wh)
        return h

    wx = RNG.standard_normal((16, 32)) * 0.2
    wh = RNG.standard_normal((32, 32)) * 0.2
    fn = sweep(rnn, rnn, lambda n: (RNG.standard_normal((n, 4, 16)), RNG.standard_normal((4, 32)), wx, wh),
               [1, 2, 3, 5, 9, 17, 30, 64])
    assert len(fn.cache_info()) == 2


def attention(q, k, v):
    scores = q @ k.T / np.sqrt(q.shape[-1])
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (p / p.sum(axis=-1, keepdims=True)) @ v


def test_attention_key_length_sweep():
    def make(n):
        return RNG.standard_normal((1, 48)), RNG.standard_normal((n, 48)), RNG.standard_normal((n, 48))

    fn = sweep(attention, attention, make, range(1, 65))
    assert len(fn.cache_info()) == 2


def test_dynamic_true_compiles_once():
    def f(x, h):
        return np.tanh(x @ h + 1.0), (x * 2.0).sum(axis=0)

    fn = jitc.compile(f, dynamic=True, fallback="error")
    for n, m in [(3, 4), (5, 4), (7, 9), (64, 2)]:
        x, h = RNG.standard_normal((n, m)), RNG.standard_normal((m, m))
        for g, e in zip(fn(x, h), f(x, h)):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)
    assert signatures(fn) == ["(s0, s1) (s1, s1)"]


def add_one(x):
    return x + 1.0


def test_dynamic_false_specializes_every_shape():
    fn = jitc.compile(add_one, dynamic=False, fallback="error")
    for n in [3, 4, 5]:
        fn(RNG.standard_normal(n))
    assert signatures(fn) == ["(3,)", "(4,)", "(5,)"]


def test_stencil_slices_and_shape_values():
    def f(a):
        out = np.zeros((a.shape[0] - 2, a.shape[1]))
        out += 0.25 * (a[:-2] + 2.0 * a[1:-1] + a[2:])
        return out.reshape(-1, a.shape[1]), a[1:].T

    fn = sweep(f, f, lambda n: (RNG.standard_normal((n, n + 1)),), [5, 6, 2, 3, 9, 40])
    assert len(fn.cache_info()) == 2


def double(x):
    return x * 2.0


def test_guard_rejects_other_layouts_and_dtypes():
    fn = jitc.compile(double, fallback="error")
    a, b = RNG.standard_normal((4, 6)), RNG.standard_normal((5, 6))
    fn(a), fn(b)
    assert sorted(signatures(fn)) == ["(4, 6)", "(s0, 6)"]
    for x in (RNG.standard_normal((8, 6))[::2], RNG.standard_normal((6, 6)).T, b.astype(np.float32),
              RNG.standard_normal((5, 7))):
        np.testing.assert_allclose(fn(x), x * 2.0)
    assert len(fn.cache_info()) == 6  # none of them fits the symbolic code (strides, dtype, a static dim)
    x = RNG.standard_normal((9, 6))
    np.testing.assert_allclose(fn(x), x * 2.0)
    assert len(fn.cache_info()) == 6


def test_recompile_log_names_the_symbolic_dimension(monkeypatch, capsys):
    monkeypatch.setenv("JITC_LOG", "recompiles")
    fn = jitc.compile(add_one)
    fn(np.ones((64, 3)))
    fn(np.ones((65, 3)))
    err = capsys.readouterr().err
    assert "input 'x' dim 0: 64 -> 65" in err and "now symbolic" in err, err


def shifted(x, y):
    return np.tanh(x[1:] * 2.0) + y[:-1]


def test_symbolic_types_round_trip_through_the_text_format():
    fn = jitc.compile(shifted, dynamic=True)
    x, y = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))
    text = str(fn.graph_for(x, y))
    assert "Double(s0, s1, strides=[s1, 1])" in text and "Double(s0 - 1, s1, strides=[s1, 1])" in text, text
    graph = """graph(%x : Float(s0, 64, strides=[64, 1]),
      %y : Double(2*s0*s1 - 1, s1, strides=[s1, 1])):
  %0 : int = prim::Constant[value=s0]()
  %1 : int = prim::Constant[value=2*s0 + 1]()
  %2 : Float(s0 - 1, 64, strides=[64, 1]) = aten::slice(%x, %0, %1, %0, %1)
  %3 : int = prim::Constant[value=(s0 + 1)//2]()
  %4 : int = prim::Constant[value=-((s1 + 2)//3)]()
  %5 : (int, (int, int)) = prim::Constant[value=(1, (2, 3))]()
  %6 : Float((s0 + 1)//2, 64, strides=[128, 1]) = aten::slice(%x, %0, %0, %0, %3)
  return (%2, %6)
"""
    assert str(jitc.parse_ir(graph)) == graph


def test_size_expressions_parse_back():
    s0, s1 = Sym.symbol("s0"), Sym.symbol("s1")
    for e in (s0, 2 * s0 * s1 - s0 + 3, 64 * s1, s0 - 1, -s0 + 4, (s0 + 1) // 2, -((s0 - 1) // 3) + s1,
              2 * (s1 // 4) * s0, ((s0 + 1) // 2 + 1) // 2, (-s0) // 2):
        assert parse_size(str(e)) == e, str(e)
    assert str((s0 - 5 + 1) // 2) == "s0//2 - 2"  # the multiples of the divisor leave the numerator
    assert str(((s0 + 1) // 2 + 1) // 2) == "(s0 + 3)//4"  # nested floor divisions merge
    assert [((s0 + 1) // 2).evaluate({"s0": n}) for n in (2, 3, 10)] == [1, 2, 5]
    with pytest.raises(SymbolicError):
        int(s0)
    with pytest.raises(SymbolicError):
        bool(s0 < 5)


@pytest.mark.skipif(c_compiler() is None, reason="no C compiler on this machine")
def test_exported_function_runs_at_two_sizes_and_rejects_bad_ones(tmp_path):
    w = RNG.standard_normal((8, 4))

    def model(x, w):
        return np.tanh(x @ w).sum(axis=1)

    x = RNG.standard_normal((5, 8))
    files = jitc.export(model, (x, w), tmp_path / "dyn", dynamic={"x": [0]})
    header = Path(files.header).read_text()
    assert "int64_t s0" in header and "x dim 0" in header, header
    lib = ctypes.CDLL(files.shared_library)
    ptr = ctypes.POINTER(ctypes.c_double)
    lib.dyn.argtypes = [ptr, ptr, ptr, ctypes.c_int64]
    for n in (5, 3, 40):
        x = RNG.standard_normal((n, 8))
        out = np.empty(n)
        status = lib.dyn(x.ctypes.data_as(ptr), w.ctypes.data_as(ptr), out.ctypes.data_as(ptr), n)
        assert status == 0
        np.testing.assert_allclose(out, model(x, w), rtol=1e-12)
    out = np.empty(1)
    assert lib.dyn(x.ctypes.data_as(ptr), w.ctypes.data_as(ptr), out.ctypes.data_as(ptr), 1) == 8


def last_three(x):
    return x[-3:] * 2.0


def test_a_size_comparison_the_code_relies_on_is_guarded():
    """x[-3:] has 3 rows when x has at least 3: the symbolic code assumes s0 >= 3 (decided by the example) and
    its guards, native and Python, send a 2-row x elsewhere."""
    fn = jitc.compile(last_three, fallback="error")
    for n in (5, 6, 9, 2, 7, 2):
        x = RNG.standard_normal((n, 4))
        np.testing.assert_allclose(fn(x), last_three(x))
    keys = [info["signature"] for info in fn.cache_info()]
    assert len(keys) == 3 and ("where s0 - 3 >= 0" in keys[0] + keys[1] + keys[2]), keys


def decode_step(cache, x, pos):
    cache[pos:pos + 1] = x
    keys = cache[:pos + 1]
    scores = keys @ x
    p = np.exp(scores - scores.max())
    return (p / p.sum()) @ keys


def test_an_int_argument_that_sets_shapes_becomes_a_symbol():
    """A decode loop's position (`cache[pos:pos + 1] = x`, attention over `cache[:pos + 1]`): after it changes
    once, one specialization serves every position the cache holds; a position past the cache still gets
    NumPy's result (the guards send it to other code)."""
    fn = jitc.compile(decode_step, fallback="error")
    cache, ref = np.zeros((16, 8)), np.zeros((16, 8))
    for pos in range(16):
        x = RNG.standard_normal(8)
        np.testing.assert_allclose(fn(cache, x, pos), decode_step(ref, x, pos), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(cache, ref)
    assert len(fn.cache_info()) == 2
    assert any("p0" in info["signature"] for info in fn.cache_info())
    big, big_ref = np.zeros((16, 8)), np.zeros((16, 8))
    x = RNG.standard_normal(8)
    np.testing.assert_allclose(fn(big, x, 20), decode_step(big_ref, x, 20))  # NumPy: an empty write
    np.testing.assert_array_equal(big, big_ref)


def grid(lo, hi, xn, yn, steps):
    X = np.linspace(lo, hi, xn)
    Y = np.linspace(lo, hi, yn)
    C = X + Y[:, None] * 2.0
    for _ in range(steps):
        C = C * 0.5
    return C


def test_linspace_counts_from_int_arguments_become_symbols():
    """np.linspace's num from an int argument is arange's length: after it changes once, one specialization
    serves every later count (it was once keyed as a symbol and served every later size with the second call's
    shapes: the results are checked at each)."""
    fn = jitc.compile(grid, fallback="error")
    for n in (8, 9, 12, 33, 17):
        got, want = fn(-2.0, 0.75, n, n + 1, 3), grid(-2.0, 0.75, n, n + 1, 3)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12)
    assert len(fn.cache_info()) == 2 and "p1" in str(fn.cache_info()[1]["signature"])


def add_into_odd_columns(x, w):
    x[:, 1::2] += w
    return x * 2.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_unchanged_dim_that_must_follow_a_changed_one_becomes_symbolic_too(dtype):
    """x gets 9 columns while w keeps n // 2 = 4: x's columns alone cannot be a symbol (x[:, 1::2] has s0//2
    columns, w 4), so every dim is; the sweep ends with one symbolic specialization (and writes x as NumPy)."""
    fn = jitc.compile(add_into_odd_columns, fallback="error")
    for n in [8, 9, 10, 11, 12, 13, 16, 21, 7]:
        x, w = RNG.standard_normal((3, n)).astype(dtype), RNG.standard_normal((3, n // 2)).astype(dtype)
        expected_x = x.copy()
        expected = add_into_odd_columns(expected_x, w)
        np.testing.assert_allclose(fn(x, w), expected, **TOL[dtype])
        np.testing.assert_allclose(x, expected_x, **TOL[dtype])
    assert signatures(fn) == ["(3, 8) (3, 4)", "(s0, s1) (s0, s1//2)"], signatures(fn)


def test_equal_size_expressions_of_different_forms_compare_equal():
    s0, s1 = Sym.symbol("s0"), Sym.symbol("s1")
    assert s0 - s0 // 2 == (s0 + 1) // 2  # the lengths of x[s0//2:] and x[::2]
    assert s0 - (s0 + 1) // 2 == s0 // 2
    assert 2 * s0 - s0 // 3 + 1 == (5 * s0 + 2) // 3 + 1
    rng = np.random.default_rng(5)
    for _ in range(200):  # every normal form still computes what it was built from
        a, b, d, m, c = (int(v) for v in rng.integers([-3, -3, 2, 1, -5], [4, 4, 6, 4, 6]))
        e = m * (a * s0 + b * s1 + c) - (a * s0 + b * s1 + c) // d + s1
        for n0, n1 in rng.integers(2, 50, (5, 2)):
            num = a * int(n0) + b * int(n1) + c
            value = e if isinstance(e, int) else e.evaluate({"s0": int(n0), "s1": int(n1)})
            assert value == m * num - num // d + int(n1), (str(e), n0, n1)


def halves_added(x):
    return x[::2] + x[x.shape[0] // 2:]


@pytest.mark.parametrize("dynamic", [None, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_slices_of_equal_symbolic_lengths_broadcast(dtype, dynamic):
    fn = jitc.compile(halves_added, fallback="error", dynamic=dynamic)
    for n in [5, 6, 7, 9, 10, 33]:
        x = RNG.standard_normal(n).astype(dtype)
        np.testing.assert_allclose(fn(x), halves_added(x), **TOL[dtype])
    assert signatures(fn) == (["(s0,)"] if dynamic else ["(5,)", "(s0,)"]), signatures(fn)
