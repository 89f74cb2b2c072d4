"""Mutation statements for fuzzed programs: writes into a fresh copy of an array (slices with steps, integer
rows, boolean masks, augmented ops, writes through a view), so eager, compiled, scripted and traced runs must agree
on what the writes leave behind. The copy keeps the program's arguments unchanged (the oracle reuses them)."""
from __future__ import annotations

LITERALS = ("0.5", "-2.0", "3", "0.0", "1e3")


def mutate(gen) -> None:
    """Append `vN = x.copy()` and one write to vN; later statements read vN with its new content."""
    arrays = [v for v in gen.float_vars() if v.shape and all(d > 0 for d in v.shape)]
    if not arrays:
        return gen.elementwise()
    x = gen.pick(arrays)
    target = gen.new(f"{x.name}.copy()", x.shape, x.dtype, x.exact)
    name, shape = target.name, target.shape
    r = gen.rng.random()
    if r < 0.25:
        start, step = int(gen.rng.integers(0, 2)), int(gen.pick([1, 2, -1]))
        index = f"{start if step > 0 else ''}::{step}"
        view = (len(range(*slice(start if step > 0 else None, None, step).indices(shape[0]))),) + shape[1:]
        value, exact = _value(gen, view, target.dtype)
        gen.lines.append(f"    {name}[{index}] = {value}")
    elif r < 0.45:
        i = int(gen.rng.integers(-shape[0], shape[0]))
        value, exact = _value(gen, shape[1:], target.dtype)
        op = gen.pick(["=", "+=", "*="])
        gen.lines.append(f"    {name}[{i}] {op} {value}")
        exact = exact and op == "="
    elif r < 0.65:
        value, exact = _value(gen, shape, target.dtype)
        op = gen.pick(["+=", "-=", "*="])
        gen.lines.append(f"    {name} {op} {value}")
        exact = False
    elif r < 0.8 and x.exact:
        lit = gen.pick(LITERALS)
        gen.lines.append(f"    {name}[{name} > {gen.pick(['0.0', '0.5', '-1.0'])}] = {lit}")
        exact = True
    else:
        view = f"w{gen.count}"
        gen.count += 1
        gen.lines.append(f"    {view} = {name}[::2]" if len(shape) == 1 else f"    {view} = {name}.T")
        gen.lines.append(f"    {view}[0] = {gen.pick(LITERALS)}")
        exact = True
    target.exact = target.exact and exact
    return None


def _value(gen, shape: tuple, dtype) -> tuple[str, bool]:
    """A value that broadcasts to `shape` and casts to dtype under same_kind: a literal or an earlier array."""
    from .generator import _broadcastable_to

    fits = [v for v in gen.float_vars()[:-1] if _broadcastable_to(v.shape, shape)]
    if fits and gen.chance(0.6):
        v = gen.pick(fits)
        return v.name, v.exact
    return gen.pick(LITERALS), True
