"""What the tracing tests share (test_trace.py, test_trace_errors.py): the tutorial's gated cell and its inputs."""
from __future__ import annotations

import warnings

import numpy as np
from models import MyCell, MyDecisionGate

import jitc


def gated_cell() -> MyCell:
    """A cell whose gate takes the `return x` branch for positive inputs (deterministic weights)."""
    cell = MyCell(MyDecisionGate())
    cell.linear.weight[...] = np.eye(4, dtype=np.float32) * 0.5
    cell.linear.bias[...] = 0.1
    return cell


def cell_inputs(rng, shape=(3, 4), dtype=np.float32):
    return rng.uniform(0.5, 1.5, shape).astype(dtype), rng.uniform(0.5, 1.5, shape).astype(dtype)


def trace_quietly(model, inputs, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jitc.TracerWarning)
        return jitc.trace(model, inputs, **kwargs)
