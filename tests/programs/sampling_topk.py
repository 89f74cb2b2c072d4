"""Next-token sampling as in "GPT from scratch" repos: temperature, top-k by np.argsort, top-p (nucleus) by a
sorted cumulative sum, then inverse-CDF sampling of pre-drawn uniforms with np.cumsum + np.searchsorted."""
import numpy as np


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def sample_next(logits, u, temperature=0.8, top_k=5, top_p=0.9):
    V = logits.shape[-1]
    tokens = np.zeros(logits.shape[0], dtype=np.int64)
    for b in range(logits.shape[0]):
        scaled = logits[b] / temperature
        if top_k is not None and top_k < V:
            kth = np.sort(scaled)[-top_k]
            scaled = np.where(scaled < kth, -np.inf, scaled)
        probs = softmax(scaled)
        order = np.argsort(probs)[::-1]
        sorted_probs = probs[order]
        cum = np.cumsum(sorted_probs)
        cutoff = cum - sorted_probs > top_p          # drop tokens once the mass before them exceeds top_p
        sorted_probs[cutoff] = 0.0
        sorted_probs /= sorted_probs.sum()
        idx = np.searchsorted(np.cumsum(sorted_probs), u[b])
        tokens[b] = order[min(idx, V - 1)]
    return tokens


def init(n, dtype, rng):
    logits = (2 * rng.standard_normal((4, n + 3))).astype(dtype)
    return sample_next, (logits, rng.random(4).astype(dtype))
