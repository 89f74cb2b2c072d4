"""Array attributes of model objects written in place (a KV cache, running statistics): later reads in the same
call see the writes, the caller's arrays change as NumPy changes them, and methods of submodules called with None
or a string are compiled for those arguments and inlined, their attribute writes included."""
from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

import jitc

TOL = {np.float32: 1e-5, np.float64: 1e-12}


class Cache:
    def __init__(self, dtype):
        self.k = np.zeros((2, 8, 3), dtype)
        self.count = np.zeros(1, dtype)

    def __call__(self, x, pos: int):
        B, L, _ = x.shape
        self.k[:B, pos:pos + L] = x
        self.count += 1
        seen = self.k[:B, :pos + L]
        return seen.sum(axis=1) * self.count


class Running:
    """Running statistics updated in a branch and in a loop, returned as the attribute itself."""

    def __init__(self, dtype):
        self.mean = np.zeros(4, dtype)
        self.hist = np.zeros((3, 4), dtype)

    def __call__(self, x, train: bool):
        if train:
            self.mean *= 0.9
            self.mean += 0.1 * x.mean(axis=0)
        for i in range(3):
            self.hist[i] = self.mean * i
        return (x - self.mean).sum(), self.mean


class Layer:
    def __init__(self, dtype):
        self.cache = np.zeros((4, 3), dtype)

    def forward(self, x, mask, mode="add"):
        self.cache[0] = x
        y = self.cache.sum(axis=0)
        if mask is not None:
            y = y + mask
        return y * 2 if mode == "double" else y + 1


class Outer:
    def __init__(self, dtype):
        self.layer = Layer(dtype)
        self.extra = np.ones(3, dtype)

    def __call__(self, x, mask):
        y = self.layer.forward(x, mask, "double")
        self.extra += self.layer.cache[0]
        return y + self.layer.cache.sum() + self.extra


def check(model, make_args, dtype, calls=3):
    reference = copy.deepcopy(model)
    cf = jitc.compile(model, fallback="error")
    for c in range(calls):
        args = make_args(c)
        with warnings.catch_warnings():
            warnings.simplefilter("error", jitc.FallbackWarning)
            got = cf(*args)
        want = reference(*copy.deepcopy(args))
        _same(got, want, TOL[dtype])
        for name, value in vars(reference).items():
            if isinstance(value, np.ndarray):
                np.testing.assert_allclose(getattr(model, name), value, rtol=TOL[dtype], atol=TOL[dtype])
    return cf


def _same(got, want, tol):
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            _same(g, w, tol)
        return
    assert np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cache_written_then_read(rng, dtype):
    xs = [rng.standard_normal((1, 2, 3)).astype(dtype) for _ in range(3)]
    model = Cache(dtype)
    check(model, lambda c: (xs[c], 2 * c), dtype)
    check(model.__call__.__self__, lambda c: (xs[c], 1 + c), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_writes_in_branches_and_loops(rng, dtype):
    model = Running(dtype)
    xs = [rng.standard_normal((5, 4)).astype(dtype) for _ in range(4)]
    check(model, lambda c: (xs[c], c != 2), dtype, calls=4)
    cf = jitc.compile(model, fallback="error")
    _, mean = cf(xs[0], True)
    assert mean is model.mean, "a returned attribute is the object's own array, as in NumPy"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_submodule_methods_with_none_are_inlined(rng, dtype):
    xs = [rng.standard_normal(3).astype(dtype) for _ in range(3)]
    masks = [None, rng.standard_normal(3).astype(dtype), None]
    check(Outer(dtype), lambda c: (xs[c], masks[c]), dtype)


class Counter:
    def __init__(self, dtype):
        self.seen = np.zeros(3, dtype)

    def forward(self, x):
        self.seen += x
        return self.seen * 1


class Twice:
    """Calls a submodule that writes its attribute twice, then reads that attribute itself."""

    def __init__(self, dtype):
        self.counter = Counter(dtype)

    def __call__(self, x):
        a = self.counter.forward(x)
        b = self.counter.forward(x * 2)
        return a + b + self.counter.seen


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_submodule_writes_are_seen_by_the_caller(rng, dtype):
    xs = [rng.standard_normal(3).astype(dtype) for _ in range(3)]
    model = Twice(dtype)
    reference = copy.deepcopy(model)
    cf = jitc.compile(model, fallback="error")
    for x in xs:
        np.testing.assert_allclose(cf(x), reference(x), rtol=TOL[dtype], atol=TOL[dtype])
        np.testing.assert_allclose(model.counter.seen, reference.counter.seen, rtol=TOL[dtype], atol=TOL[dtype])


def test_bound_method_writing_its_object(rng):
    layer = Layer(np.float64)
    reference = copy.deepcopy(layer)
    cf = jitc.compile(layer.forward, fallback="error")
    for _ in range(3):
        x = rng.standard_normal(3)
        np.testing.assert_allclose(cf(x, None, "add"), reference.forward(x, None, "add"), rtol=1e-12)
        np.testing.assert_allclose(layer.cache, reference.cache, rtol=1e-12)
