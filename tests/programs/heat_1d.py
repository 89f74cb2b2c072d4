"""Explicit 1-D heat diffusion with Dirichlet boundary values written every step."""


def heat(u, alpha, dx, dt, steps, left=0.0, right=1.0):
    r = alpha * dt / dx**2
    for _ in range(steps):
        un = u.copy()
        u[1:-1] = un[1:-1] + r * (un[2:] - 2 * un[1:-1] + un[:-2])
        u[0] = left
        u[-1] = right
    return u


def init(n, dtype, rng):
    return heat, (rng.random(n).astype(dtype), 0.5, 0.1, 0.005, 8)
