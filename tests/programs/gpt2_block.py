"""A GPT-2 transformer block in the picoGPT style: small free functions, layer norm with np.var, the tanh GELU,
qkv split with np.split, one loop over heads with np.split, a causal mask from np.tri, heads joined by
np.hstack; params are nested dicts of arrays."""
import numpy as np


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def softmax(x):
    exp_x = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)


def layer_norm(x, g, b, eps: float = 1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    variance = np.var(x, axis=-1, keepdims=True)
    x = (x - mean) / np.sqrt(variance + eps)
    return g * x + b


def linear(x, w, b):
    return x @ w + b


def ffn(x, c_fc, c_proj):
    a = gelu(linear(x, **c_fc))
    return linear(a, **c_proj)


def attention(q, k, v, mask):
    return softmax(q @ k.T / np.sqrt(q.shape[-1]) + mask) @ v


def mha(x, c_attn, c_proj, n_head):
    x = linear(x, **c_attn)
    qkv = np.split(x, 3, axis=-1)
    qkv_heads = [np.split(x, n_head, axis=-1) for x in qkv]
    causal_mask = (1 - np.tri(x.shape[0], dtype=x.dtype)) * -1e10
    out_heads = [attention(q, k, v, causal_mask) for q, k, v in zip(*qkv_heads)]
    x = np.hstack(out_heads)
    return linear(x, **c_proj)


def transformer_block(x, mlp, attn, ln_1, ln_2, n_head):
    x = x + mha(layer_norm(x, **ln_1), **attn, n_head=n_head)
    x = x + ffn(layer_norm(x, **ln_2), **mlp)
    return x


def _linear_params(rng, n_in, n_out, dtype):
    return {"w": (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(dtype),
            "b": (0.1 * rng.standard_normal(n_out)).astype(dtype)}


def _ln_params(rng, d, dtype):
    return {"g": (1 + 0.1 * rng.standard_normal(d)).astype(dtype), "b": (0.1 * rng.standard_normal(d)).astype(dtype)}


def init(n, dtype, rng):
    d = 16
    mlp = {"c_fc": _linear_params(rng, d, 4 * d, dtype), "c_proj": _linear_params(rng, 4 * d, d, dtype)}
    attn = {"c_attn": _linear_params(rng, d, 3 * d, dtype), "c_proj": _linear_params(rng, d, d, dtype)}
    x = rng.standard_normal((min(n, 20), d)).astype(dtype)
    return transformer_block, (x, mlp, attn, _ln_params(rng, d, dtype), _ln_params(rng, d, dtype), 4)


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
