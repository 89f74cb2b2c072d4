"""Compiling loops: `for` over range(), an array's rows, enumerate/zip, tuples and modules (unrolled), and
`while`, into TorchScript-style prim::Loop with loop-carried values (see compiler.py for the exit flags)."""
from __future__ import annotations

import ast
import functools

from ..ir import Value
from ..ops import OPS
from ..types import BOOL, FLOAT, INT, NONE, TensorType, TupleType
from .analysis import contains_break, contains_return, exposed_after, reads, stores
from .emitter import is_int
from .expressions import ExpressionCompiler
from .objects import children
from .values import UNINIT, ModuleRef, PyDict, RangeOf, Undefined, unify

RETURNED, RESULT, GO, SKIP = "$returned", "$result", "$go", "$skip"
MAX_TRIP_COUNT = 9223372036854775807  # `while` loops: TorchScript's max trip count
_COUNTER = object()  # enumerate's counter among zip's sequences


class LoopCompiler(ExpressionCompiler):
    """Loops of a function body; statements and exits are FunctionCompiler's (compiler.py), which this is a part of."""

    def visit_For(self, node: ast.For) -> None:
        if node.orelse:
            raise self.error(node, "'for ... else' is not supported in scripted code (use a flag variable)")
        it = node.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and self.visit(it.func) is range:
            self.range_loop(node, it)
            return
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and self.visit(it.func) in (enumerate, zip):
            self.zip_loop(node, it)
            return
        seq = self.visit(it)
        if _keys_or_range(seq):
            seq = tuple(self.sequence(seq, it))  # lists.py, dicts.py
        if isinstance(seq, Value) and isinstance(seq.type, TensorType):  # rows of an array
            trip = self.call_op(OPS["aten::len"], [seq], {}, it)
            self.emit_loop(node, trip, True, lambda i: self.assign(
                node.target, self.call_op(OPS["aten::select"], [seq, 0, i], {}, node), node))
            return
        if isinstance(seq, ModuleRef):
            seq = tuple(self.module_attr(seq, name, it) for name in children(seq.module))
        elif isinstance(seq, Value) and isinstance(seq.type, TupleType):
            seq = tuple(self.unpack(seq, len(seq.type.elems), it))
        if not isinstance(seq, tuple):
            raise self.error(it, f"cannot iterate over {self.describe(seq)} in scripted code (supported: range(...), "
                                 "an array, a tuple, a module's children)")
        self.loops.append("unrolled")
        rebound = set(stores([node.target]))  # each item rebinds the target: its old value is dead
        self.unroll(node, list(seq), self.live | (reads(node.body) - rebound) | {self.flag})
        self.loops.pop()

    def zip_loop(self, node: ast.For, call: ast.Call) -> None:
        """`for i, row in enumerate(A)` / `for a, b in zip(A, B)`: a prim::Loop over arrays' rows, or unrolled
        over tuples (and modules), with the counter an int."""
        if call.keywords:
            raise self.error(call, f"{call.func.id}() takes no keyword arguments in scripted code")
        args = [self.visit(a) for a in call.args]
        start = 0
        if call.func.id == "enumerate":
            if len(args) not in (1, 2):
                raise self.error(call, "enumerate() takes one iterable and an optional start")
            args, start = [_COUNTER, args[0]], (args[1] if len(args) == 2 else 0)
        seqs = [a if a is _COUNTER else self.iterable(a, call) for a in args]
        if not [q for q in seqs if q is not _COUNTER]:
            raise self.error(call, "zip() needs at least one iterable")
        tuples = [q for q in seqs if isinstance(q, tuple)]
        if len(tuples) == len([q for q in seqs if q is not _COUNTER]):  # all tuples: unrolled
            n = min(len(t) for t in tuples)
            items = [tuple(self.binary(lambda a, b: a + b, "__add__", start, k, call) if q is _COUNTER else q[k]
                           for q in seqs) for k in range(n)]
            self.loops.append("unrolled")
            rebound = set(stores([node.target]))
            self.unroll(node, items, self.live | (reads(node.body) - rebound) | {self.flag})
            self.loops.pop()
            return
        if tuples:
            raise self.error(call, "zip() of arrays and tuples is not supported in scripted code (zip arrays with "
                                   "arrays, or tuples with tuples)")
        arrays = [q for q in seqs if q is not _COUNTER]
        trip = self.call_op(OPS["aten::len"], [arrays[0]], {}, call)
        for a in arrays[1:]:
            trip = self.call_op(OPS["prim::min"], [trip, self.call_op(OPS["aten::len"], [a], {}, call)], {}, call)

        def bind(i: Value) -> None:
            items = tuple(self.binary(lambda a, b: a + b, "__add__", i, start, call) if start != 0 else i
                          if q is _COUNTER else self.call_op(OPS["aten::select"], [q, 0, i], {}, node) for q in seqs)
            self.assign(node.target, items, node)

        self.emit_loop(node, trip, True, bind)

    def iterable(self, seq, node: ast.AST):
        """What zip/enumerate go over: an array Value (its rows), or a tuple of bindings."""
        if _keys_or_range(seq):
            return tuple(self.sequence(seq, node))
        if isinstance(seq, Value) and isinstance(seq.type, TensorType):
            return seq
        if isinstance(seq, ModuleRef):
            return tuple(self.module_attr(seq, name, node) for name in children(seq.module))
        if isinstance(seq, Value) and isinstance(seq.type, TupleType):
            return tuple(self.unpack(seq, len(seq.type.elems), node))
        if isinstance(seq, tuple):
            return seq
        raise self.error(node, f"cannot iterate over {self.describe(seq)} in scripted code (supported: an array, a "
                               "tuple, a module's children)")

    def unroll(self, node: ast.For, items: list, live: frozenset[str]) -> None:
        """`for m in <tuple or modules>`: the body once per item, guarding later items after a possible return."""
        for k, item in enumerate(items):
            self.assign(node.target, item, node)
            self.compile_stmts(node.body, live)
            flag = self.env[self.flag]
            if flag is True:
                return
            if isinstance(flag, Value) and k + 1 < len(items):
                self.guard(flag, functools.partial(self.unroll, node, items[k + 1:], live), live, node)
                return

    def range_loop(self, node: ast.For, call: ast.Call) -> None:
        if call.keywords or not 1 <= len(call.args) <= 3:
            raise self.error(call, "range() takes 1 to 3 positional arguments")
        args = []
        for a in call.args:
            b = self.visit(a)
            if not is_int(b):
                raise self.error(a, f"range() arguments must be ints, got {self.describe(b)}")
            args.append(b)
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        if len(args) == 1:
            trip = stop
        elif all(isinstance(a, int) for a in (start, stop, step)) and step != 0:  # step 0: ValueError at run time
            trip = len(range(start, stop, step))
        else:
            trip = self.call_op(OPS["aten::__range_length"], [start, stop, step], {}, call)
        simple = start == 0 and step == 1 and isinstance(start, int) and isinstance(step, int)

        def bind(index: Value) -> None:
            value = index if simple else self.call_op(OPS["aten::__derive_index"], [index, start, step], {}, node)
            self.assign(node.target, value, node)

        name = node.target.id if simple and isinstance(node.target, ast.Name) else None
        self.emit_loop(node, trip, True, bind, index_name=name)

    def visit_While(self, node: ast.While) -> None:
        if node.orelse:
            raise self.error(node, "'while ... else' is not supported in scripted code (use a flag variable)")
        cond = self.condition(node.test)
        if cond is False:
            return
        self.emit_loop(node, MAX_TRIP_COUNT, cond, lambda i: None, while_test=node.test)
        if cond is True and not contains_break(node.body) and contains_return(node.body):
            self.env[RETURNED] = True  # `while True` without break ends only by returning
            if self.flag == SKIP:
                self.env[SKIP], self.env[GO] = True, False

    def emit_loop(self, node: ast.For | ast.While, trip, cond, bind_target, while_test=None,
                  index_name: str | None = None) -> None:
        """A prim::Loop (inputs: max trip count, initial condition, carried values; body params: index, carried;
        body returns: continue condition, carried). Carried: names assigned in the body, defined before, live.
        A name a for loop's body assigns first is defined after the loop too, as after the last iteration in
        Python: carried from prim::Uninitialized, the loop marked `runs` (specialization checks its trip count)."""
        body, live_after = node.body, self.live
        live_end = live_after | reads(body) | reads([while_test] if while_test else []) | {GO}
        targets = stores([node.target]) if isinstance(node, ast.For) else []
        assigned = targets + stores(body) + ([RETURNED, RESULT] if contains_return(body) else [])
        before = self.env
        in_place = self.updated_in_place(body, before)
        first = [] if while_test is not None or contains_break(body) or contains_return(body) else [
            n for n in dict.fromkeys(targets + stores(body)) if n not in in_place
            and (n not in before or isinstance(before[n], Undefined))]
        if first:  # only those read after the loop before being assigned again need the loop to run
            after = exposed_after(self.src.tree, node)
            first = [n for n in first if n in after and n in live_after]
        carried = [n for n in dict.fromkeys(assigned)
                   if n in live_end and n in before and not isinstance(before[n], Undefined) and n not in in_place]
        carried += first
        inits = [self.emit("prim::Uninitialized", [], [NONE], node).output if n in first or before[n] is UNINIT
                 else self.materialize(before[n], node) for n in carried]
        loop = self.emit("prim::Loop", [self.materialize(trip, node), self.materialize(cond, node), *inits], [], node,
                         {"runs": True} if first else None)
        block = loop.add_block()
        index = block.add_param(INT, index_name)
        params = [block.add_param(v.type, None if n.startswith("$") else n) for n, v in zip(carried, inits)]

        self.env = dict(before)
        self.env.update((n, Undefined(f"'{n}' is read before it is assigned in the loop at line "
                                      f"{self.src.line(node)}") if n in first else
                         UNINIT if before[n] is UNINIT else p) for n, p in zip(carried, params))
        for n, p in zip(carried, params):
            self.carried(n, p, before.get(n))
        self.env[GO], self.env[SKIP] = True, False
        saved_flag, self.flag = self.flag, SKIP
        self.loops.append("loop")
        with self.inserting(block):
            bind_target(index)
            self.compile_stmts(body, live_end)
            go = self.env[GO] if while_test is None else self.continue_condition(while_test)
            self.carry_writes(loop, block, before, carried, inits, params)
            returns = [self.materialize(go, node)]
            for n, init in zip(carried, inits):
                b = self.env[n]
                returns.append(self.emit("prim::Uninitialized", [], [init.type], node).output if b is UNINIT
                               else self.materialize(b, node))
        self.loops.pop()
        self.flag = saved_flag
        for r in returns:
            block.add_return(r)

        self.env = dict(before)
        for n, init, p, r in zip(carried, inits, params, returns[1:]):
            if n in first or before.get(n) is UNINIT:  # the return value (or a first assignment): typed now
                init.type = p.type = t = r.type
            elif init.type in (INT, FLOAT, BOOL) and isinstance(r.type, TensorType):
                p.type = t = r.type  # `acc = 0.0; acc += np.tanh(a[i])`: a NumPy scalar from the first trip on
            else:
                t = unify(init.type, r.type)
                if t is None:
                    raise self.error(node, self.mismatch(n, init.type, r.type, "before the loop",
                                                         "after an iteration", "carried by a loop"))
            self.env[n] = self.named(loop.add_output(t), n)
            self.carried(n, self.env[n], before.get(n))
        for n in dict.fromkeys(targets + stores(body)):
            if n not in carried and (n not in before or isinstance(before[n], Undefined)):
                self.env[n] = Undefined(f"'{n}' is assigned only inside the loop at line {self.src.line(node)}; "
                                        "assign it before the loop to use it after")
        returned = self.env[RETURNED]
        if self.flag == SKIP and isinstance(returned, Value):  # a return in a nested loop also leaves this one
            self.env[SKIP] = returned
            self.env[GO] = self.call_op(OPS["aten::__not__"], [returned], {}, node)

    def continue_condition(self, test: ast.expr):
        """A while loop's condition for the next trip: the test again, unless a break cleared `$go`."""
        go = self.env[GO]
        if go is False:
            return False
        if isinstance(test, ast.Constant):  # `while True`: only a break stops it
            return go if test.value else False
        if go is True:
            return self.condition(test)
        return self.if_expr(go, lambda: self.condition(test), lambda: False, test)


def _keys_or_range(seq) -> bool:
    """A dict (its keys), a dict attribute of an object (its names) or a range() bound to a name."""
    return isinstance(seq, (PyDict, RangeOf)) or isinstance(seq, ModuleRef) and getattr(seq.module, "keyed", False)
