"""Gauss-Seidel 2-D sweep (PolyBench seidel-2d, NumPy port): row-wise vector update, then the in-row recurrence
as a scalar loop."""


def kernel(TSTEPS, N, A):
    for t in range(TSTEPS - 1):
        for i in range(1, N - 1):
            A[i, 1:-1] += (A[i - 1, :-2] + A[i - 1, 1:-1] + A[i - 1, 2:] +
                           A[i, 2:] + A[i + 1, :-2] + A[i + 1, 1:-1] + A[i + 1, 2:])
            for j in range(1, N - 1):
                A[i, j] += A[i, j - 1]
                A[i, j] /= 9.0


def init(n, dtype, rng):
    n = min(n, 16)
    A = rng.random((n, n)).astype(dtype)
    return kernel, (3, n, A)
