"""Layers: Linear (PyTorch's default init, seedable) and Sequential."""
from __future__ import annotations

import numpy as np

from . import functional as F
from .module import Module

_rng = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator that initializes new layers' parameters (like torch.manual_seed)."""
    global _rng
    _rng = np.random.default_rng(seed)


class Linear(Module):
    """y = x @ weight.T + bias, weight of shape (out_features, in_features), as torch.nn.Linear."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=np.float32,
                 rng: np.random.Generator | None = None):
        super().__init__()
        rng = rng or _rng
        bound = 1.0 / np.sqrt(in_features) if in_features else 0.0  # kaiming_uniform(a=sqrt(5)) simplifies to this
        self.in_features, self.out_features = in_features, out_features
        self.weight = rng.uniform(-bound, bound, (out_features, in_features)).astype(dtype)
        self.bias = rng.uniform(-bound, bound, (out_features,)).astype(dtype) if bias else None

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Sequential(Module):
    """Calls its modules in order, each on the previous one's output."""

    def __init__(self, *modules: Module):
        super().__init__()
        for i, m in enumerate(modules):
            setattr(self, str(i), m)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]


class ReLU(Module):
    def forward(self, x):
        return F.relu(x)


class Tanh(Module):
    def forward(self, x):
        return np.tanh(x)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)
