"""mvt (PolyBench): x1 += A y_1 and x2 += A^T y_2, both written into the caller's vectors."""


def kernel(x1, x2, y_1, y_2, A):
    x1 += A @ y_1
    x2 += y_2 @ A


def init(n, dtype, rng):
    return kernel, tuple(rng.random(s).astype(dtype) for s in [n, n, n, n, (n, n)])
