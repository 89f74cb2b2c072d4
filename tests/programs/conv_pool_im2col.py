"""A conv layer by im2col (patches gathered with explicit loops over output positions and slicing), a ReLU,
then 2x2 max pooling with loops over windows and np.max(..., axis=(2, 3)), as in "CNN from scratch" posts."""
import numpy as np


def im2col(x, kh, kw, stride=1):
    N, C, H, W = x.shape
    out_h = (H - kh) // stride + 1
    out_w = (W - kw) // stride + 1
    cols = np.zeros((N, out_h, out_w, C * kh * kw), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            cols[:, i, j, :] = patch.reshape(N, -1)
    return cols.reshape(N * out_h * out_w, -1), out_h, out_w


def conv_forward(x, w, b):
    F, _, kh, kw = w.shape
    N = x.shape[0]
    cols, out_h, out_w = im2col(x, kh, kw)
    out = cols @ w.reshape(F, -1).T + b
    return out.reshape(N, out_h, out_w, F).transpose(0, 3, 1, 2)


def max_pool(x, size=2, stride=2):
    N, C, H, W = x.shape
    out_h = (H - size) // stride + 1
    out_w = (W - size) // stride + 1
    out = np.zeros((N, C, out_h, out_w), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            out[:, :, i, j] = np.max(window, axis=(2, 3))
    return out


def conv_relu_pool(x, w, b):
    return max_pool(np.maximum(conv_forward(x, w, b), 0))


def init(n, dtype, rng):
    side = 6 if n < 16 else 9
    x = rng.standard_normal((2, 3, side, side)).astype(dtype)
    w = (rng.standard_normal((4, 3, 3, 3)) / 3).astype(dtype)
    b = rng.standard_normal(4).astype(dtype)
    return conv_relu_pool, (x, w, b)


TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}
