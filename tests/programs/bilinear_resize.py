"""Bilinear image resize as written in image-processing scripts: source coordinates from np.linspace, floor and
clip to integer index arrays, four gathers with broadcast row/column indices, weights from the fractions."""
import numpy as np


def resize(img, out_h: int, out_w: int):
    h, w = img.shape
    ys = np.linspace(0, h - 1, out_h)
    xs = np.linspace(0, w - 1, out_w)
    y0 = np.floor(ys).astype(np.int64)
    x0 = np.floor(xs).astype(np.int64)
    y1 = np.clip(y0 + 1, 0, h - 1)
    x1 = np.clip(x0 + 1, 0, w - 1)
    wy = (ys - y0)[:, None]
    wx = (xs - x0)[None, :]
    top = img[y0[:, None], x0[None, :]] * (1 - wx) + img[y0[:, None], x1[None, :]] * wx
    bottom = img[y1[:, None], x0[None, :]] * (1 - wx) + img[y1[:, None], x1[None, :]] * wx
    return top * (1 - wy) + bottom * wy


def init(n, dtype, rng):
    return resize, (rng.random((n, n + 3)).astype(dtype), 2 * n - 1, n + 5)
