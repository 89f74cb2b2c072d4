"""Array attributes of model objects are memory too (`self.cache_k[:B, pos:pos + L] = xk`, then a read of
`self.cache_k`): each (object, attribute) is one external root of the array memory (memory.py), read once
per function at its top, so every later read sees the writes before it and the final content is written back to
the attribute's array with `aten::copy_`, as to a written argument."""
from __future__ import annotations

import ast

from ..arguments import CallBinder, flatten
from ..ir import Node, Value
from ..script_module import ScriptModule
from ..types import OptionalType, TensorType
from .objects import method, parts, type_name
from .values import ModuleRef


class AttributeMemory:
    """Mixin of the function compiler (before ArrayWrites in the bases): parameter reads as memory roots."""

    def init_attributes(self) -> None:
        self.attribute_roots: dict = {}  # (id(object), name) -> MemRef of the attribute's array
        self.hoisted: dict[Value, Value] = {}  # a module value -> its GetAttr chain at the top of the graph
        self.last_hoisted = None               # the last node put there
        self.inlined_owners: dict[Value, object] = {}  # module values whose methods were inlined -> their objects

    def get_attr(self, ref: ModuleRef, name: str, type_, node: ast.AST) -> Value:
        if not isinstance(type_, TensorType):
            return super().get_attr(ref, name, type_, node)
        key = (id(ref.module), name)
        root = self.attribute_roots.get(key)
        if root is None:  # read at the top: its root dominates every read, write and the write-back at the end
            with self._at_top():
                value = super().get_attr(ModuleRef(ref.module, self._hoist(ref.value)), name, type_, node)
            self.last_hoisted = value.node
            root = self.attribute_roots[key] = self.new_root(value, external=True)
        return self.derive(root)

    def _at_top(self):
        """Insert after what was hoisted before (in order: a chain uses the module values hoisted earlier)."""
        nodes = self.graph.block.nodes
        i = 0 if self.last_hoisted is None else nodes.index(self.last_hoisted) + 1
        return self.graph.inserting_before(nodes[i]) if i < len(nodes) else self.graph.inserting_at_end(self.graph.block)

    def _hoist(self, module_value: Value) -> Value:
        """The module value's chain of prim::GetAttr from `self`, emitted again where the insertion point is."""
        node = module_value.node
        if node is None or node.kind != "prim::GetAttr":
            return module_value  # `self` itself, a graph input
        hoisted = self.hoisted.get(module_value)
        if hoisted is None:
            parent = self._hoist(node.inputs[0])
            hoisted = self.graph.insert("prim::GetAttr", [parent], [module_value.type], dict(node.attrs),
                                        node.source).output
            self.hoisted[module_value] = hoisted
        return hoisted

    def call_method(self, ref: ModuleRef, name: str, args: list, kwargs: dict, node: ast.AST) -> Value:
        """A method called with None (or a value that may be None), a string or a tuple, or with a value where its
        default is None, is compiled for those arguments and inlined (its
        attribute reads and writes become the caller's); other calls stay prim::CallMethod (inlined when the
        graph is frozen, its write-backs included)."""
        fn = None if isinstance(ref.module, ScriptModule) else method(ref.module, name)
        if fn is not None:
            args, kwargs = self.bind_method(fn, ref, name, args, kwargs, node), {}
        binder = CallBinder(fn, skip_self=True) if fn is not None else None
        if fn is None or not any(a is None or isinstance(a, (str, tuple)) or _maybe_none(a) for a in args) and \
                not any(p.default is None and a is not None for p, a in zip(binder.params, args)):
            return super().call_method(ref, name, args, kwargs, node)
        if len(args) != len(binder.params):
            return super().call_method(ref, name, args, kwargs, node)  # says how many it takes
        values = [self.as_binding(a, node) for a in args]
        free = set(binder.free)
        kinds = tuple(self.binding_kind(v, node) if p.name in free else None for p, v in zip(binder.params, values))
        graph = self.session.method_variant(ref.module, name, kinds)
        self.inlined_owners[ref.value] = ref.module
        return self.inline(graph, name, [ref.value, *flatten(values, kinds)], node)

    def bind_method(self, fn, ref: ModuleRef, name: str, args: list, kwargs: dict, node: ast.AST) -> list:
        """The positional arguments of a call of a Python method: keywords and defaults bound by its signature."""
        binder = CallBinder(fn, skip_self=True)
        if not kwargs and len(args) == len(binder.params) or binder.signature is None:
            return args
        try:
            bound = binder.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise self.error(node, f"{type_name(ref.module)}.{name}(): {e}") from None
        bound.apply_defaults()
        return list(bound.arguments.values())

    def adopt_attributes(self, nodes: list[Node], args: list, node: ast.AST) -> None:
        """An inlined method's attribute reads (at its top) read the caller's current content instead, so its
        write-backs (aten::copy_ to them) become the caller's writes."""
        owner = self.inlined_owners.get(args[0]) if args and isinstance(args[0], Value) else None
        if owner is None:
            return
        objects = {args[0]: owner}
        for n in nodes:
            if n.kind != "prim::GetAttr" or n.inputs[0] not in objects:
                continue
            obj, attr = objects[n.inputs[0]], n.attrs["name"]
            p = parts(obj)
            if attr in p.modules:
                objects[n.output] = p.modules[attr]
            elif attr in p.params and isinstance(n.output.type, TensorType):
                n.output.replace_all_uses_with(self.get_attr(ModuleRef(obj, n.inputs[0]), attr, TensorType(), node))
                n.destroy()


def _maybe_none(a) -> bool:
    return isinstance(a, Value) and isinstance(a.type, OptionalType)
