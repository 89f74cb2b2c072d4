"""Proxy arrays: stand in for NumPy arrays while tracing, compute the real values and record each op."""
from __future__ import annotations

import operator

import numpy as np

from .ops import DUNDERS, METHODS, OPS, op_for_function
from .ops.registry import REFLECTED, numpy_name, op_for_ufunc_method
from .trace_writes import ProxyMemory, augmented, current_ir, write


class Proxy:
    """A traced array: `value` is the concrete NumPy result, `ir` the graph Value that computes it."""

    __array_priority__ = 1000
    __hash__ = object.__hash__

    def __init__(self, tracer, value: np.ndarray, ir):
        self._tracer, self.value, self._ir = tracer, value, ir
        self.memory = ProxyMemory(None)
        self.input_value = None  # the graph input, for proxies of the traced function's arguments
        self.numpy_scalar = False  # eager NumPy's value is a NumPy scalar (a ufunc's or reduction's 0-d result)

    @property
    def ir(self):
        """The graph value of this array's current content (derived again after a write to its memory)."""
        return current_ir(self)

    @classmethod
    def __jitc_dispatch__(cls, op_name: str, args, kwargs):
        return _first_proxy((*args, *kwargs.values()))._tracer.record(OPS[op_name], args, kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        op = op_for_function(ufunc)
        if method == "__call__" and op is not None and set(kwargs) == {"out"}:
            out = kwargs["out"]
            (out,) = out if isinstance(out, tuple) else (out,)
            write(self._tracer, out, (), self._tracer.record(op, inputs, {}), "same_kind")
            return out
        if method != "__call__" and op_for_ufunc_method(ufunc, method) is not None:  # np.add.outer, ...
            return self._tracer.record(op_for_ufunc_method(ufunc, method), inputs, kwargs)
        if method != "__call__" or op is None or kwargs:
            what = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
            extra = f" with keyword arguments {sorted(kwargs)}" if kwargs and op is not None else ""
            raise self._tracer.unsupported(f"{what}{extra}")
        return self._tracer.record(op, inputs, {})

    def __array_function__(self, func, types, args, kwargs):
        if func is np.copyto:
            return _copyto(self._tracer, *args, **kwargs)
        op = op_for_function(func, len(args) + len(kwargs))
        if op is None:
            raise self._tracer.unsupported(numpy_name(func))
        return self._tracer.record(op, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        self._tracer.warn_baked("a NumPy array (np.asarray)", self.value)
        return self.value if dtype is None else self.value.astype(dtype)

    # ---- attributes: shapes are concrete while tracing (the graph is specialized anyway)
    shape = property(lambda self: self.value.shape)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)
    dtype = property(lambda self: self.value.dtype)
    itemsize = property(lambda self: self.value.itemsize)
    nbytes = property(lambda self: self.value.nbytes)

    @property
    def T(self):
        return self._tracer.record(OPS["aten::transpose"], (self,), {})

    @property
    def real(self):
        return self._tracer.record(OPS["aten::real"], (self,), {})

    @property
    def imag(self):
        return self._tracer.record(OPS["aten::imag"], (self,), {})

    def __len__(self):
        return len(self.value)

    def __pos__(self):
        return self

    def __iter__(self):
        return (self[i] for i in range(len(self.value)))

    def __getitem__(self, index):
        return self._tracer.index(self, index)

    def __setitem__(self, index, value):
        write(self._tracer, self, index, value)

    def fill(self, value):
        write(self._tracer, self, (), value)

    def reshape(self, *shape):
        return self._tracer.record(OPS["aten::reshape"], (self, shape[0] if len(shape) == 1 else shape), {})

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 else (axes or None)
        return self._tracer.record(OPS["aten::transpose"], (self, axes), {})

    def item(self, *args):
        return self._tracer.warn_baked("a Python scalar (.item())", self.value.item(*args))

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
        return f"Proxy(%{self.ir.name}, {describe_value(self.value)})"


def describe_value(value) -> str:
    """A value for a message: scalars as they are, arrays by dtype and shape (never their contents)."""
    if isinstance(value, np.ndarray) and value.size > 1:
        return f"a {value.dtype} array of shape {value.shape}"
    return repr(value.item() if isinstance(value, (np.ndarray, np.generic)) else value)


def _first_proxy(args):
    """The proxy among an op's arguments, also inside lists of arrays (np.concatenate's)."""
    for a in args:
        found = _first_proxy(a) if isinstance(a, (list, tuple)) else a if isinstance(a, Proxy) else None
        if found is not None:
            return found
    return None


def _dunder(name: str, op):
    reflected = name in REFLECTED  # __radd__ and friends: `2 + x` calls x.__radd__(2)

    def method(self, *other):
        args = (other[0], self) if reflected else (self, *other)
        return self._tracer.record(op, args, {})

    method.__name__ = name
    return method


def _in_place(op):
    def method(self, other):
        if self.numpy_scalar:  # immutable: `s += 1` is `s = s + 1` (promoted, broadcast; aliases keep s)
            return self._tracer.record(op, (self, other), {})
        return augmented(self._tracer, op.name, self, other)

    return method


for _name, _op in DUNDERS.items():
    setattr(Proxy, _name, _dunder(_name, _op))
    if _name not in REFLECTED and _name[2:-2] in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
                                                        "and", "or"):
        setattr(Proxy, f"__i{_name[2:]}", _in_place(_op))



class ScalarProxy(Proxy):
    """A traced Python int/float/bool (a scalar example input, or arithmetic on one): arithmetic follows Python and
    is recorded, so a new value needs no new trace; converting it (range(n), if n > 0, int(n)) bakes the value
    in, and the trace is then specialized to the values of the inputs it came from."""

    def __init__(self, tracer, value, ir, sources: frozenset):
        super().__init__(tracer, value, ir)
        self.sources = sources  # the graph inputs (positions) this value is computed from

    def _python(self, name: str, other, reflected: bool):
        if isinstance(other, Proxy) and not isinstance(other, ScalarProxy) or isinstance(other, np.ndarray):
            op = DUNDERS[name]
            return self._tracer.record(op, (other, self) if reflected else (self, other), {})
        if not isinstance(other, (bool, int, float, ScalarProxy)):
            return NotImplemented
        a, b = self.value, other.value if isinstance(other, ScalarProxy) else other
        value = PYTHON_OPS[name](b, a) if reflected else PYTHON_OPS[name](a, b)  # Python's errors, as eagerly
        args = (other, self) if reflected else (self, other)
        return self._tracer.record_scalar(DUNDERS[name], args, value)

    def __bool__(self):
        self._tracer.bake(self)
        return bool(self.value)

    def __int__(self):
        self._tracer.bake(self)
        return int(self.value)

    def __float__(self):
        self._tracer.bake(self)
        return float(self.value)

    def __index__(self):
        self._tracer.bake(self)
        return operator.index(self.value)

    def __neg__(self):
        return self._tracer.record_scalar(DUNDERS["__neg__"], (self,), -self.value)

    def __repr__(self):
        return f"ScalarProxy(%{self.ir.name}, {self.value!r})"


PYTHON_OPS = {"__add__": operator.add, "__sub__": operator.sub, "__mul__": operator.mul,
              "__truediv__": operator.truediv, "__floordiv__": operator.floordiv, "__mod__": operator.mod,
              "__pow__": operator.pow, "__lt__": operator.lt, "__le__": operator.le, "__gt__": operator.gt,
              "__ge__": operator.ge, "__eq__": operator.eq, "__ne__": operator.ne}


def _scalar_dunder(name: str, reflected: bool):
    def method(self, other):
        return self._python(name, other, reflected)

    return method


for _name in PYTHON_OPS:
    setattr(ScalarProxy, _name, _scalar_dunder(_name, False))
    if _name[2:-2] in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow"):
        setattr(ScalarProxy, "__r" + _name[2:], _scalar_dunder(_name, True))
ScalarProxy.__hash__ = object.__hash__


def _copyto(tracer, dst, src, casting="same_kind", where=True):
    """np.copyto as a write of src, or with a mask of np.where(mask, src, dst) (as scripting does)."""
    if casting not in ("same_kind", "unsafe"):
        raise tracer.unsupported(f"np.copyto(casting={casting!r})")
    if where is not True:
        src = np.where(where, src, dst)
    write(tracer, dst, (), src, "same_kind_copy" if casting == "same_kind" else "unsafe")
