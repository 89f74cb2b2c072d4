"""The contenders: each turns a workload into named variants (zero-argument calls). Optional libraries are
imported only when installed; each one's thread pool is sized to perf.thread_count()."""
from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import jitc

from . import thread_count
from .workloads import Workload, first


@dataclass
class Contender:
    name: str
    version: str
    threads: str
    variants: Callable[[Workload], dict[str, Callable] | None]  # None: the contender does not do this workload
    to_numpy: Callable = lambda out: np.asarray(first(out))


def _numpy() -> Contender:
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    return Contender("numpy", np.__version__, f"1 (elementwise), OpenBLAS {blas} (matmul)",
                     lambda w: {"": lambda: w.fn(*w.inputs)})


def _jitc() -> Contender:
    from codegen.parallel import thread_count as jitc_threads

    def variants(w: Workload):
        fn = jitc.compile(w.fn, fallback="error")  # an interpreted signature would not be jitc's speed
        return {"": lambda: fn(*w.inputs)}

    return Contender("jitc", jitc.__version__, str(jitc_threads()), variants)


_NUMEXPR = {"tanh_add": "tanh(x + h)", "tanh_scaled": "tanh(x * half + h) * half + half"}


def _numexpr() -> Contender:
    import numexpr

    numexpr.set_num_threads(thread_count())

    def variants(w: Workload):
        if w.name not in _NUMEXPR:
            return None
        x, h = w.inputs
        env = {"x": x, "h": h, "half": np.float32(0.5)}  # a float32 constant keeps the expression in float32
        return {"": lambda: numexpr.evaluate(_NUMEXPR[w.name], local_dict=env)}

    return Contender("numexpr", numexpr.__version__, str(numexpr.get_num_threads()), variants)


def _numba(quick: bool) -> Contender:
    import numba

    from . import kernels_numba

    # numba's default OpenMP layer loads a second libgomp beside torch's; on 2 busy cores their spinning
    # workers starve each other (a parallel 1k-element loop took ms). The workqueue layer does not spin.
    numba.config.THREADING_LAYER = "workqueue"
    numba.set_num_threads(thread_count())
    def variants(w: Workload):
        found = kernels_numba.variants(w)
        if quick and found:  # parallel kernels take seconds to compile; tiny sizes do not need them
            found = {label: fn for label, fn in found.items() if not label.endswith("-par")}
        return found

    return Contender("numba", numba.__version__, f"1, {numba.get_num_threads()} for *-par (workqueue)", variants)


def _torch(name: str, wrap: Callable) -> Callable[[bool], Contender]:
    def make(quick: bool) -> Contender:
        import torch

        from . import kernels_torch

        # OMP_NUM_THREADS already sized torch's pool; calling set_num_threads with that same number anyway
        # made 1k-element ops go from 5 us to ms on 2 busy cores (its OpenMP workers then spin)
        if torch.get_num_threads() != thread_count():
            torch.set_num_threads(thread_count())
        return Contender(name, torch.__version__, str(torch.get_num_threads()),
                         lambda w: kernels_torch.runner(w, wrap), lambda out: first(out).numpy())

    return make


def _torch_script(m):
    import torch

    return torch.jit.script(m)


def _torch_compile(m):
    import torch

    return torch.compile(m, dynamic=False)


def _jax() -> Contender:
    import jax

    from . import kernels_jax

    return Contender("jax.jit", jax.__version__, "XLA's default", kernels_jax.variants)


# (name, module that must be installed, make(quick) -> Contender)
_OPTIONAL = [("numexpr", "numexpr", lambda quick: _numexpr()), ("numba", "numba", _numba),
             ("torch", "torch", _torch("torch", lambda m: m)),
             ("torch.jit.script", "torch", _torch("torch.jit.script", _torch_script)),
             ("torch.compile", "torch", _torch("torch.compile", _torch_compile)),
             ("jax.jit", "jax", lambda quick: _jax())]


def available(quick: bool) -> tuple[list[Contender], dict[str, str]]:
    """The installed contenders (numpy first: the baseline) and, by name, why others are left out."""
    found, skipped = [_numpy(), _jitc()], {}
    for name, module, make in _OPTIONAL:
        if importlib.util.find_spec(module) is None:
            skipped[name] = f"{module} not installed"
        elif quick and name == "torch.compile":
            skipped[name] = "skipped in --quick (compiles for tens of seconds)"
        else:
            found.append(make(quick))
    return found, skipped
