"""Cyclic Jacobi eigenvalue sweeps for a symmetric matrix: math.atan2/cos/sin on Python scalars read out of the
array, rotations applied to whole rows and columns in place, a while loop on the off-diagonal norm."""
import math

import numpy as np


def off_norm(A):
    off = A - np.diag(np.diag(A))
    return math.sqrt(float(np.sum(off * off)))


def rotate(A, V, p, q):
    theta = 0.5 * math.atan2(2.0 * A[p, q], A[q, q] - A[p, p])
    c, s = math.cos(theta), math.sin(theta)
    Ap, Aq = A[:, p].copy(), A[:, q].copy()
    A[:, p] = c * Ap - s * Aq
    A[:, q] = s * Ap + c * Aq
    Ap, Aq = A[p, :].copy(), A[q, :].copy()
    A[p, :] = c * Ap - s * Aq
    A[q, :] = s * Ap + c * Aq
    Vp, Vq = V[:, p].copy(), V[:, q].copy()
    V[:, p] = c * Vp - s * Vq
    V[:, q] = s * Vp + c * Vq


def jacobi_eigh(A, tol=1e-9, max_sweeps=6):
    A = A.copy()
    n = A.shape[0]
    V = np.eye(n, dtype=A.dtype)
    sweeps = 0
    while off_norm(A) > tol and sweeps < max_sweeps:
        for p in range(n - 1):
            for q in range(p + 1, n):
                if abs(A[p, q]) > 1e-300:
                    rotate(A, V, p, q)
        sweeps += 1
    return np.diag(A).copy(), V, sweeps


def init(n, dtype, rng):
    n = min(n, 12)
    M = rng.standard_normal((n, n))
    return jacobi_eigh, ((M + M.T).astype(dtype),)


TOL = {"float32": (2e-3, 2e-3), "float64": (1e-7, 1e-8)}
