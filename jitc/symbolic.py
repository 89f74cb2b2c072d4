"""Symbolic sizes: integer polynomials over size symbols `s0, s1, ...` (dimensions of dynamic inputs), `p0, ...`
(Python int arguments that set shapes: `cache[:, pos:pos + 1]`) and `u0, u1, ...` (loop counters, known only
while the loop runs: `A[k + 1:]` has `n - u0 - 1` rows).

Shape rules, strides and folding compute with them through Python's operators, so most rules need no change.
Every symbol stands for a size of at least 2 (sizes 0 and 1 stay specialized: broadcasting depends on them);
order comparisons that this does not decide, and anything needing the number itself (`int()`, `range()`), raise
SymbolicError: that specialization then stays static. Equality is structural. A loop counter ranges over its
loop's iterations (`unbacked`); comparisons substitute those bounds.
"""
from __future__ import annotations

import re

from .errors import CompileError

MIN_SIZE = 2  # the smallest size a size symbol stands for (an int argument's symbol may be any int)
SLOT_BASES = {"s": 0, "p": 24, "u": 32}  # where each kind of symbol's value sits in a call's sizes array
_RANGES: dict[str, tuple] = {}  # loop counter symbol -> (lo, hi), ints or Syms; reset per specialization


class SymbolicError(CompileError):
    """A computation needs the concrete value of a dynamic size."""


class Sym:
    """A canonical polynomial: `terms` maps a sorted tuple of symbol names (a monomial; () is the constant) to
    its nonzero int coefficient. Build them with `Sym.symbol`; arithmetic that cancels every symbol gives an int."""

    __slots__ = ("_hash", "terms")

    def __init__(self, terms: dict):
        self.terms = dict(sorted(terms.items(), key=lambda kv: (-len(kv[0]), kv[0])))
        self._hash = hash(tuple(self.terms.items()))

    @staticmethod
    def symbol(name: str) -> Sym:
        return Sym({(name,): 1})

    @staticmethod
    def _make(terms: dict):
        terms = {m: c for m, c in terms.items() if c}
        if not terms:
            return 0
        if list(terms) == [()]:
            return terms[()]
        return Sym(terms)

    @property
    def symbols(self) -> set[str]:
        return {s for m in self.terms for s in m}

    @property
    def name(self) -> str | None:
        """The symbol's name when this is one plain symbol, else None."""
        if len(self.terms) != 1:
            return None
        (m, c), = self.terms.items()
        return m[0] if c == 1 and len(m) == 1 else None

    def evaluate(self, env: dict[str, int]) -> int:
        total = 0
        for m, c in self.terms.items():
            for s in m:
                c *= env[s]
            total += c
        return total

    # ---- arithmetic
    def __add__(self, other):
        if not isinstance(other, (int, Sym)) or isinstance(other, bool):
            return NotImplemented
        terms = dict(self.terms)
        for m, c in _terms(other).items():
            terms[m] = terms.get(m, 0) + c
        return Sym._make(terms)

    __radd__ = __add__

    def __neg__(self):
        return Sym._make({m: -c for m, c in self.terms.items()})

    def __sub__(self, other):
        if not isinstance(other, (int, Sym)) or isinstance(other, bool):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if not isinstance(other, (int, Sym)) or isinstance(other, bool):
            return NotImplemented
        terms: dict = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in _terms(other).items():
                m = tuple(sorted(m1 + m2))
                terms[m] = terms.get(m, 0) + c1 * c2
        return Sym._make(terms)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        if isinstance(other, int) and other and all(c % other == 0 for c in self.terms.values()):
            return Sym._make({m: c // other for m, c in self.terms.items()})
        if isinstance(other, Sym):
            quotient = _divide(self, other)
            if quotient is not None:
                return quotient
        raise SymbolicError(f"{self} // {other} is not exact for every size")

    def __rfloordiv__(self, other):
        raise SymbolicError(f"{other} // {self} depends on the size")

    def __mod__(self, other):
        if isinstance(other, int) and other and all(c % other == 0 for c in self.terms.values()):
            return 0
        if isinstance(other, Sym) and _divide(self, other) is not None:
            return 0
        raise SymbolicError(f"{self} % {other} depends on the size")

    def __rmod__(self, other):
        raise SymbolicError(f"{other} % {self} depends on the size")

    # ---- comparisons: decided when they hold for every size >= MIN_SIZE, else SymbolicError
    def _bounds(self) -> tuple[float, float]:
        lo, hi = bound(self, low=True), bound(self, low=False)
        return _size_bounds(lo)[0] if lo is not None else float("-inf"), \
            _size_bounds(hi)[1] if hi is not None else float("inf")

    def _compare(self, other, op: str) -> bool:
        diff = self - other
        if isinstance(diff, int):
            return {"<": diff < 0, "<=": diff <= 0, ">": diff > 0, ">=": diff >= 0}[op]
        lo, hi = diff._bounds()
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
        raise SymbolicError(f"whether {self} {op} {other} depends on the size")

    def __lt__(self, other):
        return self._compare(other, "<")

    def __le__(self, other):
        return self._compare(other, "<=")

    def __gt__(self, other):
        return self._compare(other, ">")

    def __ge__(self, other):
        return self._compare(other, ">=")

    def __eq__(self, other):
        """Structural: a symbol never equals an int (it is not 0 or 1, and other ints may or may not match at
        run time, so nothing may be decided on them: folding leaves such comparisons to run time)."""
        if isinstance(other, Sym):
            return self.terms == other.terms
        if isinstance(other, int):
            return False
        return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return self._hash

    def __bool__(self):
        return bool(self > 0 or self < 0)

    def __index__(self):
        raise SymbolicError(f"this needs the size {self} as a number")

    __int__ = __index__

    def __abs__(self):
        if self > 0:
            return self
        if self < 0:
            return -self
        raise SymbolicError(f"the sign of {self} depends on the size")

    # ---- text
    def __str__(self) -> str:
        out = ""
        for m, c in self.terms.items():
            body = "*".join(m)
            if not m:
                body = str(abs(c))
            elif abs(c) != 1:
                body = f"{abs(c)}*{body}"
            if not out:
                out = ("-" if c < 0 else "") + body
            else:
                out += (" - " if c < 0 else " + ") + body
        return out

    __repr__ = __str__

    def __reduce__(self):
        return (Sym, (self.terms,))


class Assumptions:
    """Order comparisons of size symbols that the example call's sizes decide (torch.compile's guards on
    backed symbols): `facts` are expressions that must be >= 0 for a later call to use the same code."""

    def __init__(self, env: dict[str, int], facts: list | None = None, frozen: bool = False):
        """frozen: decide only what the facts already say (codegen repeats the shape rules' comparisons; a new
        decision there would not be part of the specialization's cache key)."""
        self.env, self.facts, self.frozen = env, [] if facts is None else facts, frozen

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


def slot_of(name: str) -> int:
    """The index of a symbol's value in the sizes array."""
    kind, k = name[0], int(name[1:])
    limit = {"s": SLOT_BASES["p"], "p": SLOT_BASES["u"] - SLOT_BASES["p"]}.get(kind)
    if limit is not None and k >= limit:
        raise SymbolicError(f"more than {limit} symbols of kind {kind}")
    return SLOT_BASES[kind] + k


def _size_bounds(x) -> tuple[float, float]:
    """Numeric bounds of a polynomial over size symbols (each >= MIN_SIZE), when it is monotone in them; an int
    argument's symbol has none."""
    if isinstance(x, int):
        return x, x
    if any(s[0] == "p" for s in x.symbols):
        return float("-inf"), float("inf")
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


_KEYED: dict = {}


def register_unbacked(name: str, lo, hi) -> None:
    """The range of an existing unbacked symbol (a masked selection's row count, known again to codegen)."""
    _RANGES[name] = (lo, hi)


def reset_unbacked() -> None:
    _RANGES.clear()
    _KEYED.clear()


def bound(x, low: bool, depth: int = 8):
    """A lower (or upper) bound of x free of loop counters: the innermost counter first (its range may be in
    terms of outer ones: `range(k)` inside `range(n)`) is replaced by the end of its range that bounds its terms
    (size symbols are positive); None when x is not linear in it."""
    if not isinstance(x, Sym):
        return x
    counters = _counters(x)
    if not counters:
        return x
    if depth == 0:
        return None
    u = max(counters, key=lambda name: int(name[1:]))
    lo, hi = _RANGES[u]
    total = 0
    for m, c in x.terms.items():
        if u not in m:
            total = total + Sym._make({m: c})
        elif m.count(u) > 1:
            return None
        else:
            rest = Sym._make({tuple(s for s in m if s != u): c})
            total = total + rest * (lo if (c > 0) == low else hi)
    return bound(total, low, depth - 1)


def _counters(x: Sym) -> set[str]:
    return {s for s in x.symbols if s in _RANGES}


def _terms(x) -> dict:
    return x.terms if isinstance(x, Sym) else {(): x}


def _divide(num: Sym, den: Sym):
    """num / den when den is one monomial dividing every term of num exactly, else None."""
    if len(den.terms) != 1:
        return None
    (dm, dc), = den.terms.items()
    out = {}
    for m, c in num.terms.items():
        rest = list(m)
        for s in dm:
            if s not in rest:
                return None
            rest.remove(s)
        if c % dc:
            return None
        out[tuple(rest)] = c // dc
    return Sym._make(out)


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
                    raise SymbolicError(f"whether sizes {d} and {x} broadcast depends on the size")
                return None
        out.append(d)
    return tuple(out)


def slice_indices(start, stop, step, n) -> tuple:
    """(begin, step, length) of `slice(start, stop, step)` over an axis of size n, as slice.indices and len(range)
    give them; for a symbolic n with unit steps only, when the bounds are decided for every size (`1:`, `:-1`)."""
    if not is_symbolic((n, start, stop, step)):
        begin, end, step = slice(start, stop, step).indices(n)
        return begin, step, len(range(begin, end, step))
    if step not in (None, 1, -1):
        raise SymbolicError(f"a slice with step {step} of an axis of size {n} with symbolic bounds")
    if step == -1:  # clamped to [-1, n - 1], as slice.indices does for negative steps
        def down(i, default):
            if i is None:
                return default
            return max(i + n, -1) if i < 0 else min(i, n - 1)

        begin = down(start, n - 1)
        return begin, -1, max(begin - down(stop, -1), 0)

    def up(i, default):
        if i is None:
            return default
        return max(i + n, 0) if i < 0 else min(i, n)

    begin = up(start, 0)
    return begin, 1, max(up(stop, n) - begin, 0)


def is_symbolic(x) -> bool:
    """True for a Sym or a (nested) tuple/list holding one."""
    if isinstance(x, Sym):
        return True
    return isinstance(x, (tuple, list)) and any(is_symbolic(y) for y in x)


_TOKEN = re.compile(r"\s*(?:(\d+)|([spu]\d+)|([-+*]))")


def parse_size(text: str):
    """`s0`, `64`, `2*s0*s1 - s0 + 3` back to an int or Sym (the printed form)."""
    pos, total, sign, term, expect_factor = 0, 0, 1, 1, True
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"bad size expression {text!r}")
        pos = m.end()
        number, name, op = m.groups()
        if expect_factor:
            if op == "-" and term == 1:
                sign = -sign
                continue
            if op is not None:
                raise ValueError(f"bad size expression {text!r}")
            term = term * (int(number) if number else Sym.symbol(name))
            expect_factor = False
        elif op == "*":
            expect_factor = True
        elif op is not None:
            total, term, sign, expect_factor = total + sign * term, 1, 1 if op == "+" else -1, True
        else:  # two factors in a row
            raise ValueError(f"bad size expression {text!r}")
    if expect_factor:
        raise ValueError(f"bad size expression {text!r}")
    return total + sign * term
