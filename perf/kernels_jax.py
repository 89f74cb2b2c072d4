"""The workloads in JAX under `jax.jit`: the same NumPy code in `jax.numpy` spelling. Inputs are placed on JAX's
device before timing and each call waits for its result (`block_until_ready`), so the comparison favours JAX."""
from __future__ import annotations

from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp

from . import workloads_models as models

if TYPE_CHECKING:
    from .workloads import Workload

jax.config.update("jax_enable_x64", True)  # the float64 workloads stay float64 (float32 inputs stay float32)


def tanh_add(x, h):
    return jnp.tanh(x + h)


def tanh_scaled(x, h):
    return jnp.tanh(x * 0.5 + h) * 0.5 + 0.5


def linear_tanh(x, W, b, h):
    return jnp.tanh(x @ W.T + b + h)


def softmax(x):
    return jax.nn.softmax(x, axis=-1)


def layernorm(x, g, b):
    m = x.mean(axis=-1, keepdims=True)
    d = x - m
    return d / jnp.sqrt((d * d).mean(axis=-1, keepdims=True) + 1e-5) * g + b


def mlp(x, w1, b1, w2, b2, w3, b3):
    h = jnp.maximum(x @ w1 + b1, 0)
    h = jnp.maximum(h @ w2 + b2, 0)
    return jax.nn.softmax(h @ w3 + b3, axis=-1)


def attention(x, wq, wk, wv, wo):
    t, hs, d = models.TOKENS, models.HEADS, models.HEAD_DIM
    q, k, v = ((x @ w).reshape(t, hs, d).transpose(1, 0, 2) for w in (wq, wk, wv))
    p = jax.nn.softmax(q @ k.transpose(0, 2, 1) * (1.0 / d ** 0.5), axis=-1)
    return (p @ v).transpose(1, 0, 2).reshape(t, hs * d) @ wo


_FUNCTIONS = {"tanh_add": tanh_add, "tanh_scaled": tanh_scaled, "linear_tanh": linear_tanh, "softmax": softmax,
              "layernorm": layernorm, "row_max": lambda x: x.max(axis=1), "full_max": lambda x: x.max(),
              "matvec": lambda a, x: a @ x, "matvec_small": lambda a, x: a @ x, "mlp": mlp, "attention": attention}


def variants(w: Workload) -> dict[str, object] | None:
    fn = _FUNCTIONS.get(w.name)
    if fn is None:
        return None
    compiled = jax.jit(fn)
    args = [jax.device_put(a) for a in w.inputs]
    return {"": lambda: compiled(*args).block_until_ready()}
