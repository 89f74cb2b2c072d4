"""Buffer reuse for functionalized writes: which `aten::index_put` happens in place, which fusion group computes its
value straight into the written region, and which loop reuses its initial array as the carried buffer.

Every array value lives in some memory, its *root*: an input, a fresh buffer (what a node computes), or the root
of the value it views. A write may reuse its base's root when no *old* value of that root (one defined before
the write) is read after it: later in program order, or again in a later iteration of an enclosing loop. An
input is written in place only when the graph writes it back (`aten::copy_`), so the caller's array was going
to change anyway. Decisions are made in program order, so a write's root is known before later writes ask.
"""
from __future__ import annotations

from jitc.builder import abstract
from jitc.ir import Block, Graph, Node, Value
from jitc.ops.mutation import view_type
from jitc.types import TensorType

from .views import STEPS

ANY = ("any",)  # memory that cannot be traced (an array taken out of a tuple that is not built here)
VIEW_KINDS = {f"aten::{name}" for name in STEPS} | {"aten::reshape"}  # reshape may copy: aliasing is safe


class InPlacePlan:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.pos: dict = {}            # node or block (its end) -> program-order position
        self.root: dict[Value, object] = {}
        self.members: dict[object, list[Value]] = {}
        self.in_place_writes: set[Node] = set()
        self.dest: dict[Value, Node] = {}  # fusion group output -> the in-place write it is computed into
        self.reused_inits: dict[Node, set[int]] = {}
        self._number(graph.block)
        self.written_back = {n.inputs[0] for n in graph.block.nodes if n.kind == "aten::copy_"}
        for i, v in enumerate(graph.inputs):
            self._set(v, ("in", i))
        self._block(graph.block)

    # ---- queries from the lowering
    def in_place(self, node: Node) -> bool:
        return node in self.in_place_writes

    def written_by_producer(self, node: Node) -> bool:
        return self.dest.get(node.inputs[1]) is node

    def dest_write(self, v: Value) -> Node | None:
        return self.dest.get(v)

    def reuses_init(self, loop: Node, k: int) -> bool:
        return k in self.reused_inits.get(loop, ())

    def may_overlap(self, a: Value, b: Value) -> bool:
        ra, rb = self.root.get(a, ANY), self.root.get(b, ANY)
        return ra == rb or ANY in (ra, rb)

    # ---- program order
    def _number(self, block: Block) -> None:
        for node in block.nodes:
            self.pos[node] = len(self.pos)
            for sub in node.blocks:
                self._number(sub)
        self.pos[block] = len(self.pos)

    def _set(self, v: Value, root) -> None:
        if isinstance(v.type, TensorType):
            self.root[v] = root
            self.members.setdefault(root, []).append(v)

    # ---- roots, in program order
    def _block(self, block: Block) -> None:
        for node in block.nodes:
            self._node(node)

    def _node(self, node: Node) -> None:
        kind = node.kind
        if kind in VIEW_KINDS:
            self._set(node.output, self.root.get(node.inputs[0], ANY))
        elif kind in ("aten::index_put", "aten::index_scatter"):
            base = node.inputs[0]
            if self._may_write(node, base, self.pos[node]):
                self.in_place_writes.add(node)
                self._set(node.output, self.root[base])
                if kind == "aten::index_put":
                    self._plan_dest(node)
            else:
                self._set(node.output, (node, node.output))
        elif kind == "prim::Loop":
            self._loop(node)
        elif kind in ("prim::TupleUnpack", "prim::TupleIndex"):
            src = node.inputs[0].node
            items = src.inputs if src is not None and src.kind == "prim::TupleConstruct" else None
            if kind == "prim::TupleIndex" and items is not None:
                index = node.inputs[1].node.attrs.get("value") if node.inputs[1].node is not None else None
                items = [items[index]] if isinstance(index, int) else None
            for k, v in enumerate(node.outputs):
                self._set(v, self.root.get(items[k], ANY) if items is not None else ANY)
        else:
            for sub in node.blocks:
                self._block(sub)
            for v in node.outputs:
                self._set(v, (node, v))

    def _loop(self, node: Node) -> None:
        body = node.blocks[0]
        reused, roots = set(), set()
        for k, (init, p) in enumerate(zip(node.inputs[2:], body.params[1:])):
            root = self.root.get(init)
            # an input's buffer only for the input itself: a view of it (`out = E[:, 1]` carried next to E) would
            # live in memory the input's write-back overwrites at the end
            whole = root not in (None, ANY) and (root[0] != "in" or init is self.graph.inputs[root[1]])
            if isinstance(init.type, TensorType) and whole and root not in roots and \
                    self._writable(root) and self._dead_after(root, node, {node}):
                reused.add(k)
                roots.add(root)
                self._set(p, root)
            else:
                self._set(p, (node, k))
        self.reused_inits[node] = reused
        self._block(body)
        for k, (v, p) in enumerate(zip(node.outputs, body.params[1:])):
            self._set(v, self.root.get(p, (node, k)))

    # ---- the rule
    def _writable(self, root) -> bool:
        """Inputs only when the graph writes them back; fresh buffers always."""
        if root[0] == "in":
            return self.graph.inputs[root[1]] in self.written_back
        return root is not ANY

    def _may_write(self, write: Node, base: Value, at: int) -> bool:
        root = self.root.get(base, ANY)
        if root is ANY or not self._writable(root):
            return False
        if any(not _defined_inside(base, loop) for loop in _loops(write)):
            return False  # every iteration would write the same outer array
        return self._dead_after(root, write, {write}, at)

    def _dead_after(self, root, at_node: Node, allowed: set, at: int | None = None) -> bool:
        """No value of root defined before position `at` (default: at_node's) is read after it, or read again by
        a later iteration of a loop around at_node. Uses by `allowed` nodes are the write itself."""
        at = self.pos[at_node] if at is None else at
        loops = _loops(at_node)
        for w in self.members.get(root, []):
            if self._defined_at(w) >= at:
                continue
            for user in w.uses:
                if user in allowed or self._identity_use(w, user):
                    continue
                if self.pos[user] > at:
                    return False
                if any(_inside(user, loop) and not _defined_inside(w, loop) for loop in loops):
                    return False
        return True

    def _defined_at(self, v: Value) -> int:
        """Where v becomes available: a loop's or if's outputs after its last block."""
        if v.node is not None:
            return self.pos[v.node.blocks[-1]] if v.node.blocks else self.pos[v.node]
        owner = v.block.owning_node
        return -1 if owner is None else self.pos[owner]

    def _identity_use(self, w: Value, user) -> bool:
        """Returning an input (the caller's object) and writing it back do not read its old content."""
        if user is self.graph.block:
            return w.block is self.graph.block
        return isinstance(user, Node) and user.kind == "aten::copy_" and user.inputs[0] is w and \
            user.inputs[1] is not w

    # ---- values computed straight into the region a write replaces
    def _plan_dest(self, write: Node) -> None:
        v = write.inputs[1]
        group = v.node
        if group is None or group.kind != "prim::FusionGroup" or v.uses != [write] or \
                group.owning_block is not write.owning_block or _is_product_or_reduction(group):
            return
        base, index = write.inputs[0], write.inputs[2]
        abstract_steps = abstract(index)
        view = view_type(base.type, abstract_steps) if isinstance(abstract_steps, tuple) else None
        if not isinstance(view, TensorType) or view.shape is None or tuple(view.shape) != tuple(v.type.shape):
            return
        at = self.pos[group]
        if self._defined_at(base) >= at or not _available_before(index, at, self):
            return
        root = self.root[base]
        same_view = [x for x in group.inputs if self.root.get(x) == root]
        if any(not _is_view_chain(x, base, _static(index)) for x in same_view):
            return  # the group reads other elements of the memory it would overwrite
        if self._dead_after(root, group, {write, group}, at):
            self.dest[v] = write


def _is_product_or_reduction(group: Node) -> bool:
    from jitc.ops import OPS
    from jitc.ops.registry import MATMUL, REDUCTION

    kinds = {OPS[n.kind].kind for n in group.attrs["subgraph"].block.nodes if n.kind in OPS}
    return bool(kinds & {MATMUL, REDUCTION})


def _available_before(index: Value, at: int, plan: InPlacePlan) -> bool:
    """The index's run-time values (loop counters) are computed before position `at`."""
    node = index.node
    if node is None:
        return plan._defined_at(index) < at
    if node.kind == "prim::Constant":
        return True
    if node.kind == "prim::TupleConstruct":
        return all(_available_before(x, at, plan) for x in node.inputs)
    return plan.pos[node] < at


def _is_view_chain(x: Value, base: Value, steps: tuple) -> bool:
    """Whether x is base viewed through exactly these steps (with the same constant arguments)."""
    chain = []
    while x is not base:
        node = x.node
        if node is None or node.kind not in VIEW_KINDS or node.kind == "aten::reshape":
            return False
        chain.append((node.kind.split("::")[1], *(_static(v) for v in node.inputs[1:])))
        x = node.inputs[0]
    return tuple(reversed(chain)) == steps


def _static(v: Value):
    """A value as far as it is known before running: constants (also inside built tuples), else the Value."""
    node = v.node
    if node is not None and node.kind == "prim::Constant":
        return node.attrs.get("value")
    if node is not None and node.kind == "prim::TupleConstruct":
        return tuple(_static(x) for x in node.inputs)
    return v


def _loops(node: Node) -> list[Node]:
    out, block = [], node.owning_block
    while block is not None and block.owning_node is not None:
        if block.owning_node.kind == "prim::Loop":
            out.append(block.owning_node)
        block = block.owning_node.owning_block
    return out


def _inside(user, loop: Node) -> bool:
    block = user if isinstance(user, Block) else user.owning_block
    while block is not None:
        if block.owning_node is loop:
            return True
        block = block.owning_node.owning_block if block.owning_node is not None else None
    return False


def _defined_inside(v: Value, loop: Node) -> bool:
    if v.node is None and v.block.owning_node is loop:
        return True
    return _inside(v.node if v.node is not None else v.block, loop)
