"""Classic RK4 on the Lorenz system for a batch of initial states: the right-hand side built with np.stack
from column views, a trajectory array filled row by row, the final state and the trajectory returned."""
import numpy as np


def lorenz(state, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    x, y, z = state[:, 0], state[:, 1], state[:, 2]
    return np.stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z], axis=1)


def rk4_step(f, y, h):
    k1 = f(y)
    k2 = f(y + 0.5 * h * k1)
    k3 = f(y + 0.5 * h * k2)
    k4 = f(y + h * k3)
    return y + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)


def integrate(y0, n_steps, h=0.005):
    traj = np.zeros((n_steps + 1,) + y0.shape, dtype=y0.dtype)
    traj[0] = y0
    y = y0
    for i in range(n_steps):
        y = rk4_step(lorenz, y, h)
        traj[i + 1] = y
    return y, traj


def init(n, dtype, rng):
    y0 = (rng.standard_normal((n, 3)) * 5 + np.array([0.0, 0.0, 25.0])).astype(dtype)
    return integrate, (y0, 20)


TOL = {"float32": (2e-3, 2e-3), "float64": (1e-8, 1e-8)}
