"""Particle-in-cell charge deposit and field gather on a periodic 1-D grid (cloud-in-cell weights): cell indices by
np.floor(...).astype(int), charge scattered with np.add.at (repeated cells add up), the field by a centred
difference with np.roll, interpolated back with fancy indexing and used to push the particles in place."""
import numpy as np


def deposit(x, q, ncells, dx):
    s = x / dx
    i = np.floor(s).astype(np.int64)
    w = s - i
    rho = np.zeros(ncells, dtype=x.dtype)
    np.add.at(rho, i % ncells, q * (1 - w))
    np.add.at(rho, (i + 1) % ncells, q * w)
    return rho / dx, i, w


def push(x, v, q, ncells, L, dt):
    dx = L / ncells
    rho, i, w = deposit(x, q, ncells, dx)
    rho -= rho.mean()
    phi = np.cumsum(np.cumsum(rho)) * dx * dx
    E = -(np.roll(phi, -1) - np.roll(phi, 1)) / (2 * dx)
    E_p = E[i % ncells] * (1 - w) + E[(i + 1) % ncells] * w
    v += q * E_p * dt
    x += v * dt
    x %= L
    return rho, E


def init(n, dtype, rng):
    L = 1.0
    x = rng.random(n * 6).astype(dtype) * L
    v = (0.1 * rng.standard_normal(n * 6)).astype(dtype)
    q = np.full(n * 6, 1.0 / (n * 6), dtype=dtype)
    return push, (x, v, q, 16, L, 0.05)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
