"""Linear algebra over the singular-values primitive (codegen/svd.py): np.linalg.svd without u and v, svdvals,
matrix_rank, cond (p = None, 2, -2), and the matrix norms ord=2, -2, 'nuc' (reductions.py calls
`singular_values`); the array-API norms matrix_norm and vector_norm over np.linalg.norm; np.linalg.solve and
np.linalg.inv over the linear-systems primitive (codegen/solve.py)."""
from __future__ import annotations

import numpy as np

from ...errors import LinAlgError, ShapeError
from ...ops.abstract import broadcast
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


def _square_stack(a, what: str):
    """NumPy's checks of a linalg argument that must be a stack of square real matrices."""
    a = a if hasattr(a, "shape") else np.asarray(a)
    if a.ndim < 2:
        raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least two-dimensional")
    if a.shape[-1] != a.shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")
    if a.dtype.kind == "c" or a.dtype == np.float16:
        raise unsupported(f"np.linalg.{what} of {a.dtype} (complex or half)")
    return a


@decomposition(np.linalg.solve)
def solve(a, b):
    """NumPy 2's: b is a vector only when it is 1-D, else a stack of matrices (..., M, K); the batch
    dimensions broadcast."""
    a = _square_stack(a, "solve")
    b = b if hasattr(b, "shape") else np.asarray(b)
    if b.dtype.kind == "c" or b.dtype == np.float16:
        raise unsupported(f"np.linalg.solve of {b.dtype} (complex or half)")
    if b.ndim == 0:
        raise ShapeError("solve: b must be at least one-dimensional")
    vector = b.ndim == 1
    if vector:
        b = np.reshape(b, (b.shape[0], 1))
    if b.shape[-2] != a.shape[-1]:
        raise ShapeError(f"solve: Input operand 1 has a mismatch in its core dimension 0 (size {b.shape[-2]} is "
                         f"different from {a.shape[-1]})")
    batch = broadcast([a.shape[:-2], b.shape[:-2]], "solve")
    x = prims.solve(_broadcast(a, batch), _broadcast(b, batch))
    return x[..., 0] if vector else x


def _broadcast(m, batch: tuple):
    return m if tuple(m.shape[:-2]) == tuple(batch) else np.broadcast_to(m, batch + m.shape[-2:])


@decomposition(np.linalg.inv)
def inv(a):
    """The solution of A X = I for each matrix of the stack."""
    a = _square_stack(a, "inv")
    eye = np.eye(a.shape[-1], dtype=np.float32 if a.dtype == np.float32 else np.float64)
    return prims.solve(a, np.broadcast_to(eye, a.shape))
