"""The row, reduction and product workloads (issue 13): what models spend their time on. Each states the bytes it
must move at least (inputs read once, output written once) and, for products, its floating-point operations, so
the report shows GB/s against the machine's copy bandwidth and GFLOP/s."""
from __future__ import annotations

import numpy as np


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def layernorm(x, g, b):
    m = x.mean(axis=-1, keepdims=True)
    d = x - m
    return d / np.sqrt((d * d).mean(axis=-1, keepdims=True) + 1e-5) * g + b


def row_max(x):
    return x.max(axis=1)


def full_max(x):
    return x.max()


def matvec(a, x):
    return a @ x


def mlp(x, w1, b1, w2, b2, w3, b3):
    h = np.maximum(x @ w1 + b1, 0)
    h = np.maximum(h @ w2 + b2, 0)
    z = h @ w3 + b3
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


TOKENS, HEADS, HEAD_DIM = 64, 6, 48


def attention(x, wq, wk, wv, wo):
    """One self-attention block: projections, per-head scores, softmax, weighted values, output projection."""
    q = (x @ wq).reshape(TOKENS, HEADS, HEAD_DIM).transpose(1, 0, 2)
    k = (x @ wk).reshape(TOKENS, HEADS, HEAD_DIM).transpose(1, 0, 2)
    v = (x @ wv).reshape(TOKENS, HEADS, HEAD_DIM).transpose(1, 0, 2)
    s = q @ k.transpose(0, 2, 1) * (1.0 / HEAD_DIM ** 0.5)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    return (p @ v).transpose(1, 0, 2).reshape(TOKENS, HEADS * HEAD_DIM) @ wo


def _scaled(rng, *shape, dtype=np.float32):
    """Weights with nn.Linear's scale, so activations stay near 1 through the layers."""
    return (rng.standard_normal(shape) / np.sqrt(shape[0])).astype(dtype)


def build(workload, quick: bool, rng: np.random.Generator) -> dict:
    """name -> maker of its Workload (sizes shrink with --quick)."""
    rows, cols = (64, 256) if quick else (4096, 1024)
    n_full = 1 << 14 if quick else 1 << 20
    gm, gk = (200, 300) if quick else (4000, 5000)

    def rowwise(name, fn, title, extra=()):
        x = rng.standard_normal((rows, cols), dtype=np.float32)
        inputs = (x, *extra)
        return workload(name, f"{rows}x{cols}", title, fn, inputs, rtol=1e-5, atol=1e-6,
                        bytes=sum(a.nbytes for a in inputs) + np.asarray(fn(*inputs)).nbytes)

    def products(name, fn, size, title, inputs, flops, rtol=1e-4, atol=1e-5):
        return workload(name, size, title, fn, inputs, rtol=rtol, atol=atol, blas=True, flops=flops, settle=0.1,
                        bytes=sum(a.nbytes for a in inputs))

    def make_mlp():
        batch = 16 if quick else 64
        inputs = (rng.standard_normal((batch, 784), dtype=np.float32), _scaled(rng, 784, 256), _scaled(rng, 256),
                  _scaled(rng, 256, 256), _scaled(rng, 256), _scaled(rng, 256, 10), _scaled(rng, 10))
        return products("mlp", mlp, f"batch {batch}", "MLP 784-256-256-10 + softmax", inputs,
                        2 * batch * (784 * 256 + 256 * 256 + 256 * 10))

    def make_attention():
        d = HEADS * HEAD_DIM
        inputs = (rng.standard_normal((TOKENS, d), dtype=np.float32),
                  *(_scaled(rng, d, d) for _ in range(4)))
        flops = 2 * TOKENS * d * d * 4 + 2 * 2 * HEADS * TOKENS * TOKENS * HEAD_DIM
        return products("attention", attention, f"{TOKENS}x{HEADS}x{HEAD_DIM}", "self-attention block", inputs, flops)

    def make_matvec(m, k, name):
        a, x = rng.standard_normal((m, k)), rng.standard_normal(k)
        return products(name, matvec, f"{m}x{k}", "A @ x (float64)", (a, x), 2 * m * k, rtol=1e-10, atol=1e-10)

    return {
        "softmax": lambda: rowwise("softmax", softmax, "softmax over rows"),
        "layernorm": lambda: rowwise("layernorm", layernorm, "layernorm over rows",
                                     (rng.standard_normal(cols, dtype=np.float32),
                                      rng.standard_normal(cols, dtype=np.float32))),
        "row_max": lambda: rowwise("row_max", row_max, "x.max(axis=1)"),
        "full_max": lambda: workload("full_max", f"{n_full >> 10}k", "x.max()", full_max,
                                     (rng.standard_normal(n_full, dtype=np.float32),), rtol=0, atol=0,
                                     bytes=4 * n_full),
        "matvec": lambda: make_matvec(gm, gk, "matvec"),
        "matvec_small": lambda: make_matvec(100, 100, "matvec_small"),
        "mlp": make_mlp,
        "attention": make_attention,
    }
