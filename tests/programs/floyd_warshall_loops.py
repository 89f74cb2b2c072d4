"""Floyd-Warshall written with broadcasting column and row slices instead of np.add.outer."""
import numpy as np


def shortest_paths(dist):
    d = dist.copy()
    n = d.shape[0]
    for k in range(n):
        d = np.minimum(d, d[:, k:k + 1] + d[k:k + 1, :])
    return d


def init(n, dtype, rng):
    return shortest_paths, ((rng.random((n, n)) * 10).astype(dtype),)
