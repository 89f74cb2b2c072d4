"""ULP accuracy of the math kernels added with jitc/ops/math.py (codegen/mathlib: trig, inverse, explog), on
random samples over each function's whole domain (random bit patterns: every binade, subnormals) plus uniform
samples where the function is interesting. float32 against NumPy's float64 results, float64 against long
double. docs/ACCURACY.md has the table from `python -m tests.fuzz.ulp` (more samples, through jitc.compile)."""
from __future__ import annotations

import numpy as np
import pytest
from math_kernels import kernel, run, ulp_error

import jitc

MAX_ULP = {np.float32: 1.0, np.float64: 4.0}  # float32 goes through the float64 kernels and rounds once
# Where the uniform half of the samples lies; the other half is random bits over the function's domain.
RANGES = {"sin": (-100, 100), "cos": (-100, 100), "tan": (-100, 100), "arctan": (-10, 10), "arcsin": (-1, 1),
          "arccos": (-1, 1), "sinh": (-30, 30), "cosh": (-30, 30), "arcsinh": (-10, 10), "arccosh": (1, 10),
          "arctanh": (-1, 1), "cbrt": (-10, 10), "log1p": (-1, 10), "expm1": (-40, 40), "log2": (0, 100),
          "log10": (0, 100), "exp2": (-160, 130), "arctan2": (-10, 10), "hypot": (-10, 10), "pow": (0, 4)}
# The functions the issue asks <= 2 ULP of, over their whole float32 range: more samples.
HEADLINE = ("sin", "cos", "log1p", "expm1", "arctan")


def _bits(rng, dtype, n: int) -> np.ndarray:
    int_type = np.uint32 if dtype == np.float32 else np.uint64
    x = rng.integers(0, np.iinfo(int_type).max, n, dtype=int_type, endpoint=True).view(dtype)
    return x[np.isfinite(x)]


def samples(name: str, dtype, n: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    lo, hi = RANGES[name]
    arity = 2 if name in ("arctan2", "hypot", "pow") else 1
    args = []
    for _ in range(arity):
        x = np.concatenate([rng.uniform(lo, hi, n // 2).astype(dtype), _bits(rng, dtype, n - n // 2)])
        args.append(rng.permutation(x))
    size = min(len(a) for a in args)
    args = [a[:size] for a in args]
    if name == "pow":  # exponents that keep x**y in range most of the time
        args[1] = (args[1] / np.maximum(1, np.abs(args[1]) / 8)).astype(dtype)
    return tuple(args)


def reference(name: str, dtype, *args: np.ndarray) -> np.ndarray:
    wide = np.float64 if dtype == np.float32 else np.longdouble
    fn = np.power if name == "pow" else getattr(np, name)
    with np.errstate(all="ignore"):
        return fn(*(a.astype(wide) for a in args))


CASES = [(name, dtype) for name in RANGES for dtype in (np.float32, np.float64)]


@pytest.mark.parametrize("name,dtype", CASES, ids=lambda v: v if isinstance(v, str) else np.dtype(v).name)
def test_ulp_accuracy(name: str, dtype) -> None:
    n = (1_000_000 if name in HEADLINE else 200_000) if dtype == np.float32 else 50_000
    args = samples(name, dtype, n)
    with np.errstate(all="ignore"):
        got = run(name, *args)
    err = ulp_error(got, reference(name, dtype, *args), dtype)
    worst = int(np.nanargmax(np.where(np.isnan(err), np.inf, err)))
    at = ", ".join(repr(a[worst]) for a in args)
    print(f"{name} {np.dtype(dtype).name}: max {err[worst]:.3f} ULP at ({at})")
    assert err[worst] <= MAX_ULP[dtype], f"{name}({at}) = {got[worst]!r}: {err[worst]} ULP"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trigonometric_reduction_of_huge_arguments(dtype) -> None:
    """Arguments up to the largest float, including the double nearest a multiple of pi/2 (6381956970095103 *
    2^797: |x mod pi/2| ~ 2^-61)."""
    fi = np.finfo(dtype)
    rng = np.random.default_rng(7)
    x = np.exp(rng.uniform(np.log(1e4), np.log(float(fi.max)), 20_000)).astype(dtype)
    if dtype == np.float64:
        x = np.append(x, [np.ldexp(6381956970095103.0, 797), 1e22, fi.max])
    for name in ("sin", "cos", "tan"):
        err = ulp_error(run(name, x), reference(name, dtype, x), dtype)
        assert err.max() <= MAX_ULP[dtype], f"{name}({x[np.argmax(err)]!r}): {err.max()} ULP"


@pytest.mark.parametrize("name", sorted(RANGES))
def test_kernels_are_vectorized(name: str) -> None:
    for dtype in (np.float32, np.float64):
        optimized = kernel(name, dtype)[0].optimized_ir
        assert ("<16 x float>" if dtype == np.float32 else "<8 x double>") in optimized \
            or "<8 x double>" in optimized, f"{name} {dtype}: not vectorized"
        assert "call float @jitc" not in optimized and "call double @jitc" not in optimized  # inlined


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_float32_fast_path_in_compiled_loops(name: str) -> None:
    """Compiled float32 loops take the fast sin/cos below 2^20 (float32 polynomials) and redo the loop exactly
    when an argument is beyond: both within the float32 bound, and the loop with a huge argument exact."""
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.uniform(-2.0 ** 20, 2.0 ** 20, 500_000), rng.uniform(-10, 10, 500_000),
                        np.exp(rng.uniform(-90, 13, 200_000))]).astype(np.float32)
    fn = jitc.trace(getattr(np, name), (x,))
    err = ulp_error(fn(x), reference(name, np.float32, x), np.float32)
    assert err.max() <= 1.5, f"{name}({x[np.argmax(err)]!r}): {err.max()} ULP"
    with_huge = np.append(x[:1000], np.float32(3e38))
    err = ulp_error(fn(with_huge), reference(name, np.float32, with_huge), np.float32)
    assert err.max() <= MAX_ULP[np.float32]  # the exact rerun: 0.5 ULP
