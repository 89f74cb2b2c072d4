"""A weighted histogram by hand: bin indices from np.floor and astype(int), clipped into range, counted with
np.bincount (plain and weighted), normalised to a density, and the bin of the median found by np.searchsorted
on the cumulative counts."""
import numpy as np


def histogram(x, w, nbins=16, lo=0.0, hi=1.0):
    width = (hi - lo) / nbins
    idx = np.floor((x - lo) / width).astype(np.int64)
    idx = np.clip(idx, 0, nbins - 1)
    counts = np.bincount(idx, minlength=nbins)
    weighted = np.bincount(idx, weights=w, minlength=nbins)
    density = weighted / (weighted.sum() * width)
    cdf = np.cumsum(counts)
    median_bin = np.searchsorted(cdf, cdf[-1] / 2)
    return counts, density, median_bin


def init(n, dtype, rng):
    x = rng.random(n * 8).astype(dtype)
    w = rng.random(n * 8).astype(dtype)
    return histogram, (x, w)


TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}
