"""Compile latency as a user meets it: a NEW process imports the library, builds the tutorial cell, scripts or
compiles it and calls it once. `python -m perf.first_call NAME` is that process (it prints JSON);
`measure()` runs it for each contender, interleaved, and takes medians. jitc keeps compiled objects on disk:
each round gives its children a new, empty cache, so "jitc" compiles and "jitc, disk cache" (run after it)
loads what "jitc" wrote."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

RTOL, ATOL = 1e-5, 1e-6


def _data(np):
    """The cell's inputs and Linear(4, 4) parameters, the same in every child process."""
    rng = np.random.default_rng(0)
    x, h = rng.random((3, 4), dtype=np.float32), rng.random((3, 4), dtype=np.float32)
    W, b = rng.uniform(-0.5, 0.5, (4, 4)).astype(np.float32), rng.uniform(-0.5, 0.5, 4).astype(np.float32)
    return x, h, W, b


def _eager(np, x, h, W, b):
    y = x @ W.T + b
    return np.tanh((y if y.sum() > 0 else -y) + h)


def _numpy(t0: float) -> dict:
    import numpy as np

    t_import = time.perf_counter()
    out = _eager(np, *_data(np))
    return {"import_s": t_import - t0, "out": out}


def _jitc(t0: float) -> dict:
    import jitc
    from jitc.demo import MyCell, MyDecisionGate

    t_import = time.perf_counter()
    import numpy as np

    x, h, W, b = _data(np)
    cell = MyCell(MyDecisionGate())
    cell.linear.weight, cell.linear.bias = W, b
    scripted = jitc.script(cell)
    out = scripted(x, h)[0]
    done = time.perf_counter()
    (info,) = scripted.cache_info()
    return {"import_s": t_import - t0, "out": out, "done": done, "compile_s": info["compile_seconds"], "stages": info["stages"],
            "pipeline": info["pipeline"], **(_tiers(scripted, x, h) if info["pipeline"] == "light" else {})}


def _tiers(scripted, x, h) -> dict:
    """After the first call (timed above): seconds per call of the light tier, the calls until the cell is
    compiled again with O3 (codegen/tiers.py) and that compile's seconds, then seconds per call of the O3 code."""
    def per_call() -> float:
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(10_000):
                scripted(x, h)
            best = min(best, (time.perf_counter() - start) / 10_000)
        return best

    light = per_call()
    while "tier_up" not in scripted.cache_info()[0]:
        for _ in range(10_000):
            scripted(x, h)
    tier_up = scripted.cache_info()[0]["tier_up"]
    return {"light_call_s": light, "tier_up_after_calls": tier_up["after_calls"], "tier_up_s": tier_up["seconds"],
            "o3_call_s": per_call()}


def _torch_script(t0: float) -> dict:
    import torch

    from .kernels_torch import TorchCell

    t_import = time.perf_counter()
    import numpy as np

    x, h, W, b = _data(np)
    scripted = torch.jit.script(TorchCell(W, b))
    out = scripted(torch.from_numpy(x), torch.from_numpy(h))[0].numpy()
    return {"import_s": t_import - t0, "out": out}


def _numba(t0: float) -> dict:
    from .kernels_numba import _cell_loops

    t_import = time.perf_counter()
    import numpy as np

    x, h, W, b = _data(np)
    return {"import_s": t_import - t0, "out": _cell_loops(x, h, W, b)}


CHILDREN = {"numpy": _numpy, "jitc": _jitc, "jitc, disk cache": _jitc, "numba": _numba,
            "torch.jit.script": _torch_script}  # run in this order: "jitc" fills the cache


def child(name: str) -> dict:
    """Runs in the fresh process: times import + build + first call, then checks the result against NumPy."""
    t0 = time.perf_counter()
    got = CHILDREN[name](t0)
    first_call_s = got.get("done", time.perf_counter()) - t0  # jitc's child goes on to time its tiers
    import numpy as np

    expected = _eager(np, *_data(np))
    return {"first_call_s": first_call_s, "import_s": got["import_s"], "compile_s": got.get("compile_s"),
            "stages": got.get("stages"), "pipeline": got.get("pipeline"),
            "tiers": {k: got[k] for k in _TIER_KEYS if k in got},
            "correct": bool(np.allclose(got["out"], expected, rtol=RTOL, atol=ATOL))}


_TIER_KEYS = ("light_call_s", "tier_up_after_calls", "tier_up_s", "o3_call_s")


def _spawn(name: str, cache: str) -> dict:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "perf.first_call", name], cwd=root, capture_output=True,
                          text=True, timeout=300, check=False, env={**os.environ, "JITC_CACHE_DIR": cache})
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr.strip().splitlines() or ["no output"])[-1][:200])
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "process_s": wall}


def _summary(runs: list[dict]) -> dict:
    if not all(r["correct"] for r in runs):
        return {"status": "wrong", "detail": "the first call's result differs from eager NumPy"}
    median = {k: statistics.median(r[k] for r in runs) if runs[0][k] is not None else None
              for k in ("first_call_s", "import_s", "compile_s", "process_s")}
    stages = {}
    if runs[0]["stages"]:  # jitc's compile stages: the median of each (so they need not add up to compile_s)
        stages = {k: statistics.median(r["stages"].get(k, 0.0) for r in runs) for k in runs[0]["stages"]}
    tiers = {k: statistics.median(r["tiers"][k] for r in runs) for k in runs[0]["tiers"]}
    return {"status": "ok", "seconds": median.pop("first_call_s"), **median, "stages": stages,
            "pipeline": runs[0]["pipeline"], "tiers": tiers}


def measure(names: list[str], repeats: int) -> dict[str, dict]:
    """Per contender (in CHILDREN's order): medians over `repeats` rounds of one fresh process each."""
    names = [n for n in CHILDREN if n in names]
    runs: dict[str, list[dict]] = {n: [] for n in names}
    errors: dict[str, str] = {}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="perf-jitc-cache-") as cache:
            for name in names:
                if name in errors:
                    continue
                try:
                    runs[name].append(_spawn(name, cache))
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                    errors[name] = str(e)
    return {n: {"status": "error", "detail": errors[n]} if n in errors else _summary(runs[n]) for n in names}


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1])))
