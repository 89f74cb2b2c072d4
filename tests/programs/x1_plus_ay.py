"""The lost update of issue 10: a function that returns nothing and accumulates into its argument."""


def k(x1, A, y):
    x1 += A @ y


def init(n, dtype, rng):
    return k, (rng.random(n).astype(dtype), rng.random((n, n)).astype(dtype), rng.random(n).astype(dtype))
