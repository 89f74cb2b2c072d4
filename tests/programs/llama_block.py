"""One Llama transformer block called with a prefill mask (or None for one token) and RoPE tables sliced at
start_pos; the block's attention writes its KV cache in place."""
import numpy as np

from ._llama import ModelArgs, TransformerBlock, compute_cos_sin_cache, fill_cache, random_weights


def init(n, dtype, rng):
    args = ModelArgs(n_layers=1)
    block = TransformerBlock(random_weights(args, dtype, rng), 0, args, dtype)
    start_pos = n // 2
    fill_cache([block.attention], start_pos, rng)
    L = 1 if n < 16 else 4
    cos, sin = compute_cos_sin_cache(args.dim // args.n_heads, args.max_seq_len, dtype=dtype)
    mask = None
    if L > 1:
        mask = np.concatenate([np.zeros((L, start_pos)), np.triu(np.full((L, L), float("-inf")), k=1)], axis=1)
    x = rng.standard_normal((2, L, args.dim)).astype(dtype)
    return block, (x, start_pos, mask, cos[start_pos:start_pos + L], sin[start_pos:start_pos + L])


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
