"""Softmax cross-entropy loss and its gradient for integer labels (the cs231n form): fancy-indexed picks."""
import numpy as np


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def init(n, dtype, rng):
    return softmax_loss, (rng.standard_normal((n, 7)).astype(dtype), rng.integers(0, 7, n))
