"""1-D convolution with 'same' zero padding, accumulating one filter tap at a time into a preallocated output."""
import numpy as np


def conv1d_same(x, w):
    K = w.shape[0]
    pad = K // 2
    xp = np.zeros(x.shape[0] + 2 * pad, dtype=x.dtype)
    xp[pad:pad + x.shape[0]] = x
    y = np.zeros_like(x)
    for k in range(K):
        y += w[K - 1 - k] * xp[k:k + x.shape[0]]
    return y


def init(n, dtype, rng):
    return conv1d_same, (rng.standard_normal(n).astype(dtype), rng.standard_normal(5).astype(dtype))
