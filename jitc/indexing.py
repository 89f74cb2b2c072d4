"""Basic indexing (`x[i]`, `x[1:3, :, None]`) decomposed into select/slice/unsqueeze ops, for both frontends."""
from __future__ import annotations

from .errors import JitcError


def index_steps(index, ndim: int | None) -> list[tuple]:
    """The ops that implement `x[index]`: a list of (op name, dim, *args). `ndim` is needed only for `...`."""
    items = index if isinstance(index, tuple) else (index,)
    if sum(i is Ellipsis for i in items) > 1:
        raise JitcError("an index can only have a single ellipsis ('...')")
    steps, dim = [], 0
    for pos, item in enumerate(items):
        if item is Ellipsis:
            rest = sum(1 for i in items[pos + 1:] if i is not None)
            if ndim is None:
                return steps + _from_the_end(items[pos + 1:])
            dim = ndim - rest
        elif item is None:
            steps.append(("aten::unsqueeze", dim))
            dim += 1
        elif isinstance(item, slice):
            if not (item.start is None and item.stop is None and item.step is None):
                steps.append(("aten::slice", dim, item.start, item.stop, item.step))
            dim += 1
        elif _not_basic(item):
            _refuse(item)
        else:
            steps.append(("aten::select", dim, item))  # an int, or an int-typed IR value when scripting
    return steps


def _from_the_end(items) -> list[tuple]:
    """The steps of the items after `...` when the rank is unknown: right to left, on dimensions counted from the
    end (an int removes its dimension, which leaves the next one at the same negative position)."""
    steps, dim = [], -1
    for item in reversed(items):
        if item is None:
            steps.append(("aten::unsqueeze", dim))
            dim -= 1
        elif isinstance(item, slice):
            if not (item.start is None and item.stop is None and item.step is None):
                steps.append(("aten::slice", dim, item.start, item.stop, item.step))
            dim -= 1
        elif _not_basic(item):
            _refuse(item)
        else:
            steps.append(("aten::select", dim, item))
    return steps


def _not_basic(item) -> bool:
    return isinstance(item, (bool, float, list)) or hasattr(item, "__array__")


def _refuse(item):
    what = f"an array of shape {item.shape}" if hasattr(item, "shape") else repr(item)[:80]
    raise JitcError(f"only basic indexing (integers, slices, None, ...) is supported, got {what}")
