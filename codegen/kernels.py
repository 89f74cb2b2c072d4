"""The backend's lowering of each KERNEL op (jitc.ops.registry.KERNEL): op name -> fn(lowering, node) -> Buf."""
from __future__ import annotations

from .arange import lower_arange
from .compact import lower_masked_select
from .concat import lower_concatenate
from .fold import lower_fold
from .gather import lower_take
from .scatter import lower_index_scatter
from .svd import lower_svdvals

KERNELS = {
    "aten::concatenate": lower_concatenate,
    "aten::take": lower_take,
    "aten::masked_select": lower_masked_select,
    "aten::index_scatter": lower_index_scatter,
    "aten::arange": lower_arange,
    "aten::svdvals": lower_svdvals,
    **{f"aten::{k}": lower_fold for k in ("prod", "any", "all", "argmax", "argmin", "cumsum", "cumprod")},
}
