"""What the single-kind fuzzers (scatter.py, sizes.py) share: a call's outcome (its result or the exception
it raised), the comparison of a result with NumPy's, and the command line that runs a range of seeds."""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np


def outcome(fn, args):
    """(result, None), or (None, the exception) when the call raised."""
    try:
        with np.errstate(all="ignore"):
            return fn(*args), None
    except Exception as e:  # noqa: BLE001  (NumPy's verdict is the reference)
        return None, e


def close(got, want, where: str) -> None:
    """Assert the same dtype and shape as NumPy's result and values within the dtype's tolerance."""
    if want is None:
        assert got is None, f"{where}: expected None"
        return
    g, w = np.asarray(got), np.asarray(want)
    assert g.dtype == w.dtype and g.shape == w.shape, f"{where}: {g.dtype}{g.shape} vs NumPy's {w.dtype}{w.shape}"
    tol = 1e-5 if w.dtype == np.float32 else 1e-12
    assert np.allclose(g, w, rtol=tol, atol=tol, equal_nan=True), f"{where}: {g} vs NumPy's {w}"


def main(argv, description: str, default_cases: int, generate, run_case, what: str) -> int:
    """Run `run_case(generate(seed), folder)` for seeds [--first, --first + --cases); print each failure."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--cases", type=int, default=default_cases)
    opts = p.parse_args(argv)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(opts.first, opts.first + opts.cases):
            try:
                run_case(generate(seed), Path(tmp))
            except AssertionError as e:
                failures += 1
                print(f"FAIL {' '.join(str(e).split())[:400]}", flush=True)
    print(f"{opts.cases} {what} (seeds {opts.first}-{opts.first + opts.cases - 1}): {failures} failure(s)")
    return 1 if failures else 0
