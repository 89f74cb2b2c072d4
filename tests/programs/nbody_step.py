"""One explicit Euler n-body step in a single function: pairwise differences with None-indexing."""
import numpy as np


def step(pos, vel, mass, dt, eps=1e-2):
    diff = pos[None, :, :] - pos[:, None, :]
    dist2 = np.sum(diff * diff, axis=-1) + eps
    inv = dist2 ** -1.5
    acc = np.sum(diff * (inv * mass[None, :])[:, :, None], axis=1)
    vel += dt * acc
    pos += dt * vel


def init(n, dtype, rng):
    return step, (rng.standard_normal((n, 3)).astype(dtype), rng.standard_normal((n, 3)).astype(dtype),
                  rng.random(n).astype(dtype), float(rng.uniform(0.005, 0.02)))


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
