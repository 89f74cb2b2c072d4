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


def _cell_inputs(rng):
    return rng.random((3, 4), dtype=np.float32), rng.random((3, 4), dtype=np.float32)


def test_the_tutorial_cell_gets_the_light_pipeline_and_larger_work_gets_o3(rng):
    """A tiny loop-free graph skips O3 (~30 ms of compile for tens of nanoseconds per call); work past
    LIGHT_WORK elements, loops and symbolic sizes keep O3. Results equal NumPy either way."""
    from jitc.demo import MyCell, MyDecisionGate

    eager = MyCell(MyDecisionGate())
    cell = jitc.script(eager)
    x, h = _cell_inputs(rng)
    np.testing.assert_allclose(cell(x, h)[0], eager(x, h)[0], rtol=1e-5, atol=1e-6)
    assert [i["pipeline"] for i in cell.cache_info()] == ["light"]
    assert "define internal" not in cell.inspect_llvm(x, h)  # the light pipeline inlines every kernel

    f = jitc.compile(lambda a: np.tanh(a) * 2.0, fallback="error")
    small, large = rng.standard_normal(100), rng.standard_normal(4096)
    for a in (small, large):
        np.testing.assert_allclose(f(a), np.tanh(a) * 2.0, rtol=1e-12)
    assert [i["pipeline"] for i in f.cache_info()] == ["light", "O3"]

    def loop(a, n: int):
        for _ in range(n):
            a = a * 0.5 + 1.0
        return a

    g = jitc.script(loop)
    np.testing.assert_allclose(g(small, 3), loop(small, 3), rtol=1e-12)
    assert [i["pipeline"] for i in g.cache_info()] == ["O3"]

    d = jitc.compile(lambda a: np.tanh(a) * 2.0, dynamic=True, fallback="error")
    np.testing.assert_allclose(d(small), np.tanh(small) * 2.0, rtol=1e-12)
    assert [i["pipeline"] for i in d.cache_info()] == ["O3"]


def test_jitc_llvm_pipeline_forces_one_pipeline(rng, monkeypatch):
    a, b = rng.standard_normal((2, 64, 64)).astype(np.float32)

    def f(a, b):
        return np.maximum(a @ b, 0.0).sum(axis=1) + np.exp(b[0])

    for forced, x, y in (("O3", a[:2, :3], b[:3, :2]), ("light", a, b)):
        monkeypatch.setenv("JITC_LLVM_PIPELINE", forced)
        c = jitc.compile(f, fallback="error")
        np.testing.assert_allclose(c(x, y), f(x, y), rtol=2e-5, atol=1e-4)
        assert [i["pipeline"] for i in c.cache_info()] == [forced]
