"""Python scalar code inside compiled functions means what Python means: zero divisors raise ZeroDivisionError,
range()'s zero step ValueError (when and only when the line runs), True + True is the int 2, and int arithmetic
beyond 64 bits gives Python's exact answer (constants: the interpreter runs it) or raises IntegerOverflowError
(values known at run time: compiled ints are 64-bit), never a silently wrapped value."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import jitc

X = np.array([1.5, -2.0, 3.0])


def floordiv_scalars(x, a: int, b: int):
    return x + a // b


def mod_scalars(x, a: int, b: int):
    return x + a % b


def truediv_scalars(x, a: float, b: float):
    return x + a / b


def float_floordiv_scalars(x, a: float, b: float):
    return x + a // b


def add_bools(x, a: bool, b: bool):
    return a + b


def mul_ints(x, a: int, b: int):
    return a * b


def sub_ints(x, a: int, b: int):
    return x + (a - b)


def stepped_loop(x, step: int):
    for _ in range(0, 10, step):
        x = x + 1
    return x


def constant_floordiv_by_zero(x):
    return x + 7 // 0


def constant_mod_by_zero(x):
    return x + 7 % 0


def constant_truediv_by_zero(x):
    return x + 1.0 / 0.0


def constant_true_plus_true(x):
    return True + True


def constant_big_product(x):
    return 2**40 * 2**40


def constant_zero_step(x):
    for _ in range(0, 10, 0):
        x = x + 1
    return x


def division_by_zero_not_taken(x):
    if x.sum() > 1e30:
        return x + 7 // 0
    return x * 2


def _fronts(fn):
    return [jitc.compile(fn), jitc.script(fn)]


def _outcome(fn, args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jitc.FallbackWarning)
            return "ok", fn(*args)
    except Exception as e:  # noqa: BLE001  (the exception type is the outcome under test)
        return "raised", type(e)


@pytest.mark.parametrize("fn,args", [
    (floordiv_scalars, (X, 7, 0)), (floordiv_scalars, (X, -7, 2)), (mod_scalars, (X, 7, 0)), (mod_scalars, (X, -7, 3)),
    (truediv_scalars, (X, 1.0, 0.0)), (truediv_scalars, (X, 1.0, -0.0)), (truediv_scalars, (X, 1.0, 4.0)),
    (float_floordiv_scalars, (X, 7.5, 0.0)), (add_bools, (X, True, True)), (add_bools, (X, True, False)),
    (mul_ints, (X, 3, -4)), (sub_ints, (X, 5, 9)), (stepped_loop, (X, 0)), (stepped_loop, (X, 3)),
    (stepped_loop, (X, -2)), (constant_floordiv_by_zero, (X,)), (constant_mod_by_zero, (X,)),
    (constant_truediv_by_zero, (X,)), (constant_true_plus_true, (X,)), (constant_big_product, (X,)),
    (constant_zero_step, (X,)), (division_by_zero_not_taken, (X,)),
])
def test_python_semantics(fn, args) -> None:
    want = _outcome(fn, args)
    for compiled in _fronts(fn):
        for _ in range(2):  # general path, then the native fast path
            got = _outcome(compiled, args)
            assert got[0] == want[0], f"{fn.__name__}: NumPy/Python {want}, jitc {got}"
            if want[0] == "raised":
                assert issubclass(got[1], want[1]), f"{fn.__name__}: {got[1]} is not a {want[1]}"
            else:
                assert type(got[1]) is type(want[1])
                np.testing.assert_array_equal(got[1], want[1])


def test_int_overflow_beyond_64_bits_raises_a_clear_error() -> None:
    assert mul_ints(X, 2**40, 2**40) == 2**80
    for compiled in _fronts(mul_ints):
        for _ in range(2):
            with pytest.raises(jitc.IntegerOverflowError, match="64 bits"):
                compiled(X, 2**40, 2**40)
        assert compiled(X, 3, 4) == 12  # the same specialization still works


def compare_with_int(x, s: int):
    return x < s


def test_python_int_argument_beyond_64_bits_runs_on_the_interpreter() -> None:
    """NumPy compares an int array with 2**70 exactly; compiled code cannot take the int, the interpreter can."""
    x = np.array([1, -5, 7], np.int64)
    for compiled in _fronts(compare_with_int):
        compiled(x, 3)  # a compiled specialization for int arguments exists
        with pytest.warns(jitc.FallbackWarning, match="64-bit"):
            got = compiled(x, 2**70)
        np.testing.assert_array_equal(got, compare_with_int(x, 2**70))
        np.testing.assert_array_equal(compiled(x, 3), compare_with_int(x, 3))
    with pytest.raises(jitc.IntegerOverflowError):
        jitc.compile(compare_with_int, fallback="error")(x, 2**70)


def running_extremes(a):
    hi, lo = -np.inf, np.inf
    out = np.empty((2, a.shape[0]), a.dtype)
    for i in range(a.shape[0]):
        hi = max(hi, a[i])  # Python's max: `a[i] if a[i] > hi else hi`, so a NaN element is skipped here...
        lo = min(a[i], lo)  # ...and kept here once it comes first (NaN < lo is False)
        out[0, i], out[1, i] = hi, lo
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_builtin_max_min_of_array_elements_mean_what_python_means(dtype, rng):
    a = (rng.standard_normal(11) * 10).astype(dtype)
    if a.dtype.kind == "f":
        a[[2, 7]] = np.nan
    got = jitc.compile(running_extremes, fallback="error")(a)
    expected = running_extremes(a)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_builtin_max_of_a_many_element_array_raises_like_python():
    def f(x):
        return max(x, 0.0)

    with pytest.raises(ValueError, match="ambiguous"):
        f(np.ones(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jitc.FallbackWarning)
        with pytest.raises(ValueError, match="ambiguous"):
            jitc.compile(f)(np.ones(3))
