"""covariance (PolyBench, NumPy port): centre the data in place, fill the symmetric matrix row by row."""
import numpy as np


def kernel(M, float_n, data):
    mean = np.mean(data, axis=0)
    data -= mean
    cov = np.zeros((M, M), dtype=data.dtype)
    for i in range(M):
        cov[i:M, i] = cov[i, i:M] = data[:, i] @ data[:, i:M] / (float_n - 1.0)
    return cov


def init(n, dtype, rng):
    m = max(4, n // 2)
    return kernel, (m, float(n), rng.random((n, m)).astype(dtype))
