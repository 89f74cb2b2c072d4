"""A Llama-style decoder step and PolyBench-style kernels written with the NumPy API the decompositions cover
(tests/test_decomp_models.py compiles them)."""
from __future__ import annotations

import numpy as np


def decoder_step(emb, wqkv, wo, ids):
    """Embedding lookup, fused QKV projection split in three, grouped heads repeated, causal mask from triu,
    rotary-style position table from arange/outer, greedy next token from the last position."""
    h = emb[ids]                                           # (T, D)
    q, k, v = np.split(h @ wqkv, 3, axis=-1)               # (T, D) each
    t, d = q.shape
    heads = 2
    q = np.stack(np.split(q, heads, axis=-1))              # (H, T, D/H)
    k = np.repeat(np.expand_dims(k[:, :d // heads], axis=0), heads, axis=0)   # one shared key/value head
    v = np.repeat(v[None, :, :d // heads], heads, axis=0)
    pos = np.outer(np.arange(t), np.linspace(0.0, 1.0, d // heads))
    q = q + pos
    scores = np.einsum("hqd,hkd->hqk", q, k) / np.sqrt(d // heads)
    mask = np.triu(np.full((t, t), -1e9), 1)
    scores = scores + mask
    scores = scores - scores.max(axis=-1, keepdims=True)
    p = np.exp(scores)
    p = p / p.sum(axis=-1, keepdims=True)
    gate = np.expand_dims(np.arange(t) + 1.0, axis=(0, 2))  # (1, T, 1)
    ctx = np.concatenate(np.split(p @ v * gate, heads, axis=0), axis=-1).squeeze(0)   # (T, D)
    out = ctx @ wo
    last = out[[-1], :]                                    # (1, D)
    logits = np.dot(last, emb.T)
    return logits.argmax(axis=-1), np.linalg.norm(out, axis=-1), np.cumsum(ids)


def stats_kernel(data):
    """PolyBench correlation/covariance-style statistics with the reductions and creation functions."""
    mean = np.mean(data, axis=0)
    std = np.std(data, axis=0, ddof=1)
    centered = data - mean
    cov = np.tensordot(centered, centered, axes=([0], [0])) / (data.shape[0] - 1)
    corr = cov / np.outer(std, std)
    out = np.empty_like(corr)
    out = corr.copy() + out * 0.0
    flat = out.flatten()
    ok = np.all(np.abs(flat) <= 1.0 + 1e-9) & np.any(flat > 0.0)
    return out, np.var(data, axis=1), ok, np.abs(corr).prod(), np.eye(corr.shape[0]) * np.trace(corr)
