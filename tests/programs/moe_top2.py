"""A mixture-of-experts feed-forward layer with top-2 routing: router softmax, the best expert by np.argmax,
the runner-up by masking it with -np.inf and argmax again, gates renormalized, then a loop over experts that
gathers the tokens routed to each with np.where / np.nonzero and scatters the weighted outputs back."""
import numpy as np


class Expert:
    def __init__(self, W1, W2):
        self.W1 = W1
        self.W2 = W2

    def __call__(self, x):
        return np.maximum(x @ self.W1, 0) @ self.W2


class MoELayer:
    def __init__(self, W_router, experts):
        self.W_router = W_router
        self.experts = experts

    def __call__(self, x):
        T = x.shape[0]
        logits = x @ self.W_router
        probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probs /= probs.sum(axis=-1, keepdims=True)
        top1 = np.argmax(probs, axis=-1)
        masked = probs.copy()
        masked[np.arange(T), top1] = -np.inf
        top2 = np.argmax(masked, axis=-1)
        g1 = probs[np.arange(T), top1]
        g2 = probs[np.arange(T), top2]
        denom = g1 + g2
        g1, g2 = g1 / denom, g2 / denom
        out = np.zeros_like(x)
        for e, expert in enumerate(self.experts):
            idx1 = np.where(top1 == e)[0]
            idx2 = np.nonzero(top2 == e)[0]
            if idx1.size > 0:
                out[idx1] += g1[idx1, None] * expert(x[idx1])
            if idx2.size > 0:
                out[idx2] += g2[idx2, None] * expert(x[idx2])
        return out


def init(n, dtype, rng):
    C, H, E = 8, 16, 4
    experts = [Expert((rng.standard_normal((C, H)) / np.sqrt(C)).astype(dtype),
                      (rng.standard_normal((H, C)) / np.sqrt(H)).astype(dtype)) for _ in range(E)]
    moe = MoELayer(rng.standard_normal((C, E)).astype(dtype), experts)
    return moe, (rng.standard_normal((n, C)).astype(dtype),)


TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}
