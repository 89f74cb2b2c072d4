"""Jacobi 2-D stencil (PolyBench/C 4.2 in NumPy): the time loop updates both grids' interiors in place."""


def kernel(TSTEPS, A, B):
    for t in range(1, TSTEPS):
        B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:] +
                               A[2:, 1:-1] + A[:-2, 1:-1])
        A[1:-1, 1:-1] = 0.2 * (B[1:-1, 1:-1] + B[1:-1, :-2] + B[1:-1, 2:] +
                               B[2:, 1:-1] + B[:-2, 1:-1])


def init(n, dtype, rng):
    A = rng.random((n, n)).astype(dtype)
    B = rng.random((n, n)).astype(dtype)
    return kernel, (4, A, B)
