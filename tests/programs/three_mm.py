"""3mm (PolyBench): G := (A*B)*(C*D)."""


def kernel(A, B, C, D):
    return A @ B @ (C @ D)


def init(n, dtype, rng):
    return kernel, tuple(rng.random(s).astype(dtype) for s in [(n, n + 1), (n + 1, n + 2), (n + 2, n), (n, n + 2)])
