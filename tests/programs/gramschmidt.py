"""Modified Gram-Schmidt QR (PolyBench gramschmidt, NumPy port): A is overwritten, Q and R returned."""
import numpy as np


def kernel(A):
    Q = np.zeros_like(A)
    R = np.zeros((A.shape[1], A.shape[1]), dtype=A.dtype)
    for k in range(A.shape[1]):
        nrm = np.dot(A[:, k], A[:, k])
        R[k, k] = np.sqrt(nrm)
        Q[:, k] = A[:, k] / R[k, k]
        for j in range(k + 1, A.shape[1]):
            R[k, j] = np.dot(Q[:, k], A[:, j])
            A[:, j] -= Q[:, k] * R[k, j]
    return Q, R


def init(n, dtype, rng):
    m = min(n, 12)
    A = rng.random((n + 4, m)) + np.eye(n + 4, m)
    return kernel, (A.astype(dtype),)


TOL = {"float32": (2e-3, 2e-4), "float64": (1e-8, 1e-10)}
