"""syrk (PolyBench): lower triangle of C := alpha*A*A^T + beta*C, row by row."""


def kernel(alpha, beta, C, A):
    for i in range(A.shape[0]):
        C[i, :i + 1] *= beta
        for k in range(A.shape[1]):
            C[i, :i + 1] += alpha * A[i, k] * A[:i + 1, k]


def init(n, dtype, rng):
    return kernel, (1.5, 1.2, rng.random((n, n)).astype(dtype), rng.random((n, min(n, 10))).astype(dtype))
