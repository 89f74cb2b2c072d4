"""GRU over a sequence (the PyTorch gate convention), weights stacked per gate, outputs written into np.empty."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def gru(x, W, U, b):
    T, B, _ = x.shape
    H = U.shape[-1]
    h = np.zeros((B, H), x.dtype)
    out = np.empty((T, B, H), x.dtype)
    for t in range(T):
        z = sigmoid(x[t] @ W[0] + h @ U[0] + b[0])
        r = sigmoid(x[t] @ W[1] + h @ U[1] + b[1])
        n = np.tanh(x[t] @ W[2] + r * (h @ U[2]) + b[2])
        h = (1 - z) * n + z * h
        out[t] = h
    return out


def init(n, dtype, rng):
    H = 6
    return gru, (rng.standard_normal((4, 2, n)).astype(dtype),
                 (rng.standard_normal((3, n, H)) / np.sqrt(n)).astype(dtype),
                 (rng.standard_normal((3, H, H)) / np.sqrt(H)).astype(dtype),
                 rng.standard_normal((3, H)).astype(dtype))
