"""3x3 box blur of an image, edges replicated: pad by hand, then average the nine shifted views."""
import numpy as np


def blur(img):
    h, w = img.shape
    padded = np.empty((h + 2, w + 2), dtype=img.dtype)
    padded[1:-1, 1:-1] = img
    padded[0, 1:-1] = img[0]
    padded[-1, 1:-1] = img[-1]
    padded[:, 0] = padded[:, 1]
    padded[:, -1] = padded[:, -2]
    out = np.zeros_like(img)
    for dy in range(3):
        for dx in range(3):
            out += padded[dy:dy + h, dx:dx + w]
    out /= 9
    return out


def init(n, dtype, rng):
    return blur, (rng.random((n, n + 1)).astype(dtype),)
