"""Size expressions: canonical integer polynomials over size symbols, whose factors may also be floor divisions
of such polynomials by an int (`(s0 + 1)//2`: the length of `x[::2]`, PyTorch's FloorDiv)."""
from __future__ import annotations

from ..errors import CompileError

MIN_SIZE = 2  # the smallest size a size symbol stands for (an int argument's symbol may be any int)


class SymbolicError(CompileError):
    """A computation needs the concrete value of a dynamic size."""


class FloorDiv(str):
    """A factor of a monomial: floor(num / den), num a Sym and den an int >= 2. It is named by its printed form,
    so monomials (sorted tuples of factor names) sort, hash and compare as with plain symbols."""

    def __new__(cls, num: Sym, den: int):
        self = super().__new__(cls, f"{num if num.name else f'({num})'}//{den}")
        self.num, self.den = num, den
        return self

    def evaluate(self, env: dict[str, int]) -> int:
        return self.num.evaluate(env) // self.den

    def __reduce__(self):
        return (FloorDiv, (self.num, self.den))


def floor_div(num, den: int):
    """num // den for an int den != 0 in canonical form: the multiples of den leave the numerator (each symbol's
    coefficient keeps its sign, the constant is taken to [0, den)) and nested divisions merge."""
    if den < 0:
        num, den = -num, -den
    if not isinstance(num, Sym):
        return num // den
    if den == 1:
        return num
    whole, rest = {}, {}
    for m, c in num.terms.items():
        q = c // den if not m or c > 0 else -(-c // den)
        whole[m], rest[m] = q, c - q * den
    quotient, rest = Sym._make(whole), Sym._make(rest)
    if not isinstance(rest, Sym):
        return quotient  # (the constant left is in [0, den))
    factors = [m for m in rest.terms if m]
    if len(factors) == 1 and len(factors[0]) == 1 and isinstance(factors[0][0], FloorDiv) \
            and rest.terms[factors[0]] == 1:  # floor((floor(x / a) + c) / b) == floor((x + c*a) / (a*b))
        inner = factors[0][0]
        return quotient + floor_div(inner.num + rest.terms.get((), 0) * inner.den, inner.den * den)
    return quotient + Sym({(FloorDiv(rest, den),): 1})


class Sym:
    """A canonical polynomial: `terms` maps a sorted tuple of factors (a monomial; () is the constant) to its
    nonzero int coefficient; a factor is a symbol's name or a FloorDiv. Build them with `Sym.symbol`; arithmetic
    that cancels every symbol gives an int."""

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
        merged = _merged_floor(terms)
        return Sym(terms) if merged is None else merged

    @property
    def symbols(self) -> set[str]:
        """The names of the symbols it reads (also inside its floor divisions)."""
        out = set()
        for m in self.terms:
            for f in m:
                if isinstance(f, FloorDiv):
                    out |= f.num.symbols
                else:
                    out.add(f)
        return out

    @property
    def name(self) -> str | None:
        """The symbol's name when this is one plain symbol, else None."""
        if len(self.terms) != 1:
            return None
        (m, c), = self.terms.items()
        return m[0] if c == 1 and len(m) == 1 and not isinstance(m[0], FloorDiv) else None

    def evaluate(self, env: dict[str, int]) -> int:
        total = 0
        for m, c in self.terms.items():
            for f in m:
                c *= f.evaluate(env) if isinstance(f, FloorDiv) else env[f]
            total += c
        return total

    def subs(self, values: dict):
        """This expression with some symbols replaced by sizes (ints or Syms)."""
        total = 0
        for m, c in self.terms.items():
            for f in m:
                c = c * (floor_div(f.num.subs(values), f.den) if isinstance(f, FloorDiv) else values.get(f, Sym.symbol(f)))
            total = total + c
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
        if isinstance(other, int) and not isinstance(other, bool) and other:
            return floor_div(self, other)
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

    # ---- comparisons: decided when they hold for every size >= MIN_SIZE, else SymbolicError (order.py)
    def _compare(self, other, op: str) -> bool:
        from .order import compare  # (order.py computes with Syms)

        diff = self - other
        if isinstance(diff, int):
            return {"<": diff < 0, "<=": diff <= 0, ">": diff > 0, ">=": diff >= 0}[op]
        return compare(diff, op, f"{self} {op} {other}")

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

    # ---- text (Python's syntax; parse_size reads it back)
    def __str__(self) -> str:
        out = ""
        for m, c in self.terms.items():
            alone = len(m) == 1 and c == 1  # a floor division is bracketed unless it is a whole term
            body = "*".join(f"({f})" if isinstance(f, FloorDiv) and not alone else f for f in m)
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


def _merged_floor(terms: dict):
    """A polynomial m*N + c - N//d (m >= 1) as the one floor division it equals, floor(((m*d - 1)*N + d - 1)/d) + c
    in floor_div's canonical form, so that equal sizes compare equal (`s0 - s0//2` is `(s0 + 1)//2`, the lengths
    of `x[s0//2:]` and `x[::2]`); None for any other polynomial."""
    for m, k in terms.items():
        if k != -1 or len(m) != 1 or not isinstance(m[0], FloorDiv):
            continue
        f = m[0]
        rest = {t: c for t, c in terms.items() if t != m}
        lead, lead_c = next((t, c) for t, c in f.num.terms.items() if t)
        mult = rest.get(lead, 0) // lead_c if rest.get(lead, 0) % lead_c == 0 else 0
        if mult < 1:
            continue
        left = dict(rest)
        for t, c in f.num.terms.items():
            left[t] = left.get(t, 0) - mult * c
        left = {t: c for t, c in left.items() if c}
        if any(t for t in left):
            continue
        return floor_div((mult * f.den - 1) * f.num + f.den - 1, f.den) + left.get((), 0)
    return None


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
