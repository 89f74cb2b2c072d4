"""Run one fuzzed program every way and compare: eager NumPy (the reference), the same program on long double
inputs (x87 80-bit: the accuracy yardstick for float32 and float64 alike), `jitc.compile`, `jitc.script` and
`jitc.trace` (when the trace has no TracerWarning).

Comparison rule (per output, against eager NumPy `e` and the long double reference `r`):
  * dtype and shape equal eager's exactly;
  * NaN positions equal eager's; where eager is ±inf (or r is not finite) the result equals eager's value;
    except after an order-dependent accumulation (sum, mean, matmul) over non-finite or overflowing values,
    where IEEE arithmetic itself gives NaN or ±inf depending on the order ((inf + x) - inf): there the result
    only has to be non-finite wherever eager's is;
  * elsewhere |got - r| <= 4 * E + 8 * eps(dtype) * max(|r|, tiny), with E = max |e - r| over the finite
    elements: four times NumPy's own error on this very program, plus 8 ulp of the value (after an
    accumulation, of the output's largest value: a sum's rounding scales with its terms, not its result).
"""
from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np

import jitc

from .generator import Program


class Mismatch(AssertionError):
    pass


def load_module(path: Path, name: str):
    """Import a source file as a real module (inspect.getsource then finds it)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _quiet(fn, *args):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args)


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else (x,)


def _upcast(args: list) -> list:
    return [a.astype(np.longdouble) if isinstance(a, np.ndarray) else a for a in args]


def compare(got, eager, ref, what: str, order_free: bool = False) -> None:
    got, eager, ref = _as_tuple(got), _as_tuple(eager), _as_tuple(ref)
    if len(got) != len(eager):
        raise Mismatch(f"{what}: {len(got)} outputs, eager NumPy gives {len(eager)}")
    for k, (g, e, r) in enumerate(zip(got, eager, ref)):
        g, e, r = np.asarray(g), np.asarray(e), np.asarray(r, np.longdouble)
        where = f"{what} output {k}"
        if g.dtype != e.dtype or g.shape != e.shape:
            raise Mismatch(f"{where}: {g.dtype}{list(g.shape)}, eager NumPy gives {e.dtype}{list(e.shape)}")
        check_values(np.atleast_1d(g), np.atleast_1d(e), np.atleast_1d(r), where, order_free)


def check_values(g: np.ndarray, e: np.ndarray, r: np.ndarray, where: str, order_free: bool = False) -> None:
    if g.dtype.kind != "f":
        bad = g != e
        if bad.any():
            raise Mismatch(f"{where}: differs from eager at {_first(bad)}: {g[bad][:4]} vs {e[bad][:4]}")
        return
    if order_free and not np.isfinite(e).all():
        lost = ~np.isfinite(e) & np.isfinite(g)
        if lost.any():
            i = _first(lost)
            raise Mismatch(f"{where}: finite where eager is not, first at {i}: got {g[i]!r}, eager {e[i]!r}")
        keep = np.isfinite(e)
        g, e, r = g[keep], e[keep], r[keep]
    gn, en = np.isnan(g), np.isnan(e)
    if (gn != en).any():
        i = _first(gn != en)
        raise Mismatch(f"{where}: NaN positions differ, first at {i}: got {g[i]!r}, eager {e[i]!r}, ref {r[i]!r}")
    exact = ~en & (np.isinf(e) | ~np.isfinite(r))
    if (g[exact] != e[exact]).any():
        i = _first(exact & (g != e))
        raise Mismatch(f"{where}: non-finite value differs at {i}: got {g[i]!r}, eager {e[i]!r}, ref {r[i]!r}")
    rest = ~en & ~exact
    if not rest.any():
        return
    fi = np.finfo(g.dtype)
    err_eager = np.max(np.abs(e[rest].astype(np.longdouble) - r[rest]))
    magnitude = np.maximum(np.abs(r[rest]), fi.tiny)
    if order_free:  # a sum's rounding error scales with its terms, not its (possibly cancelled) result
        magnitude = np.maximum(magnitude, np.max(magnitude))
    tol = 4 * err_eager + 8 * fi.eps * magnitude.astype(np.longdouble)
    diff = np.abs(g[rest].astype(np.longdouble) - r[rest])
    if not (diff <= tol).all():  # also catches a non-finite `got`
        j = int(np.argmax(~(diff <= tol)))
        i = tuple(int(x[j]) for x in np.nonzero(rest))
        raise Mismatch(f"{where}: error {diff[j]:.3g} > allowed {tol[j]:.3g} at {i}: got {g[i]!r}, "
                       f"eager {e[i]!r}, ref {r[i]!r} (eager's own max error {err_eager:.3g})")


def _first(mask: np.ndarray):
    return tuple(int(x[0]) for x in np.nonzero(mask)) if mask.ndim else ()


def run_case(program: Program, workdir: Path) -> dict:
    """Run a program every way; raise Mismatch (with the program and seed) on the first disagreement.
    Returns which front doors ran."""
    name = f"jitc_fuzz_prog_{program.seed}"
    path = workdir / f"{name}.py"
    path.write_text(program.source)
    module = load_module(path, name)
    try:
        return _run(module.prog, program)
    except Mismatch as e:
        raise Mismatch(f"{e}\n{program.describe()}\nreproduce: pytest tests/test_fuzz.py --fuzz-seed "
                       f"{program.seed} --fuzz-cases 1") from None
    except Exception as e:
        raise Mismatch(f"{type(e).__name__}: {e}\n{program.describe()}\nreproduce: pytest tests/test_fuzz.py "
                       f"--fuzz-seed {program.seed} --fuzz-cases 1") from e
    finally:
        sys.modules.pop(name, None)


def _run(prog, program: Program) -> dict:
    args = program.args
    eager = _quiet(prog, *args)
    ref = _quiet(prog, *_upcast(args))

    def check(fn, what: str) -> None:
        for attempt in ("first call", "fast path"):  # the second call takes the guarded fast path
            compare(_quiet(fn, *args), eager, ref, f"{what} ({attempt})", program.accumulates)

    check(jitc.compile(prog, fallback="error"), "jitc.compile")
    check(jitc.script(prog), "jitc.script")
    arrays = [a for a in args if isinstance(a, np.ndarray)]
    scalars = args[len(arrays):]  # trace takes arrays only: the Python float is closed over (baked in)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", jitc.TracerWarning)
        traced = _quiet(jitc.trace, lambda *xs: prog(*xs, *scalars), tuple(arrays))
    if any(issubclass(w.category, jitc.TracerWarning) for w in caught):
        return {"trace": False}
    for attempt in ("first call", "fast path"):
        compare(_quiet(traced, *arrays), eager, ref, f"jitc.trace ({attempt})", program.accumulates)
    return {"trace": True}
