"""Row norms by iterating over the rows of an array with enumerate, then normalizing the rows in place."""
import numpy as np


def normalize_rows(A):
    norms = np.empty(A.shape[0], dtype=A.dtype)
    for i, row in enumerate(A):
        norms[i] = np.sqrt(np.sum(row * row))
    for row, nrm in zip(A, norms):
        row /= nrm
    return norms


def init(n, dtype, rng):
    return normalize_rows, (rng.random((n, 6)).astype(dtype) + 0.1,)
