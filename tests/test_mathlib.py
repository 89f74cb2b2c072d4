"""Accuracy, special values and vectorization of codegen.mathlib."""

import numpy as np
import pytest
from llvmlite import ir
from math_kernels import kernel, run

from codegen import mathlib

MAX_ULP = {np.float32: 2, np.float64: 4}
VECTOR = {np.float32: "<16 x float>", np.float64: "<8 x double>"}
# The first kernels, with float32 versions of their own; the others are in test_math_accuracy.py.
NAMES = ("exp", "log", "sigmoid", "tanh")
CASES = [(name, dtype) for name in NAMES for dtype in (np.float32, np.float64)]


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Number of representable floats between a and b.

    +0.0 and -0.0 are 0 apart, and so are any two NaNs.
    """
    int_type = np.int32 if a.dtype == np.float32 else np.int64

    def line(v: np.ndarray) -> np.ndarray:
        # Sign-magnitude bit patterns -> one monotonic integer line.
        bits = v.view(int_type).astype(np.int64)
        return np.where(bits < 0, np.iinfo(int_type).min - bits, bits)

    la, lb = line(a), line(b)
    # Exact in integers; the float estimate only catches int64 wrap-around
    # between far-apart values of opposite sign.
    rough = np.abs(la.astype(np.float64) - lb.astype(np.float64))
    dist = np.where(rough < 2.0**62, np.abs(la - lb).astype(np.float64), rough)
    return np.where(np.isnan(a) & np.isnan(b), 0.0, dist)


def sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x < 0, e, 1) / (1 + e)


def reference(name: str, x: np.ndarray) -> np.ndarray:
    """f(x) computed in higher precision, rounded to x's dtype."""
    wide = np.float64 if x.dtype == np.float32 else np.longdouble
    fn = sigmoid if name == "sigmoid" else getattr(np, name)
    with np.errstate(all="ignore"):
        return fn(x.astype(wide)).astype(x.dtype)


def samples(name: str, dtype: type) -> np.ndarray:
    """Random inputs over the useful range plus dense sweeps of hard spots: over 10^7 in float32, 10^6 in float64."""
    rng = np.random.default_rng(1234)
    info = np.finfo(dtype)
    f32 = dtype == np.float32
    extra = 9_000_000 if f32 else 0
    overflow = float(np.log(info.max))  # exp overflows beyond this
    underflow = float(np.log(info.smallest_subnormal))
    parts = [np.geomspace(info.smallest_subnormal, 1e-3, 50_000),
             np.linspace(-1e-3, 1e-3, 50_000)]
    if name in ("exp", "sigmoid"):
        lo, hi = (underflow - 1, overflow + 1) if name == "exp" else (underflow - 1, 40)
        parts += [rng.uniform(lo, hi, 650_000 + extra), rng.uniform(-1, 1, 100_000),
                  np.linspace(overflow - 0.5, overflow + 0.5, 50_000),
                  np.linspace(underflow - 1, underflow + 30, 100_000)]
    elif name == "tanh":
        sat = 9.2 if f32 else 19.2
        parts += [rng.uniform(-sat - 1, sat + 1, 650_000 + extra), rng.uniform(-1, 1, 100_000),
                  np.linspace(sat - 0.5, sat, 50_000), -np.linspace(sat - 0.5, sat, 50_000)]
        # Where the reduction -2|x| = k*ln2 + r switches k.
        parts += [np.linspace(b - 1e-3, b + 1e-3, 10_000)
                  for b in (np.arange(5) + 0.5) * np.log(2) / 2]
    else:  # log: every binade including subnormals, and around 1
        int_type = np.uint32 if f32 else np.uint64
        top = np.array(info.max, dtype).view(int_type)
        bits = rng.integers(1, top, 700_000 + extra, dtype=int_type, endpoint=True)
        parts += [bits.view(dtype), np.linspace(0.5, 2, 100_000),
                  np.linspace(1 - 1e-3, 1 + 1e-3, 100_000),
                  # Where x = 2^k m, m in [sqrt(1/2), sqrt(2)), switches k.
                  np.linspace(np.sqrt(2) - 1e-4, np.sqrt(2) + 1e-4, 20_000),
                  np.linspace(np.sqrt(0.5) - 1e-4, np.sqrt(0.5) + 1e-4, 20_000)]
    return np.concatenate([np.asarray(p, dtype=dtype) for p in parts])


@pytest.mark.parametrize("name,dtype", CASES)
def test_accuracy(name: str, dtype: type) -> None:
    x = samples(name, dtype)
    assert x.size >= (10_000_000 if dtype == np.float32 else 1_000_000)
    ulps = ulp_distance(run(name, x), reference(name, x))
    worst = int(np.argmax(ulps))
    print(f"{name} {dtype.__name__}: max {ulps[worst]:.0f} ULP at x={x[worst]!r}")
    assert ulps[worst] <= MAX_ULP[dtype]


SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e3, -1e3]
EXPECTED = {
    "exp": [np.nan, np.inf, 0.0, 1.0, 1.0, np.inf, 0.0],
    "log": [np.nan, np.inf, np.nan, -np.inf, -np.inf, np.log(1e3), np.nan],
    "tanh": [np.nan, 1.0, -1.0, 0.0, -0.0, 1.0, -1.0],
    "sigmoid": [np.nan, 1.0, 0.0, 0.5, 0.5, 1.0, 0.0],
}


@pytest.mark.parametrize("name,dtype", CASES)
def test_special_values(name: str, dtype: type) -> None:
    x = np.array(SPECIAL, dtype)
    got = run(name, x)
    expected = np.array(EXPECTED[name], dtype)
    if name != "sigmoid":  # NumPy has no sigmoid
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(expected, getattr(np, name)(x))
    np.testing.assert_array_equal(got, expected)
    signed = ~np.isnan(expected)  # a NaN's sign is not specified
    np.testing.assert_array_equal(np.signbit(got[signed]), np.signbit(expected[signed]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_subnormal_inputs_and_outputs(dtype: type) -> None:
    info = np.finfo(dtype)
    tiny = np.array([info.smallest_subnormal, info.smallest_normal / 3], dtype)
    np.testing.assert_array_equal(run("tanh", tiny), tiny)
    np.testing.assert_array_equal(run("tanh", -tiny), -tiny)
    assert np.all(ulp_distance(run("log", tiny), reference("log", tiny)) <= 1)
    # exp of the log of a subnormal must give a subnormal, not 0.
    x = np.log(tiny.astype(np.float64)).astype(dtype)
    assert np.all(ulp_distance(run("exp", x), reference("exp", x)) <= 1)
    assert np.all(run("exp", x) > 0)


def test_saturation_is_exact() -> None:
    for dtype, sat in ((np.float32, 9.1), (np.float64, 19.1)):
        x = np.linspace(sat, 1e4, 1000, dtype=dtype)
        np.testing.assert_array_equal(run("tanh", x), 1)
        np.testing.assert_array_equal(run("tanh", -x), -1)
        np.testing.assert_array_equal(run("sigmoid", 1e4 * x), 1)
        np.testing.assert_array_equal(run("sigmoid", -1e4 * x), 0)


@pytest.mark.parametrize("name,dtype", CASES)
def test_vectorized(name: str, dtype: type) -> None:
    lib = kernel(name, dtype)[0]
    assert VECTOR[dtype] in lib.optimized_ir
    assert "call float @jitc" not in lib.optimized_ir  # inlined
    assert "call double @jitc" not in lib.optimized_ir


def test_rejects_unknown_function_and_type() -> None:
    b = ir.IRBuilder(ir.Function(ir.Module(), ir.FunctionType(ir.VoidType(), []), "f")
                     .append_basic_block())
    with pytest.raises(ValueError):
        mathlib.emit_math(b, "cosine", ir.Constant(ir.FloatType(), 1.0))
    with pytest.raises(TypeError):
        mathlib.emit_math(b, "exp", ir.Constant(ir.IntType(32), 1))
