"""Escape-time Mandelbrot on a grid: complex arithmetic, masks and masked writes (NumPy-vectorized)."""
import numpy as np


def mandelbrot(xmin, xmax, ymin, ymax, xn, yn, maxiter, horizon=2.0):
    X = np.linspace(xmin, xmax, xn)
    Y = np.linspace(ymin, ymax, yn)
    C = X + Y[:, None] * 1j
    N = np.zeros(C.shape, dtype=np.int64)
    Z = np.zeros(C.shape, np.complex128)
    for n in range(maxiter):
        I = np.less(abs(Z), horizon)
        N[I] = n
        Z[I] = Z[I] ** 2 + C[I]
    N[N == maxiter - 1] = 0
    return Z, N


def init(n, dtype, rng):
    lo = float(rng.uniform(-2.25, -2.0))
    return mandelbrot, (lo, 0.75, -1.25, 1.25, n, n + 1, 12)
