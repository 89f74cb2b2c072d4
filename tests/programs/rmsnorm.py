"""RMSNorm as a plain class with a weight and an eps attribute (llama3.np)."""
from ._llama import RMSNorm


def init(n, dtype, rng):
    norm = RMSNorm(rng.random(n).astype(dtype) + 0.5, eps=1e-5)
    return norm, (rng.standard_normal((2, 3, n)).astype(dtype),)
