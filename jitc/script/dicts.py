"""Python dicts with keys known at compile time, resolved like lists (lists.py): dict displays, `d[k]` reads and
writes (rebinding the name; an array item written in place with `d[k] -= g`, as NumPy does), iteration over the
keys, .keys()/.values()/.items(), len(); dict attributes of model objects (`self.params["W1"]`, a container keyed
by name, see objects.py); range loops of a constant trip count that store into a dict run unrolled."""
from __future__ import annotations

import ast

from ..ir import Value
from ..types import TensorType
from .expressions import BINARY
from .lists import ListCompiler
from .objects import Container
from .values import Builtin, ModuleRef, PyDict, PyList, is_constant


class DictCompiler(ListCompiler):
    def visit_Dict(self, node: ast.Dict):
        items = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                raise self.error(v, "'**' in a dict display is not supported in scripted code")
            items[self.dict_key(k)] = self.visit(v)
        return PyDict(items, self.loops.count("loop"))

    def dict_key(self, node: ast.expr):
        key = self.visit(node)
        if not (is_constant(key) and isinstance(key, (str, int, bool, tuple))):
            raise self.error(node, f"dict keys must be known at compile time in scripted code (str or int constants, "
                                   f"or a counter of an unrolled loop), got {self.describe(key)}")
        return key

    def dict_item(self, d: PyDict, key, node: ast.AST):
        if key not in d.items:
            raise self.error(node, f"KeyError: {key!r} (the dict holds {sorted(map(repr, d.items))})")
        return d.items[key]

    def container_item(self, ref: ModuleRef, key, node: ast.AST):
        """`self.params["W1"]`: the named child of a dict attribute."""
        if key not in ref.module.names:
            raise self.error(node, f"KeyError: {key!r} (the dict attribute holds {ref.module.names})")
        return self.module_attr(ref, key, node)

    def assign_item(self, target: ast.Subscript, value, node: ast.AST) -> bool:
        """`d[key] = value` for a dict of this function (True), else False (an array element: writes.py)."""
        found = self.dict_target(target)
        if found is None:
            return False
        self.store(*found, value, node)
        return True

    def augment_item(self, node: ast.AugAssign) -> bool:
        """`d[key] op= value` / `self.params[key] op= value` (True); else False (an array element)."""
        found = self.dict_target(node.target)
        container = None if found is not None else self.keyed_container(node.target.value)
        if found is None and container is None:
            return False
        if found is not None:
            name, key = found
            current = self.dict_item(self.env[name], key, node.target)
        else:
            key = self.dict_key(node.target.slice)
            current = self.container_item(container, key, node.target)
        if type(node.op) not in BINARY:
            raise self.error(node, f"the operator {type(node.op).__name__} is not supported")
        fold, dunder = BINARY[type(node.op)]
        value = self.binary(fold, dunder, current, self.visit(node.value), node)
        if isinstance(current, Value) and isinstance(current.type, TensorType):  # the array itself, in place
            self.write(self.target_ref(current, node.target), (), value, node, "same_kind")
        elif found is not None:
            self.store(name, key, value, node)
        else:
            raise self.error(node.target, "assigning to an item of a dict attribute is not supported in scripted "
                                          "code (its arrays can be updated in place)")
        return True

    def dict_target(self, target: ast.expr):
        """(name, key) for `d[key] = ...` where d names a dict of this function; else None."""
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                isinstance(self.env.get(target.value.id), PyDict):
            return target.value.id, self.dict_key(target.slice)
        return None

    def keyed_container(self, node: ast.expr):
        base = self.visit(node) if isinstance(node, ast.Attribute) else None
        return base if isinstance(base, ModuleRef) and isinstance(base.module, Container) and base.module.keyed \
            else None

    def store(self, name: str, key, value, node: ast.AST) -> None:
        d = self.env[name]
        if d.depth != self.loops.count("loop"):
            raise self.error(node, "storing into a dict in a loop that is not unrolled is not supported in scripted "
                                   "code (a range() loop with a constant trip count is unrolled)")
        if any(_holds(b, d) for n, b in self.env.items() if n != name):
            raise self.error(node, "storing into a dict that another name also refers to is not supported in "
                                   "scripted code")
        self.env[name] = d.like({**d.items, key: value})

    def grows(self, body: list[ast.stmt]) -> set[str]:
        stored = {n.value.id for s in body for n in ast.walk(s) if isinstance(n, ast.Subscript)
                  and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name)}
        return super().grows(body) | {n for n in stored if isinstance(self.env.get(n), PyDict)}

    # ---- iteration and methods
    def sequence(self, seq, node: ast.AST) -> list:
        if isinstance(seq, PyDict):
            return list(seq.items)  # the keys, as Python iterates a dict
        if isinstance(seq, ModuleRef) and isinstance(seq.module, Container) and seq.module.keyed:
            return list(seq.module.names)
        return super().sequence(seq, node)

    def dict_method(self, base, attr: str, node: ast.AST):
        """`.keys()` / `.values()` / `.items()` of a dict or a dict attribute; None for other attributes."""
        if isinstance(base, PyDict):
            pairs = list(base.items.items())
        elif isinstance(base, ModuleRef) and isinstance(base.module, Container) and base.module.keyed:
            pairs = [(k, self.module_attr(base, k, node)) for k in base.module.names]
        else:
            return None
        if attr not in ("keys", "values", "items"):
            raise self.error(node, f"'.{attr}' of a dict is not supported in scripted code (supported: keys, values, "
                                   "items)")
        picked = {"keys": [k for k, _ in pairs], "values": [v for _, v in pairs], "items": pairs}[attr]
        return Builtin(attr, lambda args, kwargs, n: tuple(picked))


def _holds(binding, d: PyDict) -> bool:
    if isinstance(binding, PyDict):
        return binding.ident is d.ident or any(_holds(v, d) for v in binding.items.values())
    return isinstance(binding, (tuple, PyList)) and any(_holds(b, d) for b in binding)
