"""Arrays are memory, names refer to it: the bookkeeping under scripting's functionalized writes (writes.py).

A variable bound to an array holds a `MemRef`: a root (an input, or an array the function created) and the view
steps from it (`v = A[1:]` is A's root with a slice). The current content of each root is the env entry
`$mem.N`; every read resolves to the current version (views are derived again when their root changed), so a view
sees writes to its base. Versions are ordinary SSA values: branches merge them and loops carry them like
variables. An array that is a view or a copy depending on the path taken is ambiguous: reading it after its
possible base was written is an error. A returned version of an input is the input itself (the caller's object).
"""
from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass

from ..builder import insert_op
from ..errors import JitcError
from ..ir import Block, Node, Value
from ..ops import OPS
from ..ops.mutation import PART_OPS
from ..ops.registry import COMPOSITE, VIEW, bind
from ..ops.shared_results import shared_result
from ..types import TensorType, TupleType
from .values import generic

MEM = "$mem."


@dataclass(frozen=True)
class MemRef:
    """An array variable: root key (an env name) and view steps ((op short name, *args) each) from the root."""

    key: str
    steps: tuple = ()


def is_mem(name: str) -> bool:
    return name.startswith(MEM)


class ArrayMemory:
    """Mixin of the function compiler: memory roots, versions, views and aliasing (see the module docstring)."""

    def init_memory(self) -> None:
        self.refs: dict = {}                      # (key, steps) -> MemRef, interned so `is` compares bindings
        self.value_refs: dict[Value, MemRef] = {}  # versions and views -> what they are
        self.origins: dict[str, Value] = {}        # root key -> its first version
        self.external: dict[str, Value] = {}       # root key -> the graph input it is (written back at the end)
        # arrays that may alias memory depending on control flow -> {root key: its version when they were made}
        self.ambiguous: dict[Value, dict] = {}
        self.view_cache: dict = {}                 # (key, steps, version) -> view Value
        self.serial = itertools.count()
        self.shared: dict[Value, str] = {}         # composite results that are views in NumPy -> the function
        self.reshaped: dict[MemRef, Value] = {}    # views through a reshape -> their root's version when made

    # ---- roots, versions, views
    def ref(self, key: str, steps: tuple = ()) -> MemRef:
        return self.refs.setdefault((key, steps), MemRef(key, steps))

    def new_root(self, value: Value, external: bool = False) -> MemRef:
        key = f"{MEM}{next(self.serial)}"
        self.origins[key] = value
        if external:
            self.external[key] = value
        ref = self.ref(key)
        self.value_refs[value] = ref
        return ref

    def ref_of(self, value: Value) -> MemRef | None:
        """The memory an array value is (a fresh array becomes a root); None for ambiguous arrays."""
        if value in self.ambiguous:
            return None
        ref = self.value_refs.get(value)
        return ref if ref is not None else self.new_root(value)

    def version(self, key: str) -> Value:
        return self.env.get(key, self.origins[key])

    def set_version(self, key: str, value: Value) -> None:
        self.env[key] = value
        self.value_refs[value] = self.ref(key)

    def resolve(self, b):
        """The current value of a binding: a MemRef or a stale version reads its root's current content."""
        if isinstance(b, Value):
            ref = self.value_refs.get(b)
            if ref is None:
                return b
            b = ref
        if isinstance(b, MemRef):
            return self.derive(b)
        if isinstance(b, tuple):
            return tuple(self.resolve(x) for x in b)
        return b

    def derive(self, ref: MemRef) -> Value:
        base = self.version(ref.key)
        if not ref.steps:
            return base
        cache_key = (ref.key, ref.steps, base)
        cached = self.view_cache.get(cache_key)
        if cached is not None and self.visible(cached):
            return cached
        value = base
        for name, *args in ref.steps:
            value = self.insert_view(OPS[f"aten::{name}"], value, args)
        self.view_cache[cache_key] = value
        return value

    def visible(self, v: Value) -> bool:
        """Whether a cached view v can be reused here: defined in the block being filled or one enclosing it, and
        not outside a loop around it (a root written in the loop becomes loop-carried after the body is compiled,
        and only what the body derives from its old version is rewired to the carried one)."""
        owner = v.node.owning_block if v.node is not None else v.block
        block = self.block
        while block is not None:
            if block is owner:
                return True
            node = block.owning_node
            if node is None or node.kind == "prim::Loop":
                return False
            block = node.owning_block
        return False

    def insert_view(self, op, base: Value, args) -> Value:
        node = self.src.tree  # replayed views carry the location of the function; reads give their own
        return self.call_op(op, [base, *args], {}, node)

    def track_view(self, op, value: Value) -> None:
        """A view op's result is a view of its input's memory."""
        base = value.node.inputs[0]
        ref = self.ref_of(base) if isinstance(base.type, TensorType) else None
        if ref is None:
            self.make_ambiguous(value, [base])
            return
        args = tuple(v.node.attrs.get("value") if v.node is not None and v.node.kind == "prim::Constant" else v
                     for v in value.node.inputs[1:])
        steps = ref.steps + ((op.short, *args),)
        self.value_refs[value] = self.ref(ref.key, steps)
        if op.short == "reshape":  # a view or a copy, by the array's strides: known when specialized, not here
            self.reshaped.setdefault(self.ref(ref.key, steps), self.version(ref.key))
        if base is self.version(ref.key) or ref.steps:
            self.view_cache.setdefault((ref.key, steps, self.version(ref.key)), value)

    # ---- hooks into the emitter
    def call_op(self, op, args, kwargs, node):
        value = super().call_op(op, [self.resolve(a) for a in args],
                                {k: self.resolve(v) for k, v in kwargs.items()}, node)
        if op.kind == VIEW and value is not None:
            self.track_view(op, value)
        elif (op.kind == COMPOSITE or op.name in PART_OPS) and value is not None:
            try:
                spelled = shared_result(op, bind(op, tuple(args), kwargs))
            except JitcError:  # (the call itself reports arguments it does not take)
                spelled = None
            if spelled is not None:
                self.share_memory(value, args, spelled)
        return value

    def share_memory(self, result, args: list, spelled: str) -> None:
        """A composite's result that NumPy makes a view of (or returns as) an array argument, computed as a new
        array: it is ambiguous, so writing through it and reading it after that argument changed are refused."""
        arrays = [a for a in args if isinstance(a, MemRef) or isinstance(a, Value) and isinstance(a.type, TensorType)]
        for item in result if isinstance(result, tuple) else (result,):
            if isinstance(item, Value) and item not in self.value_refs:  # (not an argument returned as it is)
                self.make_ambiguous(item, arrays)
                self.shared[item] = spelled

    def emit(self, kind: str, inputs, out_types, node: ast.AST, attrs=None):
        emitted = super().emit(kind, inputs, out_types, node, attrs)
        if kind in ("prim::TupleIndex", "prim::TupleUnpack") and inputs[0] in self.shared:  # np.split's pieces
            for out in emitted.outputs:
                self.make_ambiguous(out, [inputs[0]])
                self.shared[out] = self.shared[inputs[0]]
        return emitted

    def op_arg(self, b, node):
        return super().op_arg(self.resolve(b), node)

    def materialize(self, b, node):
        return super().materialize(self.resolve(b), node)

    def bind_array(self, value):
        """What a name is bound to: arrays as MemRefs (so aliases share memory)."""
        if isinstance(value, Value) and isinstance(value.type, TensorType):
            ref = self.ref_of(value)
            return value if ref is None else ref
        return value

    def visit_Name(self, node: ast.Name):
        b = super().visit_Name(node)
        made = self.reshaped.get(b) if isinstance(b, MemRef) else None
        if made is not None and self.version(b.key) is not made:
            raise self.error(node, f"'{node.id}' was made by reshape, which gives a view of the array or a copy "
                                   "depending on its memory layout, and that array was written since: NumPy's value "
                                   "depends on the layout (copy it before the write, or reshape again after)")
        if isinstance(b, Value) and any(self.version(k) is not v for k, v in self.ambiguous.get(b, {}).items()):
            if b in self.shared:
                raise self.error(node, f"'{node.id}' is the result of {self.shared[b]}, a view of an array in NumPy, "
                                       "and that array was written since: compiled code cannot give the view's "
                                       "new values (copy the result before the write, or read it again after)")
            raise self.error(node, f"'{node.id}' is a view of an array or a copy of it depending on the path taken, "
                                   "and that array was written since: NumPy's value depends on the path")
        return self.resolve(b)

    def make_ambiguous(self, value: Value, bindings) -> None:
        """value may be any of bindings: remember which roots it may be a view of, at their current versions."""
        roots = self.ambiguous.setdefault(value, {})
        for b in bindings:
            if isinstance(b, Value):
                roots.update(self.ambiguous.get(b, {}))
                b = self.value_refs.get(b)
            if isinstance(b, MemRef):
                roots.setdefault(b.key, self.version(b.key))

    # ---- exact values (not resolved to current versions), the function's results
    def emit_raw(self, op, args: list, node: ast.AST) -> Value:
        """Insert an op on exactly these values (no resolution to current versions)."""
        inputs = [a if isinstance(a, Value) else super(ArrayMemory, self).materialize(a, node) for a in args]
        value = insert_op(self.graph, op, inputs, self.src.location(node))
        value.type = generic(value.type)
        return value

    def returned_tuple(self, items: list, node: ast.AST) -> Value:
        """The function's tuple result, built from exactly these values."""
        types = tuple(v.type for v in items)
        return self.emit("prim::TupleConstruct", items, [TupleType(types)], node).output

    def returned(self, v: Value) -> Value:
        """A returned version of an input is the input (the caller's object); a view of it, a view of the input."""
        ref = self.value_refs.get(v)
        if ref is None or ref.key not in self.external:
            return v
        value = self.external[ref.key]
        for name, *args in ref.steps:
            value = self.emit_raw(OPS[f"aten::{name}"], [value, *args], self.src.tree)
        return value

    # ---- control flow
    def fill_missing_versions(self, envs: list[dict], if_node: Node) -> None:
        """A root first written inside one branch still has its old version in the other."""
        for key in {k for env in envs for k in env if is_mem(k)}:
            origin = self.origins[key]
            if _defined_inside(origin, if_node):
                continue
            for env in envs:
                env.setdefault(key, origin)

    def merged(self, name: str, bindings: tuple, value: Value, serial: int) -> None:
        """An if's output: a root version, or an array that is ambiguous when a branch gave an existing one."""
        if is_mem(name):
            self.value_refs[value] = self.ref(name)
        elif isinstance(value.type, TensorType) and any(self.preexisting(b, serial) for b in bindings):
            self.make_ambiguous(value, bindings)

    def preexisting(self, b, serial: int) -> bool:
        """Whether a binding refers to memory that existed before (or views other memory)."""
        if isinstance(b, Value):
            if b in self.ambiguous:
                return True
            b = self.value_refs.get(b)
        if not isinstance(b, MemRef):
            return False
        return bool(b.steps) or int(b.key[len(MEM):]) < serial or b.key in self.external

    def carry_writes(self, loop: Node, body: Block, before: dict, carried: list, inits: list, params: list) -> None:
        """Roots written in a loop body become loop-carried (found after compiling the body)."""
        for key in [k for k in self.env if is_mem(k) and k not in carried]:
            init = before.get(key, self.origins[key])
            if _defined_inside(init, loop) or self.env[key] is init:
                continue
            param = body.add_param(init.type)
            for user in list(init.uses):
                if _inside(user, body):
                    user.replace_input(init, param)
            loop.add_input(init)
            carried.append(key)
            inits.append(init)
            params.append(param)
            self.value_refs[param] = self.ref(key)

    @staticmethod
    def updated_in_place(body: list[ast.stmt], before: dict) -> set[str]:
        """Array names the body only updates with `x op= y` (in place): their memory is carried, not the name."""
        augmented = {n.target.id for stmt in body for n in ast.walk(stmt)
                     if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
        plain = {n.id for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Name) and
                 isinstance(n.ctx, ast.Store) and not _is_aug_target(n, stmt)}
        return {name for name in augmented - plain if isinstance(before.get(name), MemRef)}

    def carried(self, name: str, value: Value, binding_before) -> None:
        """A loop's body parameter or output: ambiguous when the name started as an input's memory and is rebound
        in the body (in the first iteration it is the input)."""
        if is_mem(name):
            self.value_refs[value] = self.ref(name)
        elif isinstance(value.type, TensorType) and isinstance(binding_before, MemRef) and \
                binding_before.key in self.external:
            self.make_ambiguous(value, [binding_before])


def _is_aug_target(name: ast.Name, stmt: ast.stmt) -> bool:
    return any(isinstance(n, ast.AugAssign) and n.target is name for n in ast.walk(stmt))


def _defined_inside(v: Value, node: Node) -> bool:
    owner = v.node.owning_block if v.node is not None else v.block
    while owner is not None:
        if owner.owning_node is node:
            return True
        owner = owner.owning_node.owning_block if owner.owning_node is not None else None
    return False


def _inside(user, block: Block) -> bool:
    b = user if isinstance(user, Block) else user.owning_block
    while b is not None:
        if b is block:
            return True
        b = b.owning_node.owning_block if b.owning_node is not None else None
    return False
