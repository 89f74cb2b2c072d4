"""The per-call path of `@jitc.compile` after a call compiled: the specialization's native entry, reached with as
little Python as the call allows. When the call's arguments are the graph's inputs as they are (no defaults to
fill in, no tuples to spread, no constants, no model object whose attributes may change unseen, no scalar
compiled by value), the native entry is the call itself. Otherwise a small closure binds the arguments (defaults
appended, tuples spread, constants and by-value scalars compared), checks the model's attributes by identity and
calls the native entry; anything unexpected, including a failed native guard, runs the general path."""
from __future__ import annotations

import operator

from .arguments import ConstKind
from .types import TupleType

MISS = object()  # the native entry's "slow path" answer here: the general path runs the call


def _miss(*args):
    return MISS


def install(cf, compiled, params: tuple, generation: int, by_value: dict, nargs: int, kinds: tuple,
            watched) -> None:
    """Make `cf._call` the fast path of this specialization, for calls shaped like the one that compiled it
    (`nargs` positional arguments, no keywords, argument kinds `kinds`); `watched`: the ModelState of a plain
    model object, checked at every call."""
    from .runtime.native import fast_path

    general = cf._general_call
    defaults = tuple(p.default for p in cf.binder.params[nargs:])
    spread, views = _spreader(kinds), _view_maker(compiled.template)
    if not defaults and spread is None and not by_value and watched is None and views is None:
        cf.__dict__["_call"] = fast_path(compiled, params, general, generation)
        return
    native = fast_path(compiled, params, _miss, generation)
    cf.__dict__["_call"] = _closure(native, general, nargs, defaults, spread, tuple(by_value.items()), watched,
                                    views)


def _closure(native, general, nargs: int, defaults: tuple, spread, checks: tuple, state, views):
    def call(*args, **kwargs):
        if kwargs or len(args) != nargs or state is not None and not state.unchanged():
            return general(*args, **kwargs)
        if spread is None:
            flat = args + defaults
        else:
            flat = spread(args + defaults)
            if flat is None:
                return general(*args)
        for i, v in checks:
            if type(flat[i]) is not type(v) or flat[i] != v:  # the type first: an array where an int was
                return general(*args)
        result = native(*flat)
        if result is MISS:
            return general(*args)
        return result if views is None else views(result)

    return call


def _view_maker(template):
    """None for a template without views; else a function from the native entry's result (each view's base in
    its place, see codegen.outputs.views_as_bases) to the returned structure with the views made."""
    if isinstance(template, dict):
        steps = [_step(name, args) for name, *args in template["steps"]]

        def view(base):
            for step in steps:
                base = step(base)
            return base

        return view
    if not isinstance(template, tuple):
        return None
    items = [_view_maker(t) for t in template]
    if all(f is None for f in items):
        return None
    makers = [(i, f) for i, f in enumerate(items) if f is not None]

    def views(result: tuple) -> tuple:
        out = list(result)
        for i, f in makers:
            out[i] = f(out[i])
        return tuple(out)

    return views


def _spreader(kinds: tuple):
    """None when every argument is a graph input as it is; else a function from the bound arguments to the graph
    inputs (tuples spread, constants dropped) that returns None when an argument does not have its kind's
    structure (another tuple length, another constant)."""
    if not any(isinstance(k, (TupleType, ConstKind)) for k in kinds):
        return None

    def spread(args) -> list | None:
        out: list = []
        return out if _spread_into(out, args, kinds) else None

    return spread


def _spread_into(out: list, args, kinds: tuple) -> bool:
    for a, k in zip(args, kinds):
        if isinstance(k, TupleType):
            if type(a) not in (tuple, list) or len(a) != len(k.elems) or not _spread_into(out, a, k.elems):
                return False
        elif isinstance(k, ConstKind):
            if type(a) is not type(k.value) or a != k.value:
                return False
        else:
            out.append(a)
    return True


def _step(name: str, args: list):
    """One view step as a direct call: basic indexing for slices and selections, else the op's own function."""
    from .ops import OPS
    from .ops.shapes import dim_index

    if name in ("slice", "select"):
        item = slice(*args[1:]) if name == "slice" else args[1]
        return operator.itemgetter(dim_index(args[0], item))  # a dimension counted from the end after `...`
    if name == "transpose":
        return operator.methodcaller("transpose", *args)
    impl = OPS[f"aten::{name}"].impl
    return lambda base: impl(base, *args)
