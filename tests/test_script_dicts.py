"""Python dicts in scripted code, as third-party NumPy code uses them: dict displays and item stores with keys
known at compile time (str constants, counters of unrolled range loops), `d[k] op= v` (in place on an array
item), iteration, .keys()/.values()/.items(), reversed(range(...)), dicts returned by helpers and methods, dict
attributes of objects (`self.params["W1"]`, updated in place), and `range(N)` as an index. Compared with NumPy."""
from __future__ import annotations

import numpy as np
import pytest
from test_script_lists import same as close  # one comparison for both files

import jitc

DTYPES = (np.float32, np.float64)


def rnn_like(x, h0, W):
    hs, ys = {}, {}
    hs[-1] = np.copy(h0)
    loss = 0
    for t in range(3):
        hs[t] = np.tanh(W @ hs[t - 1] + x[t])
        ys[t] = hs[t] * 2
        loss += np.sum(ys[t])
    dh = np.zeros_like(h0)
    for t in reversed(range(3)):
        dh += ys[t] * hs[t - 1]
    return loss, dh, hs[2]


def grads_of(X, y, W):
    N = X.shape[0]
    scores = X @ W
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.log(probs[range(N), y]).mean()
    probs[range(N), y] -= 1
    return loss, {"W": X.T @ probs / N, "b": probs.sum(axis=0)}


def uses_helper_dict(X, y, W):
    loss, grads = grads_of(X, y, W)
    total = 0.0
    for name, g in grads.items():
        total += float(np.sum(g * g)) * (2.0 if name == "W" else 1.0)
    grads["W"] *= 0.5
    keys = list(grads.keys())
    return loss, total, grads["W"] + sum(v.sum() for v in grads.values()), len(grads) + len(keys)


class Net:
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}

    def loss(self, X, y=None):
        scores = X @ self.params["W"] + self.params["b"]
        if y is None:
            return scores
        return np.mean((scores - y) ** 2), {"W": X.T @ (scores - y), "b": (scores - y).sum(axis=0)}

    def step(self, X, y, lr=0.01):
        loss, grads = self.loss(X, y)
        for k in self.params:
            self.params[k] -= lr * grads[k]
        return loss, np.argmax(self.loss(X), axis=1)


def rand(rng, *shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_dicts_keyed_by_time_step(dtype):
    rng = np.random.default_rng(0)
    x, h0, W = rand(rng, 3, 4, 1, dtype=dtype), rand(rng, 4, 1, dtype=dtype), rand(rng, 4, 4, dtype=dtype)
    close(jitc.compile(rnn_like, fallback="error")(x, h0, W), rnn_like(x, h0, W))


@pytest.mark.parametrize("dtype", DTYPES)
def test_dict_returned_by_a_helper_and_range_index(dtype):
    rng = np.random.default_rng(1)
    X, W, y = rand(rng, 6, 3, dtype=dtype), rand(rng, 3, 4, dtype=dtype), rng.integers(0, 4, 6)
    close(jitc.compile(uses_helper_dict, fallback="error")(X, y, W), uses_helper_dict(X, y, W))


@pytest.mark.parametrize("dtype", DTYPES)
def test_dict_attribute_updated_in_place(dtype):
    rng = np.random.default_rng(2)
    W, b = rand(rng, 3, 2, dtype=dtype), rand(rng, 2, dtype=dtype)
    net, ref = Net(W.copy(), b.copy()), Net(W.copy(), b.copy())
    cf = jitc.compile(net.step, fallback="error")
    for _ in range(2):
        X, y = rand(rng, 5, 3, dtype=dtype), rand(rng, 5, 2, dtype=dtype)
        close(cf(X, y), ref.step(X, y))
        for k in ref.params:
            close(net.params[k], ref.params[k])
    ref.params["W"] = rand(rng, 3, 2, dtype=dtype)  # a new array: the next call must use it
    net.params["W"] = ref.params["W"].copy()
    X, y = rand(rng, 5, 3, dtype=dtype), rand(rng, 5, 2, dtype=dtype)
    close(cf(X, y), ref.step(X, y))
    close(net.params["W"], ref.params["W"])


def runtime_key(x, k: int):
    d = {}
    d[k] = x
    return d[k]


def aliased(x):
    d = {"a": x}
    e = d
    e["b"] = x
    return d["a"]


def runtime_loop(x, n: int):
    d = {}
    for i in range(n):
        d[i] = x * i
    return d[0]


def missing(x):
    d = {"a": x}
    return d["b"]


def returns_dict(x):
    return {"a": x}


@pytest.mark.parametrize(("fn", "message"), [
    (runtime_key, "dict keys must be known at compile time"),
    (aliased, "another name also refers to"),
    (runtime_loop, "needs range\\(\\) bounds known at compile time"),
    (missing, "KeyError: 'b'"),
])
def test_dict_use_that_cannot_be_resolved_is_a_script_error(fn, message):
    with pytest.raises(jitc.ScriptError, match=message):
        jitc.script(fn)


def test_returning_a_dict_is_not_scripted_as_a_tuple():
    with pytest.raises(jitc.ScriptError, match="returning a Python list or dict is not supported"):
        jitc.compile(returns_dict, fallback="error")._script((jitc.types.TENSOR,))
