"""Corpus programs with their inputs laid out as users pass them (harness.run's `layout`): every array a strided
view into a larger array (whose other elements must stay as they were), a view with negative strides,
Fortran-ordered arrays, the same array passed for two arguments, or NumPy scalars and 0-d arrays for Python
floats. `python -m programs.layouts [NAME ...]` (from tests/) runs every program under every layout, both dtypes,
and the small sizes 0, 1 and 2, and prints each failure."""
from __future__ import annotations

import functools
import sys
import types
import warnings

import numpy as np

import jitc

from .harness import DTYPES, RawError, WrongResult, load, names, rng_for, run
from .sweep import sweep


def _padding(dtype) -> object:
    """What the parent holds around a view: NaN (or an odd integer) shows up wherever it is read."""
    dtype = np.dtype(dtype)
    return np.nan if dtype.kind in "fc" else True if dtype.kind == "b" else 77


def _strided(a: np.ndarray, step: int) -> tuple[np.ndarray, list]:
    """`a`'s values in a view with `step` along every axis of a parent array filled with padding."""
    if a.ndim == 0:
        return a, []
    parent = np.full(tuple(2 * abs(step) * d + 1 for d in a.shape), _padding(a.dtype), dtype=a.dtype)
    if step > 0:
        view = parent[tuple(slice(1, 1 + step * d, step) for d in a.shape)]
    else:
        view = parent[tuple(slice(-2, -2 + step * d, step) for d in a.shape)]
    view[...] = a
    return view, [parent]


def _fortran(a: np.ndarray) -> tuple[np.ndarray, list]:
    return np.asfortranarray(a), []


def _relaid(x, make) -> tuple[object, list]:
    """`x` (an array, or a tuple/list of them) with every array relaid by `make`, and the parents made."""
    if isinstance(x, np.ndarray):
        return make(x)
    if isinstance(x, (tuple, list)):
        items, parents = [], []
        for item in x:
            new, more = _relaid(item, make)
            items.append(new)
            parents += more
        return type(x)(items), parents
    return x, []


def _relay_state(obj, make, seen: set) -> list:
    """Relay, in place, the arrays held by a model object and the objects and lists it holds."""
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    parents: list = []
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            if isinstance(item, np.ndarray):
                obj[i], more = make(item)
                parents += more
            else:
                parents += _relay_state(item, make, seen)
    elif hasattr(obj, "__dict__") and not isinstance(obj, (types.FunctionType, types.ModuleType, type)):
        for k, v in list(vars(obj).items()):
            if isinstance(v, np.ndarray):
                new, more = make(v)
                setattr(obj, k, new)
                parents += more
            else:
                parents += _relay_state(v, make, seen)
    return parents


class Relaid:
    """Every array (arguments and a model object's state) relaid by `make`."""

    def __init__(self, name: str, make):
        self.name, self.make = name, make

    def state(self, obj) -> list:
        return _relay_state(obj, self.make, set())

    def arguments(self, args: tuple, call: int) -> tuple[tuple, list]:
        return _relaid(args, self.make)


def same_shaped_pairs(args: tuple) -> list[tuple[int, int]]:
    """The pairs of array arguments that have one shape and dtype (the same array could be passed for both)."""
    arrays = [(i, a) for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.ndim]
    return [(i, j) for k, (i, a) in enumerate(arrays) for j, b in arrays[k + 1:]
            if a.shape == b.shape and a.dtype == b.dtype]


class Aliased:
    """Argument `second` is argument `first` itself (or, `reversed`, a view of it backwards)."""

    def __init__(self, first: int, second: int, reversed_view: bool = False):
        self.first, self.second, self.reversed_view = first, second, reversed_view
        self.name = f"argument {second} {'is argument' if not reversed_view else 'reverses'} {first}"

    def state(self, obj) -> list:
        return []

    def arguments(self, args: tuple, call: int) -> tuple[tuple, list]:
        args = list(args)
        args[self.second] = args[self.first][::-1] if self.reversed_view else args[self.first]
        return tuple(args), []


class NumpyScalars:
    """Python float arguments passed as NumPy float64 scalars (`zero_d`: 0-d arrays), as computed values are."""

    def __init__(self, zero_d: bool):
        self.zero_d = zero_d
        self.name = "0-d float arrays" if zero_d else "NumPy float scalars"

    def state(self, obj) -> list:
        return []

    def arguments(self, args: tuple, call: int) -> tuple[tuple, list]:
        make = np.array if self.zero_d else np.float64
        return tuple(make(a) if type(a) is float else a for a in args), []


class AfterContiguous:
    """`layout` from the second call on: the first compiles for C-contiguous arguments, so the later calls meet
    that specialization's guards (a model object's arrays are laid out from the start)."""

    def __init__(self, layout):
        self.layout, self.name = layout, f"{layout.name} after a contiguous call"

    def state(self, obj) -> list:
        return self.layout.state(obj)

    def arguments(self, args: tuple, call: int) -> tuple[tuple, list]:
        return (args, []) if call == 0 else self.layout.arguments(args, call)


STRIDED = Relaid("strided views", lambda a: _strided(a, 2))
REVERSED = Relaid("negative-stride views", lambda a: _strided(a, -1))
FORTRAN = Relaid("Fortran order", _fortran)
LAYOUTS = {"strided": STRIDED, "reversed": REVERSED, "fortran": FORTRAN,
           "float_scalars": NumpyScalars(zero_d=False), "zero_d": NumpyScalars(zero_d=True)}
SMALL_SIZES = (0, 1, 2)


def accepts(name: str, n: int, dtype=np.float64) -> bool:
    """Whether the program's init builds inputs of size `n` and NumPy runs the program on them."""
    module = load(name)
    try:
        for call in range(2):
            fn, args = module.init(n, dtype, rng_for(name, dtype, n, call))
            with np.errstate(all="ignore"):
                fn(*args)
    except Exception:  # noqa: BLE001  (the program does not take this size: nothing to compare)
        return False
    return True


def args_of(name: str, n: int = 8, dtype=np.float64) -> tuple:
    return load(name).init(n, dtype, rng_for(name, dtype, n, 0))[1]


def cases(name: str) -> list[tuple[str, object]]:
    """Every (label, check(dtype)) the CLI runs for one program."""
    out = []
    for label, layout in LAYOUTS.items():
        out.append((label, functools.partial(run, name, n=8, layout=layout, calls=3)))
        out.append((label + " after C", functools.partial(run, name, n=8, layout=AfterContiguous(layout), calls=3)))
        out.append((label + " sweep", functools.partial(sweep, name, layout=layout)))
    for first, second in same_shaped_pairs(args_of(name)):
        for reversed_view in (False, True):
            layout = Aliased(first, second, reversed_view)
            out.append((layout.name, functools.partial(run, name, n=8, layout=layout)))
    out += [(f"n={n}", functools.partial(run, name, n=n)) for n in SMALL_SIZES if accepts(name, n)]
    return out


def main() -> None:
    warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's, on empty and size-1 inputs
    failures = total = 0
    for name in sys.argv[1:] or names():
        for label, check in cases(name):
            for dtype in DTYPES:
                total += 1
                try:
                    check(dtype=dtype)
                except Exception as e:  # noqa: BLE001  (every failure is printed)
                    failures += 1
                    kind = {WrongResult: "WRONG", RawError: "RAW"}.get(type(e), "REFUSED")
                    kind = kind if isinstance(e, (WrongResult, RawError, jitc.JitcError)) else type(e).__name__
                    print(f"{name:22} {label:22} {np.dtype(dtype).name:8} {kind}: {str(e)[:300]}", flush=True)
    print(f"{failures} of {total} layout cases failed")


if __name__ == "__main__":
    main()
