"""What the numbers were measured on: CPU, cores, library versions, thread settings, and the machine's copy
bandwidth (the ceiling for a memory-bound elementwise kernel)."""
from __future__ import annotations

import os
import platform
import statistics

import llvmlite
import numpy as np

import jitc

from . import usable_cpus
from .timing import round_robin

COPY_ELEMENTS = 1 << 24  # 16M float32: 64 MiB each way, far beyond the caches


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields from /proc/cpuinfo (empty where there is none)."""
    try:
        with open("/proc/cpuinfo") as f:
            block = f.read().split("\n\n")[0]
    except OSError:
        return {}
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in block.splitlines())}


def describe() -> dict:
    info = _cpuinfo()
    flags = set(info.get("flags", "").split())
    return {
        "cpu": info.get("model name") or platform.processor() or platform.machine(),
        "cpu_family_model": f"family {info.get('cpu family', '?')} model {info.get('model', '?')}",
        "avx512": "avx512f" in flags,
        "cores_usable": usable_cpus(),
        "cores_online": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "llvmlite": llvmlite.__version__,
        "jitc": jitc.__version__,
        "load_average_1m": os.getloadavg()[0],  # at start: how busy the shared cores were
        "env_threads": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                        "JITC_NUM_THREADS")},
    }


def copy_bandwidth(rounds: int, budget: float) -> float:
    """GB/s of np.copyto on 16M float32 (read 64 MiB + write 64 MiB), one thread."""
    src = np.random.default_rng(0).random(COPY_ELEMENTS, dtype=np.float32)
    dst = np.empty_like(src)
    seconds = statistics.median(round_robin({"copy": lambda: np.copyto(dst, src)}, rounds, budget, settle=0.0)["copy"])
    return 2 * src.nbytes / seconds / 1e9
