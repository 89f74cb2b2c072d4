"""Numerically stable row softmax."""
import numpy as np


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def init(n, dtype, rng):
    return softmax, (rng.standard_normal((n, n + 5)).astype(dtype),)
