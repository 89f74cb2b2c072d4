"""Linear algebra over the singular-values primitive (codegen/svd.py): np.linalg.svd without u and v, svdvals,
matrix_rank, cond (p = None, 2, -2), and the matrix norms ord=2, -2, 'nuc' (reductions.py calls
`singular_values`); the array-API norms matrix_norm and vector_norm over np.linalg.norm."""
from __future__ import annotations

import numpy as np

from . import prims
from .table import decomposition, unsupported


def singular_values(a):
    """np.linalg.svd(a, compute_uv=False) of a real or complex stack of matrices. A complex matrix A + iB has
    the singular values of the real [[A, -B], [B, A]], each twice (sorted descending: every other one)."""
    if a.ndim < 2:
        raise unsupported(f"np.linalg.svd of a {a.ndim}-d array (NumPy's LinAlgError)")
    if a.dtype == np.float16:
        raise unsupported("np.linalg.svd of float16 (NumPy's linalg rejects it)")
    if a.dtype.kind != "c":
        return prims.svdvals(a)
    re, im = np.real(a), np.imag(a)
    block = np.concatenate([np.concatenate([re, -im], axis=-1), np.concatenate([im, re], axis=-1)], axis=-2)
    return prims.svdvals(block)[..., ::2]


@decomposition(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    if compute_uv:
        raise unsupported("np.linalg.svd(compute_uv=True)")
    return singular_values(a)


@decomposition(np.linalg.svdvals)
def svdvals(x):
    return singular_values(x)


@decomposition(np.linalg.matrix_norm)
def matrix_norm(x, *, keepdims=False, ord="fro"):
    return np.linalg.norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


@decomposition(np.linalg.vector_norm)
def vector_norm(x, *, axis=None, keepdims=False, ord=2):
    """NumPy's: the norm of the flattened array, or of the given axes moved first and merged."""
    shape = x.shape
    axes = tuple(range(x.ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % max(x.ndim, 1) for a in axes)
    rest = tuple(d for d in range(x.ndim) if d not in axes)
    merged = np.reshape(np.transpose(x, axes + rest), (-1,) + tuple(shape[d] for d in rest))
    result = np.linalg.norm(merged, ord=ord, axis=0)
    if keepdims:
        result = np.reshape(result, tuple(1 if d in axes else shape[d] for d in range(x.ndim)))
    return result


@decomposition(np.linalg.matrix_rank)
def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    if A.ndim < 2:
        return np.any(A != 0) * 1  # NumPy's int(not all(A == 0))
    if tol is not None and not isinstance(tol, (int, float)) or rtol is not None and not isinstance(rtol, (int, float)):
        raise unsupported("np.linalg.matrix_rank with array tolerances")
    s = singular_values(A)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * np.finfo(s.dtype).eps
        largest = np.max(s, axis=-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
        tol = largest * rtol
    return np.count_nonzero(s > tol, axis=-1)


@decomposition(np.linalg.cond)
def cond(x, p=None):
    if p not in (None, 2, -2):
        raise unsupported(f"np.linalg.cond(p={p!r}) (it needs the inverse)")
    if x.ndim >= 2 and x.shape[-1] * x.shape[-2] == 0:
        raise unsupported("np.linalg.cond of an empty matrix (NumPy's LinAlgError)")
    s = singular_values(x)
    top, bottom = (s[..., -1], s[..., 0]) if p == -2 else (s[..., 0], s[..., -1])
    zero = bottom == 0
    r = np.where(zero, np.inf, top / np.where(zero, 1, bottom))  # NumPy divides with errors ignored
    return np.where(np.not_equal(r, r), np.inf, r).astype(s.dtype)  # NaN (an infinity in x): inf, as NumPy
