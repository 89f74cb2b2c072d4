"""Fuzzed writes through index arrays: `np.<ufunc>.at(x, idx, v)`, `x[idx] = v`, `x[idx] op= v`, the same through
two index arrays (`x[i, j] op= v`) and boolean masks,
with repeated, negative and (sometimes) out-of-range indices, several dtypes, layouts and value shapes. The
compiled call must leave x exactly as NumPy does (to a float tolerance), return the same, and raise the same
exception type when NumPy raises (then x is unchanged, as in NumPy). One known difference is allowed: a program
with two errors, an index out of range and a same_kind cast jitc refuses at compile time, gets the cast error
from jitc and the IndexError from NumPy (which gathers before it adds).

    cd tests && PYTHONPATH=.. python -m fuzz.scatter --first 0 --cases 2000
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from jitc.errors import InPlaceCastError

from . import sweeps
from .sweeps import check_call, compiled_case

STATEMENTS = ["np.add.at(x, idx, v)", "np.subtract.at(x, idx, v)", "np.multiply.at(x, idx, v)",
              "np.maximum.at(x, idx, v)", "np.minimum.at(x, idx, v)", "x[idx] = v", "x[idx] += v", "x[idx] -= v",
              "x[idx] *= v"]
DTYPES = ["float32", "float64", "int32", "int64"]


@dataclass
class ScatterCase:
    seed: int
    source: str
    args: tuple

    def describe(self) -> str:
        shapes = ", ".join(f"{type(a).__name__}{getattr(a, 'shape', '')}:{getattr(a, 'dtype', '')}" for a in self.args)
        return f"seed {self.seed}: {shapes}\n{self.source}"


def generate(seed: int) -> ScatterCase:
    rng = np.random.default_rng(seed)
    dtype = np.dtype(rng.choice(DTYPES))
    n = int(rng.integers(1, 7))
    shape = (n,) + tuple(int(d) for d in rng.integers(1, 4, int(rng.integers(0, 2))))
    x = _values(rng, dtype, shape)
    if rng.random() < 0.3:  # a strided or transposed target
        big = _values(rng, dtype, (2 * n,) + shape[1:])
        x = big[::2] if rng.random() < 0.5 or len(shape) == 1 else np.asfortranarray(x)
    mask = rng.random() < 0.15
    pairs = not mask and len(shape) > 1 and rng.random() < 0.3
    k = int(rng.integers(0, 8))
    if pairs:  # x[idx[0], idx[1]] op= v: two index arrays, each wrapped and checked on its own axis
        rows = [rng.integers(-d - extra, d + extra, k) for d, extra in
                zip(shape[:2], (3 if rng.random() < 0.1 else 0, 3 if rng.random() < 0.1 else 0))]
        idx = np.stack(rows).astype(rng.choice(["int64", "int32"]))
        stmt = str(rng.choice(["x[idx[0], idx[1]] = v", "x[idx[0], idx[1]] += v", "x[idx[0], idx[1]] -= v",
                               "x[idx[0], idx[1]] *= v"]))
        region = (k,) + shape[2:]
        v_shape = tuple(region[int(rng.integers(0, len(region) + 1)):]) if rng.random() < 0.7 else ()
    elif mask:
        idx = rng.random(shape) < 0.5
        stmt = str(rng.choice(["x[idx] = v", "x[idx] += v", "x[idx] *= v"]))
        v_shape = ()
    else:
        hi = n + (3 if rng.random() < 0.1 else 0)  # sometimes out of range
        idx = rng.integers(-hi, hi, (k,) if rng.random() < 0.8 else (2, max(k // 2, 1)))
        idx = idx.astype(rng.choice(["int64", "int32"]))
        stmt = str(rng.choice(STATEMENTS))
        region = idx.shape + shape[1:]
        v_shape = tuple(region[int(rng.integers(0, len(region) + 1)):]) if rng.random() < 0.7 else ()
        if idx.ndim > 1 and ".at(" in stmt:  # NumPy 2.4's ufunc.at drops or garbles values broadcast across a
            v_shape = region                 # 2-D index (np.maximum.at reads uninitialized memory): not a spec
    v_dtype = dtype if rng.random() < 0.7 else np.dtype(rng.choice(DTYPES))
    if rng.random() < 0.25:
        v = float(rng.choice([0.5, -2.0, 3.0])) if v_dtype.kind == "f" else int(rng.integers(-3, 4))
        value_param = "v"
    else:
        v = _values(rng, v_dtype, v_shape)
        value_param = "v"
    ret = str(rng.choice(["", "    return x\n", "    return x.sum()\n"]))
    source = (f'"""Fuzzed index write, seed {seed}."""\nimport numpy as np\n\n\n'
              f"def prog(x, idx, {value_param}):\n    {stmt}\n{ret}")
    return ScatterCase(seed, source, (x, idx, v))


def _values(rng, dtype: np.dtype, shape: tuple) -> np.ndarray:
    if dtype.kind == "i":
        return rng.integers(-9, 10, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _copy(args):
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)



def _cast_for_index(numpy_error, jitc_error) -> bool:
    """NumPy gathers before it adds, so it reports the IndexError; jitc refuses the in-place cast first."""
    return isinstance(numpy_error, IndexError) and isinstance(jitc_error, InPlaceCastError)


def run_scatter_case(case: ScatterCase, folder) -> None:
    """Raise AssertionError (with the case) when the compiled program disagrees with NumPy."""
    with compiled_case(case, folder, "jitc_scatter") as (prog, compiled):
        for call in range(2):
            check_call(prog, compiled, _copy(case.args), _copy(case.args), f"call {call + 1}", _cast_for_index)

def main(argv=None) -> int:
    return sweeps.main(argv, __doc__.splitlines()[0], 1000, generate, run_scatter_case, "index-write cases")


if __name__ == "__main__":
    sys.exit(main())
