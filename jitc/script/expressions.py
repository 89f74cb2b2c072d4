"""Compiling expressions: names, constants, operators, attributes, indexing and calls (ops, builtins, modules,
other functions). Statements and control flow build on this in compiler.py."""
from __future__ import annotations

import ast
import builtins
import contextlib
import inspect
import operator
import types
from typing import Any

import numpy as np

from ..builder import insert_op
from ..errors import JitcError, ScriptError
from ..indexing import index_steps
from ..ir import Graph, Value
from ..nn.module import Module
from ..ops import DUNDERS, METHODS, OPS, bind, op_for_function
from ..passes.clone import clone_block_into
from ..script_module import ScriptFunction, ScriptModule
from ..types import BOOL, FLOAT, INT, NONE, ListType, ModuleType, TensorType, TupleType
from .source import FunctionSource
from .unsupported import unsupported
from .values import (ArrayMethod, Builtin, MethodRef, ModuleRef, ShapeOf, Undefined, describe, dtype_name, generic,
                     is_constant, unify)

BINARY = {ast.Add: (operator.add, "__add__"), ast.Sub: (operator.sub, "__sub__"),
          ast.Mult: (operator.mul, "__mul__"), ast.Div: (operator.truediv, "__truediv__"),
          ast.FloorDiv: (operator.floordiv, "__floordiv__"), ast.Mod: (operator.mod, "__mod__"),
          ast.Pow: (operator.pow, "__pow__"), ast.MatMult: (operator.matmul, "__matmul__"),
          ast.BitAnd: (operator.and_, "__and__"), ast.BitOr: (operator.or_, "__or__")}
COMPARE = {ast.Eq: (operator.eq, "__eq__"), ast.NotEq: (operator.ne, "__ne__"), ast.Lt: (operator.lt, "__lt__"),
           ast.LtE: (operator.le, "__le__"), ast.Gt: (operator.gt, "__gt__"), ast.GtE: (operator.ge, "__ge__")}
UNARY = {ast.USub: (operator.neg, "__neg__"), ast.Invert: (operator.invert, "__invert__")}
ARRAY_ATTRS = ("T", "shape", "ndim")
ARRAY_METHODS = ("reshape", "transpose", *METHODS)
SCALAR_CASTS = {float: ("aten::Float", FLOAT), int: ("aten::Int", INT), bool: ("aten::Bool", BOOL)}


def module_type(module) -> ModuleType:
    return ModuleType(module.original_name if isinstance(module, ScriptModule) else type(module).__name__)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) or isinstance(v, Value) and v.type == INT


def _is_numpy(fn) -> bool:
    return isinstance(fn, np.ufunc) or (getattr(fn, "__module__", None) or "").split(".")[0] == "numpy"


def _supported_numpy() -> str:
    names = {f"np.{f.__name__}" for op in OPS.values() for f in op.functions if _is_numpy(f)}
    return ", ".join(sorted(names))


class ExpressionCompiler(ast.NodeVisitor):
    """Evaluates expressions to bindings: IR Values, Python constants (folded until a graph needs them), tuples of
    bindings, or compile-time objects (modules, functions, `x.shape`, ...; see values.py)."""

    def __init__(self, session, src: FunctionSource, fn):
        self.session, self.src = session, src
        self.graph = Graph()
        self.block = self.graph.block
        self.env: dict[str, Any] = {}
        closure = zip(fn.__code__.co_freevars, fn.__closure__ or ())
        self.scopes = (dict(_cells(closure)), fn.__globals__, builtins.__dict__)

    # ---- emitting
    def error(self, node: ast.AST, message: str, width: int | None = None) -> ScriptError:
        return self.src.error(node, message, width)

    @contextlib.contextmanager
    def inserting(self, block):
        saved, self.block = self.block, block
        try:
            with self.graph.inserting_at_end(block):
                yield
        finally:
            self.block = saved

    def emit(self, kind: str, inputs, out_types, node: ast.AST, attrs=None):
        return self.graph.insert(kind, inputs, out_types, attrs, self.src.location(node))

    def call_op(self, op, args, kwargs, node: ast.AST) -> Value:
        """Bind a call to an op of the table and insert it (shape/dtype inference shared with the tracer)."""
        args = [self.op_arg(a, node) for a in args]
        kwargs = {k: self.op_arg(v, node) for k, v in kwargs.items()}
        try:
            value = insert_op(self.graph, op, bind(op, tuple(args), kwargs), self.src.location(node))
        except ScriptError:
            raise
        except JitcError as e:
            raise self.error(node, str(e)) from None
        value.type = generic(value.type)
        return value

    def op_arg(self, b, node: ast.AST):
        """An op argument: Values and constants as they are; `np.float32` as its name; int tuples with values as
        an int[] list (shapes); anything else must materialize."""
        if isinstance(b, Value) or is_constant(b):
            return b
        if dtype_name(b):
            return dtype_name(b)
        if isinstance(b, tuple):
            items = [self.op_arg(x, node) for x in b]
            if all(_is_int(x) for x in items):
                values = [self.materialize(x, node) for x in items]
                return self.emit("prim::ListConstruct", values, [ListType(INT)], node).output
            return self.materialize(tuple(items), node)
        return self.materialize(b, node)

    def materialize(self, b, node: ast.AST) -> Value:
        """The graph Value of a binding (constants become prim::Constant, tuples prim::TupleConstruct)."""
        if isinstance(b, Value):
            return b
        if isinstance(b, Undefined):
            raise self.error(node, b.reason)
        if is_constant(b) or dtype_name(b):
            return self.graph.insert_constant(dtype_name(b) or b, self.src.location(node))
        if isinstance(b, tuple):
            items = [self.materialize(x, node) for x in b]
            return self.emit("prim::TupleConstruct", items, [TupleType(tuple(v.type for v in items))], node).output
        if isinstance(b, ShapeOf):
            return self.call_op(OPS["aten::size"], [b.array], {}, node)
        raise self.error(node, f"{self.describe(b)} cannot be used as a value in scripted code (values are arrays, "
                               "int/float/bool/str scalars and tuples of them)")

    def describe(self, b) -> str:
        if isinstance(b, Value):
            return describe(b.type)
        if isinstance(b, ModuleRef):
            return f"the module {module_type(b.module).name}"
        if isinstance(b, (MethodRef, ArrayMethod, Builtin)):
            return f"the method '{b.name}'"
        if isinstance(b, types.ModuleType):
            return f"the Python module '{b.__name__}'"
        return f"'{getattr(b, '__name__', type(b).__name__)}'"

    def to_bool(self, b, node: ast.AST):
        """A condition: a Python bool when known at compile time, else a `bool` Value (aten::Bool of an array,
        as TorchScript does)."""
        if is_constant(b) or isinstance(b, tuple):
            return bool(b)
        v = self.materialize(b, node)
        if v.type == BOOL:
            return v
        if isinstance(v.type, TensorType) or v.type in (INT, FLOAT):
            return self.call_op(OPS["aten::Bool"], [v], {}, node)
        raise self.error(node, f"{describe(v.type)} cannot be used as a condition (use an array, int, float or bool)")

    def condition(self, expr: ast.expr):
        return self.to_bool(self.visit(expr), expr)

    def if_expr(self, cond: Value, then_fn, else_fn, node: ast.AST) -> Value:
        """`a if c else b` and short-circuit and/or: a prim::If with one output; each side is compiled in its block."""
        n = self.emit("prim::If", [cond], [], node)
        outs = []
        for fn in (then_fn, else_fn):
            block = n.add_block()
            with self.inserting(block):
                outs.append(self.materialize(fn(), node))
            block.add_return(outs[-1])
        t = unify(outs[0].type, outs[1].type)
        if t is None:
            raise self.error(node, f"the two sides of this expression give {describe(outs[0].type)} and "
                                   f"{describe(outs[1].type)}; both must have the same type")
        return n.add_output(t)

    # ---- names and constants
    def generic_visit(self, node: ast.AST):
        message, width = unsupported(node)
        raise self.error(node, message, width)

    def visit_Constant(self, node: ast.Constant):
        if is_constant(node.value) or node.value is Ellipsis:
            return node.value
        raise self.error(node, f"{type(node.value).__name__} constants are not supported (use int, float, bool, "
                               "str or None)")

    def visit_Name(self, node: ast.Name):
        if node.id in self.env:
            b = self.env[node.id]
            if isinstance(b, Undefined):
                raise self.error(node, b.reason)
            return b
        for scope in self.scopes:
            if node.id in scope:
                return self.python_object(scope[node.id], node, node.id)
        raise self.error(node, f"name '{node.id}' is not defined")

    def python_object(self, obj, node: ast.AST, name: str):
        """A global, closure variable or module attribute read at compile time."""
        if is_constant(obj) or callable(obj) or isinstance(obj, types.ModuleType):
            return obj
        raise self.error(node, f"'{name}' is a {type(obj).__name__}: scripted code can read int/float/bool/str "
                               "constants (and tuples of them), modules and functions from globals (pass arrays as "
                               "arguments or module parameters)")

    def visit_Tuple(self, node: ast.Tuple):
        for e in node.elts:
            if isinstance(e, ast.Starred):
                raise self.error(e, "starred expressions are not supported (list the elements)")
        return tuple(self.visit(e) for e in node.elts)

    visit_List = visit_Tuple  # list displays only ever feed shapes/axes or unpacking here: same as tuples

    # ---- operators
    def binary(self, fold, dunder: str, a, b, node: ast.AST):
        if is_constant(a) and is_constant(b):
            try:
                return fold(a, b)
            except Exception as e:  # noqa: BLE001  (ZeroDivisionError, TypeError, ...: report at the user's line)
                raise self.error(node, f"{type(e).__name__}: {e}") from None
        if isinstance(a, tuple) and isinstance(b, tuple) and dunder == "__add__":
            return a + b
        return self.call_op(DUNDERS[dunder], [a, b], {}, node)

    def visit_BinOp(self, node: ast.BinOp):
        if type(node.op) not in BINARY:
            raise self.error(node, f"the operator {type(node.op).__name__} is not supported (supported: "
                                   "+ - * / // % ** @ & |)")
        fold, dunder = BINARY[type(node.op)]
        return self.binary(fold, dunder, self.visit(node.left), self.visit(node.right), node)

    def visit_UnaryOp(self, node: ast.UnaryOp):
        v = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            b = self.to_bool(v, node.operand)
            return (not b) if isinstance(b, bool) else self.call_op(OPS["aten::__not__"], [b], {}, node)
        if isinstance(node.op, ast.UAdd):
            return self.op_arg(v, node)
        fold, dunder = UNARY[type(node.op)]
        if is_constant(v):
            return self.binary(lambda a, _: fold(a), dunder, v, None, node)
        return self.call_op(DUNDERS[dunder], [v], {}, node)

    def visit_Compare(self, node: ast.Compare):
        left, results = self.visit(node.left), []
        for op, right_node in zip(node.ops, node.comparators):
            right = self.visit(right_node)
            results.append(self.compare(op, left, right, node))
            left = right
        acc = self.to_bool(results[0], node) if len(results) > 1 else results[0]
        for r in results[1:]:  # a < b < c: (a < b) and (b < c)
            if isinstance(acc, bool):
                acc = acc and self.to_bool(r, node)
            else:
                acc = self.if_expr(acc, lambda r=r: self.to_bool(r, node), lambda: False, node)
        return acc

    def compare(self, op: ast.cmpop, a, b, node: ast.AST):
        if isinstance(op, (ast.Is, ast.IsNot)):
            if a is None or b is None:
                other = b if a is None else a
                result = other is None or isinstance(other, Value) and other.type == NONE
                return result if isinstance(op, ast.Is) else not result
            raise self.error(node, "'is' is only supported with None (use == to compare values)")
        if type(op) not in COMPARE:
            raise self.error(node, "'in' and 'not in' are not supported in scripted code (compare with == instead)")
        fold, dunder = COMPARE[type(op)]
        return self.binary(fold, dunder, a, b, node)

    def visit_BoolOp(self, node: ast.BoolOp):
        return self.bool_chain(node.values, isinstance(node.op, ast.And), node)

    def bool_chain(self, values: list[ast.expr], is_and: bool, node: ast.AST):
        """`a and b` / `a or b` as bools, short-circuit through prim::If (as TorchScript lowers them)."""
        first = self.condition(values[0])
        if len(values) == 1:
            return first
        if isinstance(first, bool):
            return first if first != is_and else self.bool_chain(values[1:], is_and, node)
        rest = lambda: self.bool_chain(values[1:], is_and, node)  # noqa: E731
        short = lambda: not is_and  # noqa: E731
        return self.if_expr(first, rest, short, node) if is_and else self.if_expr(first, short, rest, node)

    def visit_IfExp(self, node: ast.IfExp):
        cond = self.condition(node.test)
        if isinstance(cond, bool):
            return self.visit(node.body if cond else node.orelse)
        return self.if_expr(cond, lambda: self.visit(node.body), lambda: self.visit(node.orelse), node)

    # ---- attributes and indexing
    def visit_Attribute(self, node: ast.Attribute):
        base, attr = self.visit(node.value), node.attr
        if isinstance(base, ModuleRef):
            return self.module_attr(base, attr, node)
        if isinstance(base, Value) and isinstance(base.type, TensorType):
            return self.array_attr(base, attr, node)
        if isinstance(base, types.ModuleType):
            if not hasattr(base, attr):
                raise self.error(node, f"module '{base.__name__}' has no attribute '{attr}'")
            return self.python_object(getattr(base, attr), node, f"{base.__name__}.{attr}")
        if isinstance(base, dict) and attr in ("values", "keys", "items"):  # self._modules.values()
            return Builtin(attr, lambda args, kwargs, n: tuple(getattr(base, attr)()))
        raise self.error(node, f"'.{attr}' of {self.describe(base)} is not supported in scripted code")

    def array_attr(self, x: Value, attr: str, node: ast.AST):
        if attr == "T":
            return self.call_op(OPS["aten::transpose"], [x], {}, node)
        if attr == "shape":
            return ShapeOf(x)
        if attr == "ndim":
            return self.call_op(OPS["aten::dim"], [x], {}, node)
        if attr in ARRAY_METHODS:
            return ArrayMethod(x, attr)
        supported = ", ".join(f".{a}" for a in ARRAY_ATTRS + tuple(f"{m}()" for m in ARRAY_METHODS))
        raise self.error(node, f"the array attribute '.{attr}' is not supported in scripted code "
                               f"(supported: {supported})")

    def module_attr(self, ref: ModuleRef, attr: str, node: ast.AST):
        """`self.<name>`: parameters and submodules through prim::GetAttr, constants folded, methods called."""
        m = ref.module
        if attr in m._parameters:
            return self.get_attr(ref, attr, TensorType(), node)
        if attr in m._modules:
            child = m._modules[attr]
            return ModuleRef(child, self.get_attr(ref, attr, module_type(child), node))
        if attr == "_modules":
            return {name: self.module_attr(ref, name, node) for name in m._modules}
        if isinstance(m, ScriptModule):
            if attr in m._constants:
                return self.python_object(m._constants[attr], node, f"self.{attr}")
            if attr in m._methods:
                return MethodRef(ref, attr)
        elif attr in vars(m):
            return self.python_object(vars(m)[attr], node, f"self.{attr}")
        elif inspect.isfunction(getattr(type(m), attr, None)):
            return MethodRef(ref, attr)
        elif is_constant(getattr(type(m), attr, ())):
            return getattr(type(m), attr)
        raise self.error(node, f"module '{module_type(m).name}' has no attribute '{attr}'")

    def get_attr(self, ref: ModuleRef, name: str, type_, node: ast.AST) -> Value:
        value = self.emit("prim::GetAttr", [ref.value], [type_], node, {"name": name}).output
        value.set_name(name)
        return value

    def visit_Subscript(self, node: ast.Subscript):
        base = self.visit(node.value)
        if isinstance(base, Value) and isinstance(base.type, TensorType):
            return self.index_array(base, node.slice, node)
        index = self.visit(node.slice)
        if isinstance(base, ShapeOf) and _is_int(index):
            return self.call_op(OPS["aten::size"], [base.array, index], {}, node)
        if isinstance(base, ModuleRef):
            base = tuple(self.module_attr(base, name, node) for name in base.module._modules)
        if isinstance(base, Value) and isinstance(base.type, TupleType) and _is_int(index) and is_constant(index):
            elems = base.type.elems
            if not -len(elems) <= index < len(elems):
                raise self.error(node, f"tuple index {index} is out of range for a tuple of {len(elems)}")
            k = self.graph.insert_constant(index % len(elems), self.src.location(node))
            return self.emit("prim::TupleIndex", [base, k], [elems[index]], node).output
        if isinstance(base, tuple) and is_constant(index) and isinstance(index, (int, slice)):
            try:
                return base[index]
            except IndexError:
                raise self.error(node, f"tuple index {index} is out of range for a tuple of {len(base)}") from None
        raise self.error(node, f"indexing {self.describe(base)} with {self.describe(index)} is not supported "
                               "(tuples and modules need constant int indices)")

    def visit_Slice(self, node: ast.Slice):
        return slice(*(None if e is None else self.index_bound(e) for e in (node.lower, node.upper, node.step)))

    def index_bound(self, expr: ast.expr):
        b = self.visit(expr)
        if b is None or _is_int(b):
            return b
        raise self.error(expr, f"slice bounds must be ints, got {self.describe(b)}")

    def index_array(self, x: Value, index_node: ast.expr, node: ast.AST) -> Value:
        """Basic indexing (ints, int values, slices, None, ...) as select/slice/unsqueeze, shared with the tracer."""
        items = index_node.elts if isinstance(index_node, ast.Tuple) else [index_node]
        index = []
        for item in items:
            b = self.visit(item)
            if not (b is None or b is Ellipsis or isinstance(b, slice) or _is_int(b)):
                raise self.error(item, f"only basic indexing (ints, slices, None, ...) is supported in scripted "
                                       f"code, got {self.describe(b)}")
            index.append(b)
        try:
            steps = index_steps(tuple(index) if isinstance(index_node, ast.Tuple) else index[0], None)
        except JitcError as e:
            raise self.error(index_node, str(e)) from None
        for name, dim, *args in steps:
            x = self.call_op(OPS[name], [x, dim, *args], {}, node)
        return x

    # ---- calls
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
        op = op_for_function(fn)
        if op is not None:
            return self.call_op(op, args, kwargs, node)
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
                                   f"{_supported_numpy()})")
        if inspect.isfunction(fn):
            scripted = self.session.script_function(fn)
            try:
                bound = inspect.signature(fn).bind(*args, **kwargs)
            except TypeError as e:
                raise self.error(node, f"{name}(): {e}") from None
            bound.apply_defaults()
            return self.inline(scripted.graph, name, list(bound.arguments.values()), node)
        raise self.error(node, f"calling {self.describe(fn)} is not supported in scripted code")

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
        return env[graph.outputs[0]]

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

    # ---- builtins
    def builtin_len(self, args, node):
        (a,) = self.expect_args("len", args, 1, node)
        if isinstance(a, tuple | str):
            return len(a)
        if isinstance(a, ShapeOf):
            return self.call_op(OPS["aten::dim"], [a.array], {}, node)
        if isinstance(a, ModuleRef):
            return len(a.module._modules)
        if isinstance(a, Value) and isinstance(a.type, TupleType):
            return len(a.type.elems)
        if isinstance(a, Value) and isinstance(a.type, (TensorType, ListType)):
            return self.call_op(OPS["aten::len"], [a], {}, node)
        raise self.error(node, f"len() of {self.describe(a)} is not supported")

    def builtin_min_max(self, which: str, args, node):
        a, b = self.expect_args(which, args, 2, node)
        if is_constant(a) and is_constant(b):
            return (min if which == "min" else max)(a, b)
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
        raise self.error(node, "range() is only supported as the iterable of a for loop (for i in range(...))")

    def expect_args(self, name: str, args: list, n: int, node: ast.AST) -> list:
        if len(args) != n:
            raise self.error(node, f"{name}() takes {n} argument{'s' * (n != 1)} in scripted code, got {len(args)}")
        return args


BUILTINS = {len: ExpressionCompiler.builtin_len, abs: ExpressionCompiler.builtin_abs,
            range: ExpressionCompiler.builtin_range,
            min: lambda self, args, node: self.builtin_min_max("min", args, node),
            max: lambda self, args, node: self.builtin_min_max("max", args, node),
            **{k: (lambda self, args, node, k=k: self.builtin_cast(k, args, node)) for k in SCALAR_CASTS}}


def _cells(closure):
    for name, cell in closure:
        try:
            yield name, cell.cell_contents
        except ValueError:  # a closure variable not assigned yet
            continue
