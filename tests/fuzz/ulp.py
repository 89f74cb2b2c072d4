"""Max ULP error of tanh/exp/log/sigmoid through the *compiled* path (`jitc.compile`), against float64 (for
float32) and long double (for float64) references. Not a test: prints the table that docs/TRUST.md quotes.

    JITC_CACHE_DIR=$(mktemp -d) .venv/bin/python -m tests.fuzz.ulp            # 10^7 float32, 10^6 float64
    JITC_CACHE_DIR=$(mktemp -d) .venv/bin/python -m tests.fuzz.ulp --f32 1e6   # quicker
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


FUNCS = {"tanh": tanh, "exp": exp, "log": log, "sigmoid": sigmoid}


def reference(name: str, x: np.ndarray) -> np.ndarray:
    """The function in long double (x87, 64-bit mantissa): ample for float32 and float64 results."""
    x = x.astype(np.longdouble)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    return getattr(np, name)(x)


def samples(name: str, dtype, n: int, rng: np.random.Generator) -> np.ndarray:
    """Half uniform over the interesting range, half random bit patterns (every binade, subnormals included)."""
    fi = np.finfo(dtype)
    lo, hi = {"tanh": (-20, 20), "sigmoid": (-110, 40), "log": (0, 1e4),
              "exp": (float(np.log(fi.tiny)) - 10, float(np.log(fi.max)))}[name]
    uniform = rng.uniform(lo, hi, n // 2).astype(dtype)
    int_type = np.uint32 if dtype == np.float32 else np.uint64
    bits = rng.integers(0, np.iinfo(int_type).max, n - n // 2, dtype=int_type, endpoint=True).view(dtype)
    bits = bits[np.isfinite(bits)]
    if name == "log":
        bits = np.abs(bits)
    return np.concatenate([uniform, bits])


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


def measure(name: str, dtype, n: int, seed: int = 0, chunk: int = 1 << 20) -> tuple[float, float]:
    fn = jitc.compile(FUNCS[name])
    rng = np.random.default_rng(seed)
    worst, worst_x = 0.0, 0.0
    done = 0
    while done < n:
        x = samples(name, dtype, min(chunk, n - done), rng)
        with np.errstate(all="ignore"):
            err = ulp_error(fn(x), reference(name, x), dtype)
        i = int(np.argmax(err))
        if err[i] > worst:
            worst, worst_x = float(err[i]), float(x[i])
        done += len(x)
    return worst, worst_x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--f32", type=float, default=1e7, help="float32 samples per function")
    parser.add_argument("--f64", type=float, default=1e6, help="float64 samples per function")
    args = parser.parse_args()
    print("| function | dtype | samples | max ULP | at x |")
    print("|---|---|---|---|---|")
    for name in FUNCS:
        for dtype, n in ((np.float32, int(args.f32)), (np.float64, int(args.f64))):
            start = time.perf_counter()
            worst, x = measure(name, dtype, n)
            print(f"| {name} | {np.dtype(dtype).name} | {n:.0e} | {worst:.2f} | {x!r} |  "
                  f"<!-- {time.perf_counter() - start:.1f} s -->", flush=True)


if __name__ == "__main__":
    main()
