"""GEMM (PolyBench gemm): C := alpha*A*B + beta*C, written into the caller's C."""


def kernel(alpha, beta, C, A, B):
    C[:] = alpha * A @ B + beta * C


def init(n, dtype, rng):
    A = rng.random((n, n + 2)).astype(dtype)
    B = rng.random((n + 2, n + 1)).astype(dtype)
    C = rng.random((n, n + 1)).astype(dtype)
    alpha, beta = (float(v) for v in rng.uniform(0.5, 2, 2))
    return kernel, (alpha, beta, C, A, B)
