"""Rotary position embedding of queries and keys (llama3.np's apply_rotary_emb): reshape by shape arithmetic,
split, squeeze, expand_dims with a tuple of axes, stack."""
from ._llama import apply_rotary_emb, compute_cos_sin_cache


def init(n, dtype, rng):
    L, HD = min(n, 12), 8
    cos, sin = compute_cos_sin_cache(HD, 64, dtype=dtype)
    xq = rng.standard_normal((2, L, 4, HD)).astype(dtype)
    xk = rng.standard_normal((2, L, 2, HD)).astype(dtype)
    return apply_rotary_emb, (xq, xk, cos[:L], sin[:L])
