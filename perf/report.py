"""Turns results into rows (speed-up vs NumPy, GB/s), prints the tables and writes results.json / results.csv."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .bench import Result
from .workloads import Workload

BANDWIDTH_MIN_ELEMENTS = 1 << 20  # below this the data sits in cache: GB/s would not be memory bandwidth


def entry(w: Workload, results: dict[str, Result]) -> dict:
    """A workload's JSON entry: each contender's result with speed-up = numpy_time / contender_time."""
    base = results["numpy"].seconds if results["numpy"].status == "ok" else None
    moved = w.bytes_moved() if (w.elementwise or w.bytes) and w.inputs[0].size >= BANDWIDTH_MIN_ELEMENTS else None
    rows = {}
    for name, r in results.items():
        row = r.as_dict()
        if r.status == "ok":
            row["speedup"] = base / r.seconds if base else None
            row["gbs"] = moved / r.seconds / 1e9 if moved else None
            row["gflops"] = w.flops / r.seconds / 1e9 if w.flops else None
        rows[name] = row
    return {"name": w.name, "size": w.size, "title": w.title, "bytes_moved": moved, "flops": w.flops,
            "results": rows}


def first_call_entry(results: dict[str, dict]) -> dict:
    return {"name": "first_call", "size": "3x4", "title": "MyCell first call, new process", "results": results}


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def _note(row: dict) -> str:
    return ", ".join(part for part in (row.get("variant"), row.get("detail")) if part)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_tables(run: dict) -> None:
    m = run["machine"]
    print(f"\nmachine: {m['cpu']} ({m['cpu_family_model']}, AVX-512: {'yes' if m['avx512'] else 'no'}), "
          f"{m['cores_usable']} usable cores; Python {m['python']}, NumPy {m['numpy']}, "
          f"llvmlite {m['llvmlite']}, jitc {m['jitc']}")
    for name, c in run["contenders"].items():
        print(f"  {name:17} {c['version']:14} threads: {c['threads']}")
    for name, why in run["skipped"].items():
        print(f"  {name:17} ({why})")
    print(f"load average (1 min) at start / end: {m['load_average_1m']:.1f} / "
          f"{run['settings']['load_average_1m_at_end']:.1f} on {m['cores_usable']} cores")
    print(f"copy bandwidth (np.copyto, 16M float32, 1 thread): {run['copy_gbs']:.1f} GB/s")
    print(f"medians of {run['settings']['rounds']} interleaved rounds (best: the fastest round); "
          "speed-up = numpy median / contender median\n")
    head = (f"{'workload':34} {'size':>9}  {'contender':17} {'median':>10} {'speed-up':>9} {'GB/s':>6} "
            f"{'GFLOP/s':>7} {'best':>10}  note")
    print(head + "\n" + "-" * len(head))
    for w in run["workloads"]:
        if w["name"] == "first_call":
            continue
        for i, (name, row) in enumerate(w["results"].items()):
            label, size = (w["title"], w["size"]) if i == 0 else ("", "")
            timing = (f"{_time(row['seconds']):>10} {_fmt(row.get('speedup'), '8.2f')}x {_fmt(row.get('gbs'), '6.1f')} "
                      f"{_fmt(row.get('gflops'), '7.1f')} {_time(row['best']):>10}" if row["status"] == "ok"
                      else f"{row['status']:>10} {'':35}")
            print(f"{label:34} {size:>9}  {name:17} {timing}  {_note(row)}")
    _print_first_call(run)


def _print_first_call(run: dict) -> None:
    fc = next((w for w in run["workloads"] if w["name"] == "first_call"), None)
    if fc is None:
        return
    print("\nMyCell, first call in a NEW process (medians): import + build + script/compile + call")
    print(f"{'contender':17} {'first call':>11} {'of which import':>16} {'compile_seconds':>16} {'whole process':>14}")
    for name, row in fc["results"].items():
        if row["status"] != "ok":
            print(f"{name:17} {row['status']:>11}  {row.get('detail', '')}")
            continue
        print(f"{name:17} {_time(row['seconds']):>11} {_time(row['import_s']):>16} {_time(row['compile_s']):>16} "
              f"{_time(row['process_s']):>14}")
    for name, row in fc["results"].items():
        if row.get("stages"):
            stages = ", ".join(f"{k} {_time(v)}" for k, v in row["stages"].items())
            print(f"  {name} compile stages ({row['pipeline']} LLVM pipeline): {stages}")
        tiers = row.get("tiers")
        if tiers:
            print(f"  {name} then: {_time(tiers['light_call_s'])} a call on the light tier; after "
                  f"{tiers['tier_up_after_calls']:.0f} calls compiled again with O3 in {_time(tiers['tier_up_s'])}; "
                  f"then {_time(tiers['o3_call_s'])} a call")


CSV_FIELDS = ["workload", "size", "contender", "status", "seconds", "best", "speedup", "gbs", "gflops", "variant",
              "detail"]


def write(run: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(run, indent=2) + "\n")
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for w in run["workloads"]:
            for name, row in w["results"].items():
                writer.writerow({**row, "workload": w["name"], "size": w["size"], "contender": name})
