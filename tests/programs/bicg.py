"""bicg (PolyBench): the two matrix-vector products of BiCGStab, s = A^T r and q = A p."""


def kernel(A, p, r):
    return r @ A, A @ p


def init(n, dtype, rng):
    return kernel, (rng.random((n, n + 2)).astype(dtype), rng.random(n + 2).astype(dtype),
                    rng.random(n).astype(dtype))
