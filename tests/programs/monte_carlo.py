"""Monte-Carlo estimates from pre-drawn uniform samples: pi from a boolean mask's mean, an Asian option by
Box-Muller normals, np.cumsum of log-returns along time and discounted payoffs with np.maximum, a
standard error with math.sqrt; a dict of Python-float-like results."""
import math

import numpy as np


def estimate_pi(u1, u2):
    inside = u1 * u1 + u2 * u2 <= 1.0
    return 4.0 * np.mean(inside)


def box_muller(u1, u2):
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * u2)


def asian_call(u1, u2, S0=100.0, K=100.0, r=0.03, sigma=0.25, T=1.0):
    n_paths, n_steps = u1.shape
    dt = T / n_steps
    z = box_muller(u1, u2)
    log_paths = np.cumsum((r - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * z, axis=1)
    paths = S0 * np.exp(log_paths)
    payoff = np.maximum(paths.mean(axis=1) - K, 0.0) * math.exp(-r * T)
    return payoff.mean(), payoff.std(ddof=1) / math.sqrt(n_paths)


def run(u1, u2):
    price, stderr = asian_call(u1, u2)
    return {"pi": estimate_pi(u1, u2), "price": price, "stderr": stderr}


def init(n, dtype, rng):
    u1 = (1.0 - rng.random((n * 4, 12))).astype(dtype)  # in (0, 1]: log is finite
    u2 = rng.random((n * 4, 12)).astype(dtype)
    return run, (u1, u2)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-10)}
