"""correlation (PolyBench, NumPy port): standardize columns in place, then the upper triangle of the correlation."""
import numpy as np


def kernel(M, float_n, data):
    mean = np.mean(data, axis=0)
    stddev = np.std(data, axis=0)
    stddev[stddev <= 0.1] = 1.0
    data -= mean
    data /= np.sqrt(float_n) * stddev
    corr = np.eye(M, dtype=data.dtype)
    for i in range(M - 1):
        corr[i + 1:M, i] = corr[i, i + 1:M] = data[:, i] @ data[:, i + 1:M]
    return corr


def init(n, dtype, rng):
    m = max(4, n // 2)
    return kernel, (m, float(n), rng.random((n, m)).astype(dtype))


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
