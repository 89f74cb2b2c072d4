"""`python -m perf.export_mlp [--calls N]`: the MLP row of perf/ exported to C (`jitc.export`, no BLAS there: our
GEMM), timed by examples/c/time_mlp.c, against the same model compiled in process (the same GEMM on jitc's thread
pool): the serial library against the in-process call on one thread, the library with its own pool
(`threads=True`) against the in-process call on all CPUs (each in a fresh process). Prints times per call (best
and median) and the ratios; checks that the C outputs equal NumPy's."""
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


def build_and_run(folder: Path, batch: int = 64, calls: int = 2000, threads: bool = False):
    """Export the MLP into folder (with its own thread pool when `threads`), compile the driver, run it:
    (inputs, C output, best s, median s)."""
    import numpy as np

    import jitc
    from jitc.export import c_compiler

    from .workloads_models import mlp

    inputs = _inputs(batch)
    files = jitc.export(jitc.compile(mlp), inputs, folder / "mlp", threads=threads)
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

    exported = {}
    for threads in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            inputs, result, *exported[threads] = build_and_run(Path(tmp), args.batch, args.calls, threads)
        np.testing.assert_allclose(result, mlp(*inputs), rtol=1e-4, atol=1e-6)
    in_process = {n: _in_fresh_process(args.batch, args.calls, n) for n in (1, None)}
    cpus = usable_cpus()
    print(f"MLP 784-256-256-10 + softmax, batch {args.batch}; load average {os.getloadavg()[0]:.1f}")
    rows = [("in process, 1 thread", in_process[1], None), (f"in process, {cpus} threads", in_process[None], None),
            ("exported, serial", exported[False], in_process[1]),
            (f"exported, threads=True ({cpus})", exported[True], in_process[None])]
    for what, (best, median), reference in rows:
        ratio = "" if reference is None else \
            f"   / in process: {best / reference[0]:.2f}x best, {median / reference[1]:.2f}x median"
        print(f"  {what:<30} best {best * 1e6:8.1f} us   median {median * 1e6:8.1f} us{ratio}")


if __name__ == "__main__":
    main()
