"""jitc.script: compiling Python source (control flow kept) into the graph IR; results checked against eager NumPy
through the reference interpreter."""
import inspect
import os
import re

import numpy as np
import pytest
import script_samples as S

import jitc
from jitc import nn
from jitc.interpreter import run_graph

RTOL, ATOL = 1e-5, 1e-6


pytestmark = pytest.mark.usefixtures("interpreter_only")  # the frontend is checked here, the backend elsewhere


def flat(x) -> list:
    return [y for item in x for y in flat(item)] if isinstance(x, tuple) else [x]


def assert_same(got, expected, rtol=RTOL, atol=ATOL):
    got, expected = flat(got), flat(expected)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert np.shape(g) == np.shape(e)
        if isinstance(e, np.ndarray):
            assert np.asarray(g).dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)


def structure(graph) -> str:
    """The printed graph without `# file:line:col` comments: what golden tests compare."""
    return re.sub(r"  # \S+", "", str(graph))


def kinds(graph) -> list[str]:
    return [n.kind for n in graph.nodes()]


def rand(*shape, dtype=np.float32, seed=0):
    x = np.random.default_rng(seed).uniform(0.1, 1.0, shape) * np.where(
        np.random.default_rng(seed + 1).random(shape) < 0.5, -1, 1)
    return x.astype(dtype)


# ---- the tutorial
def test_gate_keeps_both_branches():
    gate = jitc.script(S.MyDecisionGate())
    assert structure(gate.graph) == """\
graph(%self : __jitc__.MyDecisionGate,
      %x : Tensor):
  %0 : NoneType = prim::Constant[value=None]()
  %1 : bool = prim::Constant[value=False]()
  %2 : Tensor = aten::sum(%x, %0, %1)
  %3 : int = prim::Constant[value=0]()
  %4 : Tensor = aten::gt(%2, %3)
  %5 : bool = aten::Bool(%4)
  %7 : Tensor = prim::If(%5)
    block0():
      -> (%x)
    block1():
      %6 : Tensor = aten::neg(%x)
      -> (%6)
  return (%7)
"""
    if_node = next(n for n in gate.graph.nodes() if n.kind == "prim::If")
    if_line = inspect.getsourcelines(S.MyDecisionGate.forward)[1] + 1
    assert if_node.source == f"{os.path.basename(inspect.getsourcefile(S.MyDecisionGate))}:{if_line}:8"
    x = np.abs(rand(3, 4)) + 0.1
    assert_same(gate(x), x)
    assert_same(gate(-x), x)
    assert repr(gate) == "MyDecisionGate(original_name=MyDecisionGate)"


def test_every_node_has_a_source_location():
    for fn in (S.classify, S.sum_until, S.first_positive_row):
        graph = jitc.script(fn).graph
        for node in graph.nodes():
            assert re.fullmatch(r"script_samples\.py:\d+:\d+", node.source), node


def test_scripted_cell():
    cell = S.MyCell(S.MyDecisionGate())
    scripted = jitc.script(cell)
    assert repr(scripted).startswith("MyCell(\n  original_name=MyCell\n  (dg): MyDecisionGate(original_name=")
    assert scripted.linear.weight is cell.linear.weight  # parameters are shared
    text = structure(scripted.graph)
    assert "%self : __jitc__.MyCell" in text
    assert '%dg : __jitc__.MyDecisionGate = prim::GetAttr[name="dg"](%self)' in text
    assert 'prim::CallMethod[name="forward"](%linear, %x)' in text
    assert "%new_h : Tensor = aten::tanh" in text
    assert "prim::If" in kinds(scripted.dg.graph)
    for seed in range(3):
        x, h = rand(3, 4, seed=seed), rand(3, 4, seed=seed + 10)
        assert_same(scripted(x, h), cell(x, h))


def test_rnn_loop_and_wrap_mix_tracing_and_scripting():
    x, h = rand(3, 4), rand(3, 4, seed=1)
    gate = jitc.script(S.MyDecisionGate())
    traced_cell = jitc.trace(S.MyCell(gate), (x, h))
    loop_module = S.MyRNNLoop(traced_cell)
    rnn_loop = jitc.script(loop_module)
    text = structure(rnn_loop.graph)
    assert re.search(r"%y\.\d+ : Tensor, %h\.\d+ : Tensor = prim::Loop\(%\d+, %\d+, %y, %h\)", text)
    assert "block0(%i : int, %y.1 : Tensor, %h.1 : Tensor):" in text
    assert 'prim::CallMethod[name="forward"](%cell, ' in text
    assert "aten::size(%xs, " in text
    assert "prim::If" in kinds(rnn_loop.cell.dg.graph)  # the traced cell still calls the scripted gate

    xs = rand(10, 3, 4, seed=2)
    assert_same(rnn_loop(xs), loop_module.forward(xs))

    wrap = S.WrapRNN(rnn_loop)
    traced = jitc.trace(wrap, (xs,))
    assert 'prim::CallMethod[name="forward"](%loop, %xs)' in str(traced.graph)
    assert "prim::Loop" in kinds(traced.loop.graph)
    for seed in range(3):
        xs = rand(10, 3, 4, seed=seed + 5)
        assert_same(traced(xs), wrap.forward(xs))


# ---- control flow
@pytest.mark.parametrize("t", [0.5, 3.0, -1.0])
@pytest.mark.parametrize("sign", [1, -1, 0])
def test_nested_ifs_and_elif(t, sign):
    f = jitc.script(S.classify)
    x = np.abs(rand(3, 4)) * sign
    assert_same(f(x, t), S.classify(x, t))


def test_elif_chain_nests_ifs():
    graph = jitc.script(S.classify).graph
    assert kinds(graph).count("prim::If") == 4
    assert re.search(r"%y\.\d+ : Tensor = prim::If", str(graph))


def test_loop_carries_a_tuple():
    f = jitc.script(S.running_stats)
    loop = next(n for n in f.graph.nodes() if n.kind == "prim::Loop")
    assert [str(v.type) for v in loop.outputs] == ["(Tensor, Tensor)"]
    xs = rand(5, 3, 4)
    assert_same(f(xs), S.running_stats(xs))


def test_early_return_in_if_keeps_the_graph_flat():
    f = jitc.script(S.early_return)
    assert kinds(f.graph).count("prim::If") == 1
    assert "prim::Uninitialized" not in kinds(f.graph)
    x = np.abs(rand(3, 4))
    assert_same(f(x), S.early_return(x))
    assert_same(f(-x), S.early_return(-x))


@pytest.mark.parametrize("sign", [1, -1])
def test_return_inside_a_loop(sign):
    f = jitc.script(S.first_positive_row)
    assert kinds(f.graph).count("prim::If") == 2  # the early exit, and one guard for the code after the loop
    xs = rand(6, 3, 4) if sign > 0 else -np.abs(rand(6, 3, 4))
    assert_same(f(xs), S.first_positive_row(xs))


@pytest.mark.parametrize("limit", [0.5, 3.0, 1e9])
def test_return_inside_nested_loops(limit):
    f = jitc.script(S.nested_loop_return)
    xs = np.abs(rand(4, 3, 2))
    assert_same(f(xs, limit), S.nested_loop_return(xs, limit))


@pytest.mark.parametrize("limit", [0.5, 3.0, 1e9])
def test_break_and_continue(limit):
    f = jitc.script(S.sum_until)
    xs = rand(6, 3, 4)
    assert_same(f(xs, limit), S.sum_until(xs, limit))


@pytest.mark.parametrize("n", [0, 1, 5, 10])
def test_while_true_with_break_and_continue(n):
    assert jitc.script(S.triangle)(n) == S.triangle(n)


def test_while_loop():
    f = jitc.script(S.halve_until)
    loop = next(n for n in f.graph.nodes() if n.kind == "prim::Loop")
    assert loop.inputs[0].node.attrs["value"] == 9223372036854775807
    x = rand(3, 4) * 10
    assert_same(f(x, 0.3), S.halve_until(x, 0.3))


def test_return_from_while_true():
    f = jitc.script(S.search)
    x = rand(3, 4)
    assert_same(f(x, 2.2), S.search(x, 2.2))


@pytest.mark.parametrize("n", [0, 1, 5, 6])
def test_range_with_one_two_three_args(n):
    f = jitc.script(S.ranges)
    assert {"aten::__range_length", "aten::__derive_index"} <= set(kinds(f.graph))
    x = rand(2, 3)
    assert_same(f(x, n), S.ranges(x, n))


def test_for_over_array_rows():
    f = jitc.script(S.rows)
    assert "aten::len" in kinds(f.graph)
    xs = rand(5, 3, 4)
    assert_same(f(xs), S.rows(xs))


@pytest.mark.parametrize("shift", [0, 100])
def test_for_over_tuple_is_unrolled(shift):
    f = jitc.script(S.unrolled)
    assert "prim::Loop" not in kinds(f.graph)
    x = rand(3, 4) + shift
    assert_same(f(x), S.unrolled(x))


# ---- scalars, calls, attributes
@pytest.mark.parametrize("args", [(0.5, 3, True), (0.5, 0, False), (-2.0, 1, True)])
def test_scalar_arguments_with_annotations(args):
    f = jitc.script(S.scalars)
    assert [str(v.type) for v in f.graph.inputs] == ["Tensor", "float", "int", "bool"]
    x = rand(3, 4)
    got, expected = f(x, *args), S.scalars(x, *args)
    assert_same(got, expected)
    assert [type(v) for v in got[1:]] == [int, bool, int, int]


def test_shapes_and_indexing():
    f = jitc.script(S.shapes_and_indexing)
    assert {"aten::size", "aten::select", "aten::slice", "aten::unsqueeze", "aten::dim"} <= set(kinds(f.graph))
    x = rand(4, 5)
    assert_same(f(x), S.shapes_and_indexing(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_array_methods(dtype):
    f = jitc.script(S.methods)
    x = rand(3, 4, dtype=dtype)
    assert_same(f(x), S.methods(x))


def test_calls_to_plain_and_scripted_functions_are_inlined():
    assert isinstance(S.scripted_helper, jitc.ScriptFunction)  # @jitc.script as a decorator
    f = jitc.script(S.uses_helpers)
    ks = kinds(f.graph)
    assert "prim::CallFunction" not in ks
    assert {"aten::tanh", "aten::relu", "aten::sigmoid"} <= set(ks)
    assert ks.count("aten::mul") == 2  # helper(x) and helper(x, 3.0)
    x = rand(3, 4)
    assert_same(f(x), S.uses_helpers(x))


def test_calls_to_traced_functions_are_inlined(monkeypatch):
    x = rand(3, 4)
    traced = jitc.trace(lambda v: np.tanh(v) + 1.0, (x,))
    monkeypatch.setattr(S, "traced_helper", traced)
    f = jitc.script(S.uses_traced)
    assert str(f.graph.inputs[0].type) == "Tensor"  # `x: np.ndarray`
    assert {"aten::tanh", "prim::ListConstruct", "aten::zeros", "aten::ones"} <= set(kinds(f.graph))
    expected = (np.tanh(x) + 1.0) * 2 + np.ones((3, 1), np.float32)
    assert_same(f(x), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_functional_softmax_and_gelu(dtype):
    f = jitc.script(S.activations)
    x = rand(3, 5, dtype=dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert_same(f(x), S.activations(x), rtol=tol, atol=tol)


@pytest.mark.parametrize("a,b", [(0.2, 0.9), (0.9, 0.2), (-1.0, -0.5)])
def test_ternary_chained_compare_and_or(a, b):
    f = jitc.script(S.expressions)
    x = rand(3, 4)
    assert_same(f(x, a, b), S.expressions(x, a, b))


def test_module_with_helper_method_and_constants():
    block = S.Block(4)
    scripted = jitc.script(block)
    assert list(scripted._methods) == ["forward", "step"]
    assert 'prim::CallMethod[name="step"](%self, ' in str(scripted.graph)
    assert scripted._constants["scale"] == 0.5
    for dtype in (np.float32, np.float64):
        x = rand(2, 4, dtype=dtype)
        assert_same(scripted(x), block(x))


def test_sequential_children_are_unrolled():
    stack = S.Stack()
    scripted = jitc.script(stack)
    text = str(scripted.graph)
    for i in range(3):
        assert f'prim::GetAttr[name="{i}"](%layers)' in text
    assert "prim::Loop" not in kinds(scripted.graph)
    assert "prim::Loop" in kinds(scripted.layers._modules["0"].graph)
    x = rand(3, 4)
    assert_same(scripted(x), stack(x))


def test_sequential_forward_scripts_from_its_source():
    seq = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    scripted = jitc.script(seq)
    assert kinds(scripted.graph).count("prim::CallMethod") == 3
    x = rand(2, 4)
    assert_same(scripted(x), seq(x))


def test_scripted_graphs_print_and_parse_back():
    module = jitc.script(S.Stack())
    graphs = [g for _, m in module.named_modules() for g in m._methods.values()]
    graphs += [jitc.script(fn).graph for fn in (S.first_positive_row, S.triangle, S.ranges, S.scalars)]
    for graph in graphs:
        assert str(jitc.parse_ir(str(graph))) == str(graph)


def test_module_code_has_every_method():
    pytest.importorskip("jitc.pycode")
    code = jitc.script(S.Block(4)).code
    assert "def forward(self, x):" in code and "def step(self, x):" in code


def test_script_returns_compiled_objects_unchanged():
    assert jitc.script(S.scripted_helper) is S.scripted_helper


def test_interpreter_and_call_agree():
    f = jitc.script(S.sum_until)
    xs = rand(4, 3, 2)
    assert_same(run_graph(f.graph, [xs, 2.0])[0], f(xs, 2.0))


# ---- .code runs as Python
CODE_CASES = [
    (S.classify, (rand(3, 4), 0.5)), (S.running_stats, (rand(5, 3, 4),)), (S.early_return, (rand(3, 4),)),
    (S.first_positive_row, (rand(6, 3, 4),)), (S.sum_until, (rand(6, 3, 4), 3.0)), (S.triangle, (7,)),
    (S.ranges, (rand(2, 3), 5)), (S.rows, (rand(5, 3, 4),)), (S.unrolled, (rand(3, 4),)),
    (S.scalars, (rand(3, 4), 0.5, 3, True)), (S.shapes_and_indexing, (rand(4, 5),)), (S.activations, (rand(3, 5),)),
]


@pytest.mark.parametrize("fn,args", CODE_CASES, ids=[c[0].__name__ for c in CODE_CASES])
def test_code_of_scripted_functions_runs(fn, args):
    pytest.importorskip("jitc.pycode")
    scripted = jitc.script(fn)
    namespace = {"np": np, "jitc": jitc}
    exec(scripted.code, namespace)  # noqa: S102  (running the generated .code is the point)
    assert_same(namespace[scripted.name](*args), fn(*args))
