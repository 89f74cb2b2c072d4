"""check_trace: the trace must reproduce the eager run on the example inputs, results and argument writes."""
from __future__ import annotations

import numpy as np

from .errors import JitcError
from .script_module import ScriptFunction


class TracingCheckError(JitcError):
    """check_trace found that the traced graph does not reproduce the eager results."""


def compare_with_eager(traced, fn, inputs) -> None:
    """Run the model eagerly again and the trace on the same inputs: hidden state (counters, globals, randomness)
    that the trace baked in shows up as a difference. The trace runs on the reference interpreter, so tracing
    does not depend on (or wait for) native compilation."""
    from .interpreter import run_graph

    eager_inputs, graph_inputs = ([a.copy() if isinstance(a, np.ndarray) else a for a in inputs] for _ in "12")
    expected = fn(*eager_inputs)
    if isinstance(traced, ScriptFunction):
        got = run_graph(traced.graph, graph_inputs)
    else:
        got = run_graph(traced.inlined_graph, [traced, *graph_inputs])
    got = got[0] if len(got) == 1 else tuple(got)
    flat_got, flat_exp = _flatten((got, *graph_inputs)), _flatten((expected, *eager_inputs))  # writes count too
    if len(flat_got) != len(flat_exp) or not all(_close(g, e) for g, e in zip(flat_got, flat_exp)):
        raise TracingCheckError("check_trace: the traced graph does not reproduce the eager outputs (or writes to "
                                "its arguments) on the example inputs (the model may depend on state the trace "
                                "cannot see)")


def _close(got, expected) -> bool:
    if got is None or expected is None:
        return got is expected
    return np.shape(got) == np.shape(expected) and np.allclose(got, expected, rtol=1e-5, atol=1e-6, equal_nan=True)


def _flatten(x) -> list:
    if isinstance(x, (tuple, list)):
        return [y for item in x for y in _flatten(item)]
    return [x]
