"""1-D wave equation, leapfrog in time with fixed ends: three time levels rotated by rebinding names."""
import numpy as np


def solve(u0, c, dx, dt, nsteps):
    u_prev = u0.copy()
    u = u0.copy()
    r2 = (c * dt / dx) ** 2
    for n in range(nsteps):
        u_next = np.empty_like(u)
        u_next[1:-1] = 2 * u[1:-1] - u_prev[1:-1] + r2 * (u[2:] - 2 * u[1:-1] + u[:-2])
        u_next[0] = 0.0
        u_next[-1] = 0.0
        u_prev, u = u, u_next
    return u


def init(n, dtype, rng):
    u0 = rng.random(n).astype(dtype)
    return solve, (u0, 1.0, 0.1, 0.05, 6)
