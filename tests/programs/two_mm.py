"""2mm (PolyBench): D := alpha*A*B*C + beta*D."""


def kernel(alpha, beta, A, B, C, D):
    D[:] = alpha * A @ B @ C + beta * D


def init(n, dtype, rng):
    alpha, beta = (float(v) for v in rng.uniform(0.5, 2, 2))
    return kernel, (alpha, beta, rng.random((n, n + 1)).astype(dtype), rng.random((n + 1, n + 2)).astype(dtype),
                    rng.random((n + 2, n + 3)).astype(dtype), rng.random((n, n + 3)).astype(dtype))
