"""A whole Llama-style decoder step (embedding gather, 2 blocks, final norm, last-token logits) with the KV cache
of each block written in place at start_pos."""

from ._llama import Llama, ModelArgs, fill_cache, random_weights


def init(n, dtype, rng):
    args = ModelArgs()
    model = Llama(random_weights(args, dtype, rng), args, dtype)
    start_pos = n // 2
    fill_cache([layer.attention for layer in model.layers], start_pos, rng)
    L = 1 if n < 16 else 3
    return model, (rng.integers(0, args.vocab_size, (2, L)), start_pos)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
