"""NumPy's answers at the edges of a dtype (NEP 50 Python ints, signed zeros, infinities, narrowing casts) and its
result types (NumPy scalars), through jitc.compile and jitc.script, first call and guarded fast path alike.
Every expectation is computed by running the same function eagerly."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import jitc

U8 = np.array([0, 100, 200, 255], np.uint8)
I8 = np.array([-128, -3, 5, 127], np.int8)
U64 = np.array([0, 7, 2**64 - 1], np.uint64)
I64 = np.array([-2**63, -5, 2**63 - 1], np.int64)
SPECIAL = np.array([-np.inf, -0.0, 0.0, 4.0, np.nan, -1.0, 300.0, np.inf, -129.0, 255.5, 1e10, -2.5])


def lt_300(x):
    return x < 300


def gt_minus_one(x):
    return x > -1


def eq_256(x):
    return x == 256


def ne_256(x):
    return x != 256


def ge_300_reflected(x):
    return 300 >= x


def lt_2_63(x):
    return x < 2**63


def gt_minus_2_63_minus_1(x):
    return x > -2**63 - 1


def clip_300(x):
    return np.clip(x, 0, 300)


def clip_wide(x):
    return np.clip(x, -500, 300)


def where_300(x):
    return np.where(x > 3, x, 300)


def lt_scalar(x, s: int):
    return x < s


def add_scalar(x, s: int):
    return x + s


def clip_scalar(x, s: int):
    return np.clip(x, 0, s)


def add_2_70(x):
    return x + 2**70


def mul_2_200(x):
    return x * 2**200


def sqrt_by_power(x):
    return x ** 0.5


def power_by_array(x, e):
    return x ** e


def inverse_of_maximum(x):
    return 1.0 / np.maximum(x, 0.0)


def inverse_of_minimum(x):
    return 1.0 / np.minimum(x, -0.0)


def inverse_of_relu_like(x):
    return 1.0 / np.maximum(0.0, x)


def inverse_of_clip(x):
    return 1.0 / np.clip(x, 0.0, 1.0)


def to_uint8(x):
    return x.astype(np.uint8)


def to_int8(x):
    return x.astype(np.int8)


def to_int16(x):
    return x.astype(np.int16)


def to_uint16(x):
    return x.astype(np.uint16)


def to_int32(x):
    return x.astype(np.int32)


def to_uint32(x):
    return x.astype(np.uint32)


def to_int64(x):
    return x.astype(np.int64)


def to_uint64(x):
    return x.astype(np.uint64)


def total(x):
    return x.sum()


def biggest(x):
    return x.max()


def mean_and_min(x):
    return x.mean(), x.min(axis=0)


def tanh_of(x):
    return np.tanh(x)


def zero_d_plus_one(x):
    return x + 1


def element(x):
    return x[1]


def _fronts(fn):
    return {"compile": jitc.compile(fn), "script": jitc.script(fn)}


RTOL = {np.dtype(np.float16): 1e-3, np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-14}


def _same(got, want, exact: bool = True) -> None:
    """Same type, dtype and shape as NumPy's result; the same bits (signed zeros too), or within a few ulp for
    results of vector math (tanh) that is not NumPy's own implementation."""
    assert type(got) is type(want), f"type {type(got).__name__}, NumPy {type(want).__name__}"
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            _same(g, w, exact)
        return
    got_a, want_a = np.asarray(got), np.asarray(want)
    assert got_a.dtype == want_a.dtype and got_a.shape == want_a.shape
    if not exact and want_a.dtype.kind == "f":
        np.testing.assert_allclose(got_a, want_a, rtol=RTOL[want_a.dtype], atol=0)
        return
    np.testing.assert_array_equal(got_a, want_a)
    if want_a.dtype.kind == "f":
        np.testing.assert_array_equal(np.signbit(got_a), np.signbit(want_a))


def _check(fn, *args, exact: bool = True) -> None:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = fn(*args)
        for compiled in _fronts(fn).values():
            for _ in range(2):  # the general path, then the native fast path
                _same(compiled(*args), want, exact)


def _check_raises(fn, exc, *args) -> None:
    with pytest.raises(exc):
        fn(*args)
    for compiled in _fronts(fn).values():
        for _ in range(2):
            with pytest.raises(exc):
                compiled(*args)


@pytest.mark.parametrize("fn", [lt_300, gt_minus_one, eq_256, ne_256, ge_300_reflected, clip_300, clip_wide,
                                where_300])
@pytest.mark.parametrize("x", [U8, I8, U8[::-2], I8.reshape(2, 2).T, np.array(200, np.uint8)],
                         ids=["u8", "i8", "u8_reversed", "i8_transposed", "u8_0d"])
def test_out_of_range_python_int_constants(fn, x) -> None:
    _check(fn, x)


@pytest.mark.parametrize("fn,x", [(gt_minus_one, U64), (lt_2_63, I64), (gt_minus_2_63_minus_1, I64),
                                  (eq_256, U64), (lt_300, np.array([0, 70000], np.uint32))])
def test_out_of_range_python_int_constants_wide(fn, x) -> None:
    _check(fn, x)


@pytest.mark.parametrize("s", [300, -1, 255, 3, -129, 2**40])
@pytest.mark.parametrize("x", [U8, I8, np.array([0, 65535], np.uint16)], ids=["u8", "i8", "u16"])
def test_runtime_python_int_compared_exactly(x, s) -> None:
    _check(lt_scalar, x, s)


@pytest.mark.parametrize("s", [300, -129, 2**40])
def test_runtime_python_int_out_of_bounds_raises_overflow_error(s) -> None:
    _check_raises(add_scalar, OverflowError, I8, s)
    _check(add_scalar, I8, 7)  # the same specialization, a value in range


def test_runtime_python_int_uint8_minus_one_raises() -> None:
    _check_raises(add_scalar, OverflowError, U8, -1)


@pytest.mark.parametrize("s", [300, 200, 2**40])
def test_runtime_python_int_clip_bound_beyond_dtype_is_dropped(s) -> None:
    _check(clip_scalar, U8, s)


def test_constant_out_of_bounds_arithmetic_raises_overflow_error() -> None:
    def plus_300(x):
        return x + 300

    _check_raises(plus_300, OverflowError, I8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_python_int_with_float_arrays(dtype) -> None:
    x = np.array([1.0, -2.0, np.inf], dtype)
    _check(add_2_70, x)
    _check(mul_2_200, x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_power_one_half_is_numpy_sqrt(dtype) -> None:
    _check(sqrt_by_power, SPECIAL.astype(dtype))
    _check(sqrt_by_power, np.array(-np.inf, dtype))
    _check(power_by_array, SPECIAL.astype(dtype), np.float64(0.5) if dtype == np.float64 else np.float32(0.5))
    exact = np.array([-np.inf, -0.0, 0.0, 4.0, np.nan, np.inf], dtype)
    _check(power_by_array, exact, np.full(exact.shape, 0.5, dtype))  # C's pow here, as in NumPy


@pytest.mark.parametrize("fn", [inverse_of_maximum, inverse_of_minimum, inverse_of_relu_like, inverse_of_clip])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_signed_zero_of_maximum_minimum_clip(fn, dtype) -> None:
    x = np.array([-0.0, 0.0, -0.0, 2.0, np.nan, -1.0] * 3, dtype)
    _check(fn, x)
    _check(fn, x[::-2])


@pytest.mark.parametrize("fn", [to_uint8, to_int8, to_int16, to_uint16, to_int32, to_uint32, to_int64, to_uint64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_narrowing_float_casts_match_numpy(fn, dtype) -> None:
    edges = np.concatenate([SPECIAL, [2.0**31, -2.0**31 - 1, 2.0**32 + 5, 2.0**63, -2.0**63, 2.0**64, 1e30,
                                      65539.0, -32769.0, 4294967295.0, 2.0**63 + 2.0**40]])
    rng = np.random.default_rng(0)
    wide = rng.standard_normal(200) * np.exp2(rng.integers(0, 70, 200))
    x = np.concatenate([edges, wide]).astype(dtype)
    if fn is to_uint32:  # NumPy itself gives two answers out of range: by length and position (SIMD vs tail loop)
        x = x[(x > -2.0**31) & (x < 2.0**32)]
    _check(fn, x)


@pytest.mark.parametrize("fn", [total, biggest, mean_and_min, tanh_of, zero_d_plus_one, element])
@pytest.mark.parametrize("x", [np.array([1.5, -2.0, 3.25], np.float32), np.arange(6.0).reshape(3, 2),
                               np.array([3, 1, 2], np.int8)], ids=["f32", "f64_2d", "i8"])
def test_result_types_are_numpy_scalars_where_numpy_gives_them(fn, x) -> None:
    _check(fn, x, exact=False)


@pytest.mark.parametrize("fn", [tanh_of, zero_d_plus_one, total])
def test_result_types_of_0d_inputs(fn) -> None:
    _check(fn, np.array(0.5, np.float32), exact=False)
