"""2-D wave equation on a membrane: u_tt = c^2 (u_xx + u_yy), second-order in time, Dirichlet borders."""
import numpy as np


def simulate(u, u_old, steps, c2dt2=0.1):
    for _ in range(steps):
        u_new = np.zeros_like(u)
        u_new[1:-1, 1:-1] = (2 * u[1:-1, 1:-1] - u_old[1:-1, 1:-1] + c2dt2 *
                             (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2] - 4 * u[1:-1, 1:-1]))
        u_old = u
        u = u_new
    return u, u_old


def init(n, dtype, rng):
    u = rng.random((n, n)).astype(dtype)
    return simulate, (u, u.copy(), 5)
