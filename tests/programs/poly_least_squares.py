"""Polynomial least-squares fit by the normal equations: a Vandermonde matrix from np.column_stack of powers,
np.linalg.solve on X^T X, the fitted values, residual norm and R^2 (Python-float-like scalars) returned."""
import numpy as np


def vandermonde(x, degree):
    return np.column_stack([x ** k for k in range(degree + 1)])


def polyfit(x, y, degree=3):
    X = vandermonde(x, degree)
    coef = np.linalg.solve(X.T @ X, X.T @ y)
    y_hat = X @ coef
    resid = np.linalg.norm(y - y_hat)
    ss_res = np.sum((y - y_hat) ** 2)
    ss_tot = np.sum((y - y.mean()) ** 2)
    return coef, y_hat, resid, 1.0 - ss_res / ss_tot


def init(n, dtype, rng):
    x = np.linspace(-1.0, 1.0, n * 3).astype(dtype)
    y = (1.0 - 2.0 * x + 0.5 * x ** 3 + 0.05 * rng.standard_normal(n * 3)).astype(dtype)
    return polyfit, (x, y)


TOL = {"float32": (2e-3, 2e-3), "float64": (1e-8, 1e-9)}
