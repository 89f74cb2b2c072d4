"""syr2k (PolyBench): lower triangle of C := alpha*(A*B^T + B*A^T) + beta*C."""


def kernel(alpha, beta, C, A, B):
    for i in range(A.shape[0]):
        C[i, :i + 1] *= beta
        for k in range(A.shape[1]):
            C[i, :i + 1] += (A[:i + 1, k] * alpha * B[i, k] + B[:i + 1, k] * alpha * A[i, k])


def init(n, dtype, rng):
    m = min(n, 10)
    alpha, beta = (float(v) for v in rng.uniform(0.5, 2, 2))
    return kernel, (alpha, beta, rng.random((n, n)).astype(dtype), rng.random((n, m)).astype(dtype),
                    rng.random((n, m)).astype(dtype))
