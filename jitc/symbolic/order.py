"""Order comparisons of size expressions: decided when they hold for every size (each size symbol >= MIN_SIZE,
a loop counter within its loop's range), else by the example call's sizes when the specialization records that
as a fact its guard checks (Assumptions), else SymbolicError."""
from __future__ import annotations

import math

from .expr import MIN_SIZE, FloorDiv, Sym, SymbolicError, floor_div

_RANGES: dict[str, tuple] = {}  # loop counter symbol -> (lo, hi), ints or Syms; reset per specialization
_KEYED: dict = {}


def compare(diff: Sym, op: str, what: str) -> bool:
    """Whether `diff op 0` for every size; what: the comparison, for the error."""
    lo, hi = bound(diff, low=True), bound(diff, low=False)
    lo = _size_bounds(lo)[0] if lo is not None else float("-inf")
    hi = _size_bounds(hi)[1] if hi is not None else float("inf")
    if op in ("<", "<=") and (hi < 0 or (op == "<=" and hi <= 0)):
        return True
    if op in ("<", "<=") and (lo > 0 or (op == "<" and lo >= 0)):
        return False
    if op in (">", ">=") and (lo > 0 or (op == ">=" and lo >= 0)):
        return True
    if op in (">", ">=") and (hi < 0 or (op == ">" and hi <= 0)):
        return False
    if _ASSUMING and diff.symbols <= _ASSUMING[-1].env.keys():
        return _ASSUMING[-1].decide(diff, op)
    raise SymbolicError(f"whether {what} depends on the size")


class Assumptions:
    """Order comparisons of size symbols that the example call's sizes decide (torch.compile's guards on
    backed symbols): `facts` are expressions that must be >= 0 for a later call to use the same code."""

    def __init__(self, env: dict[str, int], facts: list | None = None, frozen: bool = False):
        """frozen: decide only what the facts already say (codegen repeats the shape rules' comparisons; a new
        decision there would not be part of the specialization's cache key)."""
        self.env, self.facts, self.frozen = env, [] if facts is None else facts, frozen
        self.equal: list[tuple] = []  # different expressions of sizes equal in the example (see note_equal)

    def decide(self, diff: Sym, op: str) -> bool:
        value = diff.evaluate(self.env)
        result = {"<": value < 0, "<=": value <= 0, ">": value > 0, ">=": value >= 0}[op]
        at_least = {("<", True): -diff - 1, ("<", False): diff, ("<=", True): -diff, ("<=", False): diff - 1,
                    (">", True): diff - 1, (">", False): -diff, (">=", True): diff, (">=", False): -diff - 1}
        fact = at_least[op, result]
        if fact not in self.facts:
            if self.frozen:
                raise SymbolicError(f"whether {diff} {op} 0 depends on the size")
            self.facts.append(fact)
        return result

    def __enter__(self):
        _ASSUMING.append(self)
        return self

    def __exit__(self, *exc):
        _ASSUMING.pop()


_ASSUMING: list[Assumptions] = []


def note_equal(a, b) -> None:
    """Two different size expressions that must be equal (`x[::2] = v`: v's size s1 and (s0 + 1)//2): when the
    example's sizes agree, the caller may retry with one replaced by the other (torch's replacements)."""
    if _ASSUMING and isinstance(a, Sym) and isinstance(b, Sym) and a.symbols | b.symbols <= _ASSUMING[-1].env.keys() \
            and a.evaluate(_ASSUMING[-1].env) == b.evaluate(_ASSUMING[-1].env):
        _ASSUMING[-1].equal.append((a, b))


def _size_bounds(x) -> tuple[float, float]:
    """Numeric bounds of a polynomial over size symbols (each >= MIN_SIZE), when it is monotone in them; an int
    argument's symbol has none. A floor division f = num//d is relaxed to (num - d + 1)/d <= f <= num/d."""
    if isinstance(x, int):
        return x, x
    if any(s[0] == "p" for s in x.symbols):
        return float("-inf"), float("inf")
    for m, c in x.terms.items():
        divisions = [f for f in m if isinstance(f, FloorDiv)]
        if divisions:
            f, d = divisions[0], divisions[0].den
            rest = list(m)
            rest.remove(f)
            if any(isinstance(g, FloorDiv) for g in rest):  # (its sign is not known)
                return float("-inf"), float("inf")
            part = Sym._make({tuple(rest): c})  # c times the rest of the monomial (>= 0 for c > 0)
            scaled = d * (x - Sym({m: c})) + part * f.num  # d * x with f at its upper end, num/d
            low, high = (scaled - part * (d - 1), scaled) if c > 0 else (scaled, scaled - part * (d - 1))
            lo, hi = _size_bounds(low)[0], _size_bounds(high)[1]
            return math.ceil(lo / d) if lo != float("-inf") else lo, math.floor(hi / d) if hi != float("inf") else hi
    coefs = [c for m, c in x.terms.items() if m]
    at_min = x.evaluate({s: MIN_SIZE for s in x.symbols})
    if all(c > 0 for c in coefs):
        return at_min, float("inf")
    if all(c < 0 for c in coefs):
        return float("-inf"), at_min
    return float("-inf"), float("inf")


def unbacked(lo, hi) -> Sym:
    """A new loop-counter symbol ranging over [lo, hi]."""
    name = f"u{len(_RANGES)}"
    _RANGES[name] = (lo, hi)
    return Sym.symbol(name)


def unbacked_for(key, lo, hi) -> Sym:
    """The unbacked symbol of a hashable key that stands for equal sizes (the expression of a selection's mask),
    made on first use since the last reset."""
    known = _KEYED.get(key)
    if known is not None and _RANGES.get(known.name) == (lo, hi):
        return known
    _KEYED[key] = sym = unbacked(lo, hi)
    return sym


def register_unbacked(name: str, lo, hi) -> None:
    """The range of an existing unbacked symbol (a masked selection's row count, known again to codegen)."""
    _RANGES[name] = (lo, hi)


def reset_unbacked() -> None:
    _RANGES.clear()
    _KEYED.clear()


def bound(x, low: bool, depth: int = 8):
    """A lower (or upper) bound of x free of loop counters: the innermost counter first (its range may be in
    terms of outer ones: `range(k)` inside `range(n)`) is replaced by the end of its range that bounds its terms
    (size symbols are positive; a floor division grows with its numerator); None when x is not linear in it."""
    if not isinstance(x, Sym):
        return x
    counters = {s for s in x.symbols if s in _RANGES}
    if not counters:
        return x
    if depth == 0:
        return None
    u = max(counters, key=lambda name: int(name[1:]))
    lo, hi = _RANGES[u]
    total = 0
    for m, c in x.terms.items():
        nested = [f for f in m if isinstance(f, FloorDiv) and u in f.num.symbols]
        if u not in m and not nested:
            total = total + Sym._make({m: c})
            continue
        if m.count(u) + len(nested) > 1:
            return None
        rest = Sym._make({tuple(f for f in m if f != u and f not in nested): c})
        if not nested:
            total = total + rest * (lo if (c > 0) == low else hi)
            continue
        num = bound(nested[0].num, (c > 0) == low, depth - 1)
        if num is None:
            return None
        total = total + rest * floor_div(num, nested[0].den)
    return bound(total, low, depth - 1)
