"""Batch normalization in training mode as a plain class: normalizes the batch, updates running stats in place."""
import numpy as np


class BatchNorm1d:
    def __init__(self, num_features, momentum=0.1, eps=1e-5, dtype=np.float32):
        self.gamma = np.ones(num_features, dtype)
        self.beta = np.zeros(num_features, dtype)
        self.running_mean = np.zeros(num_features, dtype)
        self.running_var = np.ones(num_features, dtype)
        self.momentum = momentum
        self.eps = eps

    def forward(self, x):
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        n = x.shape[0]
        self.running_mean *= 1 - self.momentum
        self.running_mean += self.momentum * mean
        self.running_var *= 1 - self.momentum
        self.running_var += self.momentum * var * n / (n - 1)
        x_hat = (x - mean) / np.sqrt(var + self.eps)
        return self.gamma * x_hat + self.beta


def init(n, dtype, rng):
    bn = BatchNorm1d(5, dtype=dtype)
    bn.gamma = rng.random(5).astype(dtype) + 0.5
    bn.beta = rng.standard_normal(5).astype(dtype)
    return bn.forward, (rng.standard_normal((n, 5)).astype(dtype),)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
