"""Multi-head self-attention as a plain class: head split by reshape with sizes read from x.shape."""
import numpy as np


class MultiHeadAttention:
    def __init__(self, d_model, n_heads, rng, dtype):
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        scale = 1 / np.sqrt(d_model)
        self.Wqkv = (rng.standard_normal((d_model, 3 * d_model)) * scale).astype(dtype)
        self.Wo = (rng.standard_normal((d_model, d_model)) * scale).astype(dtype)

    def split_heads(self, t):
        B, T, _ = t.shape
        return t.reshape(B, T, self.n_heads, self.d_head).transpose(0, 2, 1, 3)

    def __call__(self, x):
        B, T, C = x.shape
        qkv = x @ self.Wqkv
        q = self.split_heads(qkv[..., :C])
        k = self.split_heads(qkv[..., C:2 * C])
        v = self.split_heads(qkv[..., 2 * C:])
        att = (q @ k.transpose(0, 1, 3, 2)) * (1.0 / np.sqrt(self.d_head))
        att = np.exp(att - att.max(axis=-1, keepdims=True))
        att /= att.sum(axis=-1, keepdims=True)
        y = (att @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        return y @ self.Wo


def init(n, dtype, rng):
    mha = MultiHeadAttention(16, 4, rng, dtype)
    return mha, (rng.standard_normal((2, min(n, 12), 16)).astype(dtype),)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
