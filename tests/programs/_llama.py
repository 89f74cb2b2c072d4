# ruff: noqa: F821, UP037  -- shape hints are strings in annotations (as llama3.np writes them), not names
"""A Llama-style decoder in plain NumPy (after llama3.np): RMSNorm, RoPE, grouped-query attention with a KV cache
written in place, SwiGLU feed-forward; plain Python classes and shape-hint annotations. Shared by the
llama_* programs (a leading underscore: not a program itself)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


class Array:
    """Shape hints as llama3.np writes them: `Array["B, L, D"]` reads as an ndarray."""

    def __class_getitem__(cls, shape):
        return np.ndarray


@dataclass
class ModelArgs:
    dim: int = 32
    n_layers: int = 2
    n_heads: int = 4
    n_kv_heads: int = 2
    vocab_size: int = 50
    hidden_dim: int = 64
    norm_eps: float = 1e-5
    max_batch_size: int = 2
    max_seq_len: int = 64


def softmax(x):
    exp_x = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)


def silu(x):
    return x * (1 / (1 + np.exp(-x)))


def compute_cos_sin_cache(head_dim: int, max_seq_len: int, base: int = 10000, dtype=np.float32):
    inv_freq: Array["HD//2"] = 1.0 / (base ** (np.arange(0, head_dim, 2)[: (head_dim // 2)] / head_dim))
    t: Array["M"] = np.arange(max_seq_len)
    freqs: Array["M, HD//2"] = np.outer(t, inv_freq)
    return np.cos(freqs).astype(dtype), np.sin(freqs).astype(dtype)


def apply_rotary_emb(xq: Array["B, L or 1, QHN, HD"], xk: Array["B, L or 1, KVHN, HD"],
                     freqs_cos: Array["L or 1, HD//2"], freqs_sin: Array["L or 1, HD//2"]):
    xqri: Array["B, L or 1, QHN, HD//2, 2"] = xq.reshape(xq.shape[:-1] + (-1, 2))
    xkri: Array["B, L or 1, KVHN, HD//2, 2"] = xk.reshape(xk.shape[:-1] + (-1, 2))
    xq_r, xq_i = np.split(xqri, 2, axis=-1)
    xq_r: Array["B, L or 1, QHN, HD//2"] = xq_r.squeeze(-1)
    xq_i: Array["B, L or 1, QHN, HD//2"] = xq_i.squeeze(-1)
    xk_r, xk_i = np.split(xkri, 2, axis=-1)
    xk_r: Array["B, L or 1, KVHN, HD//2"] = xk_r.squeeze(-1)
    xk_i: Array["B, L or 1, KVHN, HD//2"] = xk_i.squeeze(-1)
    freqs_cos: Array["B, L or 1, 1, HD//2"] = np.expand_dims(freqs_cos, axis=(0, 2))
    freqs_sin: Array["B, L or 1, 1, HD//2"] = np.expand_dims(freqs_sin, axis=(0, 2))
    xq_out_r = xq_r * freqs_cos - xq_i * freqs_sin
    xq_out_i = xq_r * freqs_sin + xq_i * freqs_cos
    xk_out_r = xk_r * freqs_cos - xk_i * freqs_sin
    xk_out_i = xk_r * freqs_sin + xk_i * freqs_cos
    xq_out = np.stack([xq_out_r, xq_out_i], axis=-1)
    xk_out = np.stack([xk_out_r, xk_out_i], axis=-1)
    xq_out: Array["B, L or 1, QHN, HD"] = xq_out.reshape(xq_out.shape[:-2] + (-1,))
    xk_out: Array["B, L or 1, KVHN, HD"] = xk_out.reshape(xk_out.shape[:-2] + (-1,))
    return xq_out, xk_out


def repeat_kv(x: Array["B, L, KVHN, HD"], n_rep: int):
    if n_rep == 1:
        return x
    return np.repeat(x, n_rep, axis=2)


class FeedForward:
    def __init__(self, up_weight, gate_weight, down_weight):
        self.up_weight = up_weight.T
        self.gate_weight = gate_weight.T
        self.down_weight = down_weight.T

    def __call__(self, x: Array["B, L or 1, D"]):
        swish = silu(x @ self.gate_weight)
        x_V = x @ self.up_weight
        x = swish * x_V
        return x @ self.down_weight


class RMSNorm:
    def __init__(self, weight, eps: float):
        self.weight = weight
        self.eps = eps

    def __call__(self, x: Array["B, L or 1, D"]):
        z = (x ** 2).mean(-1, keepdims=True) + self.eps
        z = x / np.sqrt(z)
        return z * self.weight


class Attention:
    def __init__(self, q_weight, k_weight, v_weight, o_weight, args: ModelArgs, dtype):
        self.n_kv_heads = args.n_heads if args.n_kv_heads is None else args.n_kv_heads
        self.n_local_heads = args.n_heads
        self.n_local_kv_heads = self.n_kv_heads
        self.n_rep = self.n_local_heads // self.n_local_kv_heads
        self.head_dim = args.dim // args.n_heads
        self.q_weight = q_weight.T
        self.k_weight = k_weight.T
        self.v_weight = v_weight.T
        self.o_weight = o_weight.T
        self.cache_k = np.zeros((args.max_batch_size, args.max_seq_len, self.n_local_kv_heads, self.head_dim), dtype)
        self.cache_v = np.zeros((args.max_batch_size, args.max_seq_len, self.n_local_kv_heads, self.head_dim), dtype)

    def __call__(self, x: Array["B, L or 1, D"], start_pos: int, mask: Array["L, L"] | None,
                 freqs_cos: Array["L or 1, HD//2"], freqs_sin: Array["L or 1, HD//2"]):
        B, L, _ = x.shape
        xq: Array["B, L or 1, D"] = x @ self.q_weight
        xk: Array["B, L or 1, D"] = x @ self.k_weight
        xv: Array["B, L or 1, D"] = x @ self.v_weight
        xq = xq.reshape(B, L, self.n_local_heads, self.head_dim)
        xk = xk.reshape(B, L, self.n_local_kv_heads, self.head_dim)
        xv = xv.reshape(B, L, self.n_local_kv_heads, self.head_dim)
        xq, xk = apply_rotary_emb(xq, xk, freqs_cos, freqs_sin)
        self.cache_k[:B, start_pos: start_pos + L] = xk
        self.cache_v[:B, start_pos: start_pos + L] = xv
        ks = self.cache_k[:B, : start_pos + L]
        vs = self.cache_v[:B, : start_pos + L]
        xk = repeat_kv(ks, self.n_rep)
        xv = repeat_kv(vs, self.n_rep)
        xq = xq.transpose(0, 2, 1, 3)
        xk = xk.transpose(0, 2, 1, 3)
        xv = xv.transpose(0, 2, 1, 3)
        attention = xq @ xk.transpose(0, 1, 3, 2) / math.sqrt(self.head_dim)
        if mask is not None:
            attention = attention + mask[None, None, :, :]
        attention = softmax(attention)
        output = attention @ xv
        output = output.transpose(0, 2, 1, 3).reshape(B, L, -1)
        return output @ self.o_weight


class TransformerBlock:
    def __init__(self, weights: dict, layer_id: int, args: ModelArgs, dtype):
        p = f"model.layers.{layer_id}."
        self.attention = Attention(weights[p + "self_attn.q_proj.weight"], weights[p + "self_attn.k_proj.weight"],
                                   weights[p + "self_attn.v_proj.weight"], weights[p + "self_attn.o_proj.weight"],
                                   args, dtype)
        self.feed_forward = FeedForward(weights[p + "mlp.up_proj.weight"], weights[p + "mlp.gate_proj.weight"],
                                        weights[p + "mlp.down_proj.weight"])
        self.input_layernorm = RMSNorm(weights[p + "input_layernorm.weight"], eps=args.norm_eps)
        self.post_attention_layernorm = RMSNorm(weights[p + "post_attention_layernorm.weight"], eps=args.norm_eps)

    def __call__(self, x, start_pos: int, mask, freqs_cos, freqs_sin):
        h = x + self.attention(self.input_layernorm(x), start_pos, mask, freqs_cos, freqs_sin)
        return h + self.feed_forward(self.post_attention_layernorm(h))


class Llama:
    def __init__(self, weights: dict, args: ModelArgs, dtype):
        self.args = args
        self.tok_embedding = weights["model.embed_tokens.weight"]
        self.freqs_cos, self.freqs_sin = compute_cos_sin_cache(args.dim // args.n_heads, args.max_seq_len,
                                                               dtype=dtype)
        self.layers = [TransformerBlock(weights, i, args, dtype) for i in range(args.n_layers)]
        self.norm = RMSNorm(weights["model.norm.weight"], eps=args.norm_eps)
        self.lm_head_weight = weights["lm_head.weight"].T

    def __call__(self, input_ids: Array["B, L"], start_pos: int):
        _, L = input_ids.shape
        h: Array["B, L or 1, D"] = self.tok_embedding[input_ids]
        freqs_cos = self.freqs_cos[start_pos: start_pos + L]
        freqs_sin = self.freqs_sin[start_pos: start_pos + L]
        mask = None
        if L > 1:
            mask = np.full((L, L), float("-inf"))
            mask = np.triu(mask, k=1)
            mask = np.concatenate([np.zeros((L, start_pos)), mask], axis=1)
        for layer in self.layers:
            h = layer(h, start_pos, mask, freqs_cos, freqs_sin)
        h = self.norm(h)
        return h[:, [-1], :] @ self.lm_head_weight


def random_weights(args: ModelArgs, dtype, rng) -> dict:
    D, HD, KV = args.dim, args.dim // args.n_heads, args.n_kv_heads
    shapes = {"model.embed_tokens.weight": (args.vocab_size, D), "model.norm.weight": (D,),
              "lm_head.weight": (args.vocab_size, D)}
    for i in range(args.n_layers):
        p = f"model.layers.{i}."
        shapes.update({p + "self_attn.q_proj.weight": (D, D), p + "self_attn.k_proj.weight": (KV * HD, D),
                       p + "self_attn.v_proj.weight": (KV * HD, D), p + "self_attn.o_proj.weight": (D, D),
                       p + "mlp.up_proj.weight": (args.hidden_dim, D), p + "mlp.gate_proj.weight": (args.hidden_dim, D),
                       p + "mlp.down_proj.weight": (D, args.hidden_dim), p + "input_layernorm.weight": (D,),
                       p + "post_attention_layernorm.weight": (D,)})
    return {k: (rng.standard_normal(s) / np.sqrt(s[-1])).astype(dtype) for k, s in shapes.items()}


def fill_cache(attentions, start_pos: int, rng) -> None:
    """Positions before start_pos hold earlier tokens' keys and values."""
    for attention in attentions:
        for cache in (attention.cache_k, attention.cache_v):
            cache[:, :start_pos] = rng.standard_normal(cache[:, :start_pos].shape)
