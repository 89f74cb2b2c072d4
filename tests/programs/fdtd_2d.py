"""FDTD 2-D (PolyBench fdtd-2d): electric and magnetic fields updated in place each time step from a source."""


def kernel(TMAX, ex, ey, hz, _fict_):
    for t in range(TMAX):
        ey[0, :] = _fict_[t]
        ey[1:, :] -= 0.5 * (hz[1:, :] - hz[:-1, :])
        ex[:, 1:] -= 0.5 * (hz[:, 1:] - hz[:, :-1])
        hz[:-1, :-1] -= 0.7 * (ex[:-1, 1:] - ex[:-1, :-1] + ey[1:, :-1] - ey[:-1, :-1])


def init(n, dtype, rng):
    nx, ny, tmax = n, n + 3, 4
    ex = rng.random((nx, ny)).astype(dtype)
    ey = rng.random((nx, ny)).astype(dtype)
    hz = rng.random((nx, ny)).astype(dtype)
    _fict_ = rng.random(tmax).astype(dtype)
    return kernel, (tmax, ex, ey, hz, _fict_)
