"""Complex products of NumPy scalars: `*` on them runs NumPy's scalar math (scalarmath.c, built for the baseline
CPU: (ac - bd) + (ad + bc)i, each product rounded), on arrays NumPy's SIMD loop (fused multiply-adds). The
products NumPy computes on scalars are marked, so codegen rounds them the same way (`conj(z) * z` of a scalar z
has an imaginary part of exactly 0 then, and not the products' rounding error)."""
from __future__ import annotations

from ..ir import Graph, Value
from ..ops.results import SCALAR_PRODUCT, numpy_gives_scalar
from ..types import ScalarType, TensorType


def _numpy_scalar(v: Value) -> bool:
    return isinstance(v.type, ScalarType) or numpy_gives_scalar(v)


def mark_scalar_products(graph: Graph) -> None:
    for node in graph.nodes():
        t = node.outputs[0].type if node.kind == "aten::mul" else None
        if isinstance(t, TensorType) and t.shape == () and t.dtype is not None and t.dtype.kind == "c" and \
                all(_numpy_scalar(v) for v in node.inputs):
            node.attrs[SCALAR_PRODUCT] = True
