"""Activation and layer functions written in NumPy; `relu`, `sigmoid` and `linear` are single ops in the table."""
from __future__ import annotations

import numpy as np

from ..ops.elementwise import relu, sigmoid
from ..ops.linalg import linear

__all__ = ["gelu", "leaky_relu", "linear", "log_softmax", "relu", "sigmoid", "silu", "softmax", "tanh"]


def tanh(x):
    return np.tanh(x)


def softmax(x, axis: int = -1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def gelu(x):
    """GELU, tanh approximation (torch's approximate='tanh')."""
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


def silu(x):
    return x * sigmoid(x)


def leaky_relu(x, negative_slope: float = 0.01):
    return np.where(x > 0, x, x * negative_slope)
