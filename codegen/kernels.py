"""The backend's lowering of each KERNEL op (jitc.ops.registry.KERNEL): op name -> fn(lowering, node) -> Buf.
Each lowering's module is imported when a graph first needs it: most graphs need none of them, and importing
them all took about 1.5 ms of every process's first compile."""
from __future__ import annotations

import importlib

_LOWERINGS = {  # op name -> (module of codegen, function)
    "aten::concatenate": ("concat", "lower_concatenate"),
    "aten::take": ("gather", "lower_take"),
    "aten::masked_select": ("compact", "lower_masked_select"),
    "aten::index_scatter": ("scatter", "lower_index_scatter"),
    "aten::arange": ("arange", "lower_arange"),
    "aten::svdvals": ("svd", "lower_svdvals"),
    "aten::solve": ("solve", "lower_solve"),
    "aten::sort": ("sort", "lower_sort"),
    "aten::argsort": ("sort", "lower_sort"),
    **{f"aten::{k}": ("fold", "lower_fold") for k in ("prod", "any", "all", "argmax", "argmin", "cumsum", "cumprod")},
}


def kernel(name: str):
    """The lowering of KERNEL op `name`."""
    module, function = _LOWERINGS[name]
    return getattr(importlib.import_module(f"{__package__}.{module}"), function)
