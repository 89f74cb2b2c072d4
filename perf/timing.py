"""Interleaved timing: every contender of a workload runs one batch per round, in a rotating order, so a noisy
neighbour or a frequency change hits all of them alike; the result is the median over rounds."""
from __future__ import annotations

import gc
import time
from collections.abc import Callable, Hashable


def calibrate(fn: Callable, budget: float) -> int:
    """Calls per batch so that one batch takes about `budget` seconds (at least one call)."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 4 or n >= 1 << 20:
            return max(1, round(n * budget / max(elapsed, 1e-9)))
        n *= 4


def _batch(fn: Callable, n: int) -> float:
    gc.disable()  # a collection triggered by one contender's garbage must not land in another's batch
    try:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - start) / n
    finally:
        gc.enable()


def round_robin(fns: dict[Hashable, Callable], rounds: int, budget: float, settle: float) -> dict[Hashable, list]:
    """Seconds per call of each function in each of `rounds` interleaved rounds."""
    counts = {}
    for name, fn in fns.items():
        counts[name] = calibrate(fn, budget)
        time.sleep(settle)
    names = list(fns)
    samples: dict[Hashable, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            samples[name].append(_batch(fns[name], counts[name]))
            time.sleep(settle)
    return samples
