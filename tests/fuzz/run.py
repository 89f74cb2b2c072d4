"""The long differential fuzz run outside pytest: seeds [first, first + cases) of tests/fuzz/generator.py (with its
mutation statements), each through oracle.run_case; prints one line per failure and a summary.

    cd tests && PYTHONPATH=.. python -m fuzz.run --first 20000 --cases 10000 [--chunk 500] [--jobs 2]

Seeds run in chunks, each in a fresh process (compiled code of thousands of programs would otherwise pile up in
one process), several chunks at a time with --jobs.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def run_chunk(first: int, count: int) -> list[str]:
    """Failures of seeds [first, first + count) in this process: 'seed: first line of the mismatch'."""
    from .generator import generate
    from .oracle import Mismatch, run_case

    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JITC_CACHE_DIR"] = str(Path(tmp) / "cache")
        for seed in range(first, first + count):
            try:
                run_case(generate(seed), Path(tmp))
            except Mismatch as e:
                failures.append(f"{seed}: {' '.join(str(e).split())[:300]}")
    return failures


def _chunk_in_subprocess(first: int, count: int) -> tuple[int, int, list[str]]:
    cmd = [sys.executable, "-m", "fuzz.run", "--first", str(first), "--cases", str(count), "--in-process"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("FAIL ")]
    if proc.returncode not in (0, 1):
        lines.append(f"FAIL {first}-{first + count - 1}: the chunk's process died (code {proc.returncode}): "
                     f"{proc.stderr.strip().splitlines()[-1:] if proc.stderr.strip() else ''}")
    return first, count, [line[5:] for line in lines]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--chunk", type=int, default=500)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    if opts.in_process:
        failures = run_chunk(opts.first, opts.cases)
        for f in failures:
            print(f"FAIL {f}", flush=True)
        return 1 if failures else 0
    start, failures, done = time.time(), [], 0
    chunks = [(s, min(opts.chunk, opts.first + opts.cases - s))
              for s in range(opts.first, opts.first + opts.cases, opts.chunk)]
    with ThreadPoolExecutor(opts.jobs) as pool:
        for first, count, found in pool.map(lambda c: _chunk_in_subprocess(*c), chunks):
            done += count
            failures += found
            for f in found:
                print(f"FAIL {f}", flush=True)
            print(f"seeds {first}-{first + count - 1}: {len(found)} failure(s); {done}/{opts.cases} done, "
                  f"{time.time() - start:.0f} s", flush=True)
    print(f"{opts.cases} cases (seeds {opts.first}-{opts.first + opts.cases - 1}): {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
