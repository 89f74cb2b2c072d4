"""A chunked array workload on a local multi-process Dask cluster, with a jitc kernel per block.

    python examples/dask/chunked.py            # run it, check it against NumPy
    python examples/dask/chunked.py --time     # time the same job with jitc kernels and with NumPy kernels

The kernel (GELU times a Gaussian window, then a per-row sum) is one fused loop once jitc compiles it; NumPy
evaluates it op by op, writing a temporary array per op. The workers receive the compiled function by pickle
(its graph travels; each worker compiles it on its first block, or loads it from jitc's disk cache).
"""
from __future__ import annotations

import argparse
import logging
import time

import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

import jitc


def numpy_kernel(x):
    gelu = 0.5 * x * (1.0 + np.tanh(0.7978846 * (x + 0.044715 * x * x * x)))
    return (gelu * np.exp(-0.5 * x * x)).sum(axis=1, keepdims=True)


jitc_kernel = jitc.compile(numpy_kernel)  # the same source, compiled (a new name keeps NumPy's for comparison)


def job(x: da.Array, kernel) -> float:
    """One pass over the array: the kernel on every block, then Dask adds the per-row sums of all blocks."""
    row_sums = x.map_blocks(kernel, dtype=x.dtype, chunks=(x.chunks[0], (1,) * x.numblocks[1]))
    return row_sums.sum(dtype=np.float64).compute()


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--time", action="store_true", help="time jitc kernels against NumPy kernels")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads-per-worker", type=int, default=1)
    p.add_argument("--size", type=int, default=8192, help="the array is size x size float32")
    p.add_argument("--chunk", type=int, default=2048)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    with LocalCluster(n_workers=args.workers, threads_per_worker=args.threads_per_worker, processes=True,
                      host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        x = da.random.default_rng(0).standard_normal((args.size, args.size), chunks=args.chunk, dtype=np.float32)
        x = client.persist(x)  # generated once, kept on the workers: the timings are the kernels and Dask
        client.wait_for_workers(args.workers)
        got, want = job(x, jitc_kernel), job(x, numpy_kernel)
        print(f"jitc {got:.6g}  NumPy {want:.6g}  (relative difference {abs(got - want) / abs(want):.1e})")
        assert np.isclose(got, want, rtol=1e-4)
        if not args.time:
            return
        from codegen.parallel import thread_count

        jitc_threads = sorted(set(client.run(thread_count).values()))
        seconds = {name: best_of(args.runs, lambda k=kernel: job(x, k))
                   for name, kernel in (("NumPy kernels", numpy_kernel), ("jitc kernels", jitc_kernel))}
        blocks = x.numblocks[0] * x.numblocks[1]
        print(f"\n{args.size}x{args.size} float32, {blocks} blocks of {args.chunk}x{args.chunk}; "
              f"{args.workers} worker processes x {args.threads_per_worker} thread(s); jitc threads per task "
              f"{jitc_threads}, BLAS/OpenMP threads per worker 1 (Dask's nanny sets OMP_NUM_THREADS=1); "
              f"best of {args.runs}\n")
        print("| kernels | seconds per job | speedup |\n|---|---|---|")
        for name, s in seconds.items():
            print(f"| {name} | {s:.3f} | {seconds['NumPy kernels'] / s:.2f}x |")


if __name__ == "__main__":
    main()
