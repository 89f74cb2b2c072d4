"""Jacobi 1-D stencil (PolyBench/C 4.2 in NumPy): two buffers, each sweep writes the interior in place."""


def kernel(TSTEPS, A, B):
    for t in range(1, TSTEPS):
        B[1:-1] = 0.33333 * (A[:-2] + A[1:-1] + A[2:])
        A[1:-1] = 0.33333 * (B[:-2] + B[1:-1] + B[2:])


def init(n, dtype, rng):
    A = rng.random(n + 2).astype(dtype)
    B = rng.random(n + 2).astype(dtype)
    return kernel, (5, A, B)
