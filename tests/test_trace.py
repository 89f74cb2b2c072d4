"""Tracing: golden `.graph`/`.code` of the tutorial cells, `.inlined_graph`, round trips, modules, proxies.

Warnings, check_trace and errors while tracing: test_trace_errors.py."""
from __future__ import annotations

import os
import re

import numpy as np
import pytest
from models import MLP, MyCell, MyDecisionGate, UsesWeightDirectly, col_of, line_of
from trace_helpers import cell_inputs, trace_quietly

import jitc
from jitc import nn
from jitc.interpreter import run_graph
from jitc.nn import functional as F

pytestmark = pytest.mark.usefixtures("interpreter_only")

F34 = "Float(3, 4, strides=[4, 1])"
HERE = os.path.basename(__file__)


def _loc(obj, text: str, sub: str) -> str:
    return f"models.py:{line_of(obj, text)}:{col_of(obj, text, sub)}"


def run_code(code: str, name: str, *args):
    ns = {"np": np, "jitc": jitc}
    exec(code, ns)  # noqa: S102  (running the generated .code is the point)
    return ns[name](*args)


# ---------------------------------------------------------------------------------------------------- goldens
def test_cell_graph_golden(traced_cell):
    _, traced, _ = traced_cell
    fwd, line = MyCell.forward, "new_h = np.tanh("
    expected = f"""\
graph(%self : __jitc__.MyCell,
      %x : {F34},
      %h : {F34}):
  %linear : __jitc__.Linear = prim::GetAttr[name="linear"](%self)
  %0 : {F34} = prim::CallMethod[name="forward"](%linear, %x)  # {_loc(fwd, line, "self.linear(")}
  %dg : __jitc__.MyDecisionGate = prim::GetAttr[name="dg"](%self)
  %1 : {F34} = prim::CallMethod[name="forward"](%dg, %0)  # {_loc(fwd, line, "self.dg(")}
  %2 : {F34} = aten::add(%1, %h)  # {_loc(fwd, line, "self.dg(")}
  %3 : {F34} = aten::tanh(%2)  # {_loc(fwd, line, "np.tanh(")}
  %4 : ({F34}, {F34}) = prim::TupleConstruct(%3, %3)
  return (%4)
"""
    assert str(traced.graph) == expected


def test_gate_graph_golden(traced_cell):
    _, traced, _ = traced_cell
    loc = _loc(MyDecisionGate.forward, "if x.sum() > 0", "x.sum()")
    expected = f"""\
graph(%self : __jitc__.MyDecisionGate,
      %x : {F34}):
  %0 : NoneType = prim::Constant[value=None]()  # {loc}
  %1 : bool = prim::Constant[value=False]()  # {loc}
  %2 : Float(strides=[]) = aten::sum(%x, %0, %1)  # {loc}
  %3 : int = prim::Constant[value=0]()  # {loc}
  %4 : Bool(strides=[]) = aten::gt(%2, %3)  # {loc}
  return (%x)
"""
    assert str(traced.dg.graph) == expected


def test_cell_code_golden(traced_cell):
    _, traced, _ = traced_cell
    assert traced.code == """\
def forward(self, x, h):
    linear = self.linear
    _0 = linear.forward(x)
    dg = self.dg
    _1 = dg.forward(_0)
    _2 = _1 + h
    _3 = np.tanh(_2)
    _4 = (_3, _3)
    return _4
"""
    assert traced.linear.code == """\
def forward(self, x):
    weight = self.weight
    bias = self.bias
    _0 = jitc.nn.functional.linear(x, weight, bias)
    return _0
"""


def test_function_graph_and_code_golden(rng):
    def step(x, h):
        return np.tanh(x + 2.0 * h)

    x, h = cell_inputs(rng)
    traced = jitc.trace(step, (x, h))
    line = line_of(step, "return np.tanh")
    loc = f"{HERE}:{line}:{col_of(step, 'return np.tanh', '2.0 * h')}"
    assert str(traced.graph) == f"""\
graph(%x : {F34},
      %h : {F34}):
  %0 : float = prim::Constant[value=2.0]()  # {loc}
  %1 : {F34} = aten::mul(%0, %h)  # {loc}
  %2 : {F34} = aten::add(%x, %1)  # {HERE}:{line}:{col_of(step, 'return np.tanh', 'x + 2.0')}
  %3 : {F34} = aten::tanh(%2)  # {HERE}:{line}:{col_of(step, 'return np.tanh', 'np.tanh')}
  return (%3)
"""
    assert traced.code == """\
def step(x, h):
    _1 = 2.0 * h
    _2 = x + _1
    _3 = np.tanh(_2)
    return _3
"""
    assert traced.name == "step"


# ---------------------------------------------------------------------------------------------------- code/inline
def test_code_runs_and_matches_eager(traced_cell):
    cell, traced, (x, h) = traced_cell
    expected = cell(x, h)
    for self_ in (traced, cell):  # the code reads attributes, so both the ScriptModule and the nn.Module work
        got = run_code(traced.code, "forward", self_, x, h)
        np.testing.assert_allclose(got[0], expected[0], rtol=1e-6)
    np.testing.assert_array_equal(run_code(traced.dg.code, "forward", traced.dg, x), cell.dg(x))


def test_inlined_graph_has_no_calls_and_runs(traced_cell):
    cell, traced, (x, h) = traced_cell
    inlined = traced.inlined_graph
    inlined.lint()
    kinds = [n.kind for n in inlined.nodes()]
    assert "prim::CallMethod" not in kinds
    assert {"aten::linear", "aten::sum", "aten::add", "aten::tanh"} <= set(kinds)
    (out,) = run_graph(inlined, [traced, x, h])
    np.testing.assert_allclose(out[0], cell(x, h)[0], rtol=1e-6)
    assert "prim::CallMethod" in str(traced.graph)  # inlining works on a copy


def test_nested_sequential_inlines_recursively(rng):
    model = MLP()
    x = rng.standard_normal((5, 4)).astype(np.float32)
    traced = jitc.trace(model, (x,))
    assert [n.kind for n in traced.graph.nodes()].count("prim::CallMethod") == 1
    assert [n.kind for n in traced.body.graph.nodes()].count("prim::CallMethod") == 3
    assert "prim::CallMethod" not in str(traced.inlined_graph)
    np.testing.assert_allclose(traced(x), model(x), rtol=1e-6)
    np.testing.assert_allclose(run_graph(traced.inlined_graph, [traced, x])[0], model(x), rtol=1e-6)
    # Sequential's children are named "0", "1", ...: `%_0` in the graph, getattr() in the code
    assert '%_0 : __jitc__.Linear = prim::GetAttr[name="0"](%self)' in str(traced.body.graph)
    assert "getattr(self, '0')" in traced.body.code
    np.testing.assert_allclose(run_code(traced.body.code, "forward", traced.body, x), model.body(x), rtol=1e-6)


def test_print_parse_print_round_trip(traced_cell, rng):
    parser = pytest.importorskip("jitc.parser")
    _, traced, _ = traced_cell
    mlp = jitc.trace(MLP(), (rng.standard_normal((2, 4)).astype(np.float32),))
    for graph in (traced.graph, traced.dg.graph, traced.linear.graph, traced.inlined_graph, mlp.body.graph,
                  mlp.inlined_graph):
        text = str(graph)
        assert str(parser.parse_ir(text)) == text


# ---------------------------------------------------------------------------------------------------- modules
def test_module_hierarchy_print(traced_cell):
    _, traced, _ = traced_cell
    assert str(traced) == ("MyCell(\n  original_name=MyCell\n  (dg): MyDecisionGate(original_name=MyDecisionGate)\n"
                           "  (linear): Linear(original_name=Linear)\n)")
    assert repr(traced.dg) == "MyDecisionGate(original_name=MyDecisionGate)"


def test_parameters_are_shared_attributes(traced_cell):
    cell, traced, (x, h) = traced_cell
    assert traced.linear.weight is cell.linear.weight
    assert traced.linear.bias is cell.linear.bias
    assert [name for name, _ in traced.named_parameters()] == ["linear.weight", "linear.bias"]
    cell.linear.bias[...] = 0.25  # in-place updates are seen by the trace
    np.testing.assert_allclose(traced(x, h)[0], cell(x, h)[0], rtol=1e-6)


def test_traced_module_runs_on_new_inputs(traced_cell, rng):
    cell, traced, _ = traced_cell
    x, h = cell_inputs(rng)
    for got, want in zip(traced(x, h), cell(x, h)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert traced.forward(x, h)[0].shape == (3, 4)


def test_parameters_read_directly_become_getattr_chains(rng):
    model = UsesWeightDirectly()
    x = rng.standard_normal((3, 4)).astype(np.float32)
    traced = jitc.trace(model, (x,))
    text = str(traced.graph)
    assert '%weight : Float(2, 4, strides=[4, 1]) = prim::GetAttr[name="weight"](%linear)' in text
    assert text.count('prim::GetAttr[name="linear"]') == 1  # each attribute is read once
    np.testing.assert_allclose(traced(x), model(x), rtol=1e-6)


def test_linear_without_bias(rng):
    model = nn.Sequential(nn.Linear(4, 3, bias=False))
    x = rng.standard_normal((2, 4)).astype(np.float32)
    traced = jitc.trace(model, (x,))
    assert "bias" not in dict(traced.named_parameters())
    np.testing.assert_allclose(traced(x), model(x), rtol=1e-6)
    assert "jitc.nn.functional.linear(x, weight, None)" in getattr(traced, "0").code
    np.testing.assert_allclose(run_graph(traced.inlined_graph, [traced, x])[0], model(x), rtol=1e-6)


def test_same_submodule_called_twice(rng):
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 4)

        def forward(self, x):
            return self.lin(self.lin(x))

    model = Twice()
    x = rng.standard_normal((2, 4)).astype(np.float32)
    traced = jitc.trace(model, (x,))
    assert str(traced.graph).count("prim::CallMethod") == 2
    np.testing.assert_allclose(traced(x), model(x), rtol=1e-6)


# ---------------------------------------------------------------------------------------------------- proxies
def _trace_check(fn, *inputs):
    """Trace fn, then compare call, interpreter and `.code` with eager on the same inputs."""
    traced = trace_quietly(fn, inputs)
    expected = fn(*inputs)
    for got in (traced(*inputs), run_graph(traced.graph, list(inputs))[0],
                run_code(traced.code, traced.name, *inputs)):
        assert np.asarray(got).dtype == np.asarray(expected).dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    return traced


def test_reduction_to_0d_and_scalar_arithmetic(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    traced = _trace_check(lambda a: a.sum() * 2 + 1, x)
    assert str(traced.graph.outputs[0].type) == "Float(strides=[])"
    _trace_check(lambda a: a / a.sum(axis=1, keepdims=True), x)


def test_iteration_and_len_over_a_proxy(rng):
    x = rng.standard_normal((3, 4))
    traced = _trace_check(lambda a: sum(row * i for i, row in enumerate(a)) / len(a), x)
    assert [n.kind for n in traced.graph.nodes()].count("aten::select") == 3


def test_reflected_operators(rng):
    x = rng.uniform(0.5, 2.0, (3, 4))
    _trace_check(lambda a: 2 ** a + 1 / a - (3 - a) * (2 * a) // (1 + a) % (5 - a), x)
    _trace_check(lambda a: (0.5 < a) & (a <= 1.5) | (1.0 == a), x)
    _trace_check(lambda a: -a + +a - abs(a), x)


def test_reshape_spellings(rng):
    x = rng.standard_normal((3, 4))
    for fn in (lambda a: a.reshape(-1), lambda a: a.reshape((2, 6)), lambda a: a.reshape(2, -1),
               lambda a: a.T.reshape(12), lambda a: a.reshape(a.shape[0], -1)):
        _trace_check(fn, x)


def test_numpy_scalar_constants_keep_their_dtype(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    assert _trace_check(lambda a: a * np.float32(2), x).graph.outputs[0].type.dtype == np.float32
    assert _trace_check(lambda a: a * np.float64(2), x).graph.outputs[0].type.dtype == np.float64
    assert _trace_check(lambda a: a * 2.0, x).graph.outputs[0].type.dtype == np.float32


def test_closure_array_is_a_tensor_constant_and_code_runs(rng):
    table = rng.standard_normal(4).astype(np.float32)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    traced = _trace_check(lambda a: a * table + np.float32(1), x)
    assert "prim::Constant[value=<Tensor>]" in str(traced.graph)
    assert re.search(r"np\.array\(\[.*\], dtype=np\.float32\)", traced.code)


def test_functional_layers_trace_to_single_ops(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    w = rng.standard_normal((2, 4)).astype(np.float32)
    kinds = [n.kind for n in _trace_check(lambda a: F.sigmoid(F.relu(F.linear(a, w))), x).graph.nodes()
             if n.kind != "prim::Constant"]
    assert kinds == ["aten::linear", "aten::relu", "aten::sigmoid"]
    for f in (F.softmax, F.log_softmax, F.gelu, F.silu, F.leaky_relu, F.tanh):
        _trace_check(f, x)


def test_indexing_spellings(rng):
    x = rng.standard_normal((3, 4, 5))
    for fn in (lambda a: a[1], lambda a: a[:, 1:3], lambda a: a[None], lambda a: a[..., 0], lambda a: a[::-1, ::2],
               lambda a: a[1, :, None, -1], lambda a: a[:, :]):
        _trace_check(fn, x)


def test_function_returning_input_and_constants(rng):
    x = rng.standard_normal((2, 2))
    traced = jitc.trace(lambda a: (a, 3, a * 2), (x,))
    out = traced(x)
    assert out[1] == 3
    np.testing.assert_array_equal(out[0], x)
    np.testing.assert_array_equal(out[2], x * 2)


def test_traced_function_used_inside_another_trace(rng):
    x = rng.standard_normal((2, 3))
    inner = jitc.trace(lambda a: np.tanh(a) * 2, (x,))
    outer = _trace_check(lambda a: inner(a) + 1, x)
    assert "aten::tanh" in [n.kind for n in outer.graph.nodes()]


def test_unsupported_output_types_are_signature_errors(rng):
    x = rng.standard_normal((2, 2))
    with pytest.raises(jitc.SignatureError, match="got dict"):
        jitc.trace(lambda a: {"y": a}, (x,))


def test_python_scalar_example_inputs_are_graph_inputs():
    def f(x, alpha, n):
        y = x * alpha + alpha * 2 - 1
        for _ in range(n):
            y = np.tanh(y)
        return y

    x = np.random.default_rng(0).random((3, 4)).astype(np.float32)
    traced = jitc.trace(f, (x, 0.5, 2))
    assert "%alpha : float" in str(traced.graph)
    for alpha in (0.5, -2.0, 3):  # alpha is recorded, so any value (and an int) runs the same graph
        got, want = traced(x, alpha, 2), f(x, alpha, 2)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6)
    with pytest.raises(jitc.JitcError, match="the trace baked argument 2 = 2"):
        traced(x, 0.5, 3)  # n set the loop count: the trace only holds for n == 2