"""Logistic regression by batch gradient descent; the weights are updated in place, the losses returned."""
import numpy as np


def fit(X, y, w, lr=0.1, epochs=10):
    n = X.shape[0]
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        grad = X.T @ (p - y) / n
        w -= lr * grad
        losses[epoch] = -np.mean(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9))
    return losses


def init(n, dtype, rng):
    X = rng.standard_normal((n, 5)).astype(dtype)
    y = (rng.random(n) > 0.5).astype(dtype)
    return fit, (X, y, rng.standard_normal(5).astype(dtype) * 0.1)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
