"""A windowed-sinc low-pass FIR filter designed on the fly (np.sinc, np.hamming-style window by hand) and applied
with np.convolve in 'same' and 'valid' modes; the filtered signal's energy returned as a Python float."""
import math

import numpy as np


def design_lowpass(ntaps, cutoff):
    m = np.arange(ntaps) - (ntaps - 1) / 2.0
    h = np.sinc(2 * cutoff * m)
    window = 0.54 - 0.46 * np.cos(2 * math.pi * np.arange(ntaps) / (ntaps - 1))
    h = h * window
    return h / np.sum(h)


def fir(x, ntaps=9, cutoff=0.2):
    h = design_lowpass(ntaps, cutoff).astype(x.dtype)
    same = np.convolve(x, h, mode="same")
    valid = np.convolve(x, h, mode="valid")
    energy = float(np.dot(valid, valid))
    return same, valid, energy


def init(n, dtype, rng):
    t = np.arange(n * 4)
    x = (np.sin(0.1 * t) + 0.3 * rng.standard_normal(n * 4)).astype(dtype)
    return fir, (x,)


TOL = {"float32": (1e-4, 1e-4), "float64": (1e-10, 1e-12)}
