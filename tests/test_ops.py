"""OpInfo-style tests: one table of sample inputs per op in jitc.ops.OPS (op_samples.py).

Each sample gives the op's arguments (arrays become graph inputs, everything else constants) and the way users
spell the call (`2 - x`, `x.sum(axis=1, keepdims=True)`, `x[:, 1:3]`, `F.relu(x)` ...). For every sample:
  * the op table's NumPy implementation == the user's spelling run eagerly;
  * the dtype/shape rule (`op.infer`, reached through the builder) gives the eager result's dtype and shape;
  * the reference interpreter on a hand-built graph == eager;
  * traced (jitc.trace of the user's spelling) == eager == interpreted `.graph` == executed `.code`.
Adding an op without samples fails `test_every_op_has_samples`.
"""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import new_ops
from op_samples import NOT_TRACEABLE, SAMPLES, TRACEABLE, Sample, signed

import jitc
from jitc.builder import insert_op
from jitc.interpreter import run_graph
from jitc.ir import Graph
from jitc.ops import OPS, bind
from jitc.types import ListType, ScalarType, TensorType, type_of_constant

pytestmark = pytest.mark.usefixtures("interpreter_only")

RTOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-12, np.dtype(np.complex64): 1e-6,
        np.dtype(np.complex128): 1e-12}


# ---------------------------------------------------------------------------------------------------- checks
def eager(s: Sample):
    with np.errstate(all="ignore"):
        return s.fn(*s.inputs) if s.fn is not None else OPS[s.op].impl(*s.args)


def assert_same(got, expected, what: str) -> None:
    """Same dtype and shape, values equal within the dtype's tolerance (NaN == NaN)."""
    if not isinstance(expected, (np.ndarray, np.generic)):  # a Python scalar (np.float64 is a float too)
        assert type(got) is type(expected) and got == expected, what
        return
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype} != {expected.dtype}"
    assert got.shape == expected.shape, f"{what}: shape {got.shape} != {expected.shape}"
    rtol = RTOL.get(expected.dtype, 0)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=0, equal_nan=True, err_msg=what)


def assert_type_matches(t, expected, what: str) -> None:
    """The inferred IR type describes the eager result: dtype and shape, or the Python scalar's type."""
    if isinstance(expected, tuple):
        assert t == ListType(type_of_constant(expected[0])), what
    elif not isinstance(expected, (np.ndarray, np.generic)):
        assert isinstance(t, ScalarType) and t == type_of_constant(expected), f"{what}: {t}"
    else:
        expected = np.asarray(expected)
        assert isinstance(t, TensorType), f"{what}: {t}"
        assert (t.dtype, t.shape) == (expected.dtype, expected.shape), f"{what}: inferred {t}, eager " \
            f"{expected.dtype}{expected.shape}"


def hand_built(s: Sample) -> Graph:
    """`op(*args)` in a fresh graph: arrays are inputs, the rest constants; the output type comes from op.infer."""
    graph = Graph()
    values = iter([graph.add_input(TensorType.of(a), f"a{i}") for i, a in enumerate(s.inputs)])
    args = [next(values) if isinstance(a, np.ndarray) else a for a in s.args]
    graph.block.add_return(insert_op(graph, OPS[s.op], args))
    graph.lint()
    return graph


def run_code(fn: jitc.ScriptFunction, inputs):
    ns = {"np": np, "jitc": jitc}
    exec(fn.code, ns)  # noqa: S102  (running the generated .code is the point)
    return ns[fn.name](*inputs)


def test_every_op_has_samples():
    covered = {s.op for s in SAMPLES} | new_ops()  # decompositions and kernels: tests/test_decomp_*.py
    assert set(OPS) - covered == set(), "ops without samples: add them to the table"
    assert set(NOT_TRACEABLE) <= set(OPS)


def test_untraceable_ops_are_listed_with_a_reason():
    assert {s.op for s in SAMPLES if s.fn is None} == set(NOT_TRACEABLE)
    assert not {s.op for s in TRACEABLE} & set(NOT_TRACEABLE)
    assert all(reason for reason in NOT_TRACEABLE.values())


def test_every_traceable_op_is_traced_by_some_sample():
    assert {s.kind or s.op for s in TRACEABLE} >= set(OPS) - set(NOT_TRACEABLE) - new_ops()


@pytest.mark.parametrize("s", SAMPLES, ids=lambda s: s.id)
def test_impl_matches_numpy_spelling(s: Sample):
    """The op table's implementation, called with the bound arguments, is what NumPy gives for the spelling."""
    op = OPS[s.op]
    assert len(s.args) == len(op.params), f"{s.op} binds {len(op.params)} arguments"
    assert bind(op, s.args, {}) == list(s.args)
    with np.errstate(all="ignore"):
        assert_same(op.impl(*s.args), eager(s), s.id)


@pytest.mark.parametrize("s", SAMPLES, ids=lambda s: s.id)
def test_infer_and_interpreter(s: Sample):
    """op.infer gives the eager result's dtype/shape (NEP 50, broadcasting); run_graph gives its values."""
    expected = eager(s)
    graph = hand_built(s)
    assert_type_matches(graph.outputs[0].type, expected, f"{s.id}: op.infer")
    (got,) = run_graph(graph, list(s.inputs))
    assert_same(got, expected, f"{s.id}: run_graph")


@pytest.mark.parametrize("s", TRACEABLE, ids=lambda s: s.id)
def test_traced_matches_eager(s: Sample):
    """eager == traced call == run_graph(traced.graph) == exec(traced.code), and the graph records the op."""
    expected = eager(s)
    traced = jitc.trace(s.fn, s.inputs)
    kinds = {n.kind for n in traced.graph.nodes()}
    assert (s.kind or s.op) in kinds, f"{s.id}: {kinds}"
    assert_type_matches(traced.graph.outputs[0].type, expected, f"{s.id}: traced output type")
    assert_same(traced(*s.inputs), expected, f"{s.id}: traced call")
    (interpreted,) = run_graph(traced.graph, list(s.inputs))
    assert_same(interpreted, expected, f"{s.id}: run_graph")
    assert_same(run_code(traced, s.inputs), expected, f"{s.id}: .code")


@pytest.mark.parametrize("s", [s for s in TRACEABLE if s.op == "aten::add" and s.note in ("", "3x1+1x4")],
                         ids=lambda s: s.id)
def test_traced_graph_runs_on_new_inputs(s: Sample):
    """The trace is a function of its inputs, not a recording of the example's values."""
    traced = jitc.trace(s.fn, s.inputs)
    fresh = tuple(signed(a.shape, a.dtype) for a in s.inputs)
    assert_same(traced(*fresh), s.fn(*fresh), s.id)


def test_creation_with_constant_arguments_is_a_tensor_constant():
    def fn(x):
        return x + np.zeros((3, 4), dtype=np.float32) + np.ones_like(x)

    x = signed((3, 4), np.float32)
    traced = jitc.trace(fn, (x,))
    kinds = [n.kind for n in traced.graph.nodes()]
    assert "aten::zeros" not in kinds and "aten::ones_like" in kinds
    assert_same(traced(x), fn(x), "traced")
    assert_same(run_code(traced, (x,)), fn(x), ".code")


def test_op_names_and_spellings_are_unique():
    from jitc.ops import DUNDERS, METHODS

    assert all(name.split("::")[0] in ("aten", "prim", "np") for name in OPS)  # np:: are decompositions
    assert all(DUNDERS[d].name in OPS for d in DUNDERS) and all(METHODS[m].name in OPS for m in METHODS)
