"""Proxy arrays: stand in for NumPy arrays while tracing, compute the real values and record each op."""
from __future__ import annotations

import numpy as np

from .ops import DUNDERS, METHODS, OPS, op_for_function
from .ops.registry import numpy_name


class Proxy:
    """A traced array: `value` is the concrete NumPy result, `ir` the graph Value that computes it."""

    __array_priority__ = 1000
    __hash__ = object.__hash__

    def __init__(self, tracer, value: np.ndarray, ir):
        self._tracer, self.value, self.ir = tracer, value, ir

    @classmethod
    def __jitc_dispatch__(cls, op_name: str, args, kwargs):
        return _first_proxy((*args, *kwargs.values()))._tracer.record(OPS[op_name], args, kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        op = op_for_function(ufunc)
        if method != "__call__" or op is None or kwargs:
            what = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
            extra = f" with keyword arguments {sorted(kwargs)}" if kwargs and op is not None else ""
            raise self._tracer.unsupported(f"{what}{extra}")
        return self._tracer.record(op, inputs, {})

    def __array_function__(self, func, types, args, kwargs):
        op = op_for_function(func)
        if op is None:
            raise self._tracer.unsupported(numpy_name(func))
        return self._tracer.record(op, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        self._tracer.warn_baked("a NumPy array (np.asarray)", self.value)
        return self.value if dtype is None else self.value.astype(dtype)

    # ---- attributes: shapes are concrete while tracing (the graph is specialized anyway)
    @property
    def shape(self):
        return self.value.shape

    @property
    def ndim(self):
        return self.value.ndim

    @property
    def size(self):
        return self.value.size

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def itemsize(self):
        return self.value.itemsize

    @property
    def nbytes(self):
        return self.value.nbytes

    @property
    def T(self):
        return self._tracer.record(OPS["aten::transpose"], (self,), {})

    def __len__(self):
        return len(self.value)

    def __pos__(self):
        return self

    def __iter__(self):
        return (self[i] for i in range(len(self.value)))

    def __getitem__(self, index):
        return self._tracer.index(self, index)

    def reshape(self, *shape):
        return self._tracer.record(OPS["aten::reshape"], (self, shape[0] if len(shape) == 1 else shape), {})

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 else (axes or None)
        return self._tracer.record(OPS["aten::transpose"], (self, axes), {})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)  # protocol probes (`__array_struct__`, ...): NumPy then falls back to __array__
        op = METHODS.get(name)
        if op is None:
            raise self._tracer.unsupported(f"the array method or attribute '.{name}'")
        return lambda *args, **kwargs: self._tracer.record(op, (self, *args), kwargs)

    # ---- Python conversions bake the value into the trace
    def __bool__(self):
        return bool(self._tracer.warn_baked("a Python boolean", bool(self.value)))

    def __int__(self):
        return self._tracer.warn_baked("a Python integer", int(self.value))

    def __float__(self):
        return self._tracer.warn_baked("a Python float", float(self.value))

    def __index__(self):
        return self._tracer.warn_baked("a Python index", self.value.__index__())

    def __repr__(self):
        return f"Proxy(%{self.ir.name}, {self.value!r})"


def _first_proxy(args):
    """The proxy among an op's arguments, also inside lists of arrays (np.concatenate's)."""
    for a in args:
        found = _first_proxy(a) if isinstance(a, (list, tuple)) else a if isinstance(a, Proxy) else None
        if found is not None:
            return found
    return None


def _dunder(name: str, op):
    reflected = name.startswith("__r")  # __radd__ and friends: `2 + x` calls x.__radd__(2)

    def method(self, *other):
        args = (other[0], self) if reflected else (self, *other)
        return self._tracer.record(op, args, {})

    method.__name__ = name
    return method


for _name, _op in DUNDERS.items():
    setattr(Proxy, _name, _dunder(_name, _op))

