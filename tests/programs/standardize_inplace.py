"""Standardize an array in place with A[...] op= and report the original statistics (.dtype, .size used)."""
import numpy as np


def standardize(A):
    mu = A.sum() / A.size
    sigma = np.sqrt(((A - mu) ** 2).sum() / A.size)
    A[...] -= mu
    A[...] /= sigma
    return np.array([mu, sigma], dtype=A.dtype)


def init(n, dtype, rng):
    return standardize, (rng.random((n, 5)).astype(dtype) * 3 + 1,)
