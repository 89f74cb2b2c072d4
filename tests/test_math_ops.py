"""jitc/ops/math.py end to end: every sample of math_samples.py scripted and compiled (`jitc.script`,
`@jitc.compile`) == eager NumPy, values within per-dtype tolerances and the output dtype exact (test_ops.py checks
the same samples traced and interpreted, test_codegen.py traced and compiled); special values against NumPy;
the compiled loops vectorized without libm calls."""
from __future__ import annotations

import importlib.util
import re
import warnings

import numpy as np
import pytest
from math_samples import SAMPLES, MathSample, special_inputs

import jitc

# complex: relative to |expected| (our exp/log/sqrt/abs of complex are within 3 eps of NumPy's, tests/test_complex.py)
RTOL = {np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-12, np.dtype(np.complex64): 2e-6,
        np.dtype(np.complex128): 1e-12}
GROUP = 24  # samples per generated function: one compilation checks many ops


def assert_same(got, expected, what: str) -> None:
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype} != {expected.dtype}"
    assert got.shape == expected.shape, f"{what}: shape {got.shape} != {expected.shape}"
    if expected.dtype.kind in "fc":
        np.testing.assert_allclose(got, expected, rtol=RTOL[expected.dtype], atol=0, equal_nan=True, err_msg=what)
        for g, e in ((got, expected),) if expected.dtype.kind == "f" else ((got.real, expected.real),
                                                                          (got.imag, expected.imag)):
            assert ((e != 0) | (np.signbit(g) == np.signbit(e))).all(), f"{what}: signed zeros differ"
    else:
        np.testing.assert_array_equal(got, expected, err_msg=what)


def _renamed(sample: MathSample, first: int) -> str:
    return re.sub(r"\ba(\d+)\b", lambda m: f"x{first + int(m.group(1))}", sample.expr)


@pytest.fixture(scope="module")
def groups(tmp_path_factory) -> list[tuple[list[MathSample], object]]:
    """The samples in groups, each group one generated function of all their inputs returning every result (a
    real file, so jitc.script can read its source)."""
    lines, chunks = ["import numpy as np", ""], [SAMPLES[i:i + GROUP] for i in range(0, len(SAMPLES), GROUP)]
    for g, chunk in enumerate(chunks):
        params, results, n = [], [], 0
        for s in chunk:
            results.append(_renamed(s, n))
            params += [f"x{n + i}" for i in range(len(s.inputs))]
            n += len(s.inputs)
        lines += [f"def group{g}({', '.join(params)}):", f"    return ({', '.join(results)},)", ""]
    path = tmp_path_factory.mktemp("math_ops") / "math_groups.py"
    path.write_text("\n".join(lines))
    spec = importlib.util.spec_from_file_location("math_groups", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(chunk, getattr(module, f"group{g}")) for g, chunk in enumerate(chunks)]


@pytest.mark.parametrize("front", ["script", "compile"])
@pytest.mark.parametrize("index", range(-(-len(SAMPLES) // GROUP)))
def test_scripted_and_compiled_match_eager(groups, index: int, front: str):
    chunk, fn = groups[index]
    inputs = [a for s in chunk for a in s.inputs]
    copies = [a.copy() for a in inputs]
    compiled = jitc.script(fn) if front == "script" else jitc.compile(fn)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error", jitc.FallbackWarning)
        got = compiled(*inputs)
        expected = [s.fn(*s.inputs) for s in chunk]
    assert len(got) == len(chunk)
    for s, g, e in zip(chunk, got, expected):
        assert_same(g, e, f"{front} {s.id}: {s.expr}")
    for a, c in zip(inputs, copies):
        np.testing.assert_array_equal(a, c, err_msg="compiled code wrote to an input")


UNARY_FLOAT = ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh",
               "cbrt", "log1p", "expm1", "log2", "log10", "exp2", "floor", "ceil", "trunc", "rint", "fix", "sign",
               "reciprocal", "deg2rad", "rad2deg", "square", "nan_to_num", "isnan", "isinf", "isfinite", "signbit")
BINARY_FLOAT = ("arctan2", "hypot", "heaviside", "fmax", "fmin", "fmod", "copysign", "power", "float_power",
                "logical_xor", "isclose")


def _specials(got, expected, what: str):
    """NaN where NumPy has NaN, the same infinities and signed zeros, finite values within a few ulp."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, what
    if expected.dtype.kind != "f":
        np.testing.assert_array_equal(got, expected, err_msg=what)
        return
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected), err_msg=f"{what}: NaN")
    np.testing.assert_array_equal(np.isinf(got) & (got > 0), np.isinf(expected) & (expected > 0), err_msg=what)
    np.testing.assert_array_equal(np.isinf(got) & (got < 0), np.isinf(expected) & (expected < 0), err_msg=what)
    zero = (expected == 0) & (not what.startswith(("fmax", "fmin")))  # NumPy's own ±0.0 ties vary by loop
    np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(expected[zero]), err_msg=f"{what}: -0.0")
    finite = np.isfinite(expected)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=8 * np.finfo(expected.dtype).eps, atol=0,
                               err_msg=what)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_special_values_match_numpy(dtype):
    x = special_inputs(dtype)
    xs, ys = np.meshgrid(x, x)

    def unary(a):
        return tuple(getattr(np, name)(a) for name in UNARY_FLOAT)

    def binary(a, b):
        return tuple(getattr(np, name)(a, b) for name in BINARY_FLOAT)

    for fn, args, names in ((unary, (x,), UNARY_FLOAT), (binary, (xs, ys), BINARY_FLOAT)):
        with np.errstate(all="ignore"):
            expected = fn(*args)
            with warnings.catch_warnings():
                warnings.simplefilter("error", jitc.FallbackWarning)
                got = jitc.trace(fn, args, check_trace=False)(*args)
        for name, g, e in zip(names, got, expected):
            _specials(g, e, f"{name} {np.dtype(dtype).name}")


LIBM = re.compile(r"call [^@\n]*@(sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|asinh|acosh|atanh|exp|exp2|expm1|"
                  r"log|log2|log10|log1p|cbrt|hypot|pow|floor|ceil|trunc|rint|round)f?\(")


@pytest.mark.parametrize("dtype, vector", [(np.float32, r"<(16|8) x float>"), (np.float64, r"<(8|4) x double>")])
def test_math_loops_are_vectorized_without_libm_calls(dtype, vector):
    x = np.random.default_rng(3).uniform(0.5, 0.9, 4096).astype(dtype)

    def chain(a):
        return (np.sin(a) + np.cos(a) * np.tan(a) + np.arctan(a) + np.arcsin(a) + np.arccos(a) + np.sinh(a)
                + np.cosh(a) + np.arcsinh(a) + np.arctanh(a) + np.arccosh(a + 1) + np.cbrt(a) + np.log1p(a)
                + np.expm1(a) + np.log2(a) + np.log10(a) + np.exp2(a) + np.arctan2(a, 1 - a) + np.hypot(a, a)
                + np.floor(a) + np.round(a, 2) + np.sign(a) + a ** 1.5)

    traced = jitc.trace(chain, (x,))
    llvm_ir = traced.inspect_llvm(x)
    assert re.search(vector, llvm_ir), "the math loop is not vectorized"
    assert not LIBM.search(llvm_ir), LIBM.search(llvm_ir).group(0)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(traced(x), chain(x), rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_powers_are_exact_where_representable(dtype):
    """x ** y through exp(y log x) still gives 2.0 ** 10 == 1024 exactly, as NumPy does."""
    base = np.repeat(np.array([2.0, 3.0, 0.5, 10.0, 1.5, -2.0, 7.0, -0.25], dtype), 7)
    power = np.tile(np.arange(7.0), 8).astype(dtype)
    twos = np.array([2.0, 0.5, -2.0, 4.0], dtype).repeat(12), np.tile(np.arange(-6.0, 6.0), 4).astype(dtype)
    fn = jitc.compile(lambda a, b: a ** b)
    for a, b in ((base, power), twos, (np.abs(base), power / 2)):
        exact = (a ** b)
        exact_where = exact == exact.astype(np.float64).round(12)  # representable results only
        np.testing.assert_array_equal(fn(a, b)[exact_where], exact[exact_where])


def test_integer_power_and_shifts_are_numpy_exact():
    rng = np.random.default_rng(4)
    for dtype in (np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint64):
        a = rng.integers(np.iinfo(dtype).min // 2, np.iinfo(dtype).max // 2, 64, dtype=dtype, endpoint=True)
        e = rng.integers(0, 70, 64).astype(dtype)

        def fn(x, y):
            return x ** y, x << y, x >> y, x ** 2, x ^ y

        with np.errstate(all="ignore"):
            for g, want in zip(jitc.trace(fn, (a, e), check_trace=False)(a, e), fn(a, e)):
                assert_same(g, want, np.dtype(dtype).name)


def test_integer_reciprocal_of_zero_and_nan_to_num_copy_false():
    a = np.array([0, 1, -1, 2, -3], np.int64)
    with np.errstate(all="ignore"):
        assert_same(jitc.trace(np.reciprocal, (a,), check_trace=False)(a), np.reciprocal(a), "reciprocal")
    x = np.array([np.nan, 1.0])
    with pytest.raises(jitc.JitcError, match="copy=False"):
        jitc.trace(lambda v: np.nan_to_num(v, copy=False), (x,))
    assert np.isnan(x[0])  # not written
