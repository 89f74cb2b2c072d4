"""atax (PolyBench): y = A^T (A x)."""


def kernel(A, x):
    return (A @ x) @ A


def init(n, dtype, rng):
    return kernel, (rng.random((n, n + 3)).astype(dtype), rng.random(n + 3).astype(dtype))
