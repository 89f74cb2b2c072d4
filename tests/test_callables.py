"""Any callable compiles (issue 10, item 3): plain Python classes with `__call__`, bound methods, nested plain
objects holding arrays, scalars and lists of layers, like jitc.nn.Modules; reassigning a parameter, an array
attribute, a constant or a submodule after jitc.compile takes effect on the next call (never stale results)."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import jitc
from jitc import nn


def rand(rng, *shape, dtype=np.float64):
    return (rng.standard_normal(shape) + 0.5).astype(dtype)


class Linear:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def __call__(self, x):
        return x @ self.w + self.b


class RMSNorm:
    def __init__(self, dim, eps=1e-6):
        self.weight = np.ones(dim)
        self.eps = eps

    def __call__(self, x):
        return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + self.eps) * self.weight


class MLP:
    """Plain objects all the way down: a list of layers, a norm, a scalar."""

    def __init__(self, rng, dims):
        self.layers = [Linear(rand(rng, a, b), rand(rng, b)) for a, b in itertools.pairwise(dims)]
        self.norm = RMSNorm(dims[-1])
        self.scale = 0.5

    def __call__(self, x):
        for layer in self.layers:
            x = np.tanh(layer(x))
        return self.norm(x) * self.scale

    def hidden(self, x, k: int = 0):
        return self.layers[0](x) * 2.0 + k


def eager_check(compiled, model, *args):
    want = model(*args)
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("error", jitc.FallbackWarning)
            got = compiled(*args)
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert np.asarray(got).dtype == np.asarray(want).dtype


def test_plain_objects_compile_natively(rng):
    model = MLP(rng, (4, 8, 3))
    x = rand(rng, 5, 4)
    compiled = jitc.compile(model, fallback="error")
    eager_check(compiled, model, x)
    assert all(info["compiled"] for info in compiled.cache_info())
    scripted = jitc.script(model)
    np.testing.assert_allclose(scripted(x), model(x), rtol=1e-12)
    assert "MLP" in repr(scripted)


def test_bound_methods_compile(rng):
    model = MLP(rng, (4, 8, 3))
    x = rand(rng, 5, 4)
    eager_check(jitc.compile(model.hidden, fallback="error"), model.hidden, x)
    np.testing.assert_allclose(jitc.compile(model.hidden, fallback="error")(x, k=3), model.hidden(x, 3),
                               rtol=1e-12)
    np.testing.assert_allclose(jitc.script(model.hidden)(x), model.hidden(x), rtol=1e-12)


@pytest.mark.parametrize("what", ["parameter", "array_in_list", "constant", "submodule", "in_place"])
def test_reassignment_after_compile_takes_effect(rng, what):
    model = MLP(rng, (4, 8, 3))
    x = rand(rng, 5, 4)
    compiled = jitc.compile(model, fallback="error")
    eager_check(compiled, model, x)
    if what == "parameter":
        model.norm.weight = rand(rng, 3)
    elif what == "array_in_list":
        model.layers[1].w = rand(rng, 8, 3)
    elif what == "constant":
        model.scale = 3.0
    elif what == "submodule":
        model.norm = RMSNorm(3, eps=0.5)
    else:
        model.layers[0].b[...] = 7.0
    eager_check(compiled, model, x)


class Gate(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.w = rand(rng, 4, 4)
        self.alpha = 1.0

    def forward(self, x, scale=1.0):
        return np.tanh(x @ self.w) * self.alpha * scale


def test_module_reassignment_after_compile_takes_effect(rng):
    model = Gate(rng)
    x = rand(rng, 3, 4)
    compiled = jitc.compile(model, fallback="error")
    eager_check(compiled, model, x)
    model.w = rand(rng, 4, 4)  # the fast path is retired: the next call sees the new array
    eager_check(compiled, model, x)
    model.alpha = -2.0
    eager_check(compiled, model, x)
    np.testing.assert_allclose(compiled(x, scale=0.5), model(x, 0.5), rtol=1e-12)


class Holder(nn.Module):
    """A jitc.nn.Module holding a plain object (real code mixes them)."""

    def __init__(self, rng):
        super().__init__()
        self.proj = Linear(rand(rng, 4, 2), rand(rng, 2))

    def forward(self, x):
        return self.proj(x) * 2.0


def test_modules_holding_plain_objects(rng):
    model = Holder(rng)
    eager_check(jitc.compile(model, fallback="error"), model, rand(rng, 3, 4))


def test_objects_without_a_call_method_are_refused_clearly(rng):
    class Weights:
        def __init__(self):
            self.w = rand(rng, 2, 2)

    with pytest.raises(jitc.ScriptError, match="has no forward\\(\\) or __call__"):
        jitc.script(Weights())


# ---- functions passed to helper functions (an integrator taking the right-hand side)
def decay(y, rate=0.5):
    return -rate * y


def growth(y):
    return np.tanh(y) + 0.1 * y


def rk2_step(f, y, h):
    k1 = f(y)
    return y + h * f(y + 0.5 * h * k1)


def integrate_both(y, h, steps):
    a, b, c = y, y, y
    for _ in range(steps):
        a = rk2_step(decay, a, h)
        b = rk2_step(growth, b, h)
        c = rk2_step(np.sin, c, h)  # a NumPy ufunc as the function
    return a, b, c


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_function_passed_to_a_helper_is_compiled_in(rng, dtype):
    cf = jitc.compile(integrate_both, fallback="error")
    for _ in range(2):
        y = rand(rng, 5, 3, dtype=dtype)
        got, want = cf(y, 0.1, 4), integrate_both(y, 0.1, 4)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=1e-5 if dtype == np.float32 else 1e-12)
    graph = str(cf.graph_for(y, 0.1, 4))
    assert "tanh" in graph and "sin" in graph, graph
