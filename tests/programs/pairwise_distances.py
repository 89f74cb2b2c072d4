"""Euclidean distance matrix between two point sets, the expanded |a|^2 + |b|^2 - 2ab form."""
import numpy as np


def pairwise_distances(A, B):
    aa = np.sum(A * A, axis=1)[:, np.newaxis]
    bb = np.sum(B * B, axis=1)[np.newaxis, :]
    d2 = aa + bb - 2 * A @ B.T
    d2 = np.maximum(d2, 0)
    return np.sqrt(d2)


def init(n, dtype, rng):
    return pairwise_distances, (rng.standard_normal((n, 4)).astype(dtype),
                                rng.standard_normal((n + 2, 4)).astype(dtype))


TOL = {"float32": (1e-3, 1e-3), "float64": (1e-9, 1e-9)}
