"""Elementwise functions written over the elementwise ops: np.angle (over real, imag and arctan2)."""
from __future__ import annotations

import numpy as np

from .table import decomposition


@decomposition(np.angle)
def angle(z, deg=False):
    """NumPy's: arctan2(imag, real); a real z is arctan2(0, z)."""
    complex_z = (z.dtype if hasattr(z, "dtype") else np.asarray(z).dtype).kind == "c"
    a = np.arctan2(np.imag(z), np.real(z)) if complex_z else np.arctan2(0, z)
    return a * (180 / np.pi) if deg else a
