"""NumPy scalars against Python scalars (NEP 50, NumPy 2): `np.sqrt(n)` of a Python int is an np.float64, a
*strong* scalar that makes float32 arrays float64; `math.sqrt(n)`, `n ** -0.5`, `float(...)` and `.item()` are
Python floats, weak, which keep the array's dtype. Every case runs traced, scripted and compiled (with static and
symbolic shapes) and must give eager NumPy's dtypes, values and scalar-or-array results."""
from __future__ import annotations

import math

import numpy as np
import pytest

import jitc

GLOBAL_F64 = np.float64(0.5)
GLOBAL_F32 = np.float32(0.25)
GLOBAL_I64 = np.int64(3)
GLOBAL_FLAG = np.bool_(True)


def ufunc_of_size(x):
    return x * (1.0 / np.sqrt(x.shape[-1]))


def log_of_size(x):
    return x + np.log(x.shape[0])


def binary_ufunc_of_sizes(x):
    return x * np.maximum(x.shape[0], 2.0) + np.add(x.shape[0], 1)


def integer_ufunc_of_size(x):
    return x + np.square(x.shape[0]) - np.abs(-x.shape[1])


def chain_from_numpy_scalar(x):
    return x * (np.sqrt(x.shape[-1]) * 2.0 + 1)


def ufunc_of_constant(x):
    return x * np.exp(0.5)


def numpy_scalar_constants(x):
    return x * np.float64(2.0), x * np.float32(2.0), x + np.int64(3)


def numpy_scalar_of_size(x):
    return x * np.float64(x.shape[0]), x * np.float32(x.shape[1]), x * np.float32(np.sqrt(x.shape[-1]))


def numpy_scalar_globals(x):
    return x * GLOBAL_F64, x * GLOBAL_F32, x + GLOBAL_I64, (x if GLOBAL_FLAG else -x)


def numpy_scalar_arithmetic(x):
    s = np.float32(2.0)
    s += 1
    return x * s, s, np.sqrt(np.float32(4.0)) * 2


def augmented_numpy_scalars_rebind(x):
    s = x.sum()
    t = s
    s += 1  # NumPy scalars are immutable: s is a new scalar, t keeps the sum
    u = np.sqrt(x.shape[0])
    v = u
    u *= 2.0
    w = x.max()
    w += np.float64(0.5)  # promotes as w + np.float64(0.5) does
    b = x.min()
    b += x[0]  # becomes an array
    return x * t, s, v, u, w, b


def python_math_of_size(x):
    return x * (1.0 / math.sqrt(x.shape[-1])) + math.log(x.shape[0])


def python_operators_on_sizes(x):
    return x * x.shape[-1] ** -0.5 + 1 / x.shape[0] + len(x)


def python_float_of_numpy_scalar(x):
    return x * float(np.sqrt(x.shape[-1])) + np.pi


def item_and_float(x):
    return x * x.sum().item() - float(x.max())


def function_not_returning_numpy_scalar(x):
    return x * np.real(2.0)


CASES = [ufunc_of_size, log_of_size, binary_ufunc_of_sizes, integer_ufunc_of_size, chain_from_numpy_scalar,
         ufunc_of_constant, numpy_scalar_constants, numpy_scalar_of_size, numpy_scalar_globals,
         numpy_scalar_arithmetic, augmented_numpy_scalars_rebind, python_math_of_size, python_operators_on_sizes, python_float_of_numpy_scalar,
         item_and_float, function_not_returning_numpy_scalar]
MODES = {"trace": lambda fn, x: jitc.trace(fn, (x,)),
         "script": lambda fn, x: jitc.script(fn),
         "compile": lambda fn, x: jitc.compile(fn, fallback="error"),
         "dynamic": lambda fn, x: jitc.compile(fn, fallback="error", dynamic=True)}
RTOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-13}


def _results(r) -> tuple:
    return r if isinstance(r, tuple) else (r,)


def _check(got, expected):
    got, expected = _results(got), _results(expected)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert np.asarray(g).dtype == np.asarray(e).dtype
        assert isinstance(g, np.generic) == isinstance(e, np.generic), (type(g), type(e))
        tol = RTOL.get(np.asarray(e).dtype, 0)
        np.testing.assert_allclose(g, e, rtol=tol, atol=0)


@pytest.mark.filterwarnings("error::jitc.FallbackWarning", "ignore::jitc.TracerWarning")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
@pytest.mark.parametrize("fn", CASES, ids=lambda f: f.__name__)
def test_numpy_and_python_scalars_promote_as_in_numpy(fn, dtype, mode):
    rng = np.random.default_rng(7)
    x = (rng.random((3, 8)) * 4 + 1).astype(dtype)
    compiled = MODES[mode](fn, x)
    _check(compiled(x), fn(x))
    y = (rng.random((5, 8)) * 4 + 1).astype(dtype)  # another size (symbolic with automatic dynamic)
    if mode != "trace":
        _check(compiled(y), fn(y))


class Scaled(jitc.nn.Module):
    def __init__(self):
        super().__init__()
        self.strong = np.float64(0.5)
        self.half = np.float32(0.5)
        self.size = 8

    def forward(self, x):
        return x * self.strong, x * self.half, x * np.sqrt(self.size)


class PlainScaled:
    def __init__(self):
        self.strong = np.float32(3.0)

    def __call__(self, x):
        return x * self.strong


@pytest.mark.filterwarnings("error::jitc.FallbackWarning")
@pytest.mark.parametrize("make", [Scaled, PlainScaled])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_scalar_attributes_promote_as_in_numpy(make, dtype):
    model = make()
    x = np.random.default_rng(3).standard_normal((3, 4)).astype(dtype)
    for compiled in (jitc.script(model), jitc.compile(model, fallback="error")):
        _check(compiled(x), model(x))


def test_numpy_scalar_attribute_reassigned_recompiles():
    model = PlainScaled()
    compiled = jitc.compile(model, fallback="error")
    x = np.random.default_rng(4).standard_normal(5).astype(np.float32)
    _check(compiled(x), model(x))
    model.strong = np.float64(2.0)
    _check(compiled(x), model(x))


def test_numpy_scalar_type_call_of_an_array_casts_it():
    def cast(x):
        return np.float32(x) * 2, np.int64(x.shape[0])

    x = np.random.default_rng(5).standard_normal(6)
    _check(jitc.script(cast)(x), cast(x))


def _scaled_by(c):
    def scaled(x):
        return x * c

    return scaled


@pytest.mark.parametrize("mode", ["trace", "script"])
def test_functions_differing_only_in_a_numpy_scalar_constant_get_their_own_code(mode):
    """Such constants print as `<Tensor>` in the graph text the disk cache is keyed by: their values are in it."""
    x = np.random.default_rng(6).standard_normal(4).astype(np.float32)
    for c in (np.float64(2.0), np.float64(3.0), np.float32(3.0)):
        fn = _scaled_by(c)
        _check(MODES[mode](fn, x)(x), fn(x))
