"""N-body leapfrog steps with softening (after Philip Mocz's nbody-python): all-pairs accelerations by
broadcasting, positions and velocities updated in place, energies returned."""
import numpy as np


def get_acc(pos, mass, G, softening):
    x = pos[:, 0:1]
    y = pos[:, 1:2]
    z = pos[:, 2:3]
    dx = x.T - x
    dy = y.T - y
    dz = z.T - z
    inv_r3 = (dx**2 + dy**2 + dz**2 + softening**2) ** (-1.5)
    ax = G * (dx * inv_r3) @ mass
    ay = G * (dy * inv_r3) @ mass
    az = G * (dz * inv_r3) @ mass
    return np.hstack((ax, ay, az))


def simulate(pos, vel, mass, steps, dt=0.01, G=1.0, softening=0.1):
    acc = get_acc(pos, mass, G, softening)
    for i in range(steps):
        vel += acc * dt / 2.0
        pos += vel * dt
        acc = get_acc(pos, mass, G, softening)
        vel += acc * dt / 2.0
    KE = 0.5 * np.sum(mass * vel**2)
    return KE


def init(n, dtype, rng):
    mass = (20.0 * np.ones((n, 1)) / n).astype(dtype)
    pos = rng.standard_normal((n, 3)).astype(dtype)
    vel = rng.standard_normal((n, 3)).astype(dtype)
    return simulate, (pos, vel, mass, 3)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-8, 1e-10)}
