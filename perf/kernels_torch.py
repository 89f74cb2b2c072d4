"""The workloads in PyTorch (the tutorial's cell with torch.nn.Linear), for eager, torch.jit.script and
torch.compile. Inputs are torch.from_numpy views (no copy); autograd is off, as NumPy has none."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F

if TYPE_CHECKING:  # perf.first_call imports this module and must not import jitc with it
    from .workloads import Workload

torch.set_grad_enabled(False)


class TorchGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x
        else:
            return -x


class TorchCell(torch.nn.Module):
    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        super().__init__()
        self.dg = TorchGate()
        self.linear = torch.nn.Linear(4, 4)
        self.linear.weight.copy_(torch.from_numpy(weight))
        self.linear.bias.copy_(torch.from_numpy(bias))

    def forward(self, x, h):
        new_h = torch.tanh(self.dg(self.linear(x)) + h)
        return new_h, new_h


def tanh_add(x, h):
    return torch.tanh(x + h)


def tanh_scaled(x, h):
    return torch.tanh(x * 0.5 + h) * 0.5 + 0.5


def linear_tanh(x, W, b, h):
    return torch.tanh(F.linear(x, W, b) + h)


_FUNCTIONS = {"tanh_add": tanh_add, "tanh_scaled": tanh_scaled, "linear_tanh": linear_tanh}


def model(w: Workload):
    """The torch module or function computing workload `w`."""
    if w.name == "cell":
        return TorchCell(w.extra["weight"], w.extra["bias"])
    return _FUNCTIONS.get(w.name)


def runner(w: Workload, wrap) -> dict[str, object] | None:
    """{"": zero-argument call of wrap(model)} on the workload's inputs as tensors."""
    m = model(w)
    if m is None:
        return None
    fn, args = wrap(m), [torch.from_numpy(a) for a in w.inputs]
    return {"": lambda: fn(*args)}
