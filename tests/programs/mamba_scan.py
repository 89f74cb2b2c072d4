"""A minimal Mamba-style selective state-space layer: input projection split in two with np.split, softplus
step sizes, discretized A and B via np.einsum, a sequential scan over time writing states into an np.empty
buffer, the SiLU-gated output and the output projection; shapes read with `b, l, d = x.shape`."""
import numpy as np


def softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def silu(x):
    return x / (1 + np.exp(-x))


def selective_scan(u, delta, A, B, C, D):
    b, l, d_in = u.shape
    n = A.shape[1]
    deltaA = np.exp(np.einsum('bld,dn->bldn', delta, A))
    deltaB_u = np.einsum('bld,bln,bld->bldn', delta, B, u)
    x = np.zeros((b, d_in, n), dtype=u.dtype)
    ys = np.empty((b, l, d_in), dtype=u.dtype)
    for i in range(l):
        x = deltaA[:, i] * x + deltaB_u[:, i]
        ys[:, i] = np.einsum('bdn,bn->bd', x, C[:, i, :])
    return ys + u * D


def mamba_layer(x, W_in, W_x, W_dt, A_log, D, W_out):
    n = A_log.shape[1]
    xz = x @ W_in
    xs, res = np.split(xz, 2, axis=-1)
    xs = silu(xs)
    A = -np.exp(A_log)
    x_dbl = xs @ W_x
    dt_rank = x_dbl.shape[-1] - 2 * n
    delta, B, C = x_dbl[..., :dt_rank], x_dbl[..., dt_rank:dt_rank + n], x_dbl[..., dt_rank + n:]
    delta = softplus(delta @ W_dt)
    y = selective_scan(xs, delta, A, B, C, D)
    y = y * silu(res)
    return y @ W_out


def init(n, dtype, rng):
    d, d_in, N, r = 8, 16, 4, 2
    L = min(n, 12)
    w = lambda *s: (rng.standard_normal(s) / np.sqrt(s[0])).astype(dtype)
    A_log = np.log(np.tile(np.arange(1, N + 1, dtype=np.float64), (d_in, 1))).astype(dtype)
    return mamba_layer, (rng.standard_normal((2, L, d)).astype(dtype), w(d, 2 * d_in), w(d_in, r + 2 * N),
                         w(r, d_in), A_log, rng.standard_normal(d_in).astype(dtype), w(d_in, d))


TOL = {"float32": (1e-3, 1e-4), "float64": (1e-9, 1e-11)}
