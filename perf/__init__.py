"""`python -m perf`: jitc against eager NumPy and the other array compilers, on the tutorial cell, fused
elementwise chains, loops (stencil, LU), row-wise reductions (softmax, layernorm, max) and products
(matrix-vector, MLP, attention). See `python -m perf --help`."""
import os

NAMES = ("cell", "tanh_add", "tanh_scaled", "sin", "jacobi_2d", "lu", "softmax", "layernorm", "row_max", "full_max",
         "matvec", "matvec_small", "mlp", "attention", "numpy_api", "linear_tanh", "first_call")  # the workloads, in run order
_POOLS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "JITC_NUM_THREADS")


def usable_cpus() -> int:
    """The CPUs this process may run on (what jitc's threads default to, too)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def thread_count() -> int:
    """The threads every contender may use: `--threads`, else the usable CPUs."""
    return int(os.environ.get("PERF_THREADS", usable_cpus()))


def pin_threads(n: int) -> None:
    """Sizes every library's pool to n; effective only before NumPy, torch and jitc load (they read these)."""
    os.environ["PERF_THREADS"] = str(n)
    for var in _POOLS:
        os.environ[var] = str(n)


# The libraries' defaults, made explicit and recorded (set before anything imports NumPy or torch).
for _var in _POOLS[:3]:
    os.environ.setdefault(_var, str(thread_count()))
