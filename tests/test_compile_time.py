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


def test_a_hot_light_specialization_tiers_up_to_o3(rng, monkeypatch, tmp_path):
    """After TIER_UP_CALLS calls the light code's fast path hands the call to the general path, which compiles
    the graph again with O3 and puts it in the light code's place: results, the call count and the first
    compile's times carry over; a new compiled function of the same code then loads the O3 code from disk."""
    from codegen import tiers
    from jitc.demo import MyCell, MyDecisionGate

    monkeypatch.setattr(tiers, "TIER_UP_CALLS", 40)
    monkeypatch.setenv("JITC_CACHE_DIR", str(tmp_path))  # light code cached by other tests tiers up at 2**18
    eager = MyCell(MyDecisionGate())
    cell = jitc.script(eager)
    x, h = _cell_inputs(rng)
    expected = eager(x, h)
    first = cell(x, h)
    (info,) = cell.cache_info()
    assert info["pipeline"] == "light" and "tier_up" not in info
    for _ in range(59):
        out = cell(x, h)
    (after,) = cell.cache_info()
    assert after["pipeline"] == "O3" and after["tier_up"]["after_calls"] == 41  # the first call + 40 native ones
    assert after["hits"] == 60 and after["compile_seconds"] == info["compile_seconds"]
    assert after["tier_up"]["stages"]["llvm_optimize"] > 0
    np.testing.assert_allclose(cell(-x, h)[0], eager(-x, h)[0], rtol=1e-5, atol=1e-6)
    for got in (first, out):
        np.testing.assert_allclose(got[0], expected[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(got[1], expected[1], rtol=1e-5, atol=1e-6)

    again = jitc.script(MyCell(MyDecisionGate()))
    again.linear.weight, again.linear.bias = eager.linear.weight, eager.linear.bias
    np.testing.assert_allclose(again(x, h)[0], expected[0], rtol=1e-5, atol=1e-6)
    assert [i["pipeline"] for i in again.cache_info()] == ["O3"]  # the disk cache kept the O3 code


def test_calls_on_the_general_path_tier_up_too(rng, monkeypatch):
    """Keyword calls never take the native fast path: the general path counts them and tiers up as well."""
    from codegen import tiers

    monkeypatch.setattr(tiers, "TIER_UP_CALLS", 25)
    f = jitc.compile(lambda a, b: np.tanh(a * b + 1.0), fallback="error")
    a, b = rng.standard_normal((2, 5, 7)).astype(np.float32)
    for i in range(40):
        got = f(a=a + i, b=b)
        np.testing.assert_allclose(got, np.tanh((a + i) * b + 1.0), rtol=2e-6, atol=1e-6)
        assert f.cache_info()[0]["pipeline"] == ("light" if i < 25 else "O3")
    assert f.cache_info()[0]["hits"] == 40


def test_tiering_up_keeps_in_place_updates(rng, monkeypatch):
    from codegen import tiers

    monkeypatch.setattr(tiers, "TIER_UP_CALLS", 10)

    def bump(a, b):
        a += b
        return a.sum()

    f = jitc.compile(bump, fallback="error")
    a, b = rng.standard_normal((2, 4, 3))
    mine = a.copy()
    for _ in range(25):
        got = f(mine, b)
        np.testing.assert_allclose(got, bump(a, b), rtol=1e-12)
        np.testing.assert_allclose(mine, a, rtol=1e-12)
    assert f.cache_info()[0]["pipeline"] == "O3"
