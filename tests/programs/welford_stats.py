"""Streaming mean and variance (Welford's algorithm, Chan's merge for chunks) over the rows of a data matrix in
chunks: a while loop over chunk starts, Python int counters, per-column running arrays updated in place, and a
tuple of (mean, variance with ddof=1, count) returned."""
import numpy as np


def merge(count, mean, m2, chunk):
    n_b = chunk.shape[0]
    mean_b = chunk.mean(axis=0)
    m2_b = ((chunk - mean_b) ** 2).sum(axis=0)
    total = count + n_b
    delta = mean_b - mean
    mean += delta * (n_b / total)
    m2 += m2_b + delta ** 2 * (count * n_b / total)
    return total


def streaming_stats(X, chunk=5):
    mean = np.zeros(X.shape[1], dtype=X.dtype)
    m2 = np.zeros(X.shape[1], dtype=X.dtype)
    count = 0
    start = 0
    while start < X.shape[0]:
        stop = min(start + chunk, X.shape[0])
        count = merge(count, mean, m2, X[start:stop])
        start = stop
    return mean, m2 / (count - 1), count


def init(n, dtype, rng):
    return streaming_stats, ((rng.standard_normal((n + 3, 4)) * 3 + 1).astype(dtype),)


TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}
