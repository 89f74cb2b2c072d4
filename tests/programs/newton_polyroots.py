"""Newton's method for polynomial roots from many starting points at once: np.polyval for p and its derivative
(coefficients from np.arange), a while loop until the largest step is below a tolerance or an iteration cap."""
import numpy as np


def derivative(coeffs):
    n = len(coeffs) - 1
    return coeffs[:-1] * np.arange(n, 0, -1)


def newton(coeffs, x0, tol=1e-6, maxiter=50):
    dcoeffs = derivative(coeffs)
    x = x0.copy()
    it = 0
    step = np.inf
    while step > tol and it < maxiter:
        fx = np.polyval(coeffs, x)
        dfx = np.polyval(dcoeffs, x)
        dx = fx / dfx
        x -= dx
        step = np.max(np.abs(dx))
        it += 1
    return x, it


def init(n, dtype, rng):
    roots = np.array([-2.0, -0.5, 1.0, 3.0])
    coeffs = np.poly(roots).astype(dtype)
    x0 = (roots[rng.integers(0, 4, n)] + 0.2 * rng.standard_normal(n)).astype(dtype)
    return newton, (coeffs, x0)


TOL = {"float32": (1e-4, 1e-4), "float64": (1e-9, 1e-10)}
