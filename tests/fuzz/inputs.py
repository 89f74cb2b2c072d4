"""Random inputs for fuzzed programs: finite values with sprinkled specials (NaN, ±inf, -0.0, subnormals, huge and
tiny numbers) in every layout the runtime must read: contiguous, transposed, stepped, reversed, 0-d, empty."""
from __future__ import annotations

import numpy as np

LAYOUTS = ("contiguous", "transposed", "stepped", "reversed", "offset")


def specials(dtype) -> np.ndarray:
    fi = np.finfo(dtype)
    return np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, fi.smallest_subnormal, -fi.smallest_subnormal * 3,
                     fi.tiny, fi.max / 4, -fi.max / 8, 1e-30 if dtype == np.float32 else 1e-300, 88.5, -104.0,
                     710.0 if dtype == np.float64 else 30.0], dtype=dtype)


def values(rng: np.random.Generator, shape: tuple, dtype, special_rate: float) -> np.ndarray:
    """Mostly N(0, scale) values; a fraction `special_rate` of the elements replaced by special values."""
    scale = rng.choice([0.5, 1.0, 3.0, 30.0])
    a = np.asarray(rng.standard_normal(shape) * scale).astype(dtype)
    if special_rate and a.size:
        mask = rng.random(shape) < special_rate
        pool = specials(dtype)
        a[mask] = pool[rng.integers(0, len(pool), int(mask.sum()))]
    return a


def layout(rng: np.random.Generator, shape: tuple, dtype, special_rate: float) -> tuple[np.ndarray, str]:
    """An array of `shape` with a random memory layout; returns (array, layout name)."""
    kind = LAYOUTS[rng.integers(len(LAYOUTS))] if shape else "contiguous"
    if kind == "transposed" and len(shape) >= 2:
        return values(rng, shape[::-1], dtype, special_rate).T, kind
    if kind == "stepped":
        big = values(rng, tuple(2 * d for d in shape), dtype, special_rate)
        return big[tuple(slice(None, None, 2) for _ in shape)], kind
    if kind == "reversed":
        return values(rng, shape, dtype, special_rate)[tuple(slice(None, None, -1) for _ in shape)], kind
    if kind == "offset":  # a view that starts inside a bigger buffer
        big = values(rng, tuple(d + 1 for d in shape), dtype, special_rate)
        return big[tuple(slice(1, None) for _ in shape)], kind
    return values(rng, shape, dtype, special_rate), "contiguous"
