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


def test_cache_info_reports_each_compile_stage(rng):
    f = jitc.compile(lambda x: np.tanh(x) * 2.0)
    f(rng.standard_normal(8).astype(np.float32))
    (info,) = f.cache_info()
    stages = info["stages"]
    assert "specialize" in stages and ("lower" in stages or "disk_cache" in stages)
    assert all(s >= 0 for s in stages.values())
    assert info["compile_seconds"] >= max(stages.values())


def test_explain_and_recompile_log_name_the_changed_dimension(rng, monkeypatch, capsys):
    def step(x, h):
        return np.tanh(x + h)

    f = jitc.compile(step)
    x64, x65 = (rng.standard_normal((n, 4)).astype(np.float32) for n in (64, 65))
    assert "first call" in f.explain(x64, x64)
    f(x64, x64)
    assert f.explain(x64, x64) == "already compiled for this signature"
    assert f.explain(x65, x64[:1]) == "input 'x' dim 0: 64 -> 65; input 'h' dim 0: 64 -> 1"
    assert "dtype: float32 -> float64" in f.explain(x64.astype(np.float64), x64)
    monkeypatch.setenv("JITC_LOG", "recompiles")
    f(x65, x65)
    assert "jitc: recompiling step(): input 'x' dim 0: 64 -> 65; input 'h' dim 0: 64 -> 65" in capsys.readouterr().err
