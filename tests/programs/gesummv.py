"""gesummv (PolyBench): y = alpha*A*x + beta*B*x."""


def kernel(alpha, beta, A, B, x):
    return alpha * A @ x + beta * B @ x


def init(n, dtype, rng):
    return kernel, (1.5, 1.2, rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype),
                    rng.random(n).astype(dtype))
