"""Runs one workload: builds every contender's variants, checks each against the float64 reference BEFORE
timing, times the correct ones interleaved and keeps each contender's fastest variant."""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from .contenders import Contender
from .timing import round_robin
from .workloads import NotApplicable, Workload

WARM_CALLS = 3  # torch.jit.script optimizes after two profiling runs; torch.compile compiles on the first


@dataclass
class Result:
    status: str  # ok | wrong | error | n/a
    seconds: float | None = None  # median over rounds
    best: float | None = None  # fastest round: what the machine does when nobody else is using it
    variant: str = ""
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class WrongResult(Exception):
    pass


def check(out, ref: np.ndarray, w: Workload) -> None:
    """Same shape and dtype as NumPy's result, values within the workload's tolerance of float64."""
    out = np.asarray(out)
    if out.shape != ref.shape or out.dtype != w.dtype:
        raise WrongResult(f"got {out.dtype}{list(out.shape)}, expected {w.dtype}{list(ref.shape)}")
    err = np.abs(out.astype(np.float64) - ref)
    bad = err > w.atol + w.rtol * np.abs(ref)
    if bad.any():
        i = int(np.argmax(err))
        raise WrongResult(f"{int(bad.sum())} of {bad.size} values off; worst {out.flat[i]!r} vs {ref.flat[i]!r}")


def _one_line(e: Exception) -> str:
    text = f"{type(e).__name__}: {e}".strip().splitlines()
    return text[0][:200] if text else type(e).__name__


def _ready(c: Contender, fn: Callable, ref: np.ndarray, w: Workload) -> Result | None:
    """Compile, check, warm up and check again; None when the variant may be timed, else why not."""
    try:
        check(c.to_numpy(fn()), ref, w)
        for _ in range(WARM_CALLS):
            out = fn()
        check(c.to_numpy(out), ref, w)
    except WrongResult as e:
        return Result("wrong", detail=str(e))
    except Exception as e:  # noqa: BLE001  (a contender's failure is reported, never fatal to the run)
        return Result("error", detail=_one_line(e))
    return None


def run(w: Workload, contenders: list[Contender], rounds: int, budget: float) -> dict[str, Result]:
    ref = w.reference()
    results: dict[str, Result] = {}
    notes: dict[str, str] = {}  # variants that failed while another variant of the same contender passed
    timed: dict[tuple[str, str], Callable] = {}
    for c in contenders:
        try:
            variants = c.variants(w)
        except NotApplicable as e:
            results[c.name] = Result("n/a", detail=str(e))
            continue
        except Exception as e:  # noqa: BLE001  (as in _ready)
            results[c.name] = Result("error", detail=_one_line(e))
            continue
        if variants is None:
            results[c.name] = Result("n/a")
            continue
        verdicts = {label: _ready(c, fn, ref, w) for label, fn in variants.items()}
        timed.update({(c.name, label): variants[label] for label, f in verdicts.items() if f is None})
        failed = [(label, f) for label, f in verdicts.items() if f is not None]
        notes[c.name] = "; ".join(f"{label} {f.status}: {f.detail}" for label, f in failed)
        if len(failed) == len(variants):
            results[c.name] = Result(failed[0][1].status, variant=failed[0][0], detail=failed[0][1].detail)
    for (name, label), samples in round_robin(timed, rounds, budget, w.settle).items():
        median = statistics.median(samples)
        if name not in results or median < results[name].seconds:
            results[name] = Result("ok", median, min(samples), label, notes[name])
    return {c.name: results[c.name] for c in contenders}
