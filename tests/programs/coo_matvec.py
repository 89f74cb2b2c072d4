"""Sparse matrix-vector products in COO form, as scipy-free code writes them: y = A x by np.add.at of the
products into a fresh vector (returned directly), A^T y the same way, and a few Jacobi iterations x <- x + (b -
A x) / diag with the diagonal gathered by a mask; the residual norm returned."""
import numpy as np


def coo_matvec(rows, cols, vals, x, n):
    y = np.zeros(n, dtype=x.dtype)
    np.add.at(y, rows, vals * x[cols])
    return y


def jacobi(rows, cols, vals, b, iters=5):
    n = b.shape[0]
    on_diag = rows == cols
    diag = np.zeros(n, dtype=b.dtype)
    np.add.at(diag, rows[on_diag], vals[on_diag])
    x = np.zeros_like(b)
    for _ in range(iters):
        x = x + (b - coo_matvec(rows, cols, vals, x, n)) / diag
    r = b - coo_matvec(rows, cols, vals, x, n)
    return x, coo_matvec(cols, rows, vals, r, n), np.linalg.norm(r)


def init(n, dtype, rng):
    nnz = 3 * n
    rows = np.concatenate([np.arange(n), rng.integers(0, n, nnz)])
    cols = np.concatenate([np.arange(n), rng.integers(0, n, nnz)])
    vals = np.concatenate([np.full(n, 8.0), rng.uniform(-1, 1, nnz)]).astype(dtype)
    return jacobi, (rows, cols, vals, rng.standard_normal(n).astype(dtype))


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-10)}
