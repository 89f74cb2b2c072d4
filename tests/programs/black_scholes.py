"""Black-Scholes European call and put prices (the classic NumPy benchmark shape): the cumulative normal by the
Abramowitz-Stegun polynomial with np.where on the sign, math.* on the Python-float constants, a tuple back."""
import math

import numpy as np

A1, A2, A3, A4, A5 = 0.31938153, -0.356563782, 1.781477937, -1.821255978, 1.330274429
RSQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)


def cnd(d):
    K = 1.0 / (1.0 + 0.2316419 * np.abs(d))
    ret_val = RSQRT2PI * np.exp(-0.5 * d * d) * (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5)))))
    return np.where(d > 0, 1.0 - ret_val, ret_val)


def black_scholes(S, X, T, r=0.02, v=0.3):
    sqrtT = np.sqrt(T)
    d1 = (np.log(S / X) + (r + 0.5 * v * v) * T) / (v * sqrtT)
    d2 = d1 - v * sqrtT
    cndd1 = cnd(d1)
    cndd2 = cnd(d2)
    expRT = np.exp(-r * T)
    call = S * cndd1 - X * expRT * cndd2
    put = X * expRT * (1.0 - cndd2) - S * (1.0 - cndd1)
    return call, put


def init(n, dtype, rng):
    S = rng.uniform(5.0, 30.0, n * 4).astype(dtype)
    X = rng.uniform(1.0, 100.0, n * 4).astype(dtype)
    T = rng.uniform(0.25, 10.0, n * 4).astype(dtype)
    return black_scholes, (S, X, T)


TOL = {"float32": (1e-4, 1e-4), "float64": (1e-9, 1e-10)}
