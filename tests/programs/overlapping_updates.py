"""In-place updates where the two sides overlap or repeat, as NumPy defines them: `a[1:] += a[:-1]` reads the old
values (NumPy buffers overlapping operands), `b[:] = b[::-1]` reverses, `c[idx] += 1` with repeated indices adds
once per distinct index (no accumulation), `np.add.at` accumulates; a mask assignment and an `out=` ufunc too."""
import numpy as np


def updates(a, b, c, idx):
    a[1:] += a[:-1]
    b[:] = b[::-1]
    c[idx] += 1.0
    counts = np.zeros_like(c)
    np.add.at(counts, idx, 1.0)
    big = a > a.mean()
    a[big] = b[big] * 0.5
    np.multiply(b, 2.0, out=b)
    b[2:] -= b[:-2] * 0.25
    return counts, big.sum()


def init(n, dtype, rng):
    a = rng.standard_normal(n * 2).astype(dtype)
    b = rng.standard_normal(n * 2).astype(dtype)
    c = rng.standard_normal(n).astype(dtype)
    idx = rng.integers(0, n, n * 3)
    return updates, (a, b, c, idx)
