"""Which LLVM pipeline a graph's code gets, and when it gets a better one. O3 costs about 45 ms of LLVM time for
even the smallest graph; on a graph that touches a few hundred elements, with no loops, it saves only about
0.25 µs per call (the tutorial cell: 0.22 against 0.47 µs). Such a graph first gets engine's light pipeline
(inline, registers, fold, then LLVM's quick code generator: about 10 ms), so its first call returns that much
sooner; once a light specialization has run TIER_UP_CALLS times it is compiled again with O3 and replaced
(tiered compilation, as JIT compilers for Java and JavaScript do). The second compile (~60 ms) pays for itself
after about 240,000 more calls: a function still called that often after 65,536 calls is likely to be. A timed
loop (timeit, perf/) sees the O3 code after its first few tens of milliseconds. JITC_LLVM_PIPELINE=O3 or =light
forces the first pipeline of every graph (the tests run both on small graphs)."""
from __future__ import annotations

import math
import os

from jitc.ir import Graph
from jitc.symbolic import is_symbolic
from jitc.types import TensorType

LIGHT_WORK = 512  # elements read, written or multiplied in all; the tutorial cell's is about 150
TIER_UP_CALLS = 1 << 16  # calls of a light specialization before it gets O3 code
_PRODUCTS = ("aten::matmul", "aten::linear")


def pipeline(graph: Graph) -> str:
    """"light" or "O3" for this graph's first code."""
    forced = os.environ.get("JITC_LLVM_PIPELINE", "")
    if forced in ("light", "O3"):
        return forced
    return "light" if _small(graph) else "O3"


def _small(graph: Graph) -> bool:
    """Whether the graph is small enough for the light pipeline: statically sized, loop-free, and its nodes'
    tensors plus the elements its fused operations and products compute add up to at most LIGHT_WORK."""
    work = 0
    for node in graph.block.walk():
        if node.kind == "prim::Loop":
            return False
        tensors = [v.type for v in (*node.inputs, *node.outputs) if isinstance(v.type, TensorType)]
        if any(t.shape is None or is_symbolic(t.shape) for t in tensors):
            return False
        work += sum(math.prod(t.shape) for t in tensors)
        outputs = [v.type for v in node.outputs if isinstance(v.type, TensorType)]
        if node.kind == "prim::FusionGroup" and outputs:  # each member computes about one output's elements
            members = [n for n in node.attrs["subgraph"].block.nodes if n.kind != "prim::Constant"]
            work += len(members) * max(math.prod(t.shape) for t in outputs)
        if node.kind == "aten::svdvals" and tensors:  # Jacobi: ~8 sweeps over every pair of columns
            *batch, m, n = tensors[0].shape
            work += 8 * math.prod(batch) * max(m, n) * min(m, n) ** 2
        if node.kind in ("aten::sort", "aten::argsort") and tensors and tensors[0].shape:  # merge sort's passes
            work += math.prod(tensors[0].shape) * max(1, tensors[0].shape[-1]).bit_length()
        if node.kind == "aten::solve" and tensors:  # LU: n^3 / 3, then n^2 per right-hand side
            *batch, n, _ = tensors[0].shape
            work += math.prod(batch) * n * n * (n + tensors[1].shape[-1])
        if node.kind in _PRODUCTS and tensors:
            a, out = node.inputs[0].type, node.output.type
            if isinstance(a, TensorType) and isinstance(out, TensorType) and a.shape:
                work += math.prod(out.shape) * a.shape[-1]
        if work > LIGHT_WORK:
            return False
    return True


def has_loops(graph: Graph) -> bool:
    return any(node.kind == "prim::Loop" for node in graph.block.walk())
