"""Max ULP error of jitc's vector math through the *compiled* path (`jitc.compile`), against long double
references. Not a test: prints the tables that docs/TRUST.md (tanh, exp, log, sigmoid) and docs/ACCURACY.md (the
math functions of jitc/ops/math.py) quote.

    JITC_CACHE_DIR=$(mktemp -d) .venv/bin/python -m tests.fuzz.ulp            # 10^7 float32, 10^6 float64
    JITC_CACHE_DIR=$(mktemp -d) .venv/bin/python -m tests.fuzz.ulp --f32 1e6   # quicker
    JITC_CACHE_DIR=$(mktemp -d) .venv/bin/python -m tests.fuzz.ulp --only sin,cos
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import jitc
from jitc.nn import functional as F


def tanh(x):
    return np.tanh(x)


def exp(x):
    return np.exp(x)


def log(x):
    return np.log(x)


def sigmoid(x):
    return F.sigmoid(x)


def _unary(ufunc):
    def fn(x):
        return ufunc(x)
    return fn


def _binary(ufunc):
    def fn(x, y):
        return ufunc(x, y)
    return fn


# Where the uniform half of the samples lies (the other half: random bit patterns over the whole domain).
RANGES = {"tanh": (-20, 20), "sigmoid": (-110, 40), "log": (0, 1e4), "exp": None,
          "sin": (-100, 100), "cos": (-100, 100), "tan": (-100, 100), "arcsin": (-1, 1), "arccos": (-1, 1),
          "arctan": (-10, 10), "sinh": (-30, 30), "cosh": (-30, 30), "arcsinh": (-10, 10), "arccosh": (1, 10),
          "arctanh": (-1, 1), "cbrt": (-10, 10), "log1p": (-1, 10), "expm1": (-40, 40), "log2": (0, 100),
          "log10": (0, 100), "exp2": (-160, 130), "arctan2": (-10, 10), "hypot": (-10, 10), "power": (0, 4)}
BINARY = ("arctan2", "hypot", "power")
FUNCS = {"tanh": tanh, "exp": exp, "log": log, "sigmoid": sigmoid}
FUNCS.update({name: (_binary if name in BINARY else _unary)(getattr(np, name)) for name in RANGES
              if name not in FUNCS})


def reference(name: str, *args: np.ndarray) -> np.ndarray:
    """The function in long double (x87, 64-bit mantissa): ample for float32 and float64 results."""
    args = [a.astype(np.longdouble) for a in args]
    if name == "sigmoid":
        return 1 / (1 + np.exp(-args[0]))
    return getattr(np, name)(*args)


def samples(name: str, dtype, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Half uniform over the interesting range, half random bit patterns (every binade, subnormals included)."""
    fi = np.finfo(dtype)
    lo, hi = RANGES[name] or (float(np.log(fi.tiny)) - 10, float(np.log(fi.max)))
    int_type = np.uint32 if dtype == np.float32 else np.uint64
    out = []
    for _ in range(2 if name in BINARY else 1):
        uniform = rng.uniform(lo, hi, n // 2).astype(dtype)
        bits = rng.integers(0, np.iinfo(int_type).max, n - n // 2, dtype=int_type, endpoint=True).view(dtype)
        bits[~np.isfinite(bits)] = 1
        if name == "log":
            bits = np.abs(bits)
        out.append(rng.permutation(np.concatenate([uniform, bits])))
    if name == "power":  # exponents that keep x**y in range most of the time
        out[1] = (out[1] / np.maximum(1, np.abs(out[1]) / 8)).astype(dtype)
    return tuple(out)


def ulp_error(got: np.ndarray, ref: np.ndarray, dtype) -> np.ndarray:
    """|got - ref| in units of the spacing of `dtype` at ref (the subnormal spacing below tiny)."""
    fi = np.finfo(dtype)
    finite = np.isfinite(ref) & (np.abs(ref) <= fi.max)
    r = ref[finite]
    spacing = np.spacing(np.maximum(np.abs(r), fi.tiny).astype(dtype)).astype(np.longdouble)
    err = np.zeros(got.shape, np.float64)
    err[finite] = np.abs(got[finite].astype(np.longdouble) - r) / spacing
    with np.errstate(over="ignore"):
        rounded = ref.astype(dtype)  # beyond the dtype's range: the correctly rounded result is ±inf
    same_special = ~finite & ((got == rounded) | (np.isnan(got) & np.isnan(ref)))
    err[~finite & ~same_special] = np.inf
    return err


def measure(name: str, dtype, n: int, seed: int = 0, chunk: int = 1 << 20) -> tuple[float, tuple]:
    fn = jitc.compile(FUNCS[name])
    rng = np.random.default_rng(seed)
    worst, worst_x = 0.0, ()
    done = 0
    while done < n:
        args = samples(name, dtype, min(chunk, n - done), rng)
        with np.errstate(all="ignore"):
            err = ulp_error(fn(*args), reference(name, *args), dtype)
        i = int(np.argmax(err))
        if err[i] > worst:
            worst, worst_x = float(err[i]), tuple(float(a[i]) for a in args)
        done += len(args[0])
    return worst, worst_x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--f32", type=float, default=1e7, help="float32 samples per function")
    parser.add_argument("--f64", type=float, default=1e6, help="float64 samples per function")
    parser.add_argument("--only", help="comma-separated functions (default: all)")
    args = parser.parse_args()
    print("| function | dtype | samples | max ULP | at x |")
    print("|---|---|---|---|---|")
    for name in args.only.split(",") if args.only else FUNCS:
        for dtype, n in ((np.float32, int(args.f32)), (np.float64, int(args.f64))):
            start = time.perf_counter()
            worst, x = measure(name, dtype, n)
            at = ", ".join(f"{v!r}" for v in x)
            print(f"| {name} | {np.dtype(dtype).name} | {n:.0e} | {worst:.2f} | {at} |  "
                  f"<!-- {time.perf_counter() - start:.1f} s -->", flush=True)


if __name__ == "__main__":
    main()
