"""Run one fuzzed program every way and compare: eager NumPy (the reference), the same program on long double
inputs (x87 80-bit: the accuracy yardstick for float32 and float64 alike), `jitc.compile` (static and with
symbolic sizes, dynamic=True), `jitc.script` and `jitc.trace` (when the trace has no TracerWarning).

Comparison rule (per output, against eager NumPy `e` and the long double reference `r`):
  * dtype and shape equal eager's exactly;
  * NaN positions equal eager's; where eager is ±inf (or r is not finite) the result equals eager's value;
    except when the program accumulates (sum, mean, matmul) and eager NumPy overflowed or made a NaN from
    non-NaNs on the way: IEEE arithmetic itself then gives NaN, ±inf or a finite value depending on the order
    ((inf + x) - inf, and what follows from it), so only the elements finite in both are compared;
  * elsewhere |got - r| <= 4 * E + 8 * eps * max(|r|, tiny), with E = max(|e - r|, |n - e|) over the output:
    four times NumPy's own error on this very program or its sensitivity `n` (eager again with every math
    result moved by 2 ulp), plus 8 ulp of the value; eps is float32's when the program computes in float32
    anywhere; after an accumulation the value is the output's largest (a sum's rounding scales with its
    terms, not its cancelled result).
"""
from __future__ import annotations

import importlib.util
import sys
import warnings
from dataclasses import dataclass
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


@dataclass
class Rule:
    """How strict the comparison is for one program (see the module docstring)."""

    accumulates: bool = False     # the program sums (sum, mean, matmul)
    order_free: bool = False      # ... over overflowing/invalid values: NaN vs inf may differ
    eps: float | None = None      # eps of the narrowest float the program computes in (None: the output's)
    nudged: list | None = None    # eager outputs with every math result moved by 2 ulp (the sensitivity run)


def compare(got, eager, ref, what: str, rule: Rule | None = None) -> None:
    rule = rule or Rule()
    got, eager, ref = _as_tuple(got), _as_tuple(eager), _as_tuple(ref)
    if len(got) != len(eager):
        raise Mismatch(f"{what}: {len(got)} outputs, eager NumPy gives {len(eager)}")
    for k, (g, e, r) in enumerate(zip(got, eager, ref)):
        g, e, r = np.asarray(g), np.asarray(e), np.asarray(r, np.longdouble)
        where = f"{what} output {k}"
        if g.dtype != e.dtype or g.shape != e.shape:
            raise Mismatch(f"{where}: {g.dtype}{list(g.shape)}, eager NumPy gives {e.dtype}{list(e.shape)}")
        n = np.atleast_1d(np.asarray(rule.nudged[k])) if rule.nudged is not None else None
        check_values(np.atleast_1d(g), np.atleast_1d(e), np.atleast_1d(r), where, rule, n)


def check_values(g: np.ndarray, e: np.ndarray, r: np.ndarray, where: str, rule: Rule | None = None,
                 nudged: np.ndarray | None = None) -> None:
    rule = rule or Rule()
    if g.dtype.kind != "f":
        bad = g != e
        if bad.any():
            raise Mismatch(f"{where}: differs from eager at {_first(bad)}: {g[bad][:4]} vs {e[bad][:4]}")
        return
    if rule.order_free:  # NaN, ±inf and overflow depend on the summation order here: compare where both are finite
        keep = np.isfinite(e) & np.isfinite(g)
        g, e, r = g[keep], e[keep], r[keep]
        nudged = nudged[keep] if nudged is not None and nudged.shape == keep.shape else None
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
    eps = np.longdouble(max(rule.eps or 0.0, float(fi.eps)))
    err_eager = np.max(np.abs(e[rest].astype(np.longdouble) - r[rest]))
    if nudged is not None and nudged.shape == e.shape:
        moved = np.abs(nudged[rest].astype(np.longdouble) - e[rest])
        err_eager = max(err_eager, np.max(np.where(np.isfinite(moved), moved, 0)))
    magnitude = np.maximum(np.abs(r[rest]), fi.tiny)
    if rule.accumulates:  # a sum's rounding error scales with its terms, not its (possibly cancelled) result
        magnitude = np.maximum(magnitude, np.max(magnitude))
    tol = 4 * err_eager + 8 * eps * magnitude.astype(np.longdouble)
    diff = np.abs(g[rest].astype(np.longdouble) - r[rest])
    if not (diff <= tol).all():  # also catches a non-finite `got`
        j = int(np.argmax(~(diff <= tol)))
        i = tuple(int(x[j]) for x in np.nonzero(rest))
        if rule.order_free:  # positions refer to the compared (finite) elements
            i = (j,)
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
        return _run(module.prog, program, module)
    except Mismatch as e:
        raise Mismatch(f"{e}\n{program.describe()}\nreproduce: pytest tests/test_fuzz.py --fuzz-seed "
                       f"{program.seed} --fuzz-cases 1") from None
    except Exception as e:
        raise Mismatch(f"{type(e).__name__}: {e}\n{program.describe()}\nreproduce: pytest tests/test_fuzz.py "
                       f"--fuzz-seed {program.seed} --fuzz-cases 1") from e
    finally:
        sys.modules.pop(name, None)


class _Perturbed:
    """Stands in for `np` (and `F`) in the program's globals: the math functions and np.matmul return results
    moved by 2 ulp (matmul: 2 ulp of its terms) in a random direction. How far that moves the output is the
    program's sensitivity to the last-bit differences any correct implementation may have."""

    MATH = ("tanh", "exp", "log", "sqrt", "power", "sigmoid", "matmul")

    def __init__(self, namespace, rng: np.random.Generator):
        self.namespace, self.rng = namespace, rng

    def __getattr__(self, name: str):
        fn = getattr(self.namespace, name)
        if name not in self.MATH:
            return fn

        def perturbed(*args, **kwargs):
            out = fn(*args, **kwargs)
            if not isinstance(out, (np.ndarray, np.floating)) or np.asarray(out).dtype.kind != "f":
                return out
            scale = np.abs(out)
            if name == "matmul":
                scale = np.matmul(np.abs(args[0]), np.abs(args[1]))
            sign = self.rng.choice(np.array([-2, 2], np.asarray(out).dtype), np.shape(out))
            return out + sign * np.spacing(np.asarray(scale, np.asarray(out).dtype))

        return perturbed


def _sensitivity(module, program: Program, eager) -> list:
    """Eager outputs with every math result moved by 2 ulp (see _Perturbed)."""
    saved = module.np, module.F
    rng = np.random.default_rng(program.seed)
    module.np, module.F = _Perturbed(np, rng), _Perturbed(saved[1], rng)
    try:
        return _as_tuple(_quiet(module.prog, *program.args))
    finally:
        module.np, module.F = saved


def _fp_trouble(prog, args) -> bool:
    """Did eager NumPy overflow or make a NaN from non-NaNs (inf - inf, 0 * inf) anywhere in the program?"""
    try:
        with np.errstate(over="raise", invalid="raise"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            prog(*args)
    except FloatingPointError:
        return True
    except Exception:  # noqa: BLE001  (other eager errors surface in the real run)
        return False
    return False


def _run(prog, program: Program, module=None) -> dict:
    args = program.args
    eager = _quiet(prog, *args)
    ref = _quiet(prog, *_upcast(args))
    rule = Rule(accumulates=program.accumulates, order_free=program.accumulates and _fp_trouble(prog, args),
                eps=max(float(np.finfo(a.dtype).eps) for a in args if isinstance(a, np.ndarray))
                if "float32" not in program.source else float(np.finfo(np.float32).eps),
                nudged=_sensitivity(module, program, eager) if module is not None else None)

    def check(fn, what: str) -> None:
        for attempt in ("first call", "fast path"):  # the second call takes the guarded fast path
            compare(_quiet(fn, *args), eager, ref, f"{what} ({attempt})", rule)

    check(jitc.compile(prog, fallback="error"), "jitc.compile")
    check(jitc.compile(prog, fallback="error", dynamic=True), "jitc.compile(dynamic=True)")  # symbolic sizes
    check(jitc.script(prog), "jitc.script")
    arrays = [a for a in args if isinstance(a, np.ndarray)]
    scalars = args[len(arrays):]  # trace takes arrays only: the Python float is closed over (baked in)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", jitc.TracerWarning)
        traced = _quiet(jitc.trace, lambda *xs: prog(*xs, *scalars), tuple(arrays))
    if any(issubclass(w.category, jitc.TracerWarning) for w in caught):
        return {"trace": False}
    for attempt in ("first call", "fast path"):
        compare(_quiet(traced, *arrays), eager, ref, f"jitc.trace ({attempt})", rule)
    return {"trace": True}
