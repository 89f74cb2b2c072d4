"""Graph IR: Graph, Block, Node, Value with use lists and insertion points (TorchScript's model, kept small)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .errors import JitcError
from .types import Type


def _replace_uses(user: Node | Block, values: list[Value], old: Value, new: Value) -> None:
    """Each occurrence of old in values (a node's inputs or a block's returns) becomes new; use lists follow."""
    for i, v in enumerate(values):
        if v is old:
            values[i] = new
            old.uses.remove(user)
            new.uses.append(user)


class Value:
    """An SSA value: produced by one node (or a block parameter), used by any number of nodes/returns."""

    def __init__(self, graph: Graph, type: Type, name: str | None = None):
        self.graph = graph
        self.type = type
        self.node: Node | None = None  # producer; None for block parameters
        self.block: Block | None = None  # owning block for block parameters
        self.uses: list[Node | Block] = []  # a Block appears here when it returns the value
        self.name = graph.fresh_name(name)

    def set_name(self, name: str) -> None:
        self.graph.release_name(self.name)
        self.name = self.graph.fresh_name(name)

    def replace_all_uses_with(self, other: Value) -> None:
        for user in list(self.uses):
            user.replace_input(self, other)

    def __repr__(self) -> str:
        return f"%{self.name}"


class Node:
    """One operation: `kind` (e.g. `aten::add`), inputs, outputs, attributes, nested blocks, source location."""

    def __init__(self, graph: Graph, kind: str, inputs, out_types, attrs=None, source: str | None = None):
        self.graph = graph
        self.kind = kind
        self.inputs: list[Value] = []
        self.outputs = [Value(graph, t) for t in out_types]
        for v in self.outputs:
            v.node = self
        self.attrs: dict[str, Any] = dict(attrs or {})
        self.blocks: list[Block] = []
        self.source = source
        self.owning_block: Block | None = None
        for v in inputs:
            self.add_input(v)

    @property
    def output(self) -> Value:
        if len(self.outputs) != 1:
            raise JitcError(f"{self.kind} has {len(self.outputs)} outputs, not one")
        return self.outputs[0]

    def add_input(self, v: Value) -> None:
        self.inputs.append(v)
        v.uses.append(self)

    def replace_input(self, old: Value, new: Value) -> None:
        _replace_uses(self, self.inputs, old, new)

    def set_input(self, i: int, new: Value) -> None:
        """Replace the i-th input only (replace_input replaces every occurrence)."""
        self.inputs[i].uses.remove(self)
        self.inputs[i] = new
        new.uses.append(self)

    def add_block(self) -> Block:
        block = Block(self.graph, owning_node=self)
        self.blocks.append(block)
        return block

    def add_output(self, type: Type) -> Value:
        v = Value(self.graph, type)
        v.node = self
        self.outputs.append(v)
        return v

    def destroy(self) -> None:
        """Unlink the node; its outputs must be unused."""
        self._unlink()
        if self.owning_block is not None:
            self.owning_block.nodes.remove(self)
            self.owning_block = None

    def _unlink(self) -> None:
        for v in self.outputs:
            if v.uses:
                raise JitcError(f"destroying {self.kind} whose output %{v.name} is still used")
        for block in self.blocks:
            block.clear()
        for v in self.inputs:  # the newest use first: passes destroy nodes from the end of a block
            uses = v.uses
            del uses[len(uses) - 1 - uses[::-1].index(self)]
        self.inputs = []

    def move_before(self, other: Node) -> None:
        self.owning_block.nodes.remove(self)
        nodes = other.owning_block.nodes
        nodes.insert(nodes.index(other), self)
        self.owning_block = other.owning_block

    def __repr__(self) -> str:
        return f"<Node {self.kind} {self.inputs} -> {self.outputs}>"


class Block:
    """A list of nodes with parameters and returned values (`-> (%v)`); graphs and prim::If/Loop bodies are blocks."""

    def __init__(self, graph: Graph, owning_node: Node | None = None):
        self.graph = graph
        self.owning_node = owning_node
        self.params: list[Value] = []
        self.nodes: list[Node] = []
        self.returns: list[Value] = []

    def add_param(self, type: Type, name: str | None = None) -> Value:
        v = Value(self.graph, type, name)
        v.block = self
        self.params.append(v)
        return v

    def add_return(self, v: Value) -> None:
        self.returns.append(v)
        v.uses.append(self)

    def replace_input(self, old: Value, new: Value) -> None:
        _replace_uses(self, self.returns, old, new)

    def clear(self) -> None:
        for v in self.returns:
            v.uses.remove(self)
        self.returns = []
        for node in reversed(list(self.nodes)):
            for v in node.outputs:
                v.uses.clear()
            node.destroy()

    def destroy_nodes(self, nodes) -> None:
        """Unlink many unused nodes of this block in one pass over it (Node.destroy one by one is quadratic)."""
        dead = set()
        for node in reversed(list(nodes)):
            node._unlink()
            node.owning_block = None
            dead.add(node)
        self.nodes[:] = [n for n in self.nodes if n not in dead]

    def walk(self) -> Iterator[Node]:
        """All nodes, nested blocks included, in program order."""
        for node in self.nodes:
            yield node
            for block in node.blocks:
                yield from block.walk()


class Graph:
    """A function body: a top-level block whose params are the inputs and whose returns are the outputs."""

    def __init__(self):
        self._names: set[str] = set()
        self._suffix: dict[str, int] = {}  # hint -> lowest suffix that may be free
        self._counter = 0
        self.block = Block(self)
        self._insert: tuple[Block, int | None] = (self.block, None)

    # ---- naming: unique names, TorchScript style (`x`, `x.1`, `5`)
    def fresh_name(self, hint: str | None) -> str:
        if hint is None or (hint.isdigit() and hint in self._names):
            while str(self._counter) in self._names:
                self._counter += 1
            name = str(self._counter)
        elif hint.isdigit():
            name = hint
        else:
            name, k = hint, self._suffix.get(hint, 0)
            if k:
                name = f"{hint}.{k}"
            while name in self._names:
                k += 1
                name = f"{hint}.{k}"
            self._suffix[hint] = k  # every suffix below k is taken: the next probe starts here (linear naming)
        self._names.add(name)
        return name

    def release_name(self, name: str) -> None:
        self._names.discard(name)
        base, _, k = name.rpartition(".")
        for hint, suffix in ((name, 0), (base, int(k) if base and k.isdigit() else None)):
            if suffix is not None and self._suffix.get(hint, 0) > suffix:
                self._suffix[hint] = suffix

    @property
    def inputs(self) -> list[Value]:
        return self.block.params

    @property
    def outputs(self) -> list[Value]:
        return self.block.returns

    def add_input(self, type: Type, name: str | None = None) -> Value:
        return self.block.add_param(type, name)

    # ---- insertion points
    @contextlib.contextmanager
    def inserting_at_end(self, block: Block):
        saved, self._insert = self._insert, (block, None)
        try:
            yield
        finally:
            self._insert = saved

    @contextlib.contextmanager
    def inserting_before(self, node: Node):
        saved = self._insert
        self._insert = (node.owning_block, node)
        try:
            yield
        finally:
            self._insert = saved

    def insert_node(self, node: Node) -> Node:
        block, before = self._insert
        if before is None:
            block.nodes.append(node)
        else:
            block.nodes.insert(block.nodes.index(before), node)
        node.owning_block = block
        return node

    def insert(self, kind: str, inputs, out_types, attrs=None, source: str | None = None) -> Node:
        return self.insert_node(Node(self, kind, inputs, out_types, attrs, source))

    def insert_constant(self, value, source: str | None = None) -> Value:
        from .types import type_of_constant

        return self.insert("prim::Constant", [], [type_of_constant(value)], {"value": value}, source).output

    def nodes(self) -> Iterator[Node]:
        return self.block.walk()

    def lint(self) -> None:
        """Check SSA dominance and use-list consistency; raises JitcError on the first problem."""
        defined: set[int] = set()

        def check_use(v: Value, user) -> None:
            if id(v) not in defined:
                raise JitcError(f"graph lint: %{v.name} used before it is defined")
            if user not in v.uses:
                raise JitcError(f"graph lint: use list of %{v.name} misses a user")

        def visit(block: Block) -> None:
            added = [id(p) for p in block.params]
            defined.update(added)
            for node in block.nodes:
                if node.owning_block is not block:
                    raise JitcError(f"graph lint: {node.kind} has a wrong owning block")
                for v in node.inputs:
                    check_use(v, node)
                for sub in node.blocks:
                    visit(sub)
                for v in node.outputs:
                    if v.node is not node:
                        raise JitcError(f"graph lint: %{v.name} has a wrong producer")
                    defined.add(id(v))
                    added.append(id(v))
            for v in block.returns:
                check_use(v, block)
            if block is not self.block:
                defined.difference_update(added)

        visit(self.block)

    def __str__(self) -> str:
        from .printer import print_graph

        return print_graph(self)

    def copy(self) -> Graph:
        """A deep copy (through the printed text would lose tensor constants, so copy structurally)."""
        from .passes.clone import clone_graph

        return clone_graph(self)
