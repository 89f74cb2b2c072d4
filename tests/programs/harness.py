"""Runs one corpus program eagerly and through `jitc.compile` and compares everything the caller can see: the
return value (values, dtype, shape, identity with an argument) and every argument (and array attribute of a
callable object) after the call. Failures are told apart: jitc refusing (`JitcError`), a raw exception from
jitc's insides (`RawError`) and a wrong answer (`WrongResult`)."""
from __future__ import annotations

import copy
import importlib
import pkgutil
import types
import warnings
import zlib
from pathlib import Path

import numpy as np

import jitc

SIZES = (8, 33)
DTYPES = (np.float32, np.float64)
# (rtol, atol) per dtype; a program overrides with a module-level TOL = {"float32": (...), "float64": (...)}
DEFAULT_TOL = {"float32": (2e-4, 2e-5), "float64": (1e-9, 1e-11)}
_NOT_PROGRAMS = {"conftest", "harness", "layouts", "report", "sweep", "test_corpus", "test_layouts", "test_sweep"}


class WrongResult(AssertionError):
    """The compiled program ran and disagrees with NumPy: a bug, never an expected failure."""


class RawError(Exception):
    """A non-jitc exception escaped from the compiled call: a bug (jitc must raise a JitcError or fall back)."""


def names() -> list[str]:
    here = Path(__file__).parent
    found = (m.name for m in pkgutil.iter_modules([str(here)]))
    return sorted(name for name in found if name not in _NOT_PROGRAMS and not name.startswith("_"))


def load(name: str) -> types.ModuleType:
    return importlib.import_module(f"{__package__}.{name}")


def rng_for(name: str, dtype, n: int, call: int) -> np.random.Generator:
    """Inputs differ per program, dtype, size and call (a cached call must not just replay the first)."""
    return np.random.default_rng([zlib.crc32(name.encode()), np.dtype(dtype).num, n, call])


def tolerance(module, dtype) -> tuple[float, float]:
    key = np.dtype(dtype).name
    return {**DEFAULT_TOL, **getattr(module, "TOL", {})}[key]


def compare(ref, got, tol: tuple[float, float], where: str) -> None:
    """Raise WrongResult unless `got` is what NumPy produced (`ref`)."""
    rtol, atol = tol
    if isinstance(ref, (np.ndarray, np.generic)):
        got_arr, ref_arr = np.asarray(got) if got is not None else None, np.asarray(ref)
        if got_arr is None or not isinstance(got, (np.ndarray, np.generic, int, float, bool, complex)):
            raise WrongResult(f"{where}: expected an array/NumPy scalar, got {type(got).__name__}")
        if got_arr.shape != ref_arr.shape or got_arr.dtype != ref_arr.dtype:
            raise WrongResult(f"{where}: got {got_arr.dtype}{list(got_arr.shape)}, "
                              f"expected {ref_arr.dtype}{list(ref_arr.shape)}")
        if ref_arr.dtype.kind in "fc":
            ok = np.isclose(got_arr, ref_arr, rtol=rtol, atol=atol, equal_nan=True)
        else:
            ok = got_arr == ref_arr
        if not np.all(ok):
            bad = np.flatnonzero(~np.asarray(ok))
            i = np.unravel_index(bad[0], ref_arr.shape) if ref_arr.ndim else ()
            raise WrongResult(f"{where}: {bad.size} of {ref_arr.size} values differ (rtol={rtol}, atol={atol}); "
                              f"first at {tuple(int(k) for k in i)}: got {got_arr[i]!r}, expected {ref_arr[i]!r}")
    elif isinstance(ref, (tuple, list)):
        if not isinstance(got, type(ref)) or len(got) != len(ref):
            raise WrongResult(f"{where}: expected {type(ref).__name__} of {len(ref)}, got {_describe(got)}")
        for k, (r, g) in enumerate(zip(ref, got)):
            compare(r, g, tol, f"{where}[{k}]")
    elif isinstance(ref, dict):
        if not isinstance(got, dict) or got.keys() != ref.keys():
            raise WrongResult(f"{where}: expected dict with keys {sorted(ref)}, got {_describe(got)}")
        for k in ref:
            compare(ref[k], got[k], tol, f"{where}[{k!r}]")
    elif ref is None:
        if got is not None:
            raise WrongResult(f"{where}: expected None, got {_describe(got)}")
    elif isinstance(ref, (bool, int, float, complex)):
        if not isinstance(got, (bool, int, float, complex, np.generic, np.ndarray)) or np.ndim(got) != 0:
            raise WrongResult(f"{where}: expected {type(ref).__name__} {ref!r}, got {_describe(got)}")
        if not np.isclose(got, ref, rtol=rtol, atol=atol, equal_nan=True):
            raise WrongResult(f"{where}: got {got!r}, expected {ref!r}")
    elif hasattr(ref, "__dict__") and not isinstance(ref, (types.FunctionType, types.ModuleType, type)):
        compare(_state(ref), _state(got), tol, where)


def _state(obj) -> dict:
    """The data attributes of a plain object (arrays, scalars, containers, nested objects)."""
    return {k: v for k, v in vars(obj).items() if not callable(v) or hasattr(v, "__dict__")}


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"array {x.dtype}{list(x.shape)}"
    return type(x).__name__


def _identity(ref_out, ref_args, out, args, where: str = "return") -> None:
    """`return x` returns the caller's object, and a returned view shares the argument's memory, as in NumPy."""
    for k, a in enumerate(ref_args):
        if not isinstance(a, np.ndarray) or not isinstance(ref_out, np.ndarray):
            continue
        if ref_out is a and out is not args[k]:
            raise WrongResult(f"{where}: NumPy returns argument {k} itself; the compiled call returned another object")
        if ref_out is not a and np.shares_memory(ref_out, a) and not (
                isinstance(out, np.ndarray) and np.shares_memory(out, args[k])):
            raise WrongResult(f"{where}: NumPy returns a view of argument {k}; the compiled result is a copy")
    if isinstance(ref_out, tuple) and isinstance(out, tuple) and len(out) == len(ref_out):
        for j, (r, g) in enumerate(zip(ref_out, out)):
            _identity(r, ref_args, g, args, f"{where}[{j}]")


def _owner(fn):
    """The object whose state a call can change: the instance of a bound method or a callable object."""
    if isinstance(fn, types.MethodType):
        return fn.__self__
    if not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
        return fn
    return None


def compiled_call(cf, args):
    try:
        return cf(*args)
    except jitc.JitcError:
        raise
    except Exception as e:
        raise RawError(f"{type(e).__name__}: {e}") from e


def run(name: str, dtype, n: int, fallback: str = "error", calls: int = 2, layout=None) -> list[str]:
    """Compile `name`, call it `calls` times (first: compiles; then the cached fast path) with fresh inputs,
    each time comparing the return value and every argument with eager NumPy on deep copies. Returns the
    FallbackWarnings the calls emitted. `layout` (layouts.py) lays the inputs out otherwise in both worlds:
    `layout.state(obj)` a model object's arrays, once, and `layout.arguments(args, call)` each call's arguments
    (returning them); each returns the arrays (views' parents) that must also end equal in both worlds."""
    module = load(name)
    tol = tolerance(module, dtype)
    fn, args = module.init(n, dtype, rng_for(name, dtype, n, 0))
    ref_fn = copy.deepcopy(fn)  # a callable object's arrays (a KV cache) evolve separately in each world
    ref_parents = parents = []
    if layout is not None and _owner(fn) is not None:
        ref_parents, parents = layout.state(_owner(ref_fn)), layout.state(_owner(fn))
    fallback_warnings: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cf = jitc.compile(fn, fallback=fallback)
        fallback_warnings += [str(w.message) for w in caught if issubclass(w.category, jitc.FallbackWarning)]
    except jitc.JitcError:
        raise
    except Exception as e:
        raise RawError(f"jitc.compile: {type(e).__name__}: {e}") from e
    for call in range(calls):
        if call:
            args = module.init(n, dtype, rng_for(name, dtype, n, call))[1]
        ref_args = copy.deepcopy(args)
        call_ref_parents, call_parents = ref_parents, parents
        if layout is not None:
            (ref_args, more_ref), (args, more) = layout.arguments(ref_args, call), layout.arguments(args, call)
            call_ref_parents, call_parents = ref_parents + more_ref, parents + more
        with np.errstate(all="ignore"):
            ref_out = ref_fn(*ref_args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = compiled_call(cf, args)
        fallback_warnings += [str(w.message) for w in caught if issubclass(w.category, jitc.FallbackWarning)]
        laid_out = "" if layout is None else f", {layout.name}"
        label = f"{name}[{np.dtype(dtype).name}, n={n}{laid_out}] call {call + 1}"
        compare(ref_out, out, tol, f"{label}: return")
        _identity(ref_out, ref_args, out, args, f"{label}: return")
        for k, (r, g) in enumerate(zip(ref_args, args)):
            compare(r, g, tol, f"{label}: argument {k} after the call")
        if _owner(fn) is not None:
            compare(_state(_owner(ref_fn)), _state(_owner(fn)), tol, f"{label}: object state after the call")
        for k, (r, g) in enumerate(zip(call_ref_parents, call_parents)):
            compare(r, g, tol, f"{label}: the array under view {k} after the call")
        if fallback == "error" and fallback_warnings:
            raise WrongResult(f"{label}: fell back under fallback='error': {fallback_warnings[0][:200]}")
    return fallback_warnings
