"""One compiled function per corpus program, called at several sizes (automatic dynamic shapes): every result
and every argument after each call equals eager NumPy's. `python -m programs.sweep` (from tests/) prints how
many specializations each program needed."""
from __future__ import annotations

import copy
import sys
import warnings

import numpy as np

import jitc

from .harness import WrongResult, compare, compiled_call, load, names, rng_for, tolerance

SWEEP = (8, 9, 12, 33, 17)


def sweep(name: str, dtype=np.float64, sizes=SWEEP, layout=None) -> int | None:
    """The number of specializations after calling the program at `sizes` (None: its function or object
    changes with the size, so one compiled function cannot serve the sweep). `layout` (layouts.py) lays out
    each call's arguments in both worlds."""
    module = load(name)
    tol = tolerance(module, dtype)
    fn, _ = module.init(sizes[0], dtype, rng_for(name, dtype, sizes[0], 0))
    if not callable(fn) or not hasattr(fn, "__code__"):
        return None  # a model object built for one size
    cf = jitc.compile(fn, fallback="silent")
    for n in sizes:
        other, args = module.init(n, dtype, rng_for(name, dtype, n, 1))
        if other is not fn:
            return None
        ref_args = copy.deepcopy(args)
        ref_parents = parents = []
        if layout is not None:
            (ref_args, ref_parents), (args, parents) = layout.arguments(ref_args, n), layout.arguments(args, n)
        with np.errstate(all="ignore"):
            ref_out = fn(*ref_args)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = compiled_call(cf, args)
        label = f"{name}[{np.dtype(dtype).name}, n={n}] in a sweep"
        compare(ref_out, out, tol, f"{label}: return")
        for k, (r, g) in enumerate(zip(ref_args, args)):
            compare(r, g, tol, f"{label}: argument {k} after the call")
        for k, (r, g) in enumerate(zip(ref_parents, parents)):
            compare(r, g, tol, f"{label}: the array under view {k} after the call")
    return len(cf.cache_info())


def main() -> None:
    counts: dict[str, int | None] = {}
    for name in sys.argv[1:] or names():
        try:
            counts[name] = sweep(name)
        except WrongResult as e:
            print(f"{name:24} WRONG: {e}")
            continue
        print(f"{name:24} {counts[name] if counts[name] is not None else '-'}")
    swept = [c for c in counts.values() if c is not None]
    print(f"{len(swept)} programs swept over sizes {SWEEP}: {sum(c <= 2 for c in swept)} with at most 2 "
          f"specializations, {sum(swept)} in all")


if __name__ == "__main__":
    main()
