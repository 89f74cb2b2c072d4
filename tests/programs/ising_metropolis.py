"""Metropolis sweeps of the 2-D Ising model with pre-drawn uniforms: int8 spins flipped in place site by site,
periodic neighbours by modulo indexing, the acceptance test with math.exp on a Python float, energy and
magnetisation per sweep returned (float results follow the uniforms' dtype)."""
import math

import numpy as np


def local_field(spins, i, j):
    n, m = spins.shape
    return int(spins[(i + 1) % n, j]) + int(spins[i - 1, j]) + int(spins[i, (j + 1) % m]) + int(spins[i, j - 1])


def sweep(spins, u, beta):
    n, m = spins.shape
    accepted = 0
    for i in range(n):
        for j in range(m):
            dE = 2 * int(spins[i, j]) * local_field(spins, i, j)
            if dE <= 0 or u[i, j] < math.exp(-beta * dE):
                spins[i, j] = -spins[i, j]
                accepted += 1
    return accepted


def simulate(spins, uniforms, beta=0.4):
    sweeps = uniforms.shape[0]
    energy = np.zeros(sweeps, dtype=uniforms.dtype)
    magnet = np.zeros(sweeps, dtype=uniforms.dtype)
    total = 0
    for s in range(sweeps):
        total += sweep(spins, uniforms[s], beta)
        right = np.roll(spins, -1, axis=1).astype(np.int64)
        down = np.roll(spins, -1, axis=0).astype(np.int64)
        energy[s] = -np.sum(spins * (right + down))
        magnet[s] = np.abs(np.mean(spins))
    return energy, magnet, total


def init(n, dtype, rng):
    n = min(n, 16)
    spins = np.where(rng.random((n, n)) < 0.5, -1, 1).astype(np.int8)
    return simulate, (spins, rng.random((4, n, n)).astype(dtype))
