"""What the single-kind fuzzers (scatter.py, sizes.py) share: a call's outcome (its result or the exception
it raised), the comparison of a result with NumPy's, and the command line that runs a range of seeds."""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

import jitc

from .oracle import load_module


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


@contextlib.contextmanager
def compiled_case(case, folder: Path, prefix: str):
    """(eager prog, jitc.compile of it) for a case's source written to `folder`; an AssertionError inside gets
    the case's description, and the program's module is forgotten afterwards."""
    name = f"{prefix}_{case.seed}"
    path = folder / f"{name}.py"
    path.write_text(case.source)
    prog = load_module(path, name).prog
    try:
        yield prog, jitc.compile(prog, fallback="silent")
    except AssertionError as e:
        raise AssertionError(f"{e}\n{case.describe()}") from None
    finally:
        sys.modules.pop(name, None)


def check_call(prog, compiled, mine: list, ref: list, where: str, same_error=None) -> None:
    """Run eager `prog` on `ref` and `compiled` on `mine` (copies of the same arguments): both raise errors of one
    type (or `same_error(numpy_error, jitc_error)` says they agree), or both return close results; either way
    the first argument is left the same."""
    want, want_error = outcome(prog, ref)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, got_error = outcome(compiled, mine)
    if want_error is not None:
        assert got_error is not None, f"{where}: NumPy raised {type(want_error).__name__}, jitc did not"
        agree = same_error is not None and same_error(want_error, got_error)
        assert agree or isinstance(got_error, type(want_error)) or isinstance(want_error, type(got_error)), \
            f"{where}: NumPy raised {type(want_error).__name__}, jitc {type(got_error).__name__}: {got_error}"
    else:
        assert got_error is None, f"{where}: jitc raised {type(got_error).__name__}: {got_error}"
        close(got, want, f"{where}: result")
    close(mine[0], ref[0], f"{where}: x after the call")


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
