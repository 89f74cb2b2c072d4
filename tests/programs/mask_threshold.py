"""Thresholding and clamping the way image and signal code does it: boolean-mask assignments from arrays and
scalars, np.clip with Python bounds, np.where with a scalar branch, a masked mean, np.copyto with where=, and
integer floor division and modulo of negative values."""
import numpy as np


def threshold(u, v, lo=-0.5, hi=0.5):
    out = u.copy()
    out[out < lo] = lo
    out[v > hi] = v[v > hi]
    clipped = np.clip(u + v, lo, hi)
    flagged = np.where(np.abs(u) > hi, 0.0, u)
    masked_mean = u[np.abs(v) < 1.0].mean()
    np.copyto(out, clipped, where=np.isclose(u, v, atol=0.3))
    k = np.floor(u * 4).astype(np.int64)
    return out, clipped, flagged, masked_mean, k // 3, k % 3


def init(n, dtype, rng):
    return threshold, (rng.standard_normal((n, 5)).astype(dtype), rng.standard_normal((n, 5)).astype(dtype))
