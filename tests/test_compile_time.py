"""Compile time stays linear in program size: long straight-line programs script, name and fuse without
quadratic passes, and a huge elementwise chain becomes several bounded loops (LLVM is superlinear in one)."""
from __future__ import annotations

import importlib.util

import numpy as np

import jitc
from jitc.passes.fuse import MAX_GROUP


def _chain_module(tmp_path, n: int):
    body = "".join("    x = x * 0.5 + y\n" for _ in range(n))
    path = tmp_path / f"chain{n}.py"
    path.write_text(f"import numpy as np\n\n\ndef f(x, y):\n{body}    return x\n")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def _eager(x, y, n):
    for _ in range(n):
        x = x * np.float32(0.5) + y
    return x


def test_long_chain_splits_into_bounded_fusion_groups(tmp_path, rng):
    n = 600
    f = jitc.compile(_chain_module(tmp_path, n), fallback="error")
    x, y = rng.standard_normal((2, 257)).astype(np.float32)
    got = f(x, y)
    np.testing.assert_allclose(got, _eager(x, y, n), rtol=1e-5, atol=1e-6)
    assert got.dtype == np.float32
    groups = [node for node in f.graph_for(x, y).block.nodes if node.kind == "prim::FusionGroup"]
    sizes = [len(g.attrs["subgraph"].block.nodes) for g in groups]
    assert len(groups) >= 2 * n // MAX_GROUP, sizes  # 2 ops per statement
    assert all(s <= 3 * MAX_GROUP for s in sizes), sizes  # members plus their copied constants


def test_value_names_of_a_long_function_stay_torchscript_style(tmp_path):
    graph = jitc.script(_chain_module(tmp_path, 50)).graph
    names = {v.name for node in graph.block.nodes for v in node.outputs}
    assert {"x.1", "x.2", "x.50"} <= names and "x.51" not in names  # the input is %x
