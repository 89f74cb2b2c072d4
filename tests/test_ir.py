"""The graph IR API: building by hand, use lists, rewiring, destruction, insertion points, lint, printing, cloning."""
from __future__ import annotations

import numpy as np
import pytest

from jitc.builder import infer, insert_op
from jitc.errors import JitcError
from jitc.interpreter import run_graph
from jitc.ir import Graph
from jitc.ops import OPS
from jitc.passes.clone import clone_graph
from jitc.pycode import graph_to_python
from jitc.types import BOOL, INT, TENSOR, TensorType

F34 = TensorType.of(np.ones((3, 4), np.float32))


def _add_mul() -> tuple[Graph, dict]:
    """graph(x, y): a = x + y; b = a * y; return b."""
    g = Graph()
    x, y = g.add_input(F34, "x"), g.add_input(F34, "y")
    a = insert_op(g, OPS["aten::add"], [x, y])
    b = insert_op(g, OPS["aten::mul"], [a, y])
    g.block.add_return(b)
    return g, {"x": x, "y": y, "a": a, "b": b}


def _if_graph() -> Graph:
    g = Graph()
    x, c = g.add_input(F34, "x"), g.add_input(BOOL, "c")
    node = g.insert("prim::If", [c], [TENSOR])
    node.add_block().add_return(x)
    neg_block = node.add_block()
    with g.inserting_at_end(neg_block):
        neg_block.add_return(insert_op(g, OPS["aten::neg"], [x]))
    g.block.add_return(node.output)
    return g


def _loop_graph() -> Graph:
    """h = x; for i in range(3): h = h + x (as a prim::Loop carrying h)."""
    g = Graph()
    x = g.add_input(F34, "x")
    trips, true = g.insert_constant(3), g.insert_constant(True)
    true.set_name("true")
    loop = g.insert("prim::Loop", [trips, true, x], [TENSOR])
    body = loop.add_block()
    body.add_param(INT, "i")
    h = body.add_param(TENSOR, "h")
    with g.inserting_at_end(body):
        body.add_return(true)
        body.add_return(insert_op(g, OPS["aten::add"], [h, x], out_type=TENSOR))
    g.block.add_return(loop.output)
    return g


# ---------------------------------------------------------------------------------------------------- building
def test_build_print_and_run():
    g, v = _add_mul()
    g.lint()
    assert str(g) == """\
graph(%x : Float(3, 4, strides=[4, 1]),
      %y : Float(3, 4, strides=[4, 1])):
  %0 : Float(3, 4, strides=[4, 1]) = aten::add(%x, %y)
  %1 : Float(3, 4, strides=[4, 1]) = aten::mul(%0, %y)
  return (%1)
"""
    x, y = np.full((3, 4), 2, np.float32), np.full((3, 4), 3, np.float32)
    np.testing.assert_array_equal(run_graph(g, [x, y])[0], (x + y) * y)
    assert [n.kind for n in g.nodes()] == ["aten::add", "aten::mul"]
    assert g.inputs == [v["x"], v["y"]] and g.outputs == [v["b"]]


def test_names_are_unique():
    g = Graph()
    a, b, c = g.add_input(TENSOR, "x"), g.add_input(TENSOR, "x"), g.add_input(TENSOR)
    assert (a.name, b.name, c.name) == ("x", "x.1", "0")
    c.set_name("x")
    assert c.name == "x.2"
    a.set_name("y")
    assert g.add_input(TENSOR, "x").name == "x"  # released names are reused


def test_use_lists():
    g, v = _add_mul()
    assert v["x"].uses == [v["a"].node]
    assert v["y"].uses == [v["a"].node, v["b"].node]
    assert v["b"].uses == [g.block]  # returned values are used by their block
    assert v["a"].node.inputs == [v["x"], v["y"]]


def test_replace_all_uses_with():
    g, v = _add_mul()
    v["a"].replace_all_uses_with(v["x"])
    assert v["a"].uses == [] and v["b"].node.inputs == [v["x"], v["y"]]
    assert v["x"].uses == [v["a"].node, v["b"].node]
    v["b"].replace_all_uses_with(v["y"])
    assert g.outputs == [v["y"]] and g.block in v["y"].uses
    g.lint()


def test_destroy():
    g, v = _add_mul()
    with pytest.raises(JitcError, match="still used"):
        v["a"].node.destroy()
    v["a"].replace_all_uses_with(v["x"])
    v["a"].node.destroy()
    assert [n.kind for n in g.nodes()] == ["aten::mul"]
    assert v["y"].uses == [v["b"].node] and v["x"].uses == [v["b"].node]
    g.lint()


def test_destroy_node_with_blocks_releases_inner_uses():
    g = _if_graph()
    (if_node,) = g.block.nodes
    x = g.inputs[0]
    assert len(x.uses) == 2  # block0's return and the neg inside block1
    g.block.returns[0].replace_all_uses_with(x)
    if_node.destroy()
    assert x.uses == [g.block] and g.inputs[1].uses == []
    g.lint()


def test_insertion_points():
    g, v = _add_mul()
    mul = v["b"].node
    with g.inserting_before(mul):
        t = insert_op(g, OPS["aten::tanh"], [v["a"]])
        with g.inserting_at_end(g.block):
            e = insert_op(g, OPS["aten::exp"], [v["b"]])
        s = insert_op(g, OPS["aten::sqrt"], [t])  # the outer insertion point is restored
    last = insert_op(g, OPS["aten::neg"], [s])  # and so is the default (end of the graph)
    assert [n.kind for n in g.nodes()] == ["aten::add", "aten::tanh", "aten::sqrt", "aten::mul", "aten::exp",
                                           "aten::neg"]
    assert e.node.owning_block is g.block and last.node is g.block.nodes[-1]
    g.lint()


def test_move_before():
    g, v = _add_mul()
    t = insert_op(g, OPS["aten::tanh"], [v["x"]])
    t.node.move_before(v["a"].node)
    assert [n.kind for n in g.nodes()] == ["aten::tanh", "aten::add", "aten::mul"]
    g.lint()


# ---------------------------------------------------------------------------------------------------- lint
def test_lint_catches_use_before_def():
    g, v = _add_mul()
    v["b"].node.move_before(v["a"].node)
    with pytest.raises(JitcError, match=r"%0 used before it is defined"):
        g.lint()


def test_lint_catches_broken_use_lists():
    g, v = _add_mul()
    v["y"].uses.remove(v["b"].node)
    with pytest.raises(JitcError, match=r"use list of %y"):
        g.lint()


def test_lint_catches_values_escaping_their_block():
    g = _if_graph()
    inner = g.block.nodes[0].blocks[1].returns[0]
    insert_op(g, OPS["aten::exp"], [inner])
    with pytest.raises(JitcError, match="used before it is defined"):
        g.lint()


def test_lint_catches_wrong_owning_block():
    g, v = _add_mul()
    v["a"].node.owning_block = None
    with pytest.raises(JitcError, match="owning block"):
        g.lint()


# ---------------------------------------------------------------------------------------------------- blocks
def test_print_if_blocks():
    g = _if_graph()
    g.lint()
    assert str(g) == """\
graph(%x : Float(3, 4, strides=[4, 1]),
      %c : bool):
  %0 : Tensor = prim::If(%c)
    block0():
      -> (%x)
    block1():
      %1 : Float(3, 4, strides=[4, 1]) = aten::neg(%x)
      -> (%1)
  return (%0)
"""
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(run_graph(g, [x, True])[0], x)
    np.testing.assert_array_equal(run_graph(g, [x, False])[0], -x)


def test_print_loop_blocks_and_run():
    g = _loop_graph()
    g.lint()
    assert str(g) == """\
graph(%x : Float(3, 4, strides=[4, 1])):
  %0 : int = prim::Constant[value=3]()
  %true : bool = prim::Constant[value=True]()
  %1 : Tensor = prim::Loop(%0, %true, %x)
    block0(%i : int, %h : Tensor):
      %2 : Tensor = aten::add(%h, %x)
      -> (%true, %2)
  return (%1)
"""
    x = np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(run_graph(g, [x])[0], 4 * x)


def test_code_of_blocks_runs():
    for g, args, expected in ((_if_graph(), (np.ones((3, 4)), False), -np.ones((3, 4))),
                              (_loop_graph(), (np.ones((3, 4)),), 4 * np.ones((3, 4)))):
        ns = {"np": np}
        exec(graph_to_python(g, "f"), ns)  # noqa: S102  (running the generated .code is the point)
        np.testing.assert_array_equal(ns["f"](*args), expected)


# ---------------------------------------------------------------------------------------------------- clone
@pytest.mark.parametrize("make", [lambda: _add_mul()[0], _if_graph, _loop_graph])
def test_clone_graph_is_equal_and_independent(make):
    g = make()
    text = str(g)
    c = clone_graph(g)
    c.lint()
    assert str(c) == text
    assert not {id(v) for n in c.nodes() for v in n.outputs} & {id(v) for n in g.nodes() for v in n.outputs}
    c.block.returns[0].replace_all_uses_with(c.inputs[0])
    assert str(g) == text


def test_clone_keeps_tensor_constants():
    g = Graph()
    x = g.add_input(F34, "x")
    table = np.arange(4, dtype=np.float32)
    g.block.add_return(insert_op(g, OPS["aten::add"], [x, table]))
    c = g.copy()
    (const,) = [n for n in c.nodes() if n.kind == "prim::Constant"]
    np.testing.assert_array_equal(const.attrs["value"], table)
    np.testing.assert_array_equal(run_graph(c, [np.ones((3, 4), np.float32)])[0], np.ones((3, 4)) + table)


# ---------------------------------------------------------------------------------------------------- builder
def test_infer_sees_tensor_constants_shapes():
    """A tensor constant takes part in broadcasting like any array (its value is known, so is its type)."""
    g = Graph()
    row = g.add_input(TensorType.of(np.ones(3, np.float32)), "row")
    const = g.insert_constant(np.ones((2, 3), np.float64))
    t = infer(OPS["aten::add"], [row, const])
    assert (t.dtype, t.shape) == (np.float64, (2, 3))
    t = infer(OPS["aten::mul"], [row, g.insert_constant(np.float32(2))])
    assert (t.dtype, t.shape) == (np.float32, (3,))


def test_unspecialized_inputs_infer_tensor():
    g = Graph()
    x = g.add_input(TENSOR, "x")
    assert infer(OPS["aten::add"], [x, 1.0]) == TENSOR
    assert infer(OPS["aten::sum"], [x, None, False]) == TENSOR
