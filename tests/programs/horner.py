"""Polynomial evaluation by Horner's rule over a coefficient array (highest degree first, as np.polyval), and its
derivative in the same loop."""
import numpy as np


def polyval_with_derivative(coeffs, x):
    y = np.zeros_like(x)
    dy = np.zeros_like(x)
    for k in range(coeffs.shape[0]):
        dy = dy * x + y
        y = y * x + coeffs[k]
    return y, dy


def init(n, dtype, rng):
    return polyval_with_derivative, (rng.uniform(-1, 1, 7).astype(dtype), rng.uniform(-1.5, 1.5, (n, 3)).astype(dtype))


TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}
