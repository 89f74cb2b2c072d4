"""Tracing: TracerWarnings that name the line, check_trace, and clear errors (arity, inputs, unsupported NumPy)."""
from __future__ import annotations

import os
import warnings

import models
import numpy as np
import pytest
from models import Counter, LinearCell, MyDecisionGate, line_of
from trace_helpers import cell_inputs, gated_cell

import jitc
from jitc import nn
from jitc.nn.module import HOOKS

pytestmark = pytest.mark.usefixtures("interpreter_only")

HERE = os.path.basename(__file__)


# ---------------------------------------------------------------------------------------------------- warnings
def test_tracer_warning_names_the_line(rng):
    x, h = cell_inputs(rng)
    with pytest.warns(jitc.TracerWarning) as record:
        jitc.trace(gated_cell(), (x, h))
    (w,) = [w for w in record if issubclass(w.category, jitc.TracerWarning)]
    line = line_of(MyDecisionGate.forward, "if x.sum() > 0")
    assert os.path.abspath(w.filename) == os.path.abspath(models.__file__)
    assert w.lineno == line
    assert f"models.py:{line}:" in str(w.message) and "boolean" in str(w.message)


def test_tracer_warning_for_python_conversions(rng):
    x = rng.uniform(1, 2, (3, 4))

    def fn(x):
        scale = float(x.max())  # baked
        return x / scale

    with pytest.warns(jitc.TracerWarning, match="Python float") as record:
        traced = jitc.trace(fn, (x,))
    assert record[0].lineno == line_of(fn, "scale = float")
    y = x * 3  # a different max: the trace still divides by the baked value
    np.testing.assert_allclose(traced(y), y / x.max())


def test_no_warning_without_data_dependence(rng):
    x, h = cell_inputs(rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jitc.trace(LinearCell(), (x, h))
        jitc.trace(lambda a: a * a.shape[0] + len(a), (x,))


def test_np_asarray_of_a_traced_array_warns(rng):
    x = rng.standard_normal((2, 3))
    with pytest.warns(jitc.TracerWarning, match="NumPy array"):
        traced = jitc.trace(lambda a: np.asarray(a) + 1.0, (x,))
    np.testing.assert_array_equal(traced(x), x + 1.0)


# ---------------------------------------------------------------------------------------------------- check_trace
def test_check_trace_catches_hidden_state(rng):
    x = rng.standard_normal((2, 3))
    with pytest.raises(jitc.TracingCheckError):
        jitc.trace(Counter(), (x,))

    calls = []

    def uses_global(a):
        calls.append(1)
        return a * len(calls)

    with pytest.raises(jitc.TracingCheckError):
        jitc.trace(uses_global, (x,))


def test_check_trace_can_be_disabled(rng):
    x = rng.standard_normal((2, 3))
    traced = jitc.trace(Counter(), (x,), check_trace=False)
    np.testing.assert_array_equal(traced(x), x * 1)  # the count at trace time is baked in


def test_tracing_checkerror_is_a_jitc_error():
    assert issubclass(jitc.TracingCheckError, jitc.JitcError)


# ---------------------------------------------------------------------------------------------------- errors
def test_wrong_arity_names_expected_arguments(traced_cell):
    _, traced, (x, _) = traced_cell
    with pytest.raises(jitc.SignatureError, match=r"2 arguments \(x, h\), got 1"):
        traced(x)

    fn = jitc.trace(lambda a, b: a + b, (x, x))
    with pytest.raises(jitc.SignatureError, match=r"\(a, b\)"):
        fn(x, x, x)


@pytest.mark.parametrize("bad", [1.0, [1.0, 2.0], "x", None])
def test_non_array_input_is_a_signature_error(traced_cell, bad):
    _, traced, (x, _) = traced_cell
    with pytest.raises(jitc.SignatureError, match="argument 'h' must be a NumPy array"):
        traced(x, bad)


def test_non_array_example_input_is_a_signature_error():
    with pytest.raises(jitc.SignatureError, match="example input 0"):
        jitc.trace(lambda a: a, ("text",))
    with pytest.raises(jitc.SignatureError):
        jitc.trace(42, (np.ones(2),))


def test_broadcast_failure_at_call_time_names_op_and_line(rng):
    def add(a, b):
        return a + b

    x = rng.standard_normal((3, 4))
    traced = jitc.trace(add, (x, x))
    with pytest.raises(jitc.ShapeError, match=rf"add \(at {HERE}:{line_of(add, 'return a + b')}:\d+\)"):
        traced(x, rng.standard_normal((5, 4)))
    np.testing.assert_array_equal(traced(x, x), x + x)  # still works after the error


def _fft(a):
    return np.fft.fft(a)


def _eig(a):
    return np.linalg.eig(a)


def _reduceat(a):
    return np.add.reduceat(a, [0, 1])


def _where(a):
    return np.add(a, a, where=a > 0)


def _sum_out(a):
    return a.sum(out=a)


def _sort(a):
    return a.sort()


@pytest.mark.parametrize("fn, what", [(_fft, "np.fft.fft"), (_eig, "np.linalg.eig"), (_reduceat, "np.add.reduceat"),
                                      (_where, "np.add with keyword arguments ['where']"), (_sum_out, "out"),
                                      (_sort, ".sort")])
def test_unsupported_numpy_names_function_and_line(fn, what, rng):
    x = rng.standard_normal((3, 3))
    with pytest.raises(jitc.JitcError) as info:
        jitc.trace(fn, (x,))
    message = str(info.value)
    assert what in message
    assert f"{HERE}:{line_of(fn, 'return')}:" in message
    assert HOOKS.call is None and HOOKS.getattr is None  # tracing state is cleaned up
    np.testing.assert_array_equal(jitc.trace(lambda a: a - 1, (x,))(x), x - 1)  # and tracing still works


def test_failed_module_trace_leaves_eager_mode_working(rng):
    class Bad(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 3)

        def forward(self, x):
            return np.linalg.eigvals(self.lin(x))

    model, x = Bad(), rng.standard_normal((3, 3)).astype(np.float32)
    with pytest.raises(jitc.JitcError, match="np.linalg.eigvals"):
        jitc.trace(model, (x,))
    assert isinstance(model.lin.weight, np.ndarray)
    np.testing.assert_allclose(model(x), np.linalg.eigvals(model.lin(x)), rtol=1e-5)


def test_a_zero_d_boolean_mask_adds_an_axis_of_its_truth(rng):
    """NumPy's x[True] is x[None], x[False] an empty such array: the trace follows the data, not the example."""
    x = rng.standard_normal((3, 4))
    traced = jitc.trace(lambda a: a[a.sum() > 0], (x,))
    for sign in (1.0, -1.0):
        a = x - x.mean() + sign  # its sum has the sign
        np.testing.assert_array_equal(traced(a), a[a.sum() > 0])
        assert traced(a).shape == (int(sign > 0), 3, 4)


def test_shape_errors_while_tracing_are_numpy_errors(rng):
    x = rng.standard_normal((3, 4))
    with pytest.raises(ValueError):
        jitc.trace(lambda a: a + a.T, (x,))
