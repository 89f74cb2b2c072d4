"""The SwiGLU feed-forward of a Llama block (silu(x W_gate) * (x W_up)) W_down, weights stored transposed."""
import numpy as np

from ._llama import FeedForward


def init(n, dtype, rng):
    D, H = n, 2 * n
    up, gate, down = ((rng.standard_normal(s) / np.sqrt(s[-1])).astype(dtype) for s in [(H, D), (H, D), (D, H)])
    return FeedForward(up, gate, down), (rng.standard_normal((2, 3, D)).astype(dtype),)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
