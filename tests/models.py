"""Sample models shared by the test files: the TorchScript tutorial's cells and a few small networks.

Plain NumPy models written the way users write them; importing this module has no side effects beyond defining
classes and functions. Graph goldens refer to lines of this file (found with `line_of`).
"""
from __future__ import annotations

import inspect
import itertools

import numpy as np

from jitc import nn
from jitc.nn import functional as F


class MyDecisionGate(nn.Module):
    """The tutorial's data-dependent gate: tracing bakes in one branch (and warns)."""

    def forward(self, x):
        if x.sum() > 0:
            return x
        else:
            return -x


class MyCell(nn.Module):
    """The tutorial's cell: a Linear layer, a gate submodule and a tanh."""

    def __init__(self, dg: nn.Module | None = None):
        super().__init__()
        self.dg = dg if dg is not None else MyDecisionGate()
        self.linear = nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = np.tanh(self.dg(self.linear(x)) + h)
        return new_h, new_h


class LinearCell(nn.Module):
    """The tutorial's first cell: Linear + tanh, no gate."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = np.tanh(self.linear(x) + h)
        return new_h, new_h


class MLP(nn.Module):
    """A Sequential inside a module: nested CallMethods when traced."""

    def __init__(self, sizes=(4, 8, 3)):
        super().__init__()
        layers = []
        for a, b in itertools.pairwise(sizes):
            layers += [nn.Linear(a, b), nn.ReLU()]
        self.body = nn.Sequential(*layers[:-1])

    def forward(self, x):
        return F.softmax(self.body(x), axis=-1)


class Counter(nn.Module):
    """Hidden Python state that changes between calls: check_trace must notice."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return x * self.calls


class UsesWeightDirectly(nn.Module):
    """Reads a submodule's parameters without calling it: GetAttr chains in the graph."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 2)

    def forward(self, x):
        return x @ self.linear.weight.T + self.linear.bias


def line_of(obj, text: str) -> int:
    """The absolute line number of the first source line of obj that contains text (for location goldens)."""
    lines, start = inspect.getsourcelines(obj)
    for i, line in enumerate(lines):
        if text in line:
            return start + i
    raise ValueError(f"{text!r} not found in the source of {obj!r}")


def col_of(obj, text: str, sub: str | None = None) -> int:
    """The 0-based column where sub (default: text) starts on the line of obj that contains text."""
    lines, _ = inspect.getsourcelines(obj)
    line = next(line for line in lines if text in line)
    return line.index(sub or text)
