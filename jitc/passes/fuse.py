"""Fusion: chains of elementwise ops over one output shape become a `prim::FusionGroup` (one loop nest).

Groups grow from a consumer backwards into its producers. A producer joins when it is elementwise, has the
group's shape, and every other user comes after the group (so moving it to the group's place is safe); such a
producer's value then becomes an extra output of the group instead of being computed twice.
"""
from __future__ import annotations

from ..ir import Block, Graph, Node, Value
from ..ops import OPS
from ..ops.registry import ELEMENTWISE, MATMUL, REDUCTION
from ..symbolic import is_symbolic
from ..types import TensorType

# LLVM's optimizer is superlinear in the size of one loop body: a chain of thousands of ops becomes several
# loops of at most this many ops (the extra intermediate is negligible next to that much arithmetic)
MAX_GROUP = 256


def fuse_elementwise(graph: Graph) -> None:
    from .attnfuse import fuse_attention
    from .rowfuse import fuse_rows

    fuse_rows(graph)
    _block(graph, graph.block)
    _absorb_into_reductions(graph.block)
    fuse_attention(graph)
    _absorb_products(graph.block)


def fusible(node: Node) -> bool:
    op = OPS.get(node.kind)
    t = node.outputs[0].type if len(node.outputs) == 1 else None
    return op is not None and op.kind == ELEMENTWISE and isinstance(t, TensorType) and t.shape is not None


def _top_level(node: Node, block: Block) -> Node | None:
    """The node of `block` that contains `node` (itself, or the If/Loop it is nested in)."""
    while node is not None and node.owning_block is not block:
        owner = node.owning_block.owning_node if node.owning_block else None
        node = owner
    return node


_END = object()  # a use by the block's own return: after every node


def _user(use, block: Block):
    """Where a use of a value happens in `block`: the node of block holding it (a use returned by a nested block
    is its If/Loop's, which runs before a group placed after it), or _END for block's own return."""
    if isinstance(use, Block):
        if use is block:
            return _END
        use = use.owning_node
    return _top_level(use, block)


def _block(graph: Graph, block: Block) -> None:
    for node in list(block.nodes):
        for sub in node.blocks:
            _block(graph, sub)
    position = {n: i for i, n in enumerate(block.nodes)}
    grouped: set[Node] = set()
    for seed in reversed(list(block.nodes)):
        if seed in grouped or not fusible(seed):
            continue
        members = _grow(seed, block, position, grouped)
        grouped.update(members)
        materialize(graph, sorted(members, key=position.get), seed)


def _grow(seed: Node, block: Block, position: dict, grouped: set) -> set[Node]:
    members = {seed}
    shape = seed.output.type.shape
    pending = [seed]
    while pending:
        member = pending.pop()
        for v in member.inputs:
            p = v.node
            if p is None or p in members or p in grouped or p.owning_block is not block or not fusible(p):
                continue
            if p.output.type.shape != shape or len(members) >= MAX_GROUP:
                continue
            users = [_user(u, block) for u in v.uses]
            if all(u is _END or u in members or position.get(u, -1) > position[seed] for u in users):
                members.add(p)
                pending.append(p)
    return members


def materialize(graph: Graph, members: list[Node], seed: Node) -> None:
    """Replace members (in order) by one FusionGroup placed at seed; values used outside become its outputs."""
    from .clone import clone_node

    member_set = set(members)
    inputs: list[Value] = []
    constants: list[Node] = []  # copied into the subgraph: literals belong in the loop body, not its arguments
    for n in members:
        for v in n.inputs:
            if v.node is not None and v.node.kind == "prim::Constant" and not isinstance(v.type, TensorType) \
                    and not is_symbolic(v.node.attrs.get("value")):  # a symbolic size comes in as a run-time int
                if v.node not in constants:
                    constants.append(v.node)
            elif v.node not in member_set and v not in inputs:
                inputs.append(v)
    outputs = [v for n in members for v in n.outputs
               if any(not isinstance(u, Node) or u not in member_set for u in v.uses)]
    sub = Graph()
    env = {v: sub.add_input(v.type) for v in inputs}
    with sub.inserting_at_end(sub.block):
        for n in constants + members:
            clone_node(n, sub, env)
    for v in outputs:
        sub.block.add_return(env[v])
    with graph.inserting_before(seed):
        group = graph.insert("prim::FusionGroup", inputs, [v.type for v in outputs], {"subgraph": sub}, seed.source)
    for old, new in zip(outputs, group.outputs):
        old.replace_all_uses_with(new)
    seed.owning_block.destroy_nodes(members)


def _absorb_into_reductions(block: Block) -> None:
    """A reduction whose input comes only from a fusion group takes the group in: the reduction loop computes
    the elementwise expression per element, and the intermediate array is never written."""
    for node in list(block.nodes):
        for sub in node.blocks:
            _absorb_into_reductions(sub)
        op = OPS.get(node.kind)
        producer = node.inputs[0].node if op is not None and op.kind == REDUCTION else None
        if producer is None or producer.kind != "prim::FusionGroup" or producer.owning_block is not block:
            continue
        if len(producer.outputs) != 1 or node.inputs[0].uses != [node] or _reduces(producer):
            continue
        _merge_reduction(block.graph, producer, node)


def _reduces(group: Node) -> bool:
    """A group that already reduces (at its end, or a row group) stays as it is."""
    return any(OPS.get(n.kind) is not None and OPS[n.kind].kind == REDUCTION
               for n in group.attrs["subgraph"].block.nodes)


def _merge_reduction(graph: Graph, group: Node, reduction: Node) -> None:
    from .clone import clone_node

    sub: Graph = group.attrs["subgraph"]
    env = {sub.outputs[0]: sub.outputs[0]}
    with sub.inserting_at_end(sub.block):
        for v in reduction.inputs[1:]:
            env[v] = clone_node(v.node, sub, env).output  # axis/keepdims constants
        env[reduction.inputs[0]] = sub.outputs[0]
        new = clone_node(reduction, sub, env)
    sub.block.replace_input(sub.outputs[0], new.output)
    with graph.inserting_before(reduction):
        fused = graph.insert("prim::FusionGroup", list(group.inputs), [reduction.output.type], {"subgraph": sub},
                             reduction.source)
    reduction.output.replace_all_uses_with(fused.output)
    reduction.destroy()
    group.destroy()


def _absorb_products(block: Block) -> None:
    """A group whose input is a matrix product used nowhere else takes the product in as its epilogue: the
    product is written into the group's output and the elementwise work runs there in place (no temporary)."""
    for node in list(block.nodes):
        for sub in node.blocks:
            _absorb_products(sub)
        if node.kind != "prim::FusionGroup" or len(node.outputs) != 1 or _reduces(node):
            continue
        out = node.output.type
        for v in node.inputs:
            p = v.node
            op = OPS.get(p.kind) if p is not None else None
            if op is None or op.kind != MATMUL or p.owning_block is not block or v.uses != [node]:
                continue
            t = v.type
            if isinstance(t, TensorType) and t.shape == out.shape and len(t.shape) in (1, 2) and t.dtype == out.dtype:
                _merge_product(block.graph, p, node)
                break


def _merge_product(graph: Graph, product: Node, group: Node) -> None:
    from .clone import clone_node

    sub: Graph = group.attrs["subgraph"]
    inner = sub.inputs[group.inputs.index(product.output)]
    outer_inputs = [v for v in group.inputs if v is not product.output]
    outer_inputs += [v for v in product.inputs if v not in outer_inputs and v.node is not None and
                     v.node.kind != "prim::Constant" or (v.node is None and v not in outer_inputs)]
    new_sub, env = Graph(), {}
    for v in outer_inputs:  # the new group's inputs serve both the product (outer values) and the old subgraph
        env[v] = new_sub.add_input(v.type)
        if v in group.inputs:
            env[sub.inputs[group.inputs.index(v)]] = env[v]
    with new_sub.inserting_at_end(new_sub.block):
        for v in product.inputs:
            if v not in env:  # the product's constant arguments
                env[v] = clone_node(v.node, new_sub, env).output
        env[inner] = clone_node(product, new_sub, env).output
        for n in sub.block.nodes:
            clone_node(n, new_sub, env)
    for r in sub.outputs:
        new_sub.block.add_return(env[r])
    with graph.inserting_before(group):
        fused = graph.insert("prim::FusionGroup", outer_inputs, [group.output.type], {"subgraph": new_sub},
                             group.source)
    group.output.replace_all_uses_with(fused.output)
    group.destroy()
    product.destroy()
