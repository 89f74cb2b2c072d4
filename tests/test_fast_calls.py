"""The per-call fast path of `@jitc.compile` (jitc/fast_calls.py): after the first call, calls with defaults,
tuple/list arguments, constants, by-value scalars, plain model objects and returned views skip the general path,
and every call shaped differently still gets NumPy's answer (a new default, list length, constant, scalar value,
reassigned attribute or list item)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import jitc

DTYPES = [np.float32, np.float64]
TOL = {np.float32: 1e-5, np.float64: 1e-12}


def rand(rng, *shape, dtype=np.float64):
    return (rng.standard_normal(shape) + 0.5).astype(dtype)


def fast(cf) -> bool:
    """The call path is no longer the general one (a native builtin or the binding closure)."""
    return getattr(cf.__dict__.get("_call"), "__func__", None) is not type(cf)._general_call


def native_hits(cf) -> int:
    return sum(info["hits"] for info in cf.cache_info())


def check_calls(cf, fn, make_args, calls: int = 3, tol: float = 1e-12):
    """Each call on fresh inputs matches eager NumPy in results and in every argument it mutates."""
    for _ in range(calls):
        args, ref = make_args(), make_args()
        with warnings.catch_warnings():
            warnings.simplefilter("error", jitc.FallbackWarning)
            got = cf(*args)
        want = fn(*ref)
        _same(got, want, tol)
        _same(args, ref, tol)


def _same(got, want, tol):
    if isinstance(want, (tuple, list)):
        assert type(got) in (tuple, list) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w, tol)
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    else:
        assert type(got) is type(want) and (got == want or np.isclose(got, want, rtol=tol))


@pytest.mark.parametrize("dtype", DTYPES)
def test_defaults_and_keywords(rng, dtype):
    def step(p, g, lr=0.1, decay=0.5):
        p -= lr * g
        g *= decay
        return p.sum()

    cf = jitc.compile(step, fallback="error")
    seed = rng.integers(1 << 30)

    def make():
        r = np.random.default_rng(seed)
        return rand(r, 5, 3, dtype=dtype), rand(r, 5, 3, dtype=dtype)

    check_calls(cf, step, make, tol=TOL[dtype])
    assert fast(cf)
    before = native_hits(cf)
    check_calls(cf, step, make, tol=TOL[dtype])
    assert native_hits(cf) == before + 3, "calls with defaults run the native entry"
    check_calls(cf, step, lambda: (*make(), 0.25), tol=TOL[dtype])  # one more argument: the general path
    p, g = make()
    p2, g2 = make()
    np.testing.assert_allclose(cf(p, g, decay=2.0), step(p2, g2, decay=2.0), rtol=TOL[dtype])
    np.testing.assert_allclose(g, g2, rtol=TOL[dtype])


def test_lists_of_arrays_spread(rng):
    def sgd(params, grads, lr):
        for p, g in zip(params, grads):
            p -= lr * g

    cf = jitc.compile(sgd, fallback="error")
    seed = rng.integers(1 << 30)

    def make(k=2, lr=0.1):
        r = np.random.default_rng(seed)
        return [rand(r, 4, 2) for _ in range(k)], [rand(r, 4, 2) for _ in range(k)], lr

    check_calls(cf, sgd, make)
    assert fast(cf)
    check_calls(cf, sgd, lambda: make(lr=0.3))  # a new float: same code, native
    check_calls(cf, sgd, lambda: make(k=3))     # another list length: another variant
    check_calls(cf, sgd, lambda: make(k=2))
    r = np.random.default_rng(seed)
    params, grads = (rand(r, 4, 2), rand(r, 4, 2)), [rand(r, 4, 2), rand(r, 4, 2)]
    ref = [p.copy() for p in params]
    cf(params, grads, 0.5)  # a tuple where a list was: the same kind
    for p, q, g in zip(params, ref, grads):
        np.testing.assert_allclose(p, q - 0.5 * g, rtol=1e-12)


def test_constants_are_compared(rng):
    def pick(x, mode="sum"):
        return x.sum() if mode == "sum" else x.max()

    cf = jitc.compile(pick, fallback="error")
    x = rand(rng, 6)
    for mode in ("sum", "sum", "max", "max", "sum"):
        assert cf(x, mode) == pick(x, mode)
    assert cf(x) == x.sum() and cf(x, mode="max") == x.max()


def test_scalars_compiled_by_value_are_compared(rng):
    def trim(a, w):
        a[:w] = 0.0
        return a[w:].sum()

    cf = jitc.compile(trim, fallback="error")
    seed = rng.integers(1 << 30)
    for w in (1, 1, 2, 2, 1, 3):
        check_calls(cf, trim, lambda w=w: (rand(np.random.default_rng(seed), 7, 2), w), calls=2)
    with pytest.raises((TypeError, jitc.JitcError)):  # an array where the int was: NumPy's TypeError or refused
        cf(rand(rng, 7, 2), np.array([1, 2]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_returned_views_share_memory(rng, dtype):
    def interior(a, w):
        a[:w] = a[w]
        return a[w:-w], a.T, a[1], a

    cf = jitc.compile(interior, fallback="error")
    for _ in range(3):
        a = rand(rng, 8, 3, dtype=dtype)
        ref = a.copy()
        inner, t, row, same = cf(a, 2)
        want = interior(ref, 2)
        _same((inner, t, row, same), want, TOL[dtype])
        assert same is a and np.shares_memory(inner, a) and np.shares_memory(t, a) and np.shares_memory(row, a)
        inner[0, 0] = 42.0
        assert a[2, 0] == 42.0
    assert fast(cf)


class Dense:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def __call__(self, x):
        return x @ self.w + self.b


class Net:
    def __init__(self, layers, scale):
        self.layers, self.scale = layers, scale

    def __call__(self, x):
        for layer in self.layers:
            x = np.tanh(layer(x))
        return x * self.scale


def test_plain_objects_see_every_reassignment(rng):
    net = Net([Dense(rand(rng, 4, 5), rand(rng, 5)), Dense(rand(rng, 5, 3), rand(rng, 3))], 0.5)
    cf = jitc.compile(net, fallback="error")
    x = rand(rng, 2, 4)

    def check():
        for _ in range(2):
            np.testing.assert_allclose(cf(x), net(x), rtol=1e-12)

    check()
    assert fast(cf)
    net.layers[0].w = rand(rng, 4, 5)       # an array attribute of a nested object
    check()
    net.layers[1].w[:] = rand(rng, 5, 3)    # written in place: the same array, read at every call
    check()
    net.layers[1] = Dense(rand(rng, 5, 3), rand(rng, 3))  # an item of a list of layers
    check()
    net.scale = 2.0                          # a constant
    check()
    net.layers.append(Dense(rand(rng, 3, 3), rand(rng, 3)))  # the list grows
    check()
    net.layers[0].b = rand(rng, 5).astype(np.float32)  # another dtype: compiled again, NumPy's promotion
    check()


class Scaled:
    def __init__(self):
        self.factors = [2.0, 3.0]

    def __call__(self, x):
        return x * self.factors[0] + self.factors[1]


def test_constants_in_lists_changed_in_place(rng):
    model = Scaled()
    cf = jitc.compile(model, fallback="error")
    x = rand(rng, 4)
    for value in (2.0, 2.0, -1.0, -1.0):
        model.factors[0] = value
        np.testing.assert_allclose(cf(x), model(x), rtol=1e-12)


def test_bound_methods_take_the_fast_path(rng):
    net = Net([Dense(rand(rng, 4, 5), rand(rng, 5))], 1.5)
    cf = jitc.compile(net.layers[0].__call__, fallback="error")
    x = rand(rng, 3, 4)
    for _ in range(3):
        np.testing.assert_allclose(cf(x), net.layers[0](x), rtol=1e-12)
    assert fast(cf)
    net.layers[0].b = rand(rng, 5)
    np.testing.assert_allclose(cf(x), net.layers[0](x), rtol=1e-12)


def test_guard_failures_and_errors_take_the_general_path(rng):
    def f(a, i, scale=2.0):
        return a[i] * scale

    cf = jitc.compile(f, fallback="error")
    a = rand(rng, 5, 3)
    np.testing.assert_allclose(cf(a, 1), f(a, 1))
    np.testing.assert_allclose(cf(a, -2), f(a, -2))
    np.testing.assert_allclose(cf(a.astype(np.float32), 1), f(a.astype(np.float32), 1), rtol=1e-6)
    np.testing.assert_allclose(cf(a[::2], 1), f(a[::2], 1))
    with pytest.raises(IndexError):
        cf(a, 5)
    np.testing.assert_allclose(cf(a, 4), f(a, 4))
