"""Fuzzed size sweeps: random programs of strided slices (any start, stop and step, negative and larger than the
axis), aranges over sizes (`np.arange(v.shape[0])`, `np.arange(x.shape[0] // 2)`), slices bounded by an int
argument and strided writes, called through one `jitc.compile` at many sizes (0, 1, then sizes up to 100 in a
random order) of int, float and bool arrays, C-ordered or strided. Every call must equal NumPy (values, dtypes,
the array it writes, the exception type when NumPy raises), and automatic dynamic shapes must serve the sweep
with a few compiles: one static, one symbolic, and one more per size comparison a slice's bounds need (except
for a returned view of x bounded by k: the runtime makes it from numbers, so k stays by value there).

    cd tests && PYTHONPATH=.. python -m fuzz.sizes --first 0 --cases 500
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from . import sweeps
from .sweeps import check_call, compiled_case

DTYPES = ["float64", "float32", "int64", "int32", "bool"]
BOUNDS = [None, None, None, 0, 1, 2, 5, -1, -3, "k"]
STEPS = [1, 2, 2, 3, -1, -2, -3, 5, 70]
SIZES = [2, 3, 4, 5, 6, 7, 8, 9, 11, 16, 33, 100]


@dataclass
class SizeCase:
    seed: int
    source: str
    dtype: str
    ndim: int
    strided: bool  # the argument is a view with a step (its strides are not the contiguous ones)
    sizes: list
    bounds: int  # slice bounds that are constants or k: each may need one size comparison (a guard)
    view_by_k: bool  # it returns a view of x bounded by k: the runtime makes views from numbers, k by value

    def args(self, n: int) -> tuple:
        rng = np.random.default_rng([self.seed, n])
        shape = (n,) if self.ndim == 1 else (n, 3)
        big = (2 * shape[0],) + shape[1:] if self.strided else shape
        if self.dtype == "bool":
            x = rng.random(big) < 0.5
        elif self.dtype.startswith("int"):
            x = rng.integers(-9, 10, big).astype(self.dtype)
        else:
            x = rng.standard_normal(big).astype(self.dtype)
        return (x[::2] if self.strided else x), n // 3

    def describe(self) -> str:
        return f"seed {self.seed}: {self.dtype} {self.ndim}-d{' strided' if self.strided else ''}\n{self.source}"


def _slice(rng) -> tuple[str, int]:
    """`start:stop:step` and how many of its bounds are constants or k."""
    start, stop = (BOUNDS[int(rng.integers(len(BOUNDS)))] for _ in range(2))
    step = STEPS[int(rng.integers(len(STEPS)))]
    text = f"{'' if start is None else start}:{'' if stop is None else stop}:{step}"
    return text, sum(b not in (None, 0) for b in (start, stop))


def generate(seed: int) -> SizeCase:
    rng = np.random.default_rng(seed)
    dtype = str(rng.choice(DTYPES))
    ndim = int(rng.integers(1, 3))
    lines, names, bounds = [], ["x"], 0
    views = {"x": False}  # the views of x (its own name too): whether k bounds them
    arith = dtype != "bool"
    for i in range(int(rng.integers(1, 4))):
        src = names[int(rng.integers(len(names)))]
        r = rng.random()
        if r < 0.45 or i == 0:
            sl, nb = _slice(rng)
            bounds += nb
            lines.append(f"v{i} = {src}[{sl}]")
            if src in views:
                views[f"v{i}"] = views[src] or "k" in sl
        elif r < 0.75:
            n = f"{src}.shape[0]" if rng.random() < 0.7 else "(x.shape[0] + 1) // 2"
            column = "[:, None]" if ndim == 2 else ""
            if n != f"{src}.shape[0]":  # the same length as x[::2]
                src = "x[::2]"
            lines.append(f"v{i} = {src} * 2 + np.arange({n}){column}")
        elif r < 0.88 and arith:
            sl, nb = _slice(rng)
            bounds += nb
            lines.append(f"x[{sl}] += np.arange(x[{sl}].shape[0]){'[:, None]' if ndim == 2 else ''}")
            lines.append(f"v{i} = x")
            views[f"v{i}"] = False
        else:
            sl, nb = _slice(rng)
            bounds += nb
            value = f"~x[{sl}]" if dtype == "bool" else f"x[{sl}] * 3"
            lines.append(f"x[{sl}] = {value}")
            lines.append(f"v{i} = x[{sl}]")
            views[f"v{i}"] = "k" in sl
        names.append(f"v{i}")
    ret = names[-1] if rng.random() < 0.7 else f"{names[-1]}.sum()"
    view_by_k = views.get(ret, False)
    body = "".join(f"    {line}\n" for line in lines)
    source = f'"""Fuzzed size sweep, seed {seed}."""\nimport numpy as np\n\n\ndef prog(x, k):\n{body}    return {ret}\n'
    order = [int(n) for n in rng.permutation(SIZES)]
    return SizeCase(seed, source, dtype, ndim, bool(rng.random() < 0.25), [order[0], 0, 1, *order[1:]], bounds,
                    view_by_k)



def run_sizes_case(case: SizeCase, folder) -> None:
    """Raise AssertionError (with the case) when a call disagrees with NumPy or the sweep compiles too often."""
    with compiled_case(case, folder, "jitc_sizes") as (prog, compiled):
        for n in case.sizes:
            check_call(prog, compiled, case.args(n), case.args(n), f"size {n}")
        compiles = sum(info["compiled"] for info in compiled.cache_info())
        limit = 5 + 2 * case.bounds  # static for the first size, for 0 and for 1; symbolic, once more when k
        # becomes a symbol; guards. Not counted: a strided 2-d view's strides vary with the size, and a returned
        # view bounded by k keeps k by value
        if not (case.strided and case.ndim == 2) and not case.view_by_k:
            assert compiles <= limit, f"{compiles} compiles over {len(case.sizes)} sizes (limit {limit})"

def main(argv=None) -> int:
    return sweeps.main(argv, __doc__.splitlines()[0], 500, generate, run_sizes_case, "size sweeps")


if __name__ == "__main__":
    sys.exit(main())
