"""`jitc.nn.Module`: plain-Python modules like `torch.nn.Module`; eager calls are plain NumPy."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..script_module import ScriptModule


class _Hooks:
    """Set by the tracer while it records: module calls and parameter reads then go through it."""

    call: Callable[..., Any] | None = None
    getattr: Callable[..., Any] | None = None


HOOKS = _Hooks()


class Module:
    """Base class of models. Arrays assigned as attributes are parameters; modules are submodules."""

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args):
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args, **kwargs):
        if HOOKS.call is not None:
            return HOOKS.call(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def __setattr__(self, name: str, value) -> None:
        if "_modules" not in self.__dict__:
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ before assigning "
                                 f"attribute '{name}'")
        from codegen.symbols import GENERATION

        GENERATION.value += 1  # compiled fast paths of this model check its state again on their next call
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self.__dict__.pop(name, None)
        if isinstance(value, (Module, ScriptModule)):  # traced/scripted submodules are submodules too
            self._modules[name] = value
        elif isinstance(value, np.ndarray):
            self._parameters[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        d = self.__dict__
        if name in d.get("_parameters", ()):
            if HOOKS.getattr is not None:
                return HOOKS.getattr(self, name, d["_parameters"][name])
            return d["_parameters"][name]
        if name in d.get("_modules", ()):
            return d["_modules"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for table in (self._parameters, self._modules):
            if name in table:
                del table[name]
                return
        object.__delattr__(self, name)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, m in self._modules.items():
            yield from m.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for mod_name, m in self.named_modules(prefix):
            for name, p in m._parameters.items():
                yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self) -> Iterator[np.ndarray]:
        for _, p in self.named_parameters():
            yield p

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        return OrderedDict((name, p.copy()) for name, p in self.named_parameters())

    def load_state_dict(self, state: dict[str, np.ndarray], strict: bool = True) -> None:
        """Copy arrays into the parameters in place (same shapes; cast to each parameter's dtype)."""
        own = dict(self.named_parameters())
        if strict:
            missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
            if missing or unexpected:
                raise KeyError(f"load_state_dict: missing keys {sorted(missing)}, unexpected keys {sorted(unexpected)}")
        for name, value in state.items():
            if name not in own:
                continue
            value = np.asarray(value)
            if value.shape != own[name].shape:
                raise ShapeError(f"load_state_dict: '{name}' has shape {own[name].shape}, got {value.shape}")
            own[name][...] = value

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = [f"({name}): {_indent(repr(m))}" for name, m in self._modules.items()]
        extra = self.extra_repr()
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = ([extra] if extra else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")
