"""2-D diffusion (Barba's step 7): a time loop over a returned-nothing helper that updates u in place."""


def diffuse(u, nt, nu, dt, dx, dy):
    for n in range(nt + 1):
        un = u.copy()
        u[1:-1, 1:-1] = (un[1:-1, 1:-1] +
                         nu * dt / dx**2 * (un[1:-1, 2:] - 2 * un[1:-1, 1:-1] + un[1:-1, 0:-2]) +
                         nu * dt / dy**2 * (un[2:, 1:-1] - 2 * un[1:-1, 1:-1] + un[0:-2, 1:-1]))
        u[0, :] = 1
        u[-1, :] = 1
        u[:, 0] = 1
        u[:, -1] = 1


def init(n, dtype, rng):
    dx = 2 / (n - 1)
    return diffuse, (rng.random((n, n)).astype(dtype), 6, 0.05, 0.25 * dx * dx / 0.05, dx, dx)
