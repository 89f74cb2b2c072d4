"""QR factorisation by Householder reflections: np.linalg.norm, np.sign, np.outer and np.eye, the reflector
applied to trailing blocks in place, Q accumulated; R's lower part cleaned with np.triu; (Q, R) returned."""
import numpy as np


def householder_vector(x):
    v = x.copy()
    alpha = np.linalg.norm(x)
    sign = np.sign(x[0]) if x[0] != 0 else 1.0
    v[0] += sign * alpha
    return v / np.linalg.norm(v)


def qr(A):
    m, n = A.shape
    R = A.copy()
    Q = np.eye(m, dtype=A.dtype)
    for k in range(min(m - 1, n)):
        v = householder_vector(R[k:, k])
        R[k:, k:] -= 2.0 * np.outer(v, v @ R[k:, k:])
        Q[:, k:] -= 2.0 * np.outer(Q[:, k:] @ v, v)
    return Q, np.triu(R)


def init(n, dtype, rng):
    return qr, (rng.standard_normal((n + 2, n)).astype(dtype),)


TOL = {"float32": (2e-3, 2e-4), "float64": (1e-8, 1e-10)}
