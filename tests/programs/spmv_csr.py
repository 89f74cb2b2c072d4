"""Sparse matrix-vector product in CSR form, row by row (slice bounds read from the index array)."""
import numpy as np


def spmv(A_row, A_col, A_val, x):
    y = np.empty(A_row.size - 1, A_val.dtype)
    for i in range(A_row.size - 1):
        cols = A_col[A_row[i]:A_row[i + 1]]
        vals = A_val[A_row[i]:A_row[i + 1]]
        y[i] = vals @ x[cols]
    return y


def init(n, dtype, rng):
    counts = rng.integers(1, 4, n)
    row = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    col = np.concatenate([rng.choice(n, c, replace=False) for c in counts]).astype(np.int64)
    val = rng.random(row[-1]).astype(dtype)
    return spmv, (row, col, val, rng.random(n).astype(dtype))
