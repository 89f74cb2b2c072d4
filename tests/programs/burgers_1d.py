"""1-D Burgers' equation, upwind convection plus diffusion (Barba's step 4 without the periodic wrap)."""
import numpy as np


def burgers(u, nt, dt, dx, nu):
    for n in range(nt):
        un = u.copy()
        u[1:-1] = (un[1:-1] - un[1:-1] * dt / dx * (un[1:-1] - un[:-2]) +
                   nu * dt / dx**2 * (un[2:] - 2 * un[1:-1] + un[:-2]))
        u[0] = un[0]
        u[-1] = un[-1]
    return u


def init(n, dtype, rng):
    return burgers, (rng.random(n).astype(dtype), 10, 0.001, 2 * np.pi / (n - 1), 0.07)
