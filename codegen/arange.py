"""arange: out[i] = start + i * step, computed in float64 (float results) or int64 and converted. A symbolic start
(`np.arange(n, 2 * n)`) is computed by the caller, which has the sizes."""
from __future__ import annotations

import numpy as np
from llvmlite import ir

from jitc.ir import Node
from jitc.symbolic import Sym

from .dims import size
from .kernel import call_kernel, kernel_function
from .loops import Buf, for_range
from .scalar import ScalarBuilder, cast, store


def lower_arange(lw, node: Node) -> Buf:
    start, _, step, _ = (lw.const(v) for v in node.inputs)
    out = lw.result_buf(node.output)
    floats = out.dtype.kind == "f" or isinstance(start, float) or isinstance(step, float)
    compute = np.dtype(np.float64 if floats else np.int64)
    fn, (po,), (first,) = kernel_function(lw.module, "arange", [out], [compute])
    kb = ir.IRBuilder(fn.append_basic_block("entry"))
    sb = ScalarBuilder(kb, compute)
    with for_range(kb, out.shape[0]) as i:
        value = sb.add(first, sb.mul(cast(kb, i, np.int64, compute), sb.const(step)))
        store(kb, cast(kb, value, compute, po.dtype), po.at(kb, kb.mul(i, ir.Constant(i.type, po.strides[0]))),
              po.dtype)
    kb.ret_void()
    if isinstance(start, Sym):
        first = cast(lw.b, size(lw.b, start), np.int64, compute)
    else:
        first = ScalarBuilder(lw.b, compute).const(start)
    call_kernel(lw.b, fn, [out], [first])
    return out
