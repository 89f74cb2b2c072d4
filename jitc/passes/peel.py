"""Peeling a loop's first iteration when it changes a carried value's type (`v = total` 0-d, then
`for ...: v = np.maximum(v, a)` with a of shape (2,)): NumPy runs the first iteration on the entry types and
the others on what it made, so the compiled code does the same: the specialized body, typed for the entry,
moves before the loop as its first iteration, and a pristine copy of the body (kept aside before specializing)
becomes the loop of the remaining iterations, specialized again for the new types."""
from __future__ import annotations

from ..ir import Block, Node, Value
from ..symbolic import Sym, SymbolicError
from ..types import INT
from .clone import copy_block

MAX_PEELS = 8  # a type that keeps changing (`v = v[None]` in a long loop) is refused after this many


class _Outer(dict):
    """A clone's value map: values from outside the cloned block stand for themselves."""

    def __missing__(self, v: Value) -> Value:
        return v


def spare_body(loop: Node) -> Block:
    """A detached copy of the loop's body, before specialization folds anything in it."""
    spare = Block(loop.graph)
    copy_block(loop.blocks[0], spare, _Outer())
    return spare


def _constant(v: Value):
    node = v.node
    return node.attrs.get("value") if node is not None and node.kind == "prim::Constant" else None


def _runs_once(loop: Node) -> bool:
    """Whether the first iteration certainly runs: a for loop (true initial condition) of at least one trip."""
    count = _constant(loop.inputs[0])
    if _constant(loop.inputs[1]) is not True or isinstance(count, bool) or not isinstance(count, (int, Sym)):
        return False
    try:
        return bool(count >= 1)
    except SymbolicError:
        return False


def _replace_by(loop: Node, values: list) -> None:
    for out, v in zip(loop.outputs, values):
        out.replace_all_uses_with(v)
    loop.destroy()


def drop_if_never_runs(loop: Node) -> bool:
    """A loop of no iterations (`range(0)`, a false initial condition) is its initial values, whatever types
    its body would make."""
    count, go = _constant(loop.inputs[0]), _constant(loop.inputs[1])
    if go is not False and not (isinstance(count, int) and not isinstance(count, bool) and count <= 0):
        return False
    _replace_by(loop, list(loop.inputs[2:]))
    return True


def can_peel(loop: Node) -> bool:
    """Whether the first iteration certainly runs, and the loop was not peeled too often already."""
    return "counter" not in loop.attrs and loop.attrs.get("peeled", 0) < MAX_PEELS and _runs_once(loop)


def peel_first_iteration(loop: Node, spare: Block) -> bool:
    """Move the (specialized) body before the loop as its first iteration and make spare the body of the rest;
    False (nothing changed) when the first iteration might not run or the loop was peeled too often."""
    if not can_peel(loop):
        return False
    graph, body = loop.graph, loop.blocks[0]
    with graph.inserting_before(loop):
        body.params[0].replace_all_uses_with(graph.insert_constant(0, loop.source))
    for p, init in zip(body.params[1:], loop.inputs[2:]):
        p.replace_all_uses_with(init)
    for node in list(body.nodes):
        node.move_before(loop)
    cond, carried = body.returns[0], list(body.returns[1:])
    body.clear()
    count = _constant(loop.inputs[0]) - 1
    if isinstance(count, int) and count == 0:  # that was the only iteration
        _replace_by(loop, carried)
        return True
    with graph.inserting_before(loop):
        loop.set_input(0, graph.insert_constant(count, loop.source))
    loop.set_input(1, cond)
    for k, v in enumerate(carried):
        loop.set_input(2 + k, v)
    loop.blocks[0] = spare
    spare.owning_node = loop
    counter = spare.params[0]
    uses = list(counter.uses)
    if uses:  # the rest counts from 1
        with graph.inserting_before(spare.nodes[0]) if spare.nodes else graph.inserting_at_end(spare):
            one = graph.insert_constant(1, loop.source)
            shifted = graph.insert("aten::add", [counter, one], [INT], source=loop.source).output
        for user in uses:
            user.replace_input(counter, shifted)
    loop.attrs["peeled"] = loop.attrs.get("peeled", 0) + 1
    return True
