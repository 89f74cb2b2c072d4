"""`python -m perf.dynamic [--quick] [--rounds N]`: dynamic (symbolic) against static code, in one run.

Speed: the same workloads compiled with `dynamic=True` and with `dynamic=False`, timed interleaved (large
elementwise, an MLP whose matmuls go to BLAS, the 3x4 tutorial cell, where call overhead is all there is).
Sweeps: how many specializations and how much compile time a sweep of sizes costs with automatic dynamic
shapes (the default) and with every shape specialized. Prints a Markdown table; asserts agreement, not speed."""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import jitc
from jitc import nn
from jitc.demo import MyCell, MyDecisionGate

from .machine import describe
from .timing import round_robin

RNG = np.random.default_rng(0)


def tanh_add(x, h):
    return np.tanh(x + h)


def mlp(x, w1, b1, w2):
    h = np.maximum(x @ w1 + b1, 0.0)
    z = h @ w2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def rnn(xs, h, wx, wh):
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ wx + h @ wh)
    return h


def attention(q, k, v):
    scores = q @ k.T / np.sqrt(q.shape[-1])
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (p / p.sum(axis=-1, keepdims=True)) @ v


def _f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _weights(fan_in: int, fan_out: int):
    return (RNG.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(np.float32)


def speed_cases(quick: bool) -> dict:
    """name -> (function or model factory, arguments)."""
    n = 256 if quick else 2048
    w1, b1, w2 = _weights(784, 256), _f32(256), _weights(256, 10)
    cell_args = (_f32(3, 4), _f32(3, 4))
    return {
        f"tanh(x + h), {n}x{n} float32": (lambda: tanh_add, (_f32(n, n), _f32(n, n))),
        f"MLP 784-256-10, batch {64 if quick else 256}": (lambda: mlp, (_f32(64 if quick else 256, 784), w1, b1, w2)),
        "tutorial cell, 3x4": (lambda: MyCell(MyDecisionGate()), cell_args),
    }


def sweep_cases(quick: bool) -> dict:
    """name -> (function, argument maker, sizes)."""
    w1, b1, w2 = _weights(784, 256), _f32(256), _weights(256, 10)
    wx, wh = RNG.standard_normal((16, 32)) * 0.2, RNG.standard_normal((32, 32)) * 0.2
    batches = [1, 2, 7, 64, 65, 128, 256] if not quick else [1, 7, 64]
    return {
        "MLP batch 1..256": (mlp, lambda b: (_f32(b, 784), w1, b1, w2), batches),
        "1-D tanh, 10..10^6": (tanh_add, lambda n: (_f32(n), _f32(n)),
                               [10 ** k for k in range(1, 7 if not quick else 4)]),
        "RNN, sequence 1..64": (rnn, lambda n: (RNG.standard_normal((n, 4, 16)), RNG.standard_normal((4, 32)), wx, wh),
                                [1, 2, 4, 8, 16, 32, 64] if not quick else [1, 2, 4]),
        "attention, keys 1..64": (attention, lambda n: (RNG.standard_normal((1, 48)), RNG.standard_normal((n, 48)),
                                                         RNG.standard_normal((n, 48))),
                                  list(range(1, 65)) if not quick else [1, 2, 3]),
    }


def _speed(quick: bool, rounds: int) -> list[str]:
    rows = ["| workload | static | dynamic | dynamic speed / static |", "|---|---|---|---|"]
    for name, (factory, args) in speed_cases(quick).items():
        nn.manual_seed(0)
        static = jitc.compile(factory(), dynamic=False)
        nn.manual_seed(0)  # the same parameters
        dynamic = jitc.compile(factory(), dynamic=True)
        expected = static(*args)
        got = dynamic(*args)
        for e, g in zip(expected if isinstance(expected, tuple) else (expected,), got if isinstance(got, tuple) else (got,)):
            np.testing.assert_allclose(g, e, rtol=1e-3, atol=1e-5)  # float32: BLAS and our GEMM sum in other orders
        calls = {"static": lambda s=static, a=args: s(*a), "dynamic": lambda d=dynamic, a=args: d(*a)}
        samples = round_robin(calls, rounds, 0.02 if quick else 0.2, 0.0 if quick else 0.05)
        t_static, t_dynamic = (statistics.median(samples[k]) for k in ("static", "dynamic"))
        rows.append(f"| {name} | {_time(t_static)} | {_time(t_dynamic)} | {t_static / t_dynamic:.2f}x |")
    return rows


def _sweeps(quick: bool) -> list[str]:
    rows = ["| sweep | sizes | automatic dynamic: compiles, compile time | static: compiles, compile time |",
            "|---|---|---|---|"]
    for name, (fn, make, sizes) in sweep_cases(quick).items():
        cells = []
        for dynamic in (None, False):
            compiled = jitc.compile(fn, dynamic=dynamic, fallback="error")
            start = time.perf_counter()
            for n in sizes:
                args = make(n)
                np.testing.assert_allclose(compiled(*args), fn(*args), rtol=1e-3, atol=1e-5)
            info = compiled.cache_info()
            seconds = sum(i["compile_seconds"] or 0.0 for i in info)
            cells.append(f"{len(info)}, {seconds * 1e3:.0f} ms (sweep {time.perf_counter() - start:.2f} s)")
        rows.append(f"| {name} | {len(sizes)} | {cells[0]} | {cells[1]} |")
    return rows


def _time(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m perf.dynamic", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes and 2 rounds (a smoke run)")
    p.add_argument("--rounds", type=int, default=None)
    args = p.parse_args()
    machine = describe()
    print(f"machine: {machine['cpu']}, {machine.get('cores', '?')} cores; jitc {jitc.__version__}\n")
    print("\n".join(_speed(args.quick, args.rounds or (2 if args.quick else 7))))
    print()
    print("\n".join(_sweeps(args.quick)))


if __name__ == "__main__":
    main()
