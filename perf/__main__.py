"""python -m perf [--quick] [--only NAME[,NAME]] [--rounds N] [--threads N] [--out DIR]"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import NAMES, pin_threads

DEFAULT_OUT = Path(__file__).parent / "results"


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m perf", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="CI smoke run: tiny sizes, 2 rounds, no torch.compile, no 16M or large matmul (< 30 s)")
    p.add_argument("--only", help=f"comma-separated workloads among {', '.join(NAMES)}")
    p.add_argument("--rounds", type=int, help="interleaved timing rounds (default 7, 2 with --quick)")
    p.add_argument("--threads", type=int, help="threads for every contender (default: the usable CPUs); "
                   "1 compares code quality on a busy shared machine, where parallel barriers wait for CPU")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"results folder (default {DEFAULT_OUT})")
    args = p.parse_args()
    args.only = set(args.only.split(",")) if args.only else None
    if args.only and not args.only <= set(NAMES):
        p.error(f"unknown workload(s) {sorted(args.only - set(NAMES))}; choose from {', '.join(NAMES)}")
    args.rounds = args.rounds or (2 if args.quick else 7)
    return args


def main() -> None:
    args = _args()
    if args.threads:
        pin_threads(args.threads)
    from .runner import run  # only now: NumPy, torch and jitc size their thread pools when they load

    run(args.quick, args.only, args.rounds, args.out)


if __name__ == "__main__":
    main()
