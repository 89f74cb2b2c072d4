"""Shape arithmetic with symbols: equal sizes, broadcasting, slice and arange lengths, and where a symbol's value
sits in a call's sizes array."""
from __future__ import annotations

from .expr import Sym, SymbolicError
from .order import note_equal

SLOT_BASES = {"s": 0, "p": 24, "u": 32}  # where each kind of symbol's value sits in a call's sizes array


def slot_of(name: str) -> int:
    """The index of a symbol's value in the sizes array."""
    kind, k = name[0], int(name[1:])
    limit = {"s": SLOT_BASES["p"], "p": SLOT_BASES["u"] - SLOT_BASES["p"]}.get(kind)
    if limit is not None and k >= limit:
        raise SymbolicError(f"more than {limit} symbols of kind {kind}")
    return SLOT_BASES[kind] + k


def same(a, b) -> bool:
    """Sizes known to be equal for every call (an int and a symbol never are)."""
    if isinstance(a, Sym) or isinstance(b, Sym):
        return isinstance(a, Sym) and isinstance(b, Sym) and a == b
    return a == b


def broadcast_symbolic(shapes: list[tuple]) -> tuple | None:
    """NumPy's broadcast of shapes that may hold symbols; None when two ints do not broadcast. Two different
    sizes of which one is symbolic may or may not match at run time: SymbolicError."""
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        d = 1
        for s in shapes:
            k = i - ndim + len(s)
            if k < 0 or same(s[k], 1):
                continue
            x = s[k]
            if same(d, 1):
                d = x
            elif not same(d, x):
                if isinstance(d, Sym) or isinstance(x, Sym):
                    note_equal(d, x)
                    raise SymbolicError(f"whether sizes {d} and {x} broadcast depends on the size")
                return None
        out.append(d)
    return tuple(out)


def _steps(start, stop, step: int):
    """len(range(start, stop, step)) for an int step: ceil((stop - start) / step), at least 0."""
    if step > 0:
        return max((stop - start + step - 1) // step, 0)
    return max((start - stop - step - 1) // -step, 0)


def slice_indices(start, stop, step, n) -> tuple:
    """(begin, step, length) of `slice(start, stop, step)` over an axis of size n, as slice.indices and len(range)
    give them; for a symbolic n or bounds, with an int step, when the bounds' clamping is decided for every size
    (`1:`, `:-1`) or by the example (Assumptions)."""
    if not is_symbolic((n, start, stop, step)):
        begin, end, step = slice(start, stop, step).indices(n)
        return begin, step, len(range(begin, end, step))
    step = 1 if step is None else step
    if isinstance(step, Sym):
        raise SymbolicError(f"a slice with the symbolic step {step}")
    if step < 0:  # clamped to [-1, n - 1], as slice.indices does for negative steps
        def down(i, default):
            if i is None:
                return default
            return max(i + n, -1) if i < 0 else min(i, n - 1)

        begin = down(start, n - 1)
        return begin, step, _steps(begin, down(stop, -1), step)

    def up(i, default):
        if i is None:
            return default
        return max(i + n, 0) if i < 0 else min(i, n)

    begin = up(start, 0)
    return begin, step, _steps(begin, up(stop, n), step)


def arange_length(start, stop, step):
    """np.arange's length when a bound is symbolic: the bounds and the step must be ints or integral floats
    (`np.arange(0.0, n)`); another float would need the value, as NumPy rounds its quotient."""
    start, stop, step = (int(v) if isinstance(v, float) and v.is_integer() else v for v in (start, stop, step))
    if not all(isinstance(v, (int, Sym)) for v in (start, stop)) or not isinstance(step, int):
        raise SymbolicError(f"np.arange({start}, {stop}, {step}) with a fractional or symbolic step or bound")
    return _steps(start, stop, step)


def is_symbolic(x) -> bool:
    """True for a Sym or a (nested) tuple/list holding one."""
    if isinstance(x, Sym):
        return True
    return isinstance(x, (tuple, list)) and any(is_symbolic(y) for y in x)
