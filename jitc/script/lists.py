"""Python lists of the function being compiled, resolved at compile time like tuples: list displays, `.append` /
`.extend` (rebinding the name), list comprehensions and generator expressions over sequences known at compile
time (unrolled), `sum`/`list`/`tuple` of them, and range loops of a constant trip count that grow a list
(unrolled, one body per counter value)."""
from __future__ import annotations

import ast

from ..ir import Value
from ..types import TensorType, TupleType
from .analysis import reads, stores
from .loops import LoopCompiler
from .objects import children
from .values import ModuleRef, PyList, RangeOf, is_constant

MAX_UNROLLED = 1024  # trips of a range loop that grows a list: each is a copy of the body


class ListCompiler(LoopCompiler):
    def visit_List(self, node: ast.List):
        return PyList(super().visit_List(node), self.loops.count("loop"))

    def visit_ListComp(self, node: ast.ListComp):
        return PyList(self.comprehension(node), self.loops.count("loop"))

    def visit_GeneratorExp(self, node: ast.GeneratorExp):
        return tuple(self.comprehension(node))  # consumed at once by sum(), tuple(), zip(), ...

    def comprehension(self, node: ast.ListComp | ast.GeneratorExp) -> list:
        """The elements, each generator unrolled over its items; the targets do not leak (Python 3 scoping)."""
        names = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        saved = {n: self.env[n] for n in names if n in self.env}
        out: list = []

        def generate(k: int) -> None:
            if k == len(node.generators):
                out.append(self.visit(node.elt))
                return
            g = node.generators[k]
            if g.is_async:
                raise self.error(g.iter, "async comprehensions are not supported in scripted code")
            for item in self.items_of(g.iter):
                self.assign(g.target, item, node)
                if all(self.static_truth(c) for c in g.ifs):
                    generate(k + 1)

        generate(0)
        for n in names:
            self.env.pop(n, None)
        self.env.update(saved)
        return out

    def static_truth(self, test: ast.expr) -> bool:
        v = self.visit(test)
        if not is_constant(v):
            raise self.error(test, "a comprehension's condition must be known at compile time in scripted code "
                                   "(use np.where or a for loop)")
        return bool(v)

    def items_of(self, it: ast.expr) -> list:
        """The items a comprehension goes over: a tuple or list, a module's children, zip/enumerate of those, or
        range() of constant ints."""
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and not it.keywords:
            fn = self.visit(it.func)
            if fn is range:
                bounds = [self.visit(a) for a in it.args]
                if not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
                    raise self.error(it, "a comprehension over range() needs constant bounds in scripted code (use "
                                         "a for loop)")
                return list(range(*bounds))
            if fn in (zip, enumerate):
                seqs = [self.sequence(self.visit(a), a) for a in it.args]
                if fn is enumerate:
                    if len(seqs) != 1:
                        raise self.error(it, "enumerate() takes one iterable in a comprehension")
                    return list(enumerate(seqs[0]))
                return list(zip(*seqs))
        return self.sequence(self.visit(it), it)

    def sequence(self, seq, node: ast.AST) -> list:
        if isinstance(seq, ModuleRef):
            return [self.module_attr(seq, name, node) for name in children(seq.module)]
        if isinstance(seq, Value) and isinstance(seq.type, TupleType):
            return list(self.unpack(seq, len(seq.type.elems), node))
        if isinstance(seq, tuple):
            return list(seq)
        if isinstance(seq, RangeOf) and all(isinstance(b, int) for b in (seq.start, seq.stop, seq.step)):
            return list(range(seq.start, seq.stop, seq.step))
        what = "an array's rows (use a for loop)" if isinstance(seq, Value) and isinstance(seq.type, TensorType) \
            else self.describe(seq)
        raise self.error(node, f"a comprehension over {what} is not supported in scripted code (supported: tuples, "
                               "lists, zip/enumerate of them, range() of constants, a module's children)")

    # ---- growing lists
    def visit_Call(self, node: ast.Call):
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr in ("append", "extend") and isinstance(f.value, ast.Name) \
                and isinstance(self.env.get(f.value.id), PyList):
            return self.grow(f.value.id, f.attr, node)
        return super().visit_Call(node)

    def grow(self, name: str, how: str, node: ast.Call):
        if node.keywords or len(node.args) != 1:
            raise self.error(node, f"list.{how}() takes one argument")
        old = self.env[name]
        if old.depth != self.loops.count("loop"):
            raise self.error(node, f"list.{how}() in a loop that is not unrolled is not supported in scripted code "
                                   "(a range() loop with a constant trip count is unrolled; or write into an array "
                                   "made with np.empty before the loop)")
        if any(_holds(b, old) for n, b in self.env.items() if n != name):
            raise self.error(node, f"list.{how}() on a list that another name also refers to is not supported in "
                                   "scripted code")
        arg = self.visit(node.args[0])
        self.env[name] = old.grown([arg] if how == "append" else self.sequence(arg, node.args[0]))

    def range_loop(self, node: ast.For, call: ast.Call) -> None:
        """A range loop whose body grows a list made outside it runs unrolled, if its bounds are constants."""
        grown = self.grows(node.body)
        if not grown:
            return super().range_loop(node, call)
        bounds = [self.visit(a) for a in call.args] if not call.keywords else None
        if bounds is None or not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds) \
                or not 1 <= len(bounds) <= 3 or len(bounds) == 3 and bounds[2] == 0:
            raise self.error(node, f"the loop grows '{min(grown)}' (a list or dict): scripted code unrolls it, "
                                   "which needs range() bounds known at compile time")
        trips = range(*bounds)
        if len(trips) > MAX_UNROLLED:
            raise self.error(node, f"the loop grows a list or dict and would unroll {len(trips)} times (at most "
                                   f"{MAX_UNROLLED}): write into an array made with np.empty before the loop")
        self.loops.append("unrolled")
        rebound = set(stores([node.target]))
        self.unroll(node, list(trips), self.live | (reads(node.body) - rebound) | {self.flag})
        self.loops.pop()

    def grows(self, body: list[ast.stmt]) -> set[str]:
        """The names of this function's lists that the statements grow."""
        return _grown_names(body) & {n for n, b in self.env.items() if isinstance(b, PyList)}

    # ---- builtins over lists
    def builtin_sum(self, args, node):
        if len(args) not in (1, 2):
            raise self.error(node, "sum() takes an iterable and an optional start")
        total = args[1] if len(args) == 2 else 0
        for x in self.sequence(args[0], node):
            total = self.binary(lambda a, b: a + b, "__add__", total, x, node)
        return total

    def builtin_list(self, args, node):
        items = self.sequence(self.expect_args("list", args, 1, node)[0], node) if args else ()
        return PyList(items, self.loops.count("loop"))

    def builtin_reversed(self, args, node):
        return tuple(reversed(self.sequence(self.expect_args("reversed", args, 1, node)[0], node)))

    def builtin_tuple(self, args, node):
        return tuple(self.sequence(self.expect_args("tuple", args, 1, node)[0], node)) if args else ()


def _grown_names(body: list[ast.stmt]) -> set[str]:
    return {n.func.value.id for n in ast.walk(ast.Module(body=body, type_ignores=[]))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend")
            and isinstance(n.func.value, ast.Name)}


def _holds(binding, lst: PyList) -> bool:
    if isinstance(binding, PyList) and binding.ident is lst.ident:
        return True
    return isinstance(binding, tuple) and any(_holds(b, lst) for b in binding)
