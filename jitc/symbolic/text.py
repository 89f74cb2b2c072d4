"""Size expressions read back from their printed form (Python's syntax for +, -, *, // and brackets)."""
from __future__ import annotations

import re

from .expr import Sym

_TOKEN = re.compile(r"\s*(?:(\d+)|([spu]\d+)|(//|[-+*()]))")
MAX_DEPTH = 32  # brackets nested deeper are not a printed size


def parse_size(text: str):
    """`s0`, `64`, `2*s0*s1 - s0 + 3`, `(s0 + 1)//2` back to an int or Sym; ValueError otherwise."""
    tokens, pos, text = [], 0, text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"bad size expression {text!r}")
        pos = m.end()
        number, name, op = m.groups()
        tokens.append(int(number) if number else Sym.symbol(name) if name else op)
    reader = _Reader(tokens, text)
    value = reader.sum(0)
    if reader.pos != len(tokens):
        raise reader.error()
    return value


class _Reader:
    """Recursive descent with Python's precedence: sums of products; unary minus binds tightest."""

    def __init__(self, tokens: list, text: str):
        self.tokens, self.text, self.pos = tokens, text, 0

    def error(self) -> ValueError:
        return ValueError(f"bad size expression {self.text!r}")

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        tok = self.peek()
        if tok is None:
            raise self.error()
        self.pos += 1
        return tok

    def sum(self, depth: int):
        total = self.product(depth)
        while self.peek() in ("+", "-"):
            sign = 1 if self.take() == "+" else -1
            total = total + sign * self.product(depth)
        return total

    def product(self, depth: int):
        value = self.factor(depth)
        while self.peek() in ("*", "//"):
            if self.take() == "*":
                value = value * self.factor(depth)
            else:
                den = self.factor(depth)
                if not isinstance(den, int) or den == 0:
                    raise self.error()
                value = value // den
        return value

    def factor(self, depth: int):
        if depth > MAX_DEPTH:
            raise self.error()
        tok = self.take()
        if tok == "-":
            return -self.factor(depth + 1)
        if tok == "(":
            value = self.sum(depth + 1)
            if self.take() != ")":
                raise self.error()
            return value
        if isinstance(tok, str):
            raise self.error()
        return tok
