"""Compiling a function body: statements, variables and control flow, into TorchScript-style prim::If/prim::Loop.

Variables live in `env` (name -> binding). Branches and loop bodies compile in copies of it; at the join, names
that differ and are live become block outputs. Early exits are lowered with flag variables, as TorchScript's exit
transform does: `$returned`/`$result` for return, and per loop body `$go` (the loop continues) and `$skip` (the
rest of this iteration is skipped). Statements after a possible exit are guarded by `if flag: ... else: rest`;
when one branch of an if always exits, the rest goes into the other branch instead, which keeps graphs flat.
"""
from __future__ import annotations

import ast
import functools

from ..arguments import ConstKind
from ..ir import Graph, Value
from ..ops import OPS
from ..ops.decomp import TUPLES
from ..types import BOOL, FLOAT, INT, STR, TENSOR, ListType, ModuleType, OptionalType, TensorType, TupleType
from .analysis import always_exits, suffix_reads
from .attributes import AttributeMemory
from .dicts import DictCompiler
from .expressions import BINARY
from .loops import GO, RESULT, RETURNED, SKIP
from .memory import MemRef, is_mem
from .numpy_scalars import is_numpy_scalar
from .values import UNINIT, ModuleRef, PyDict, PyList, ShapeOf, Undefined, describe, is_constant, same_binding, unify
from .writes import ArrayWrites

ANNOTATIONS = {"int": INT, "float": FLOAT, "bool": BOOL, "str": STR}
_MISSING = object()


class FunctionCompiler(AttributeMemory, ArrayWrites, DictCompiler):
    """Compiles one function or method into a Graph. `owner` is (module, class name) when compiling a method."""

    def __init__(self, session, src, fn, owner=None, kinds: tuple = ()):
        super().__init__(session, src, fn)
        self.init_memory()
        self.init_attributes()
        self.fn, self.owner = fn, owner
        self.kinds = kinds              # per parameter (without self): its kind (see arguments.py), None if fixed
        self.flag = RETURNED            # the flag that means "skip the rest of this region"
        self.loops: list[str] = []      # "loop" (a prim::Loop) or "unrolled", innermost last
        self.live: frozenset[str] = frozenset()  # names read after the statement being compiled

    def compile(self) -> Graph:
        tree = self.src.tree
        self.add_inputs(tree.args)
        self.env[RETURNED], self.env[RESULT] = False, UNINIT
        self.compile_stmts(tree.body, frozenset({RETURNED, RESULT}))
        returned = self.env[RETURNED]
        if returned is not True and returned is not False:
            raise self.error(tree, f"not every path through {tree.name}() returns a value (add a return at the "
                                   "end; a loop may run zero times)")
        result = self.env[RESULT] if returned else self.materialize(None, tree)
        self.write_back(tree)
        if result.node is not None and result.node.kind == "prim::TupleConstruct":
            items = [self.returned(v) for v in result.node.inputs]
            if any(a is not b for a, b in zip(items, result.node.inputs)):
                result = self.returned_tuple(items, tree)
        else:
            result = self.returned(result)
        self.graph.block.add_return(result)
        self.graph.lint()
        return self.graph

    def add_inputs(self, args: ast.arguments) -> None:
        for bad, what in ((args.vararg, "*args"), (args.kwarg, "**kwargs")):
            if bad is not None:
                raise self.error(bad, f"{what} parameters are not supported in scripted code (list the parameters)")
        if args.kwonlyargs:
            raise self.error(args.kwonlyargs[0], "keyword-only parameters are not supported in scripted code "
                                                 "(make them positional)")
        params = args.posonlyargs + args.args
        if self.owner is not None:
            module, type_name = self.owner
            self_value = self.graph.add_input(ModuleType(type_name), "self")
            self.env[params[0].arg] = ModuleRef(module, self_value)
            params = params[1:]
        for p, kind in zip(params, self.kinds):
            fixed = ANNOTATIONS.get(self.annotation(p), TENSOR)
            self.env[p.arg] = self.bind_param(p.arg, fixed if kind is None else kind)

    def bind_param(self, name: str, kind):
        """A parameter's binding for its kind: a graph input, a tuple of them, or a constant (None, strings)."""
        if isinstance(kind, ConstKind):
            return kind.value
        if isinstance(kind, TupleType):
            return tuple(self.bind_param(f"{name}_{i}", k) for i, k in enumerate(kind.elems))
        value = self.graph.add_input(kind, name)
        return self.new_root(value, external=True) if isinstance(kind, TensorType) else value

    @staticmethod
    def annotation(p: ast.arg) -> str | None:
        """The annotation's text when it fixes the parameter's type (int, float, bool, str); others (arrays,
        `Array["B, D"]`, typing generics) leave the kind to the call's argument."""
        ann = p.annotation
        if ann is None:
            return None
        text = ann.value if isinstance(ann, ast.Constant) and isinstance(ann.value, str) else ast.unparse(ann)
        return text if text in ANNOTATIONS else None

    # ---- statement lists and exits
    def compile_stmts(self, stmts: list[ast.stmt], live: frozenset[str]) -> None:
        """Compile stmts; `live` holds the names read after them. Stops at a certain exit, guards after a
        possible one."""
        later = suffix_reads(stmts)
        for i, stmt in enumerate(stmts):
            rest = stmts[i + 1:]
            self.live = live | later[i + 1] | ({self.flag} if rest else set())
            if isinstance(stmt, ast.If):
                if self.if_stmt(stmt, rest, live):
                    return
            else:
                self.visit(stmt)
            flag = self.env[self.flag]
            if not rest or flag is True:
                return
            if isinstance(flag, Value):
                self.guard(flag, functools.partial(self.compile_stmts, rest, live), live, stmt)
                return

    def guard(self, flag: Value, rest_fn, live: frozenset[str], node: ast.AST) -> None:
        """`if flag: (skip) else: rest`; each branch knows the flag's value, so the rest needs no more guards."""
        def run_rest():
            self.env[self.flag] = False
            rest_fn()

        self.emit_if(flag, lambda: self.env.__setitem__(self.flag, True), run_rest, live, node)

    def if_stmt(self, stmt: ast.If, rest: list[ast.stmt], live: frozenset[str]) -> bool:
        """Compile an if; returns True when it also compiled `rest` (folded condition, or an exiting branch)."""
        cond = self.condition(stmt.test)
        if isinstance(cond, bool):
            self.compile_stmts((stmt.body if cond else stmt.orelse) + rest, live)
            return True
        body, orelse, consumed = stmt.body, stmt.orelse, False
        if rest and always_exits(body) != always_exits(orelse):
            body, orelse = (body, orelse + rest) if always_exits(body) else (body + rest, orelse)
            consumed = True
        after = live if consumed else self.live
        refined = self.refinement(stmt.test)

        def branch(stmts, taken: bool):
            if refined is not None and refined[1] == taken:  # `if x is not None:` x is its array in here
                name, x = refined[0], self.env[refined[0]]
                self.env[name] = self.call_op(OPS["prim::unchecked_cast"], [x], {}, stmt.test)
            self.compile_stmts(stmts, after)

        self.emit_if(cond, lambda: branch(body, True), lambda: branch(orelse, False), after, stmt)
        return consumed

    def refinement(self, test: ast.expr) -> tuple[str, bool] | None:
        """For `name is not None` / `name is None` on a variable that may be None: the name, and in which
        branch (True: the body) it is not None."""
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)
                and isinstance(test.ops[0], (ast.Is, ast.IsNot)) and isinstance(test.comparators[0], ast.Constant)
                and test.comparators[0].value is None):
            return None
        x = self.env.get(test.left.id)
        if not (isinstance(x, Value) and isinstance(x.type, OptionalType)):
            return None
        return test.left.id, isinstance(test.ops[0], ast.IsNot)

    def emit_if(self, cond: Value, then_fn, else_fn, live: frozenset[str], node: ast.AST) -> None:
        """A prim::If whose blocks run then_fn/else_fn on copies of env; live names that differ become outputs."""
        n = self.emit("prim::If", [cond], [], node)
        before, envs, serial = self.env, [], next(self.serial)
        for fn in (then_fn, else_fn):
            self.env = dict(before)
            with self.inserting(n.add_block()):
                fn()
            envs.append(self.env)
        self.env = dict(before)
        self.fill_missing_versions(envs, n)
        line = self.src.line(node)
        for name in dict.fromkeys([*envs[0], *envs[1]]):
            a, b = envs[0].get(name, _MISSING), envs[1].get(name, _MISSING)
            if same_binding(a, b):
                if a is not _MISSING:
                    self.env[name] = a
            elif name not in live and not is_mem(name):
                self.env[name] = Undefined(f"'{name}' is not available after the if at line {line}")
            elif _MISSING in (a, b):
                branch = "false" if b is _MISSING else "true"
                self.env[name] = Undefined(f"'{name}' is not defined in the {branch} branch of the if at line "
                                           f"{line} (assign it before the if, or in both branches)")
            elif isinstance(a, Undefined) or isinstance(b, Undefined):
                self.env[name] = a if isinstance(a, Undefined) else b
            else:
                self.env[name] = self.merge(n, name, (a, b), node, envs)
                if isinstance(self.env[name], Value):
                    self.merged(name, (a, b), self.env[name], serial)

    def merge(self, n, name: str, bindings: tuple, node: ast.AST, envs: list):
        """One output of prim::If n: each block returns its binding of `name` (read in that block's env), with a
        common type."""
        if not all(b is UNINIT or isinstance(b, (Value, tuple, MemRef)) or is_constant(b) for b in bindings):
            return Undefined(f"'{name}' refers to different objects after the if at line {self.src.line(node)}; "
                             "scripted code needs one object")
        values, saved = [], self.env
        for block, b, env in zip(n.blocks, bindings, envs):
            self.env = env
            with self.inserting(block):
                values.append(None if b is UNINIT else self.materialize(b, node))
        self.env = saved
        known = [v.type for v in values if v is not None]
        t = known[0] if len(known) == 1 else unify(*known)
        if t is None:
            raise self.error(node, self.mismatch(name, known[0], known[1], "in the true branch",
                                                 "in the false branch", "used after an if"))
        for block, v in zip(n.blocks, values):
            if v is None:
                with self.inserting(block):
                    v = self.emit("prim::Uninitialized", [], [t], node).output
            block.add_return(v)
        return self.named(n.add_output(t), name)

    @staticmethod
    def mismatch(name: str, t1, t2, where1: str, where2: str, what: str) -> str:
        if name == RESULT:
            return (f"this function returns {describe(t1)} on one path and {describe(t2)} on another; every return "
                    "must give the same type")
        return (f"'{name}' is {describe(t1)} {where1} but {describe(t2)} {where2}; a variable {what} must keep one "
                "type")

    @staticmethod
    def named(v: Value, name: str) -> Value:
        """Values take the name of the variable they are first bound to, as in TorchScript (`%h`, `%h.1`)."""
        if v.name.isdigit() and not name.startswith("$"):
            v.set_name(name)
        return v

    # ---- simple statements
    def visit_Expr(self, node: ast.Expr) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):  # docstrings
            self.visit(node.value)

    def visit_Pass(self, node: ast.Pass) -> None:
        pass

    def visit_Assign(self, node: ast.Assign) -> None:
        value = self.visit(node.value)
        for target in node.targets:
            self.assign(target, value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assign(node.target, self.visit(node.value), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """`x op= y`: in place on arrays (NumPy's in-place ufunc, same_kind casting), a rebinding on scalars."""
        if type(node.op) not in BINARY:
            raise self.error(node, f"the operator {type(node.op).__name__} is not supported")
        fold, dunder = BINARY[type(node.op)]
        target = node.target
        if isinstance(target, ast.Subscript):
            if not self.augment_item(node):
                self.write_index(self.visit(target.value), target.slice, self.visit(node.value), node, (fold, dunder))
            return
        if not isinstance(target, (ast.Name, ast.Attribute)):
            raise self.error(target, "augmented assignment is only supported to names, array attributes and array "
                                     "elements in scripted code")
        load = ast.Name(target.id, ast.Load()) if isinstance(target, ast.Name) else \
            ast.Attribute(target.value, target.attr, ast.Load())
        current = self.visit(ast.copy_location(load, target))
        value = self.binary(fold, dunder, current, self.visit(node.value), node)
        if isinstance(target, ast.Attribute) and not (isinstance(current, Value) and
                                                      isinstance(current.type, TensorType)):
            raise self.error(target, "assigning to attributes is not supported in scripted code (return new values "
                                     "instead of storing them on self; array attributes can be updated in place)")
        if isinstance(current, Value) and isinstance(current.type, TensorType) and not is_numpy_scalar(current):
            self.write(self.target_ref(current, target), (), value, node, "same_kind")
        else:
            self.assign(target, value, node)

    def assign(self, target: ast.expr, value, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = self.bind_array(self.named(value, target.id) if isinstance(value, Value) else value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if any(isinstance(t, ast.Starred) for t in target.elts):
                raise self.error(target, "starred assignment is not supported in scripted code (unpack every item)")
            for t, v in zip(target.elts, self.unpack(value, len(target.elts), target)):
                self.assign(t, v, node)
        elif isinstance(target, ast.Subscript):
            if not self.assign_item(target, value, node):
                self.write_index(self.visit(target.value), target.slice, value, node)
        elif isinstance(target, ast.Attribute):
            raise self.error(target, "assigning to attributes is not supported in scripted code (return new values "
                                     "instead of storing them on self)")
        else:
            raise self.error(target, f"cannot assign to {type(target).__name__} in scripted code")

    def unpack(self, value, n: int, target: ast.AST) -> list:
        """`a, b = value` for tuples (prim::TupleUnpack) and shapes (aten::size per dimension)."""
        if isinstance(value, ShapeOf):
            return [self.call_op(OPS["aten::size"], [value.array, k], {}, target) for k in range(n)]
        if isinstance(value, Value) and value.type == ListType(INT):  # a shape: its length is the names'
            return [self.call_op(OPS["aten::__getitem__.t"], [value, k], {}, target) for k in range(n)]
        if isinstance(value, Value) and isinstance(value.type, TupleType):
            if len(value.type.elems) != n:
                raise self.error(target, f"cannot unpack a tuple of {len(value.type.elems)} values into {n} names")
            return self.emit("prim::TupleUnpack", [value], list(value.type.elems), target).outputs
        if isinstance(value, tuple):
            if len(value) != n:
                raise self.error(target, f"cannot unpack {len(value)} values into {n} names")
            return list(value)
        if isinstance(value, Value) and value.type == TENSOR and value.node is not None and value.node.kind in TUPLES:
            value.type = TupleType((TENSOR,) * n)  # a count known once shapes are (np.nonzero): specialization checks
            return self.emit("prim::TupleUnpack", [value], list(value.type.elems), target).outputs
        raise self.error(target, f"cannot unpack {self.describe(value)} (tuples and x.shape can be unpacked)")

    def visit_Return(self, node: ast.Return) -> None:
        value = self.visit(node.value) if node.value else None
        if _has_list(value):  # compiled code returns tuples: jitc.compile does not take this as the entry
            self.graph.list_return = self.error(node, "returning a Python list or dict is not supported by "
                                                      "jitc.compile (return a tuple, or np.stack the list)")
        self.env[RESULT] = self.materialize(value, node)
        self.env[RETURNED] = True
        if self.flag == SKIP:
            self.env[SKIP], self.env[GO] = True, False

    def visit_Break(self, node: ast.Break) -> None:
        self.check_jump(node, "break")
        self.env[SKIP], self.env[GO] = True, False

    def visit_Continue(self, node: ast.Continue) -> None:
        self.check_jump(node, "continue")
        self.env[SKIP] = True

    def check_jump(self, node: ast.AST, what: str) -> None:
        if not self.loops:
            raise self.error(node, f"'{what}' outside a loop")
        if self.loops[-1] == "unrolled":
            raise self.error(node, f"'{what}' is not supported in a for loop over a tuple or modules (it is unrolled "
                                   "at compile time); loop over range(len(...)) or use a flag")



def _has_list(b) -> bool:
    return isinstance(b, (PyList, PyDict)) or isinstance(b, tuple) and any(_has_list(x) for x in b)
