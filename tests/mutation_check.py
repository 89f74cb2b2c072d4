"""The harness of the mutation tests (test_mutation.py, test_mutation_aliasing.py): seeded inputs, and a check that
a program run eagerly, compiled (first and cached call), scripted and traced gives NumPy's result AND leaves every
argument as NumPy does."""
from __future__ import annotations

import warnings

import numpy as np

import jitc

RTOL = {np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-12}


def rand(shape, dtype=np.float64, seed=0):
    r = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return r.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return r.integers(1, 9, shape).astype(dtype)
    return (r.uniform(0.5, 2.0, shape) * r.choice([-1.0, 1.0], shape)).astype(dtype)


def same(got, expected, what):
    if expected is None or type(expected) in (bool, int, float):
        assert got == expected if expected is not None else got is None, what
        return
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), what
        for g, e in zip(got, expected):
            same(g, e, what)
        return
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape, f"{what}: {got.dtype}{got.shape}"
    rtol = RTOL.get(expected.dtype, 0)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol, err_msg=what)


def identities(result, args) -> list:
    """Which argument each returned array is (NumPy returns the caller's object for `return x`)."""
    flat = result if isinstance(result, tuple) else (result,)
    return [next((i for i, a in enumerate(args) if r is a), None) for r in flat]


def check(fn, *args, trace=True):
    """eager == jitc.compile (twice: the fast path) == jitc.script == jitc.trace, on results and arguments."""
    expected_args = [a.copy() for a in args]
    expected = fn(*expected_args)
    runners = [("compiled", jitc.compile(fn, fallback="error")), ("scripted", jitc.script(fn))]
    if trace:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jitc.TracerWarning)
            runners.append(("traced", jitc.trace(fn, tuple(a.copy() for a in args))))
    for name, runner in runners:
        for call in ("first", "cached"):
            got_args = [a.copy() for a in args]
            got = runner(*got_args)
            what = f"{fn.__name__} {name} ({call} call)"
            same(got, expected, what + ": result")
            for k, (g, e) in enumerate(zip(got_args, expected_args)):
                same(g, e, f"{what}: argument {k}")
            assert identities(got, got_args) == identities(expected, expected_args), what + ": returned objects"
    return runners
