"""One run of the suite: machine facts, copy bandwidth, every workload (matmul last), tables and files."""
from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

from . import bench, contenders, first_call, machine, plot, report, workloads


def _first_call_names(quick: bool) -> list[str]:
    """numpy and jitc always; the others (slow to import) unless --quick."""
    optional = {"numba": "numba", "torch.jit.script": "torch"}
    return ["numpy", "jitc", "jitc, disk cache"] + [n for n, mod in optional.items() if not quick and importlib.util.find_spec(mod)]


def _timed(w: workloads.Workload, found: list[contenders.Contender], rounds: int, budget: float) -> dict:
    print(f"running {w.label} ...", end=" ", flush=True)
    start = time.perf_counter()
    entry = report.entry(w, bench.run(w, found, rounds, budget))
    print(f"{time.perf_counter() - start:.1f} s", flush=True)
    return entry


def _first_call(quick: bool) -> dict:
    print("running the first call in new processes ...", end=" ", flush=True)
    start = time.perf_counter()
    entry = report.first_call_entry(first_call.measure(_first_call_names(quick), 1 if quick else 3))
    print(f"{time.perf_counter() - start:.1f} s", flush=True)
    return entry


def run(quick: bool, only: set[str] | None, rounds: int, out: Path) -> None:
    start = time.perf_counter()
    budget = 0.005 if quick else 0.05  # seconds per timed batch
    found, skipped = contenders.available(quick)
    result = {"machine": machine.describe(), "copy_gbs": machine.copy_bandwidth(rounds, budget),
              "settings": {"quick": quick, "rounds": rounds, "batch_seconds": budget},
              "contenders": {c.name: {"version": c.version, "threads": c.threads} for c in found},
              "skipped": skipped, "workloads": []}
    todo = workloads.build(quick, only)
    matmul = [w for w in todo if w.blas]  # last: OpenBLAS threads spin after a product
    for w in [w for w in todo if w not in matmul]:
        result["workloads"].append(_timed(w, found, rounds, budget))
    if only is None or "first_call" in only:
        result["workloads"].append(_first_call(quick))
    for w in matmul:
        result["workloads"].append(_timed(w, found, rounds, budget))
    result["settings"]["total_seconds"] = time.perf_counter() - start
    result["settings"]["load_average_1m_at_end"] = os.getloadavg()[0]
    report.print_tables(result)
    report.write(result, out)
    drew = plot.speedup_png(result, out / "speedup.png")
    print(f"\nwrote {out}/results.json, results.csv" + (", speedup.png" if drew else " (no matplotlib: no png)"))
