"""Grouped-query attention of one decode step: `self.cache_k[:B, start_pos:start_pos + L] = xk`, then attention
over everything cached so far (the Attention class of the Llama model, called as a bound method's owner)."""
from ._llama import Attention, ModelArgs, compute_cos_sin_cache, fill_cache, random_weights


def init(n, dtype, rng):
    args = ModelArgs(n_layers=1)
    w = random_weights(args, dtype, rng)
    p = "model.layers.0.self_attn."
    attn = Attention(w[p + "q_proj.weight"], w[p + "k_proj.weight"], w[p + "v_proj.weight"], w[p + "o_proj.weight"],
                     args, dtype)
    start_pos = n
    fill_cache([attn], start_pos, rng)
    cos, sin = compute_cos_sin_cache(args.dim // args.n_heads, args.max_seq_len, dtype=dtype)
    x = rng.standard_normal((1, 1, args.dim)).astype(dtype)
    return attn.__call__, (x, start_pos, None, cos[start_pos:start_pos + 1], sin[start_pos:start_pos + 1])


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
BENCH_N = 32  # start_pos is n: the cache holds max_seq_len = 64 positions
