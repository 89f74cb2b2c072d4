"""A bilateral-style smoothing of an image: edge-padded with np.pad, a window loop over offsets with Python ints,
spatial weights from math.exp, range weights from np.exp of intensity differences, normalised accumulation."""
import math

import numpy as np


def bilateral(img, radius=2, sigma_s=1.5, sigma_r=0.2):
    H, W = img.shape
    padded = np.pad(img, radius, mode="edge")
    acc = np.zeros_like(img)
    norm = np.zeros_like(img)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            shifted = padded[radius + dy:radius + dy + H, radius + dx:radius + dx + W]
            w_s = math.exp(-(dx * dx + dy * dy) / (2 * sigma_s ** 2))
            w = w_s * np.exp(-((shifted - img) ** 2) / (2 * sigma_r ** 2))
            acc += w * shifted
            norm += w
    return acc / norm


def init(n, dtype, rng):
    img = rng.random((n, n + 2)).astype(dtype)
    img[:, : n // 2] += 1.0
    return bilateral, (img,)


TOL = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}
