"""syrk (PolyBench): lower triangle of C := alpha*A*A^T + beta*C, row by row."""


def kernel(alpha, beta, C, A):
    for i in range(A.shape[0]):
        C[i, :i + 1] *= beta
        for k in range(A.shape[1]):
            C[i, :i + 1] += alpha * A[i, k] * A[:i + 1, k]


def init(n, dtype, rng):
    alpha, beta = (float(v) for v in rng.uniform(0.5, 2, 2))
    return kernel, (alpha, beta, rng.random((n, n)).astype(dtype), rng.random((n, min(n, 10))).astype(dtype))
