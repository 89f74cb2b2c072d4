"""The corpus table: `program | native/fallback/fails | speed-up vs NumPy`, for the jitc on the path.

    cd tests && PYTHONPATH=/path/to/jitc/checkout python -m programs.report [--cases] [--no-timing] [NAME ...]

A program is `native` when every case (float32/float64 x sizes, first and cached call) matches NumPy with
fallback="error"; `fallback` when the refused cases match NumPy with fallback="warn"; otherwise it `fails`
(refused, RAW ERROR or WRONG RESULT: the last two are bugs). The speed-up is eager NumPy time over compiled
time (float64, size BENCH_N of the program or 64; best of several calls on fresh copies of the inputs).
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
import warnings

import numpy as np

import jitc

from .harness import DTYPES, SIZES, RawError, WrongResult, load, names, rng_for, run

BENCH_N = 64


def classify(name: str, dtype, n: int, fallback: str = "error") -> tuple[str, str]:
    """(outcome, first line of why) for one case: pass | refused | raw | wrong | silent (fell back without a
    FallbackWarning)."""
    try:
        said = run(name, dtype, n, fallback=fallback)
    except WrongResult as e:
        return "wrong", _line(e)
    except RawError as e:
        return "raw", _line(e)
    except jitc.JitcError as e:
        return "refused", f"{type(e).__name__}: {_line(e)}"
    except Exception as e:  # noqa: BLE001  (a raw error from jitc.compile itself or the eager reference)
        return "raw", f"{type(e).__name__}: {_line(e)}"
    if fallback != "error" and not said:
        return "silent", "fell back to NumPy without a FallbackWarning"
    return "pass", said[0][:160] if said else ""


def _line(e: Exception) -> str:
    text = " ".join(str(e).split())
    return text[:160]


def _best(fn, args, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        fresh = copy.deepcopy(args)
        start = time.perf_counter()
        fn(*fresh)
        best = min(best, time.perf_counter() - start)
    return best


def speedup(name: str, fallback: str) -> float | None:
    module = load(name)
    n = getattr(module, "BENCH_N", BENCH_N)
    fn, args = module.init(n, np.float64, rng_for(name, np.float64, n, 0))
    eager_fn = copy.deepcopy(fn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cf = jitc.compile(fn, fallback=fallback)
            cf(*copy.deepcopy(args))
        except Exception:  # noqa: BLE001  (a size the test sizes did not cover may still fail: no number)
            return None
        repeat = 5 if _best(eager_fn, args, 1) < 0.2 else 2
        return _best(eager_fn, args, repeat) / _best(cf, args, repeat)


def program_row(name: str, timing: bool) -> dict:
    cases = {(np.dtype(d).name, n): classify(name, d, n) for d in DTYPES for n in SIZES}
    kinds = {k for k, _ in cases.values()}
    row = {"name": name, "cases": cases}
    if kinds == {"pass"}:
        row["mode"] = "native"
    elif kinds & {"wrong", "raw"}:
        row["mode"] = "fails: " + ("WRONG RESULT" if "wrong" in kinds else "RAW ERROR")
    else:
        again = {key: classify(name, np.dtype(key[0]).type, key[1], fallback="warn")
                 for key, (kind, _) in cases.items() if kind == "refused"}
        outcomes = {k for k, _ in again.values()}
        row["mode"] = ("fallback" if outcomes == {"pass"} else "fallback, NO WARNING" if outcomes <= {"pass", "silent"}
                       else "fails")
        row["fallback_cases"] = again
    why = [w for k, w in cases.values() if k != "pass"]
    row["why"] = why[0] if why else ""
    mode = row["mode"]
    row["speedup"] = speedup(name, "error" if mode == "native" else "warn") if timing and mode in (
        "native", "fallback") else None
    return row


def _check_table(rows: list[dict]) -> None:
    """Every case's outcome against the kind its KNOWN_FAILING entry expects (none: it must pass)."""
    from .test_corpus import KNOWN_FAILING, expected_failure

    kind_of = {jitc.JitcError: "refused", RawError: "raw", WrongResult: "wrong"}
    print("\nKNOWN_FAILING vs this jitc:")
    stale = 0
    for row in rows:
        for (dt, n), (kind, why) in row["cases"].items():
            known = expected_failure(KNOWN_FAILING, row["name"], dt, n)
            want = "pass" if known is None else kind_of[known[0]]
            if want != kind:
                stale += 1
                print(f"  {row['name']}[{dt}, n={n}]: table says {want}, got {kind} {why[:120]}")
    print(f"  {stale} case(s) disagree")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m programs.report", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", help="programs to run (default: all)")
    p.add_argument("--cases", action="store_true", help="also print every failing case")
    p.add_argument("--no-timing", action="store_true", help="skip the speed-up column")
    p.add_argument("--check-table", action="store_true",
                   help="say where test_corpus.KNOWN_FAILING disagrees with what this jitc does")
    args = p.parse_args(argv)
    chosen = args.names or names()
    print(f"jitc from {jitc.__file__.rsplit('/jitc/', 1)[0]}; sizes {SIZES}; speed-up at float64, n={BENCH_N}")
    print(f"{'program':24} | {'mode':22} | {'speed-up':>8} | why (first failing case)")
    print(f"{'-' * 24}-|-{'-' * 22}-|-{'-' * 8}-|-{'-' * 30}")
    counts: dict[str, int] = {}
    rows = []
    for name in chosen:
        row = program_row(name, not args.no_timing)
        rows.append(row)
        mode = row["mode"]
        counts[mode.split(":")[0]] = counts.get(mode.split(":")[0], 0) + 1
        sp = "-" if row["speedup"] is None else f"{row['speedup']:.2f}x"
        print(f"{name:24} | {mode:22} | {sp:>8} | {row['why'][:100]}", flush=True)
        if args.cases:
            for (dt, n), (kind, why) in row["cases"].items():
                if kind != "pass":
                    print(f"    {dt} n={n}: {kind}: {why}")
    if args.check_table:
        _check_table(rows)
    total = len(chosen)
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + f" (of {total} programs)")


if __name__ == "__main__":
    sys.exit(main())
