"""The TorchScript tutorial, in NumPy: `python -m jitc.demo` traces, scripts, compiles and times the cells."""
from __future__ import annotations

import time
import warnings

import numpy as np

import jitc
from jitc import nn


class MyDecisionGate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x
        else:
            return -x


class MyCell(nn.Module):
    def __init__(self, dg):
        super().__init__()
        self.dg = dg
        self.linear = nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = np.tanh(self.dg(self.linear(x)) + h)
        return new_h, new_h


def tanh_add(x, h):
    return np.tanh(x + h)


def median_us(fn, repeat: int = 7, budget: float = 0.05) -> float:
    """Median over `repeat` rounds of the mean time per call, each round about `budget` seconds."""
    fn()
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - start > budget / 4:
            break
        n *= 4
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        rounds.append((time.perf_counter() - start) / n)
    return float(np.median(rounds)) * 1e6


def section(title: str) -> None:
    print(f"\n{'=' * 8} {title} {'=' * (70 - len(title))}")


def main() -> None:
    nn.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((3, 4), dtype=np.float32)
    h = rng.random((3, 4), dtype=np.float32)
    cell = MyCell(MyDecisionGate())

    section("eager: plain NumPy")
    print(cell)
    print(cell(x, h)[0])

    section("jitc.trace(cell, (x, h))")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", jitc.TracerWarning)
        traced = jitc.trace(cell, (x, h))
    for w in caught:
        print(f"TracerWarning at line {w.lineno}: {str(w.message)[:110]}...")
    print(traced)
    print(traced.graph)
    print(traced.code)
    print("traced.dg.code (the branch was baked in):")
    print(traced.dg.code)

    section("jitc.script: control flow is kept")
    scripted_gate = jitc.script(MyDecisionGate())
    print(scripted_gate.graph)
    print(scripted_gate.code)
    scripted = jitc.script(cell)  # shares cell's parameters
    print(scripted)
    print(scripted.graph)

    section("native: specialized, fused, compiled by LLVM")
    start = time.perf_counter()
    out = scripted(x, h)
    print(f"first call (specialize + compile): {(time.perf_counter() - start) * 1e3:.1f} ms")
    print("equal to eager NumPy:", np.allclose(out[0], cell(x, h)[0], rtol=1e-5, atol=1e-6))
    print("equal for a negative input too:", np.allclose(scripted(-x, h)[0], cell(-x, h)[0], rtol=1e-5, atol=1e-6))
    print(scripted.graph_for(x, h))

    section("timings (median per call; this machine)")
    eager_cell = MyCell(MyDecisionGate())
    compiled_cell2 = jitc.compile(eager_cell)
    np.testing.assert_allclose(compiled_cell2(x, h)[0], eager_cell(x, h)[0], rtol=1e-5, atol=1e-6)
    rows = [("MyCell 3x4", lambda: eager_cell(x, h), lambda: compiled_cell2(x, h))]
    fast_tanh_add = jitc.compile(tanh_add)
    for n in (1_000, 1_000_000):
        a, b = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
        np.testing.assert_allclose(fast_tanh_add(a, b), tanh_add(a, b), rtol=2e-6, atol=1e-7)
        rows.append((f"tanh(x + h), {n:,} float32", lambda a=a, b=b: tanh_add(a, b),
                     lambda a=a, b=b: fast_tanh_add(a, b)))
    print(f"{'workload':32} {'eager NumPy':>14} {'jitc':>12} {'speed-up':>9}")
    for name, eager, fast in rows:
        te, tj = median_us(eager), median_us(fast)
        print(f"{name:32} {te:11.2f} us {tj:9.2f} us {te / tj:8.2f}x")


if __name__ == "__main__":
    main()
