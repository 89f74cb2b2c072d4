"""Relaxation through named views: `inner` aliases the grid's interior, so updating it updates the grid."""
import numpy as np


def relax(u, omega, sweeps):
    inner = u[1:-1, 1:-1]
    for _ in range(sweeps):
        avg = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        inner *= 1 - omega
        inner += omega * avg
    edge = u[0]
    edge[:] = u[1]
    return np.abs(inner).max()


def init(n, dtype, rng):
    return relax, (rng.random((n, n + 1)).astype(dtype), float(rng.uniform(0.5, 0.9)), 3)
