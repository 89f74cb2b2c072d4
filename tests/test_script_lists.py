"""Python lists in scripted code, as third-party NumPy code uses them: list displays grown with .append/.extend
(also in range loops of a constant trip count, unrolled), list comprehensions and generator expressions over
tuples, zip/enumerate and range(), sum/list/tuple of them; method calls with keywords and defaults;
`.astype(int)`. Every result is compared with NumPy (both float dtypes)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import jitc

DTYPES = (np.float32, np.float64)


def history(X, w, lr=0.1, steps=4):
    losses = []
    for _ in range(4):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        w = w - lr * (X.T @ (p - 0.5))
        losses.append(np.mean(p))
    return np.array(losses), w


def comprehensions(a, b, c):
    xs = [a, b, c]
    squares = [x * x for x in xs]
    total = sum(float(np.sum(g * g)) for g in xs)
    pairs = [x + y for x, y in zip(xs, squares) if True]
    scaled = [x * k for k, x in enumerate(xs)]
    grid = [xs[i] * j for i in range(3) for j in range(2)]
    return sum(squares), math.sqrt(total), tuple(pairs), np.stack(list(scaled)), np.stack(grid)


def extend_and_append(a, b):
    out = [a]
    out.extend([b, a + b])
    out.append(b * 2)
    return np.concatenate(out)


def returns_list(a, b):
    out = [a]
    out.append(b)
    return out


def test_returning_a_list_is_not_scripted_as_a_tuple():
    with pytest.raises(jitc.ScriptError, match="returning a Python list or dict is not supported"):
        jitc.compile(returns_list, fallback="error")._script((jitc.types.TENSOR, jitc.types.TENSOR))


def aliased(a):
    xs = []
    ys = xs
    ys.append(a)
    return xs


def grows_in_runtime_loop(a, n: int):
    xs = []
    for i in range(n):
        xs.append(a * i)
    return xs


class Model:
    def __init__(self, w):
        self.w = w

    def score(self, X, y=None, reg=0.0, threshold=0.5):
        s = X @ self.w
        if y is None:
            return (s > threshold).astype(int)
        return np.mean((s - y) ** 2) + reg * np.sum(self.w * self.w)

    def step(self, X, y):
        return self.score(X, y=y, reg=0.1), self.score(X), self.score(X, threshold=0.0)


def rand(rng, *shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


def same(got, want, rtol=1e-5):
    if isinstance(want, (tuple, list)):
        assert type(got) is type(want) or isinstance(got, tuple), (type(got), type(want))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w, rtol)
        return
    assert np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * 0.1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_append_in_constant_range_loop(dtype):
    rng = np.random.default_rng(0)
    X, w = rand(rng, 6, 3, dtype=dtype), rand(rng, 3, dtype=dtype)
    same(jitc.compile(history, fallback="error")(X, w), history(X, w), 1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_comprehensions_and_builtins(dtype):
    rng = np.random.default_rng(1)
    args = [rand(rng, 2, 3, dtype=dtype) for _ in range(3)]
    same(jitc.compile(comprehensions, fallback="error")(*args), comprehensions(*args), 1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_extend_and_append(dtype):
    rng = np.random.default_rng(2)
    a, b = rand(rng, 4, dtype=dtype), rand(rng, 4, dtype=dtype)
    same(jitc.compile(extend_and_append, fallback="error")(a, b), extend_and_append(a, b), 1e-6)


@pytest.mark.parametrize(("fn", "message"), [
    (aliased, "another name also refers to"),
    (grows_in_runtime_loop, "needs range\\(\\) bounds known at compile time"),
])
def test_list_growth_that_cannot_be_resolved_is_a_script_error(fn, message):
    with pytest.raises(jitc.ScriptError, match=message):
        jitc.script(fn)


@pytest.mark.parametrize("dtype", DTYPES)
def test_method_keywords_defaults_and_astype_int(dtype):
    rng = np.random.default_rng(3)
    model = Model(rand(rng, 3, dtype=dtype))
    X, y = rand(rng, 5, 3, dtype=dtype), rand(rng, 5, dtype=dtype)
    got, want = jitc.compile(model.step, fallback="error")(X, y), model.step(X, y)
    same(got, want, 1e-5)
    assert got[1].dtype == np.int64


def alias_then_grow(a, b):
    xs = [a]
    ys = xs
    xs.append(b)
    return ys


def alias_in_tuple(a, b):
    xs = [a]
    pair = (xs, b)
    xs.append(b)
    return pair


@pytest.mark.parametrize("fn", [alias_then_grow, alias_in_tuple])
def test_growing_an_aliased_list_is_a_script_error(fn):
    with pytest.raises(jitc.ScriptError, match="another name also refers to"):
        jitc.script(fn)
