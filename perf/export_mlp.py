"""`python -m perf.export_mlp [--calls N]`: the MLP row of perf/ exported to C (`jitc.export`, no BLAS there: our
GEMM), timed by examples/c/time_mlp.c, against the same model compiled in process (BLAS products), the latter in fresh
processes on one thread (exported code is serial) and on all CPUs. Prints times per call (best and median) and
the ratios; checks that the C output equals NumPy's."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import pin_threads, usable_cpus

DRIVER = Path(__file__).resolve().parent.parent / "examples" / "c" / "time_mlp.c"


def _inputs(batch: int):
    import numpy as np

    rng = np.random.default_rng(0)
    scaled = lambda *shape: (rng.standard_normal(shape) / np.sqrt(shape[0])).astype(np.float32)
    return (rng.standard_normal((batch, 784), dtype=np.float32), scaled(784, 256), scaled(256), scaled(256, 256),
            scaled(256), scaled(256, 10), scaled(10))


def build_and_run(folder: Path, batch: int = 64, calls: int = 2000):
    """Export the MLP into folder, compile the driver, run it: (C output, best s, median s)."""
    import numpy as np

    import jitc
    from jitc.export import c_compiler

    from .workloads_models import mlp

    inputs = _inputs(batch)
    files = jitc.export(jitc.compile(mlp), inputs, folder / "mlp")
    binary = folder / "time_mlp"
    subprocess.run([c_compiler(), "-O2", f"-I{folder}", str(DRIVER), files.shared_library, "-o", str(binary),
                    f"-Wl,-rpath,{folder}"], check=True)
    (folder / "inputs.bin").write_bytes(b"".join(a.tobytes() for a in inputs))
    out = subprocess.run([str(binary), str(folder / "inputs.bin"), str(folder / "out.bin"), str(calls)],
                         capture_output=True, text=True, check=True).stdout.split()
    result = np.fromfile(folder / "out.bin", np.float32).reshape(batch, 10)
    return inputs, result, float(out[0]), float(out[1])


def _time_in_process(fn, inputs, calls: int):
    fn(*inputs)
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        fn(*inputs)
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return seconds[0], seconds[len(seconds) // 2]


def _in_process(batch: int, calls: int) -> None:
    import jitc

    from .workloads_models import mlp

    best, median = _time_in_process(jitc.compile(mlp), _inputs(batch), calls)
    print(best, median)


def _in_fresh_process(batch: int, calls: int, threads: int | None) -> tuple[float, float]:
    command = [sys.executable, "-m", "perf.export_mlp", "--in-process", "--batch", str(batch), "--calls", str(calls)]
    if threads:
        command += ["--threads", str(threads)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m perf.export_mlp", description=__doc__)
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.in_process:  # the child: pools sized before NumPy loads
        if args.threads:
            pin_threads(args.threads)
        _in_process(args.batch, args.calls)
        return
    import numpy as np

    from .workloads_models import mlp

    with tempfile.TemporaryDirectory() as tmp:
        inputs, result, c_best, c_median = build_and_run(Path(tmp), args.batch, args.calls)
    np.testing.assert_allclose(result, mlp(*inputs), rtol=1e-4, atol=1e-6)
    print(f"MLP 784-256-256-10 + softmax, batch {args.batch}; load average {os.getloadavg()[0]:.1f}")
    print(f"  exported C (our GEMM, serial):    best {c_best * 1e6:8.1f} us   median {c_median * 1e6:8.1f} us")
    for threads, what in ((1, "1 thread"), (None, f"{usable_cpus()} threads")):
        best, median = _in_fresh_process(args.batch, args.calls, threads)
        print(f"  in process (BLAS, {what}):{' ' * (13 - len(what))}best {best * 1e6:8.1f} us   median "
              f"{median * 1e6:8.1f} us   exported / in process: {c_best / best:.2f}x best, "
              f"{c_median / median:.2f}x median")


if __name__ == "__main__":
    main()
