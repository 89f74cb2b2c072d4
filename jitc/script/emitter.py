"""The base of the script compiler: where nodes go (blocks, insertion), turning bindings into graph Values, ops
of the table inserted with shared inference, conditions, and errors that point at the source."""
from __future__ import annotations

import ast
import builtins
import contextlib
import types
from typing import Any

import numpy as np

from ..builder import insert_op
from ..errors import JitcError, ScriptError
from ..ir import Graph, Value
from ..ops import OPS, bind
from ..ops.decomp import SymbolicGraph, expand
from ..ops.registry import COMPOSITE
from ..types import BOOL, FLOAT, INT, ListType, ModuleType, TensorType, TupleType
from .objects import type_name
from .source import FunctionSource
from .values import (
    ArrayMethod,
    Builtin,
    MethodRef,
    ModuleRef,
    PyDict,
    ShapeOf,
    Undefined,
    describe,
    dtype_name,
    generic,
    is_constant,
    unify,
)


def module_type(module) -> ModuleType:
    return ModuleType(type_name(module))


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) or isinstance(v, Value) and v.type == INT


class Emitter(ast.NodeVisitor):
    """Compiler state shared by every layer: the graph, the block being filled, variables (`env`: name ->
    binding), and the function's Python scopes (closure, globals, builtins) read at compile time."""

    def __init__(self, session, src: FunctionSource, fn):
        self.session, self.src = session, src
        self.graph = Graph()
        self.block = self.graph.block
        self.env: dict[str, Any] = {}
        closure = zip(fn.__code__.co_freevars, fn.__closure__ or ())
        self.scopes = (dict(_cells(closure)), fn.__globals__, builtins.__dict__)

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
        if op.kind == COMPOSITE:
            return self.call_composite(op, args, kwargs, node)
        args = [self.op_arg(a, node) for a in args]
        kwargs = {k: self.op_arg(v, node) for k, v in kwargs.items()}
        try:
            bound = bind(op, tuple(args), kwargs)
            for i in op.tensor_params:
                if i < len(bound) and isinstance(bound[i], Value) and isinstance(bound[i].type, (TupleType, ListType)):
                    raise self.error(node, f"{op.short}() needs an array here, got {describe(bound[i].type)} (scripted "
                                           "code does not turn tuples or lists into arrays: pass an array)")
            value = insert_op(self.graph, op, bound, self.src.location(node))
        except ScriptError:
            raise
        except JitcError as e:
            raise self.error(node, str(e)) from None
        except Exception as e:  # noqa: BLE001  (shape inference on arguments it does not expect: say where)
            raise self.error(node, f"{op.short}() cannot take these arguments in scripted code ({type(e).__name__}: "
                                   f"{e})") from None
        value.type = generic(value.type)
        return value

    def call_composite(self, op, args, kwargs, node: ast.AST):
        """A decomposition, expanded into its primitives now if it can be without shapes; otherwise the composite
        node stays (typed `Tensor`) and specialization expands it."""
        args = [self.composite_arg(a, node) for a in args]
        kwargs = {k: self.composite_arg(v, node) for k, v in kwargs.items()}
        source = self.src.location(node)
        try:
            bound = bind(op, tuple(args), kwargs)
            result = expand(self.graph, op, bound, source, partial=True)
            if result is None:
                sg = SymbolicGraph(self.graph, source)
                result = insert_op(self.graph, op, [sg.value(a) for a in bound], source)
        except ScriptError:
            raise
        except JitcError as e:
            raise self.error(node, str(e)) from None
        result.type = generic(result.type)
        if result.node is not None and result.node.kind == "prim::TupleConstruct":
            return tuple(result.node.inputs)  # np.split's pieces: unpacked at compile time
        return result

    def composite_arg(self, b, node: ast.AST):
        if isinstance(b, tuple):
            return tuple(self.composite_arg(x, node) for x in b)
        if isinstance(b, slice) or b is Ellipsis:
            return b
        return self.op_arg(b, node)

    def op_arg(self, b, node: ast.AST):
        """An op argument: Values and constants as they are; `np.float32` as its name; int tuples with values as
        an int[] list (shapes); anything else must materialize."""
        if isinstance(b, Value) or is_constant(b):
            return b
        if dtype_name(b):
            return dtype_name(b)
        if isinstance(b, tuple):
            items = [self.op_arg(x, node) for x in b]
            if all(is_constant(x) for x in items):
                return tuple(items)  # e.g. axis=(1, 2): a constant the shape rules can read
            if all(is_int(x) for x in items):
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
        if isinstance(b, np.generic):  # a NumPy scalar read from a global or attribute: a 0-d array
            value = self.graph.insert_constant(b, self.src.location(node))
            value.type = generic(value.type)
            return value
        if isinstance(b, tuple):
            items = [self.materialize(x, node) for x in b]
            return self.emit("prim::TupleConstruct", items, [TupleType(tuple(v.type for v in items))], node).output
        if isinstance(b, PyDict):  # a tuple of the values, the keys kept on the node (see as_python)
            items = [self.materialize(x, node) for x in b.items.values()]
            return self.emit("prim::TupleConstruct", items, [TupleType(tuple(v.type for v in items))], node,
                             {"keys": tuple(b.items)}).output
        if isinstance(b, ShapeOf):
            return self.call_op(OPS["aten::size"], [b.array], {}, node)
        raise self.error(node, f"{self.describe(b)} cannot be used as a value in scripted code (values are arrays, "
                               "int/float/bool/str scalars and tuples of them)")

    def as_python(self, b):
        """A tuple or dict a callee returned (inlined: its prim::TupleConstruct) as the caller's binding again."""
        node = b.node if isinstance(b, Value) else None
        if node is None or node.kind != "prim::TupleConstruct":
            return b
        items = [self.as_python(v) for v in node.inputs]
        if "keys" in node.attrs:
            return PyDict(dict(zip(node.attrs["keys"], items)), sum(kind == "loop" for kind in self.loops))
        return tuple(items)

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
        if is_constant(b) or isinstance(b, (tuple, np.generic)):
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


def _cells(closure):
    for name, cell in closure:
        try:
            yield name, cell.cell_contents
        except ValueError:  # a closure variable not assigned yet
            continue
