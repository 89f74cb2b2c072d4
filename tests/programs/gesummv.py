"""gesummv (PolyBench): y = alpha*A*x + beta*B*x."""


def kernel(alpha, beta, A, B, x):
    return alpha * A @ x + beta * B @ x


def init(n, dtype, rng):
    alpha, beta = (float(v) for v in rng.uniform(0.5, 2, 2))
    return kernel, (alpha, beta, rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype),
                    rng.random(n).astype(dtype))
