"""Complex products round as NumPy's do, bit for bit: arrays (and 0-d arrays) go through NumPy's SIMD loop, whose
parts are fused multiply-adds (re = fma(a, c, -bd), im = fma(a, d, bc)); `*` on NumPy scalars (a ufunc's result
on 0-d arrays) runs its scalar math, each product rounded, so `np.conj(s) * s` has an imaginary part of exactly
+0.0 there and not the rounding error of a product."""
from __future__ import annotations

import numpy as np
import pytest

import jitc


def conj_times_self_of_scalar(z):
    s = z + 0  # a NumPy scalar, as any ufunc's result on a 0-d array
    return -(np.conj(s) * s)


def product_of_scalars(z, w):
    return (z + 0) * (w - 0)


def scalar_times_python_complex(z, w):
    return (z + 0) * (0.3 - 0.7j)


def product_of_arrays(z, w):
    return z * w, np.conj(z) * z


def array_times_scalar(z, w):
    return z * (w.reshape(-1)[0] + 0)


def _complex(rng, shape, dtype):
    """An array (0-d for shape ()); NumPy scalars as arguments are another case (see FINDINGS.md, robust14)."""
    return np.asarray(rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def _same_bits(got, expected):
    for g, e in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else (expected,)):
        g, e = np.asarray(g), np.asarray(e)
        assert g.dtype == e.dtype and g.shape == e.shape
        for part in (np.real, np.imag):
            np.testing.assert_array_equal(part(g), part(e))
            np.testing.assert_array_equal(np.signbit(part(g)), np.signbit(part(e)))


@pytest.mark.filterwarnings("error::jitc.FallbackWarning")
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("fn", [conj_times_self_of_scalar, product_of_scalars, scalar_times_python_complex],
                         ids=lambda f: f.__name__)
def test_products_of_numpy_scalars_round_each_product(fn, dtype):
    rng = np.random.default_rng(21)
    compiled = jitc.compile(fn, fallback="error")
    for _ in range(50):
        z, w = _complex(rng, (), dtype), _complex(rng, (), dtype)
        args = (z,) if fn is conj_times_self_of_scalar else (z, w)
        _same_bits(compiled(*args), fn(*args))


@pytest.mark.filterwarnings("error::jitc.FallbackWarning")
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("shape", [(), (7,), (3, 5)])
@pytest.mark.parametrize("fn", [product_of_arrays, array_times_scalar], ids=lambda f: f.__name__)
def test_products_of_arrays_fuse_as_numpy_simd_loop(fn, shape, dtype):
    rng = np.random.default_rng(22)
    compiled = jitc.compile(fn, fallback="error")
    for _ in range(10):
        z, w = _complex(rng, shape, dtype), _complex(rng, shape, dtype)
        _same_bits(compiled(z, w), fn(z, w))
