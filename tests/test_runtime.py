"""The runtime's fast path: the generated CPython entry, its guards and fallbacks, outputs, parameters, threads."""
import threading

import numpy as np
import pytest

import jitc
from jitc import nn
from tests.models import MyCell, MyDecisionGate


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def rand(rng, *shape, dtype=np.float32):
    return (rng.random(shape) + 0.25).astype(dtype)


def is_native_entry(obj) -> bool:
    return type(obj.__dict__["_call"]).__name__ == "builtin_function_or_method"


def test_calls_go_through_the_generated_entry_after_the_first(rng):
    cell = MyCell(MyDecisionGate())
    scripted = jitc.script(cell)
    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    assert not is_native_entry(scripted)
    first = scripted(x, h)
    assert is_native_entry(scripted)
    again = scripted(x, h)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_allclose(again[0], cell(x, h)[0], rtol=1e-6, atol=1e-6)
    assert again[0] is again[1], "returning one array twice gives the same array twice, as in NumPy"
    assert scripted.cache_info()[0]["hits"] == 2


def test_guard_failures_take_the_general_path(rng):
    @jitc.compile
    def f(x, h):
        return np.tanh(x + h)

    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    f(x, h)
    for a, b in [(rand(rng, 5, 4), rand(rng, 5, 4)),                       # shape
                 (x.astype(np.float64), h),                                  # dtype
                 (rand(rng, 4, 3).T, h),                                     # strides
                 (x, rand(rng, 4)),                                          # broadcasting
                 (np.frombuffer(b"\0" + x.tobytes(), np.float32, 12, 1).reshape(3, 4), h)]:  # unaligned
        np.testing.assert_allclose(f(a, b), np.tanh(a + b), rtol=2e-6)
    with pytest.raises(jitc.SignatureError, match="missing a required argument: 'h'"):
        f(x)
    with pytest.warns(jitc.FallbackWarning, match="runs through NumPy"), pytest.raises(ValueError):
        f(x, [1.0, 2.0])  # a list where scripted code needs an array: NumPy runs it (and rejects the shapes)
    with pytest.raises(jitc.ShapeError):
        f(x, rand(rng, 5))
    np.testing.assert_allclose(f(x, h), np.tanh(x + h), rtol=2e-6)


def test_python_scalars_and_scalar_results(rng):
    @jitc.script
    def f(x, scale: float, n: int, flag: bool):
        y = x * scale + n
        if flag:
            y = -y
        return float(y.sum()), y

    x = rand(rng, 8)
    for args in [(2.5, 3, True), (0.5, -2, False), (2.5, 3, True)]:
        total, y = f(x, *args)
        ref = x * args[0] + args[1]
        ref = -ref if args[2] else ref
        assert isinstance(total, float)
        np.testing.assert_allclose(y, ref, rtol=1e-6)
        assert total == pytest.approx(float(ref.sum()), rel=1e-5)
    with pytest.raises(jitc.SignatureError):
        f(x, "2", 3, True)


def test_native_index_error_is_raised_and_the_function_recovers(rng):
    @jitc.script
    def pick(xs, i: int):
        return xs[i] * 2

    xs = rand(rng, 4, 3)
    np.testing.assert_allclose(pick(xs, 1), xs[1] * 2)
    np.testing.assert_allclose(pick(xs, -1), xs[-1] * 2)
    with pytest.raises(IndexError):
        pick(xs, 4)
    with pytest.raises(IndexError):
        pick(xs, -5)
    np.testing.assert_allclose(pick(xs, 2), xs[2] * 2)


def test_parameters_are_read_at_every_call(rng):
    cell = MyCell(MyDecisionGate())
    scripted = jitc.script(cell)
    x, h = rand(rng, 3, 4), rand(rng, 3, 4)
    scripted(x, h)
    cell.linear.weight[...] *= -1.5                          # in place: shared with the ScriptModule
    np.testing.assert_allclose(scripted(x, h)[0], cell(x, h)[0], rtol=1e-6, atol=1e-6)
    new_weight = rand(rng, 4, 4)
    scripted.linear.weight = new_weight                      # reassigned on the ScriptModule
    y = x @ new_weight.T + cell.linear.bias
    expected = np.tanh((y if y.sum() > 0 else -y) + h)
    np.testing.assert_allclose(scripted(x, h)[0], expected, rtol=1e-6, atol=1e-6)


def test_large_calls_run_in_parallel_threads(rng):
    @jitc.compile
    def f(x, h):
        return np.tanh(x * 0.5 + h) * 0.5 + 0.5

    inputs = [(rand(rng, 1 << 19), rand(rng, 1 << 19)) for _ in range(4)]
    results = [None] * len(inputs)

    def work(i):
        for _ in range(3):
            results[i] = f(*inputs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (x, h), got in zip(inputs, results):
        np.testing.assert_allclose(got, np.tanh(x * 0.5 + h) * 0.5 + 0.5, rtol=2e-6)
    assert len(f.cache_info()) == 1


def test_reduction_absorbs_its_producers(rng):
    @jitc.compile
    def f(a, b):
        return np.mean(np.tanh(a) * b, axis=0), np.sum(a * b)

    a, b = rand(rng, 5, 7), rand(rng, 5, 7)
    got = f(a, b)
    np.testing.assert_allclose(got[0], np.mean(np.tanh(a) * b, axis=0), rtol=1e-6)
    np.testing.assert_allclose(got[1], np.sum(a * b), rtol=1e-6)
    kinds = [n.kind for n in f.graph_for(a, b).nodes()]
    assert kinds.count("prim::FusionGroup") == 2
    assert not any(k.startswith("aten::") for k in kinds), kinds


def test_sequential_mlp_compiles_natively(rng):
    mlp = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))
    compiled = jitc.compile(mlp)
    x = rand(rng, 4, 6)
    np.testing.assert_allclose(compiled(x), mlp(x), rtol=1e-5, atol=1e-6)
    assert compiled.cache_info()[0]["compiled"]


def test_bad_dynamic_option_is_refused_clearly():
    with pytest.raises(jitc.JitcError, match=r"dynamic must be None, True or False, got 'yes'"):
        jitc.compile(lambda x: x, dynamic="yes")


def test_jitc_debug_levels_print_each_stage(monkeypatch, capsys):
    monkeypatch.setenv("JITC_CACHE", "0")
    monkeypatch.setenv("JITC_DEBUG", "4")
    f = jitc.compile(lambda x: np.tanh(x) * 2)
    f(np.ones(8, np.float32))
    err = capsys.readouterr().err
    for title in ("to specialize", "optimized graph", "LLVM IR", "optimized LLVM IR"):
        assert "==== jitc: " in err and title in err, title
    assert "assembly" not in err


@pytest.mark.parametrize("m,k,n", [(5, 8, 6), (96, 128, 112), (512, 128, 512)])  # loops, our GEMM, NumPy's BLAS
def test_matmul_epilogue_runs_in_the_product_buffer(rng, m, k, n):
    @jitc.compile
    def f(x, w, b, h):
        return np.tanh(x @ w.T + b + h)

    x, w, b, h = rand(rng, m, k), rand(rng, n, k) - 0.75, rand(rng, n), rand(rng, m, n)
    expected = np.tanh((x.astype(np.float64) @ w.T.astype(np.float64)) + b + h)
    np.testing.assert_allclose(f(x, w, b, h), expected, rtol=1e-5, atol=4e-6)  # float32 sums of 128 terms
    graph = f.graph_for(x, w, b, h)
    groups = [node for node in graph.nodes() if node.kind == "prim::FusionGroup"]
    assert len(groups) == 1 and not any(node.kind == "aten::matmul" for node in graph.nodes())
    inner = [node.kind for node in groups[0].attrs["subgraph"].nodes()]
    assert inner[0] == "aten::matmul" and inner[-1] == "aten::tanh"


def test_loops_carrying_each_other_and_views_of_themselves(tmp_path, monkeypatch):
    """`a, b = a + b, a` and `x = x.T` inside loops: results must not read carried buffers already overwritten."""
    source = tmp_path / "carried_programs.py"
    source.write_text("def fib(a, b):\n    for i in range(5):\n        a, b = a + b, a\n    return a, b\n\n"
                      "def flip(x):\n    for i in range(3):\n        x = x.T[::-1]\n    return x\n\n"
                      "def positive(x):\n    return bool(x.sum() > 0)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import carried_programs as programs

    a, b = np.arange(3, dtype=np.float32) + 1, np.arange(3, dtype=np.float32) - 2
    x = np.arange(16, dtype=np.float64).reshape(4, 4)
    fib, flip, positive = (jitc.script(f) for f in (programs.fib, programs.flip, programs.positive))
    for _ in range(2):  # the general path, then the generated entry
        for got, expected in zip(fib(a, b), programs.fib(a, b)):
            np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(flip(x), programs.flip(x))
        assert positive(x) is True and positive(-x - 1) is False
    assert all(info["compiled"] for f in (fib, flip, positive) for info in f.cache_info())


def test_keyword_arguments_bind_by_name(rng):
    f = jitc.compile(lambda a, b: a - b)
    x, y = rand(rng, 3), rand(rng, 3)
    f(x, y)
    np.testing.assert_array_equal(f(x, b=y), x - y)
    np.testing.assert_array_equal(f(b=y, a=x), x - y)
    with pytest.raises(jitc.SignatureError, match="unexpected keyword argument 'c'"):
        f(x, y, c=y)
    np.testing.assert_array_equal(f(x, y), x - y)
