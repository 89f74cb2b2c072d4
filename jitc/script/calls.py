"""Compiling calls, resolved at compile time: ops of the table (by identity), builtins, submodules and methods
(prim::CallMethod), compiled functions and plain Python functions (scripted, then inlined)."""
from __future__ import annotations

import ast
import inspect
import math
import types

import numpy as np

from ..arguments import CallBinder, ConstKind, flatten
from ..ir import Graph, Value
from ..nn.module import Module
from ..ops import DUNDERS, METHODS, OPS, op_for_function
from ..passes.clone import clone_block_into
from ..script_module import ScriptFunction, ScriptModule
from ..types import BOOL, COMPLEX, FLOAT, INT, SCALAR_DTYPES, ListType, ScalarType, TensorType, TupleType
from .emitter import Emitter, is_int, module_type
from .objects import children
from .values import (
    ArrayMethod,
    Builtin,
    MethodRef,
    ModuleRef,
    PyDict,
    RangeOf,
    ShapeOf,
    describe,
    dtype_name,
    generic,
    is_constant,
)

SCALAR_CASTS = {float: ("aten::Float", FLOAT), int: ("aten::Int", INT), bool: ("aten::Bool", BOOL)}
_PROBES = {INT: 1, FLOAT: 1.0, BOOL: True, COMPLEX: 1j}


def _is_numpy(fn) -> bool:
    return isinstance(fn, np.ufunc) or (getattr(fn, "__module__", None) or "").split(".")[0] == "numpy"


def _returns_numpy_scalar(fn, args: list, kwargs: dict) -> bool:
    """Whether NumPy's fn, called on Python scalars of these types (some known only at run time), returns a NumPy
    scalar or a 0-d array, as NumPy itself answers on stand-ins of the same types."""
    if not any(isinstance(a, Value) for a in args):
        return False
    probes = [_PROBES.get(a.type) if isinstance(a, Value) else a for a in args]
    if any(p is None or not isinstance(p, (bool, int, float, complex)) for p in probes) or \
            not all(is_constant(v) for v in kwargs.values()):
        return False
    try:
        with np.errstate(all="ignore"):
            result = fn(*probes, **kwargs)
    except Exception:  # noqa: BLE001  (the op's own binding reports bad arguments)
        return False
    return isinstance(result, np.generic) or isinstance(result, np.ndarray) and result.ndim == 0


class CallCompiler(Emitter):
    """Calls of anything an expression can evaluate to."""

    def visit_Call(self, node: ast.Call):
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.error(a, "*args in calls are not supported in scripted code (pass arguments one by one)")
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error(kw.value, "**kwargs in calls are not supported in scripted code (pass keyword "
                                           "arguments one by one)")
        func = self.visit(node.func)
        args = [self.visit(a) for a in node.args]
        kwargs = {kw.arg: self.visit(kw.value) for kw in node.keywords}
        return self.call(func, args, kwargs, node)

    def call(self, func, args: list, kwargs: dict, node: ast.Call):
        if isinstance(func, ModuleRef):
            return self.call_method(func, "forward", args, kwargs, node)
        if isinstance(func, MethodRef):
            return self.call_method(func.owner, func.name, args, kwargs, node)
        if isinstance(func, ArrayMethod):
            return self.call_array_method(func, args, kwargs, node)
        if isinstance(func, Builtin):
            return func.fn(args, kwargs, node)
        if isinstance(func, (Value, tuple, ShapeOf, dict)) or is_constant(func):
            raise self.error(node.func, f"{self.describe(func)} is not callable")
        return self.call_python(func, args, kwargs, node)

    def call_python(self, fn, args: list, kwargs: dict, node: ast.Call):
        """A Python callable, resolved by identity: an op of the table, a builtin, a scripted/traced function, or
        a plain function (scripted, then inlined)."""
        name = ast.unparse(node.func)
        op = op_for_function(fn, len(args) + len(kwargs))
        if op is not None and _is_numpy(fn) and args and not kwargs and \
                all(isinstance(a, (bool, int, float)) for a in args):
            # NumPy returns a NumPy scalar here (np.abs(2.0) is a float64 that promotes strongly), not a Python one
            result = fn(*args)
            if not isinstance(result, (np.generic, np.ndarray)):  # np.real(2.0) is the Python float 2.0
                return result
            value = self.graph.insert_constant(result, self.src.location(node))
            value.type = generic(value.type)
            return value
        if op is not None:
            if _is_numpy(fn) and _returns_numpy_scalar(fn, args, kwargs):
                args = self.numpy_scalar_args(fn, args, node)
            return self.call_op(op, args, kwargs, node)
        if isinstance(fn, type) and issubclass(fn, np.generic) and dtype_name(fn):
            return self.scalar_type_call(fn, args, kwargs, node)
        if isinstance(fn, types.BuiltinFunctionType) and id(fn) in MATH:
            return self.call_math(fn, args, kwargs, node)
        builtin = BUILTINS.get(fn) if isinstance(fn, type | types.BuiltinFunctionType) else None
        if builtin is not None:
            if kwargs:
                raise self.error(node, f"{name}() takes no keyword arguments in scripted code")
            return builtin(self, args, node)
        if isinstance(fn, ScriptFunction):
            if kwargs:
                raise self.error(node, f"keyword arguments to the compiled function {name}() are not supported")
            return self.inline(fn.graph, name, args, node)
        if isinstance(fn, (Module, ScriptModule)):
            raise self.error(node, f"calling the module '{name}' is not supported: only modules that are attributes "
                                   "of self can be called (assign it in __init__)")
        if _is_numpy(fn):
            raise self.error(node, f"{name} is not supported in scripted code (supported NumPy functions: "
                                   "README.md, 'What scripting supports', or jitc.ops.catalog)")
        if inspect.isfunction(fn):
            try:
                bound = inspect.signature(fn).bind(*args, **kwargs)
            except TypeError as e:
                raise self.error(node, f"{name}(): {e}") from None
            bound.apply_defaults()
            values = [self.as_binding(v, node) for v in bound.arguments.values()]
            binder = CallBinder(fn, skip_self=False)
            free = set(binder.free)
            kinds = tuple(self.binding_kind(v, node) if p.name in free else None
                          for p, v in zip(binder.params, values))
            scripted = self.session.script_function(fn, kinds)  # compiled for these kinds; constants fold in
            return self.inline(scripted.graph, name, flatten(values, kinds), node)
        raise self.error(node, f"calling {self.describe(fn)} is not supported in scripted code")

    def numpy_scalar_args(self, fn, args: list, node: ast.AST) -> list:
        """A NumPy function of Python scalar values returns a NumPy scalar (np.sqrt(n) is a float64, which NEP 50
        promotes strongly: float32 arrays times it are float64): its scalar values go in as 0-d arrays of their
        NumPy dtypes (a ufunc's every operand, another function's first)."""
        data = fn.nin if isinstance(fn, np.ufunc) else 1
        return [self.numpy_scalar(a, node) if i < data and (i == 0 or isinstance(a, Value)) else a
                for i, a in enumerate(args)]

    def numpy_scalar(self, a, node: ast.AST) -> Value:
        """A Python scalar (constant or value) as the 0-d array NumPy makes of it (a constant zero plus the value,
        so that it folds once the value is known)."""
        if is_constant(a) or isinstance(a, np.generic):
            value = self.graph.insert_constant(np.asarray(a)[()], self.src.location(node))
            value.type = generic(value.type)
            return value
        zero = self.graph.insert_constant(np.zeros((), SCALAR_DTYPES[a.type.name])[()], self.src.location(node))
        return self.call_op(OPS["aten::add"], [zero, a], {}, node)

    def scalar_type_call(self, fn, args: list, kwargs: dict, node: ast.AST):
        """`np.float32(v)`: a NumPy scalar (a 0-d array) of that dtype; of an array, the array cast to it."""
        name = ast.unparse(node.func)
        if kwargs or len(args) > 1:
            raise self.error(node, f"{name}() takes at most one positional argument in scripted code")
        if not args or is_constant(args[0]):
            try:
                return self.numpy_scalar(fn(*args), node)
            except (TypeError, ValueError, OverflowError) as e:
                raise self.error(node, f"{name}(): {e}") from None
        v = self.materialize(args[0], node)
        if isinstance(v.type, ScalarType):
            if SCALAR_DTYPES.get(v.type.name) == np.dtype(fn):
                return self.numpy_scalar(v, node)
            v = self.numpy_scalar(v, node)
        return self.call_op(METHODS["astype"], [v, dtype_name(fn)], {}, node)

    def as_binding(self, b, node: ast.AST):
        """A call argument as a helper function receives it: tuple values and shapes as Python tuples."""
        if isinstance(b, Value) and isinstance(b.type, TupleType):
            return tuple(self.as_binding(x, node) for x in self.emit("prim::TupleUnpack", [b], list(b.type.elems),
                                                                      node).outputs)
        if isinstance(b, tuple):
            return tuple(self.as_binding(x, node) for x in b)
        return b

    def binding_kind(self, b, node: ast.AST):
        """The kind a helper function is compiled for: a Value's type, constants by value (they fold)."""
        if isinstance(b, Value):
            return generic(b.type)
        if isinstance(b, tuple):
            return TupleType(tuple(self.binding_kind(x, node) for x in b))
        if is_constant(b) or dtype_name(b) or _is_function(b):  # a function argument (`rk4_step(lorenz, y, h)`):
            return ConstKind(b)  # the helper is compiled for it, and calls it as its own name would
        return generic(self.materialize(b, node).type)

    def check_arg(self, param: Value, arg, callee: str, node: ast.AST) -> Value:
        """An argument for a callee's parameter: arrays for arrays, scalars for scalars (ints widen to float)."""
        if param.type == FLOAT and isinstance(arg, int) and not isinstance(arg, bool):
            arg = float(arg)
        v = self.materialize(arg, node)
        if isinstance(param.type, TensorType) != isinstance(v.type, TensorType):
            raise self.error(node, f"argument '{param.name}' of {callee}() must be {describe(param.type)}, got "
                                   f"{describe(v.type)}")
        return v

    def inline(self, graph: Graph, name: str, args: list, node: ast.AST) -> Value:
        """Copy a compiled function's graph in place of the call (its control flow comes along)."""
        if len(args) != len(graph.inputs):
            raise self.error(node, f"{name}() takes {len(graph.inputs)} arguments, got {len(args)}")
        env = {p: self.check_arg(p, a, name, node) for p, a in zip(graph.inputs, args)}
        clone_block_into(graph.block, self.block, env)
        return self.as_python(env[graph.outputs[0]])

    def call_method(self, ref: ModuleRef, method: str, args: list, kwargs: dict, node: ast.AST) -> Value:
        """A submodule's forward or a module's other method: prim::CallMethod on the module value."""
        owner = module_type(ref.module).name
        if kwargs:
            raise self.error(node, f"keyword arguments to {owner}.{method}() are not supported in scripted code")
        graph = self.session.method_graph(ref.module, method)
        if graph is None:
            raise self.error(node, f"module '{owner}' has no compiled method '{method}'")
        params = graph.inputs[1:]
        if len(args) != len(params):
            raise self.error(node, f"{owner}.{method}() takes {len(params)} arguments "
                                   f"({', '.join(p.name for p in params)}), got {len(args)}")
        values = [self.check_arg(p, a, f"{owner}.{method}", node) for p, a in zip(params, args)]
        out_type = generic(graph.outputs[0].type)
        return self.emit("prim::CallMethod", [ref.value, *values], [out_type], node, {"name": method}).output

    def call_array_method(self, m: ArrayMethod, args: list, kwargs: dict, node: ast.AST) -> Value:
        if m.name in ("reshape", "transpose"):
            if kwargs:
                raise self.error(node, f".{m.name}() takes no keyword arguments in scripted code")
            arg = args[0] if len(args) == 1 else tuple(args) if args else None
            op = OPS["aten::reshape" if m.name == "reshape" else "aten::transpose"]
            return self.call_op(op, [m.array, arg], {}, node)
        return self.call_op(METHODS[m.name], [m.array, *args], kwargs, node)
    def call_math(self, fn, args: list, kwargs: dict, node: ast.Call):
        """`math.sqrt(d)`, `math.atan2(y, x)` and friends: Python floats in, a Python float out (folded when the
        arguments are known)."""
        name, ufunc = f"math.{fn.__name__}", MATH[id(fn)][1]
        if kwargs or len(args) != ufunc.nin:
            raise self.error(node, f"{name}() takes {ufunc.nin} positional argument{'s' * (ufunc.nin > 1)} in "
                                   "scripted code")
        if all(is_constant(a) for a in args):
            try:
                return fn(*args)
            except (TypeError, ValueError, OverflowError) as e:
                raise self.error(node, f"{name}(): {e}") from None
        values = [self.materialize(a, node) for a in args]
        values = [v if v.type == FLOAT else self.builtin_cast(float, [v], node) for v in values]
        return self.call_op(op_for_function(ufunc), values, {}, node)

    # ---- builtins
    def builtin_len(self, args, node):
        (a,) = self.expect_args("len", args, 1, node)
        if isinstance(a, tuple | str):
            return len(a)
        if isinstance(a, PyDict):
            return len(a.items)
        if isinstance(a, ShapeOf):
            return self.call_op(OPS["aten::dim"], [a.array], {}, node)
        if isinstance(a, ModuleRef):
            return len(children(a.module))
        if isinstance(a, Value) and isinstance(a.type, TupleType):
            return len(a.type.elems)
        if isinstance(a, Value) and isinstance(a.type, (TensorType, ListType)):
            return self.call_op(OPS["aten::len"], [a], {}, node)
        raise self.error(node, f"len() of {self.describe(a)} is not supported")

    def builtin_min_max(self, which: str, args, node):
        a, b = self.expect_args(which, args, 2, node)
        if is_constant(a) and is_constant(b):
            return (min if which == "min" else max)(a, b)
        if any(isinstance(x, Value) and isinstance(x.type, TensorType) for x in (a, b)):
            # Python's max(a, b) is `b if b > a else a` (min: b < a), so NaN goes as it does there; an array
            # of more than one element raises NumPy's ambiguous-truth error, as in Python
            beats = self.call_op(DUNDERS["__gt__" if which == "max" else "__lt__"], [b, a], {}, node)
            pick = self.call_op(OPS["aten::Bool"], [beats], {}, node)
            return self.call_op(OPS["aten::where"], [pick, b, a], {}, node)
        for x in (a, b):
            if not (isinstance(x, (int, float)) or isinstance(x, Value) and x.type in (INT, FLOAT, BOOL)):
                raise self.error(node, f"{which}() works on int/float scalars in scripted code, got "
                                       f"{self.describe(x)} (for arrays use np.{which}imum(a, b) or a.{which}())")
        return self.call_op(OPS[f"prim::{which}"], [a, b], {}, node)

    def builtin_cast(self, kind: type, args, node):
        (a,) = self.expect_args(kind.__name__, args, 1, node)
        if is_constant(a):
            try:
                return kind(a)
            except (TypeError, ValueError) as e:
                raise self.error(node, f"{kind.__name__}(): {e}") from None
        op_name, type_ = SCALAR_CASTS[kind]
        v = self.materialize(a, node)
        return v if v.type == type_ else self.call_op(OPS[op_name], [v], {}, node)

    def builtin_abs(self, args, node):
        (a,) = self.expect_args("abs", args, 1, node)
        return abs(a) if is_constant(a) else self.call_op(DUNDERS["__abs__"], [a], {}, node)

    def builtin_range(self, args, node):
        """range() outside a for statement: a RangeOf (an index array, or the items of a comprehension)."""
        if not 1 <= len(args) <= 3 or not all(is_int(a) for a in args):
            raise self.error(node, "range() takes 1 to 3 int arguments")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        return RangeOf(start, stop, step)

    def expect_args(self, name: str, args: list, n: int, node: ast.AST) -> list:
        if len(args) != n:
            raise self.error(node, f"{name}() takes {n} argument{'s' * (n != 1)} in scripted code, got {len(args)}")
        return args


def _is_function(b) -> bool:
    return isinstance(b, (types.FunctionType, types.BuiltinFunctionType, np.ufunc, ScriptFunction))


# math functions on scalars, computed by the NumPy ufunc that has the same meaning on a float (cbrt and exp2 are
# in math from Python 3.11 on)
_MATH_UFUNCS = {"sqrt": np.sqrt, "exp": np.exp, "log": np.log, "tanh": np.tanh, "sin": np.sin, "cos": np.cos,
                "fabs": np.abs, "log2": np.log2, "log10": np.log10, "tan": np.tan, "expm1": np.expm1,
                "log1p": np.log1p, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh,
                "cosh": np.cosh, "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "cbrt": np.cbrt,
                "exp2": np.exp2, "degrees": np.degrees, "radians": np.radians, "atan2": np.arctan2,
                "hypot": np.hypot, "copysign": np.copysign, "fmod": np.fmod}
MATH = {id(f): (f, u) for f, u in ((getattr(math, name, None), u) for name, u in _MATH_UFUNCS.items())
        if f is not None and op_for_function(u) is not None}
BUILTINS = {len: CallCompiler.builtin_len, abs: CallCompiler.builtin_abs,
            range: CallCompiler.builtin_range,
            sum: lambda self, args, node: self.builtin_sum(args, node),  # lists.py
            list: lambda self, args, node: self.builtin_list(args, node),
            tuple: lambda self, args, node: self.builtin_tuple(args, node),
            reversed: lambda self, args, node: self.builtin_reversed(args, node),
            min: lambda self, args, node: self.builtin_min_max("min", args, node),
            max: lambda self, args, node: self.builtin_min_max("max", args, node),
            **{k: (lambda self, args, node, k=k: self.builtin_cast(k, args, node)) for k in SCALAR_CASTS}}
