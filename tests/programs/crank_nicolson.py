"""Crank-Nicolson for the 1-D heat equation with Dirichlet ends: the right-hand side from slices, the tridiagonal
system solved each step by a Thomas-algorithm helper (forward sweep, back substitution, scalar loops)."""
import numpy as np


def thomas(a, b, c, d):
    """Solve the tridiagonal system with sub-diagonal a, diagonal b, super-diagonal c."""
    n = len(d)
    cp = np.empty(n, dtype=d.dtype)
    dp = np.empty(n, dtype=d.dtype)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        denom = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / denom if i < n - 1 else 0.0
        dp[i] = (d[i] - a[i] * dp[i - 1]) / denom
    x = np.empty(n, dtype=d.dtype)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x


def crank_nicolson(u, alpha, dt, dx, steps):
    n = u.shape[0] - 2
    r = alpha * dt / dx ** 2
    a = np.full(n, -r / 2, dtype=u.dtype)
    b = np.full(n, 1 + r, dtype=u.dtype)
    c = np.full(n, -r / 2, dtype=u.dtype)
    for _ in range(steps):
        rhs = r / 2 * u[:-2] + (1 - r) * u[1:-1] + r / 2 * u[2:]
        rhs[0] += r / 2 * u[0]
        rhs[-1] += r / 2 * u[-1]
        u[1:-1] = thomas(a, b, c, rhs)
    return u


def init(n, dtype, rng):
    u = rng.random(n + 2).astype(dtype)
    return crank_nicolson, (u, 1.0, 0.01, 1.0 / (n + 1), 5)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-10)}
