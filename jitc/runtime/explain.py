"""Why a call compiles: the difference between its signature and the nearest one already compiled, in the
words torch.compile's `TORCH_LOGS=recompiles` uses ("input 'x' dim 0: 64 -> 65")."""
from __future__ import annotations

import os
import sys

import numpy as np


def logging_recompiles() -> bool:
    return "recompiles" in os.environ.get("JITC_LOG", "").split(",")


def _describe(entry) -> str:
    if isinstance(entry, tuple):
        dtype, shape, _ = entry
        return f"{np.dtype(dtype).name}{list(shape)}"
    return getattr(entry, "__name__", str(entry))  # a type, a by-value argument, a symbolic specialization's fact


def _differences(new: tuple, old: tuple, names: list[str]) -> list[str]:
    out = []
    for i, (a, b) in enumerate(zip(new, old)):
        name = names[i] if i < len(names) else f"#{i}"
        if a == b:
            continue
        if isinstance(a, tuple) and isinstance(b, tuple):
            (da, sa, ta), (db, sb, tb) = a, b
            if da != db:
                out.append(f"input '{name}' dtype: {np.dtype(db).name} -> {np.dtype(da).name}")
            elif len(sa) != len(sb):
                out.append(f"input '{name}' rank: {len(sb)} -> {len(sa)}")
            elif sa != sb:
                out.extend(f"input '{name}' dim {d}: {y} -> {x}" for d, (x, y) in enumerate(zip(sa, sb)) if x != y)
            else:
                out.append(f"input '{name}' strides (bytes): {list(tb)} -> {list(ta)}")
        else:
            out.append(f"input '{name}': {_describe(b)} -> {_describe(a)}")
    return out


def explain(key: tuple, compiled: list[tuple], names: list[str]) -> str:
    """One line saying why `key` needs a new specialization, given the signatures already compiled."""
    if key in compiled:
        return "already compiled for this signature"
    if not compiled:
        return "first call: no specialization yet"
    nearest = min(compiled, key=lambda old: len(_differences(key, old, names)) if len(old) == len(key) else 1 << 30)
    if len(nearest) != len(key):
        return f"{len(key)} arguments where compiled code takes {len(nearest)}"
    return "; ".join(_differences(key, nearest, names))


def log_recompile(function: str, reason: str) -> None:
    print(f"jitc: recompiling {function}(): {reason}", file=sys.stderr)
