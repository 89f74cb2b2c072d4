"""Primitives as functions for decompositions to call: a primitive records on the proxies or symbolic arrays it
is given, or, when every argument is a constant, into the graph being expanded (so `prims.zeros(shape)` stays an
op there instead of becoming an embedded constant); outside any graph it runs NumPy."""
from __future__ import annotations

from ..registry import OPS, bind


def _dispatcher(args):
    for a in args:
        if isinstance(a, (tuple, list)):
            found = _dispatcher(a)
            if found is not None:
                return found
        elif getattr(type(a), "__jitc_dispatch__", None) is not None:
            return type(a).__jitc_dispatch__
    return None


def primitive(op_name: str):
    def call(*args, **kwargs):
        from .symbolic import ACTIVE

        dispatch = _dispatcher((*args, *kwargs.values()))
        if dispatch is not None:
            return dispatch(op_name, args, kwargs)
        if ACTIVE:
            return ACTIVE[-1].record(OPS[op_name], args, kwargs)
        return OPS[op_name].impl(*bind(OPS[op_name], args, kwargs))

    call.__name__ = op_name.split("::")[1]
    return call


concatenate = primitive("aten::concatenate")
take = primitive("aten::take")
masked_select = primitive("aten::masked_select")
masked_put = primitive("aten::masked_put")
index_scatter = primitive("aten::index_scatter")
arange = primitive("aten::arange")
zeros = primitive("aten::zeros")
cumsum = primitive("aten::cumsum")
cumprod = primitive("aten::cumprod")
sum = primitive("aten::sum")
mean = primitive("aten::mean")
to = primitive("aten::to")
unsqueeze = primitive("aten::unsqueeze")
to_bool = primitive("aten::Bool")
to_int = primitive("aten::Int")
to_float = primitive("aten::Float")
svdvals = primitive("aten::svdvals")
solve = primitive("aten::solve")
sort = primitive("aten::sort")
argsort = primitive("aten::argsort")
