"""Threads: 8 threads compiling and calling the same and different functions at once get correct results, and
every signature is compiled exactly once."""
from __future__ import annotations

import threading
from collections import Counter

import numpy as np
import pytest

import jitc
from jitc.runtime import executor as executor_module

THREADS = 8


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JITC_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def compile_counter(monkeypatch) -> Counter:
    """Counts native compilations per (executor, signature)."""
    counts: Counter = Counter()
    real = executor_module.Executor._compile

    def counting(self, values):
        counts[(id(self), executor_module.signature(values))] += 1
        return real(self, values)

    monkeypatch.setattr(executor_module.Executor, "_compile", counting)
    return counts


def step(x, h):
    return np.tanh(x * 0.5 + h)


def gate(x):
    if x.sum() > 0:
        return x * 2.0
    return -x


def norm(x):
    return x / (np.sqrt((x * x).sum(axis=-1, keepdims=True)) + 1e-6)


def run_threads(work) -> list:
    barrier = threading.Barrier(THREADS)
    errors: list = []

    def body(i):
        try:
            barrier.wait()
            work(i)
        except BaseException as e:  # noqa: BLE001  (reported below)
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_same_function_same_signature_compiles_once(compile_counter) -> None:
    fn = jitc.compile(step)
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((64, 32)).astype(np.float32) for _ in range(THREADS)]
    h = rng.standard_normal(32).astype(np.float32)

    def work(i):
        for _ in range(50):
            np.testing.assert_allclose(fn(xs[i], h), step(xs[i], h), rtol=2e-6, atol=1e-6)

    assert run_threads(work) == []
    assert len(fn.cache_info()) == 1
    assert list(compile_counter.values()) == [1]


def test_same_function_many_signatures(compile_counter) -> None:
    """Each thread its own shape and dtype, all racing on one function: one compile per signature (static
    shapes: with automatic dynamic shapes, a symbolic specialization would serve several)."""
    fn = jitc.compile(norm, dynamic=False)
    shapes = [(3, 4), (5, 4), (2, 7), (3, 4), (5, 4), (2, 7), (1, 1), (9, 3)]
    dtypes = [np.float32, np.float64]

    def work(i):
        rng = np.random.default_rng(i)
        for k in range(20):
            x = rng.standard_normal(shapes[(i + k) % len(shapes)]).astype(dtypes[(i + k) % 2])
            np.testing.assert_allclose(fn(x), norm(x), rtol=1e-5, atol=1e-6)

    assert run_threads(work) == []
    signatures = [info["signature"] for info in fn.cache_info()]
    used = {(shapes[j % len(shapes)], dtypes[j % 2]) for j in range(THREADS + 20)}
    assert len(signatures) == len(set(signatures)) == len(used)
    assert set(compile_counter.values()) == {1}


def test_different_functions_at_once(compile_counter) -> None:
    """Threads compile different functions (scripted control flow included) concurrently."""
    fns = [jitc.compile(f) for f in (step, gate, norm, step)]
    originals = [step, gate, norm, step]

    def work(i):
        rng = np.random.default_rng(100 + i)
        k = i % len(fns)
        for _ in range(30):
            x = rng.standard_normal((4, 6)).astype(np.float32)
            args = (x, x[0]) if originals[k] is step else (x,)
            np.testing.assert_allclose(fns[k](*args), originals[k](*args), rtol=1e-5, atol=1e-6)

    assert run_threads(work) == []
    assert all(len(f.cache_info()) == 1 for f in fns)
    assert set(compile_counter.values()) == {1}


def test_first_call_race_creates_one_executor(compile_counter) -> None:
    """Many fresh functions, each first called by 8 threads at the same instant (the executor is created lazily on
    the first call): still one compile per function."""
    for trial in range(5):
        fn = jitc.script(step)
        x = np.full((8, 8), float(trial), np.float32)
        results: list = [None] * THREADS

        def work(i, fn=fn, x=x, results=results):
            results[i] = fn(x, x)

        assert run_threads(work) == []
        for r in results:
            np.testing.assert_allclose(r, step(x, x), rtol=2e-6)
    assert set(compile_counter.values()) == {1}, compile_counter



def test_parameter_reassigned_mid_call_is_not_stale(monkeypatch) -> None:
    """Deterministic version of the race: the reassignment is injected right after the call read the parameters."""
    from jitc import nn

    scripted = jitc.script(nn.Linear(4, 4))
    x = np.ones((2, 4), np.float32)
    scripted(x)
    new_w = np.asarray(scripted.weight) * 2
    real = executor_module.Executor._arguments

    def interleaved(self, args):
        values = real(self, args)
        monkeypatch.setattr(executor_module.Executor, "_arguments", real)
        scripted.weight = new_w  # "another thread" reassigns right now
        return values

    scripted.weight = np.asarray(scripted.weight).copy()  # retire the fast path: the next call is a general one
    monkeypatch.setattr(executor_module.Executor, "_arguments", interleaved)
    scripted(x)
    np.testing.assert_allclose(scripted(x), x @ new_w.T + np.asarray(scripted.bias), rtol=1e-5)


def test_module_parameters_under_threads() -> None:
    """A scripted module called from many threads while one thread reassigns a parameter: every result is the
    output of either the old or the new weights, and once the threads are done, the new weights are used."""
    from jitc import nn

    scripted = jitc.script(nn.Linear(4, 4))
    x = np.ones((2, 4), np.float32)
    old_w = np.asarray(scripted.weight).copy()
    new_w = old_w * 2
    want_old = x @ old_w.T + np.asarray(scripted.bias)
    want_new = x @ new_w.T + np.asarray(scripted.bias)

    def work(i):
        if i == 0:
            scripted.weight = new_w
            return
        for _ in range(200):
            y = scripted(x)
            assert np.allclose(y, want_old, rtol=1e-5) or np.allclose(y, want_new, rtol=1e-5)

    assert run_threads(work) == []
    np.testing.assert_allclose(scripted(x), want_new, rtol=1e-5)
