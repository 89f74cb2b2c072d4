"""Compiling expressions: names, constants, operators, attributes and indexing (calls are in calls.py).
Statements and control flow build on this in compiler.py."""
from __future__ import annotations

import ast
import inspect
import operator
import types

import numpy as np

from ..errors import JitcError
from ..indexing import index_steps
from ..ir import Value
from ..ops import DUNDERS, METHODS, OPS, op_for_function
from ..ops.decomp import TUPLES, NeedsShapes, Symbolic, SymbolicGraph
from ..ops.decomp.indexing import getitem, index_spec
from ..ops.decomp.symbolic import basic_index
from ..ops.registry import ufunc_method
from ..script_module import ScriptModule
from ..types import INT, NONE, TENSOR, ListType, OptionalType, TensorType, TupleType
from .calls import CallCompiler
from .emitter import is_int, module_type
from .objects import Container, children, parts
from .unsupported import unsupported
from .values import (
    ArrayMethod,
    Builtin,
    MethodRef,
    ModuleRef,
    PyDict,
    RangeOf,
    ShapeOf,
    Undefined,
    is_constant,
)

BINARY = {ast.Add: (operator.add, "__add__"), ast.Sub: (operator.sub, "__sub__"),
          ast.Mult: (operator.mul, "__mul__"), ast.Div: (operator.truediv, "__truediv__"),
          ast.FloorDiv: (operator.floordiv, "__floordiv__"), ast.Mod: (operator.mod, "__mod__"),
          ast.Pow: (operator.pow, "__pow__"), ast.MatMult: (operator.matmul, "__matmul__"),
          ast.BitAnd: (operator.and_, "__and__"), ast.BitOr: (operator.or_, "__or__"),
          ast.BitXor: (operator.xor, "__xor__"), ast.LShift: (operator.lshift, "__lshift__"),
          ast.RShift: (operator.rshift, "__rshift__")}
COMPARE = {ast.Eq: (operator.eq, "__eq__"), ast.NotEq: (operator.ne, "__ne__"), ast.Lt: (operator.lt, "__lt__"),
           ast.LtE: (operator.le, "__le__"), ast.Gt: (operator.gt, "__gt__"), ast.GtE: (operator.ge, "__ge__")}
UNARY = {ast.USub: (operator.neg, "__neg__"), ast.Invert: (operator.invert, "__invert__")}
UFUNC_METHOD_NAMES = ("outer", "reduce", "accumulate", "reduceat", "at")
ARRAY_ATTRS = ("T", "real", "imag", "shape", "ndim", "size", "dtype")
GRIDS = (type(np.mgrid), type(np.ogrid))
ARRAY_METHODS = ("reshape", "transpose", *METHODS)




def is_int_list(b) -> bool:
    """A shape-like binding: x.shape, an int[] value, or a tuple of ints (constants or int values)."""
    if isinstance(b, ShapeOf):
        return True
    if isinstance(b, Value):
        return b.type == ListType(INT)
    return isinstance(b, tuple) and all(is_int(x) for x in b)


class ExpressionCompiler(CallCompiler):
    """Evaluates expressions to bindings: IR Values, Python constants (folded until a graph needs them), tuples of
    bindings, or compile-time objects (modules, functions, `x.shape`, ...; see values.py)."""

    # ---- names and constants
    def generic_visit(self, node: ast.AST):
        message, width = unsupported(node)
        raise self.error(node, message, width)

    def visit_Constant(self, node: ast.Constant):
        if is_constant(node.value) or node.value is Ellipsis:
            return node.value
        raise self.error(node, f"{type(node.value).__name__} constants are not supported (use int, float, complex, "
                               "bool, str or None)")

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
        if is_constant(obj) or callable(obj) or isinstance(obj, (types.ModuleType, np.generic, *GRIDS)):
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
            except ArithmeticError:  # 7 // 0: Python raises when the line runs, so does the compiled code
                return self.call_op(DUNDERS[dunder], [a, b], {}, node)
            except Exception as e:  # noqa: BLE001  (TypeError, ...: report at the user's line)
                raise self.error(node, f"{type(e).__name__}: {e}") from None
        if isinstance(a, tuple) and isinstance(b, tuple) and dunder == "__add__":
            return a + b
        if dunder == "__add__" and is_int_list(a) and is_int_list(b):  # x.shape[:-1] + (-1, 2)
            return self.call_op(OPS["aten::add.t"], [a, b], {}, node)
        return self.call_op(DUNDERS[dunder], [a, b], {}, node)

    def visit_BinOp(self, node: ast.BinOp):
        if type(node.op) not in BINARY:
            raise self.error(node, f"the operator {type(node.op).__name__} is not supported (supported: "
                                   "+ - * / // % ** @ & | ^ << >>)")
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
                if isinstance(other, Value) and isinstance(other.type, OptionalType):  # decided by specialization
                    kind = "aten::__is__" if isinstance(op, ast.Is) else "aten::__isnot__"
                    return self.call_op(OPS[kind], [other, None], {}, node)
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
        rest = lambda: self.bool_chain(values[1:], is_and, node)
        short = lambda: not is_and
        return self.if_expr(first, rest, short, node) if is_and else self.if_expr(first, short, rest, node)

    def visit_IfExp(self, node: ast.IfExp):
        cond = self.condition(node.test)
        if isinstance(cond, bool):
            return self.visit(node.body if cond else node.orelse)
        return self.if_expr(cond, lambda: self.visit(node.body), lambda: self.visit(node.orelse), node)

    # ---- attributes and indexing
    def visit_Attribute(self, node: ast.Attribute):
        base, attr = self.visit(node.value), node.attr
        if isinstance(base, PyDict) or isinstance(base, ModuleRef) and _keyed(base):
            return self.dict_method(base, attr, node)  # dicts.py
        if isinstance(base, ModuleRef):
            return self.module_attr(base, attr, node)
        if isinstance(base, Value) and isinstance(base.type, TensorType):
            return self.array_attr(base, attr, node)
        if isinstance(base, types.ModuleType):
            if not hasattr(base, attr):
                raise self.error(node, f"module '{base.__name__}' has no attribute '{attr}'")
            return self.python_object(getattr(base, attr), node, f"{base.__name__}.{attr}")
        if isinstance(base, np.ufunc) and attr == "at":  # np.add.at(a, indices, b): a write (writes.py)
            return base.at
        if isinstance(base, np.ufunc) and attr in UFUNC_METHOD_NAMES:  # np.add.outer: one callable per method
            return ufunc_method(base, attr)
        if isinstance(base, dict) and attr in ("values", "keys", "items"):  # self._modules.values()
            return Builtin(attr, lambda args, kwargs, n: tuple(getattr(base, attr)()))
        raise self.error(node, f"'.{attr}' of {self.describe(base)} is not supported in scripted code")

    def array_attr(self, x: Value, attr: str, node: ast.AST):
        if attr == "T":
            return self.call_op(OPS["aten::transpose"], [x], {}, node)
        if attr in ("real", "imag"):
            return self.call_op(OPS[f"aten::{attr}"], [x], {}, node)
        if attr == "shape":
            return ShapeOf(x)
        if attr == "ndim":
            return self.call_op(OPS["aten::dim"], [x], {}, node)
        if attr == "size":
            return self.call_op(OPS["aten::numel"], [x], {}, node)
        if attr == "dtype":
            return self.call_op(OPS["prim::dtype"], [x], {}, node)
        if attr in ARRAY_METHODS:
            return ArrayMethod(x, attr)
        supported = ", ".join(f".{a}" for a in ARRAY_ATTRS + tuple(f"{m}()" for m in ARRAY_METHODS))
        raise self.error(node, f"the array attribute '.{attr}' is not supported in scripted code "
                               f"(supported: {supported})")

    def module_attr(self, ref: ModuleRef, attr: str, node: ast.AST):
        """`self.<name>`: parameters and submodules through prim::GetAttr, constants folded, methods called."""
        m = ref.module
        p = parts(m)
        if attr in p.params:
            return self.get_attr(ref, attr, TensorType(), node)
        if attr in p.modules:
            child = p.modules[attr]
            return ModuleRef(child, self.get_attr(ref, attr, module_type(child), node))
        if attr == "_modules":
            return {name: self.module_attr(ref, name, node) for name in p.modules}
        if attr in p.constants:
            return p.constants[attr]
        if isinstance(m, ScriptModule):
            if attr in m._methods:
                return MethodRef(ref, attr)
        elif attr in vars(m):
            return self.python_object(vars(m)[attr], node, f"self.{attr}")
        elif isinstance(inspect.getattr_static(type(m), attr, None), staticmethod):
            return getattr(type(m), attr)  # a plain function: no self to bind
        elif inspect.isfunction(getattr(type(m), attr, None)):
            return MethodRef(ref, attr)
        elif isinstance(getattr(type(m), attr, None), property) and is_constant(getattr(m, attr)):
            return getattr(m, attr)  # a property computed from the object's constants
        elif is_constant(getattr(type(m), attr, ())):
            return getattr(type(m), attr)
        raise self.error(node, f"module '{module_type(m).name}' has no attribute '{attr}'")

    def get_attr(self, ref: ModuleRef, name: str, type_, node: ast.AST) -> Value:
        value = self.emit("prim::GetAttr", [ref.value], [type_], node, {"name": name}).output
        value.set_name(name)
        return value

    def visit_Subscript(self, node: ast.Subscript):
        base = self.visit(node.value)
        if isinstance(base, Value) and base.type == TENSOR and base.node is not None and base.node.kind in TUPLES:
            k = self.visit(node.slice)  # np.nonzero(x)[1]: a tuple whose length its shapes give
            if not (is_int(k) and is_constant(k)):
                raise self.error(node, f"{base.node.kind} returns a tuple: index it with a constant int")
            k = self.graph.insert_constant(k, self.src.location(node))
            return self.emit("prim::TupleIndex", [base, k], [TENSOR], node).output
        if isinstance(base, Value) and isinstance(base.type, TensorType):
            return self.index_array(base, node.slice, node)
        index = self.visit(node.slice)
        if isinstance(base, GRIDS):
            return self.grid(base, index, node)
        if isinstance(base, PyDict):
            return self.dict_item(base, index, node)  # dicts.py
        if isinstance(base, ModuleRef) and _keyed(base):
            return self.container_item(base, index, node)
        if isinstance(base, ShapeOf) and is_int(index):
            return self.call_op(OPS["aten::size"], [base.array, index], {}, node)
        if is_int_list(base) and not isinstance(base, tuple) and (is_int(index) or isinstance(index, slice)):
            if is_int(index):
                return self.call_op(OPS["aten::__getitem__.t"], [base, index], {}, node)
            return self.call_op(OPS["aten::slice.t"], [base, index.start, index.stop, index.step], {}, node)
        if isinstance(base, ModuleRef):
            base = tuple(self.module_attr(base, name, node) for name in children(base.module))
        if isinstance(base, Value) and isinstance(base.type, TupleType) and is_int(index) and is_constant(index):
            elems = base.type.elems
            if not -len(elems) <= index < len(elems):
                raise self.error(node, f"tuple index {index} is out of range for a tuple of {len(elems)}")
            k = self.graph.insert_constant(index % len(elems), self.src.location(node))
            return self.emit("prim::TupleIndex", [base, k], [elems[index]], node).output
        constant_slice = isinstance(index, slice) and all(
            b is None or isinstance(b, int) for b in (index.start, index.stop, index.step))
        if isinstance(base, tuple) and (isinstance(index, int) and is_constant(index) or constant_slice):
            try:
                return base[index]
            except IndexError:
                raise self.error(node, f"tuple index {index} is out of range for a tuple of {len(base)}") from None
        raise self.error(node, f"indexing {self.describe(base)} with {self.describe(index)} is not supported "
                               "(tuples and modules need constant int indices)")

    def grid(self, grid, index, node: ast.AST):
        """`np.mgrid[0:3, 0:4]` / `np.ogrid[...]` with constant bounds: evaluated now, arrays as constants."""
        items = index if isinstance(index, tuple) else (index,)
        if not all(isinstance(i, slice) and all(is_constant(b) for b in (i.start, i.stop, i.step)) for i in items):
            raise self.error(node, "np.mgrid/np.ogrid need constant slice bounds in scripted code")
        result = grid[index]
        arrays = result if isinstance(result, (tuple, list)) else [result]
        values = tuple(self.graph.insert_constant(np.asarray(a), self.src.location(node)) for a in arrays)
        for v in values:
            v.type = TENSOR
        return values if isinstance(result, (tuple, list)) else values[0]

    def visit_Slice(self, node: ast.Slice):
        return slice(*(None if e is None else self.index_bound(e) for e in (node.lower, node.upper, node.step)))

    def index_bound(self, expr: ast.expr):
        b = self.visit(expr)
        if b is None or is_int(b):
            return b
        if isinstance(b, Value) and isinstance(b.type, TensorType):  # `p[i]:p[i + 1]`: an int read from an array
            return self.call_op(OPS["aten::__index__"], [b], {}, expr)
        raise self.error(expr, f"slice bounds must be ints, got {self.describe(b)}")

    def advanced_index(self, x: Value, bindings: list, is_tuple: bool, node: ast.AST) -> Value:
        """Integer-array indexing (`x[idx]`, `x[:, [0, 2]]`), expanded by the indexing decomposition."""
        sg = SymbolicGraph(self.graph, self.src.location(node))

        def wrap(b):
            if isinstance(b, tuple):
                return list(b)
            return Symbolic(sg, b) if isinstance(b, Value) else b

        items = [wrap(b) for b in bindings]
        try:
            with sg:
                result = getitem(Symbolic(sg, x), tuple(items) if is_tuple else items[0], basic_index)
        except NeedsShapes:  # e.g. x[i, j]: kept as one composite node, expanded once shapes are known
            sg.rollback()
            spec, arrays = index_spec(items)
            if any(not isinstance(a, Symbolic) or not isinstance(a.ir.type, TensorType) and a.ir.type != INT
                   for a in arrays):
                raise self.error(node, "indexing with int values together with index arrays is not supported "
                                       "in scripted code") from None
            return self.call_op(OPS["np::index"], [x, spec, *(a.ir for a in arrays)], {}, node)
        except JitcError as e:
            raise self.error(node, str(e)) from None
        return result.ir

    def index_list(self, b, node: ast.AST):
        """An index list holding values (`A[[k, p]]` in a pivoting loop) is the array np.array makes of it; a
        range (`probs[range(N), y]`) the array np.arange makes."""
        if isinstance(b, RangeOf):
            return self.call_op(op_for_function(np.arange), [b.start, b.stop, b.step], {}, node)
        if isinstance(b, tuple) and _holds_values(b):
            return self.call_op(op_for_function(np.array), [b], {}, node)
        return b

    def index_array(self, x: Value, index_node: ast.expr, node: ast.AST) -> Value:
        """Basic indexing (ints, int values, slices, None, ...) as select/slice/unsqueeze, shared with the tracer."""
        items = index_node.elts if isinstance(index_node, ast.Tuple) else [index_node]
        index = []
        bindings = [self.index_list(self.visit(item), item) for item in items]
        if any(isinstance(b, tuple) or isinstance(b, Value) and isinstance(b.type, TensorType) for b in bindings):
            return self.advanced_index(x, bindings, isinstance(index_node, ast.Tuple), node)
        for item, b in zip(items, bindings):
            if not (b is None or b is Ellipsis or isinstance(b, slice) or is_int(b)):
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


def _keyed(ref: ModuleRef) -> bool:
    return isinstance(ref.module, Container) and ref.module.keyed


def _holds_values(b) -> bool:
    return any(isinstance(x, Value) or isinstance(x, tuple) and _holds_values(x) for x in b)
