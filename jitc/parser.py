"""Reads the text format printer.py writes (TorchScript's) back into a Graph: print -> parse -> print is identity.

Saved files come through here, so this is a plain regex tokenizer plus recursive descent: no eval, nesting
bounded by MAX_DEPTH, linear time, and every malformed input raises IRParseError naming the line.
"""
from __future__ import annotations

import json
import re

from .errors import IRParseError, JitcError
from .ir import Block, Graph, Node, Value
from .symbolic import parse_size
from .types import NAME_DTYPES, TENSOR, ListType, ModuleType, OptionalType, ScalarType, TensorType, TupleType, Type

MAX_DEPTH = 64  # nesting of blocks, types and literals; keeps us far from Python's recursion limit

_TOKEN = re.compile(
    r"""(?P<space>[ ]+)
      | (?P<newline>\n)
      | (?P<comment>\#[^\n]*)
      | (?P<str>"(?:[^"\\\n]|\\.)*")
      | (?P<val>%[A-Za-z0-9_.]+)
      | (?P<num>-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]?\d+)?)(?![\w.]))
      | (?P<kind>[A-Za-z_]\w*::[\w.]+)
      | (?P<name>[A-Za-z_][\w.]*)
      | (?P<op><Tensor>|->|//|[()\[\],:=*+?-])""",
    re.VERBOSE | re.ASCII,
)
_INT = re.compile(r"-?\d+", re.ASCII)
_SYMBOL = re.compile(r"[spu]\d+", re.ASCII)
_SCALARS = {"int", "float", "complex", "bool", "str", "NoneType"}
_CONSTANTS = {"True": True, "False": False, "None": None}
_MODULE_PREFIX = "__jitc__."
_WHAT = {"val": "a %value", "kind": "an op kind like aten::add", "name": "a name", "num": "a number"}


class _Line:
    """A logical line: newlines inside brackets continue it (the graph header spans several physical lines)."""

    def __init__(self, lineno: int, indent: int):
        self.lineno, self.indent = lineno, indent
        self.tokens: list[tuple[str, str, int]] = []  # (kind, text, physical line number)
        self.source: str | None = None  # the node's `  # file.py:3:4` comment


def _error(lineno: int, msg: str) -> IRParseError:
    return IRParseError(f"line {lineno}: {msg}")


def _logical_lines(text: str) -> tuple[list[_Line], int]:
    lines: list[_Line] = []
    line, depth, lineno, line_start, pos = None, 0, 1, 0, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _error(lineno, f"unexpected character {text[pos]!r}")
        kind, tok, pos = m.lastgroup, m.group(), m.end()
        if kind == "newline":
            lineno, line_start = lineno + 1, pos
            line = line if depth else None
        elif kind == "comment":
            if line is None or depth:
                raise _error(lineno, "a comment may only end a node line")
            line.source = tok[1:].removeprefix(" ") or None
        elif kind != "space":
            if line is None:
                line = _Line(lineno, m.start() - line_start)
                lines.append(line)
            depth += (tok in ("(", "[")) - (tok in (")", "]"))
            if depth < 0:
                raise _error(lineno, f"unbalanced {tok!r}")
            line.tokens.append((kind, tok, lineno))
    if depth:
        raise _error(lineno, "unbalanced brackets at end of input")
    return lines, lineno


class _Parser:
    def __init__(self, text: str):
        self.lines, self.last_lineno = _logical_lines(text)
        self.next_line = 0
        self.graph = Graph()
        self.names: set[str] = set()  # value names are unique graph-wide, not just per scope
        self.scopes: list[dict[str, Value]] = [{}]

    # ---- cursor over the lines and the current line's tokens
    def _start_line(self, indent: int) -> None:
        if self.next_line >= len(self.lines):
            raise _error(self.last_lineno, "unexpected end of input")
        self.line = self.lines[self.next_line]
        if self.line.indent != indent:
            raise _error(self.line.lineno, f"expected indentation {indent}, got {self.line.indent}")
        self.next_line += 1
        self.tokens, self.pos = self.line.tokens, 0

    def _at_indent(self, indent: int) -> bool:
        return self.next_line < len(self.lines) and self.lines[self.next_line].indent == indent

    def _end_line(self, source_ok: bool = False) -> None:
        if self.pos < len(self.tokens):
            raise self._error(f"unexpected {self.tokens[self.pos][1]!r}")
        if self.line.source is not None and not source_ok:
            raise self._error("a comment may only end a node line")

    def _error(self, msg: str) -> IRParseError:
        return _error(self.tokens[min(self.pos, len(self.tokens) - 1)][2], msg)

    def _peek(self) -> tuple[str | None, str | None]:
        return self.tokens[self.pos][:2] if self.pos < len(self.tokens) else (None, None)

    def _next(self, kind: str | None = None) -> str:
        got_kind, tok = self._peek()
        if tok is None:
            raise self._error("unexpected end of line")
        if kind is not None and got_kind != kind:
            raise self._error(f"expected {_WHAT[kind]}, got {tok!r}")
        self.pos += 1
        return tok

    def _accept(self, text: str) -> bool:
        if self._peek()[1] == text:
            self.pos += 1
            return True
        return False

    def _expect(self, text: str) -> None:
        if not self._accept(text):
            raise self._error(f"expected {text!r}, got {self._peek()[1] or 'end of line'!r}")

    def _items(self, close: str, item, one_tuple: bool = False) -> list:
        """Comma-separated items up to `close`; a trailing comma only (and always) in a literal 1-tuple."""
        items, trailing = [], False
        while not self._accept(close):
            items.append(item())
            trailing = self._accept(",")
            if not trailing:
                self._expect(close)
                break
        if trailing != (one_tuple and len(items) == 1):
            raise self._error("misplaced trailing comma" if trailing else "a 1-tuple needs a trailing comma")
        return items

    # ---- grammar
    def parse(self) -> Graph:
        self._start_line(0)
        self._expect("graph")
        self._expect("(")
        for name, type in self._items(")", self._decl):
            self._define(self.graph.add_input(type, name))
        self._expect(":")
        self._end_line()
        self._body(self.graph.block, 2, "return", 0)
        if self.next_line < len(self.lines):
            raise _error(self.lines[self.next_line].lineno, "unexpected text after return")
        try:
            self.graph.lint()
        except JitcError as e:
            raise IRParseError(f"parsed graph is invalid: {e}") from e
        return self.graph

    def _body(self, block: Block, indent: int, terminator: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _error(self.lines[self.next_line - 1].lineno, "blocks nested too deeply")
        while True:
            self._start_line(indent)
            if self._accept(terminator):
                break
            self._node(block, indent, depth)
        self._expect("(")
        for v in self._items(")", self._use):
            block.add_return(v)
        self._end_line()

    def _node(self, block: Block, indent: int, depth: int) -> None:
        outputs = []
        if self._peek()[0] == "val":
            outputs = [self._decl()]
            while self._accept(","):
                outputs.append(self._decl())
            self._expect("=")
        kind, attrs = self._next("kind"), {}
        if self._accept("["):
            for key, value in self._items("]", self._attr):
                if key in attrs:
                    raise self._error(f"attribute {key!r} given twice")
                attrs[key] = value
        self._expect("(")
        inputs = self._items(")", self._use)
        self._end_line(source_ok=True)
        with self.graph.inserting_at_end(block):
            node = self.graph.insert(kind, inputs, [], attrs, self.line.source)
        while self._at_indent(indent + 2):
            self._block(node, indent + 2, depth)
        # Outputs one at a time, each auto-named value renamed before the next exists, so
        # the graph's name set ends up holding exactly the printed names.
        for name, type in outputs:
            self._define(node.add_output(type), name)

    def _block(self, node: Node, indent: int, depth: int) -> None:
        self._start_line(indent)
        self._expect(f"block{len(node.blocks)}")
        self._expect("(")
        block = node.add_block()
        self.scopes.append({})
        for name, type in self._items(")", self._decl):
            self._define(block.add_param(type, name))
        self._expect(":")
        self._end_line()
        self._body(block, indent + 2, "->", depth + 1)
        self.scopes.pop()

    def _decl(self) -> tuple[str, Type]:
        name = self._next("val")[1:]
        if name in self.names:
            raise self._error(f"%{name} is defined twice")
        self.names.add(name)
        self._expect(":")
        return name, self._type(0)

    def _define(self, value: Value, name: str | None = None) -> None:
        if name is not None:
            value.set_name(name)  # the name is new graph-wide (checked in _decl), so it is kept verbatim
        self.scopes[-1][value.name] = value

    def _use(self) -> Value:
        name = self._next("val")[1:]
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        raise self._error(f"undefined value %{name}")

    def _attr(self) -> tuple[str, object]:
        key = self._next("name")
        self._expect("=")
        return key, self._literal(0)

    def _type(self, depth: int) -> Type:
        if depth > MAX_DEPTH:
            raise self._error("type nested too deeply")
        if self._accept("("):
            t = TupleType(tuple(self._items(")", lambda: self._type(depth + 1))))
        else:
            name = self._next("name")
            if name == "Tensor":
                t = TENSOR
            elif name in _SCALARS:
                t = ScalarType(name)
            elif name in NAME_DTYPES:
                t = self._tensor_dims(NAME_DTYPES[name])
            elif name.startswith(_MODULE_PREFIX) and len(name) > len(_MODULE_PREFIX):
                t = ModuleType(name[len(_MODULE_PREFIX):])
            else:
                raise self._error(f"unknown type {name!r}")
        while True:
            if self._accept("["):
                self._expect("]")
                t = ListType(t)
            elif self._accept("?"):
                t = OptionalType(t)
            else:
                return t
            depth += 1
            if depth > MAX_DEPTH:
                raise self._error("type nested too deeply")

    def _tensor_dims(self, dtype) -> TensorType:
        """`Float` alone, or with `(d0, d1)`, `(d0, d1, strides=[s0, s1])`, `()` or `(strides=[])`."""
        if not self._accept("("):
            return TensorType(dtype)
        dims = self._items(")", self._dim)
        strides = dims.pop() if dims and isinstance(dims[-1], tuple) else None
        if any(isinstance(d, tuple) for d in dims) or (strides is not None and len(strides) != len(dims)):
            raise self._error("strides must come last and match the shape")
        return TensorType(dtype, tuple(dims), strides)

    def _dim(self) -> int | tuple[int, ...]:
        if not self._accept("strides"):
            return self._size()
        self._expect("=")
        self._expect("[")
        return tuple(self._items("]", self._size))

    def _size(self):
        """An int, or a symbolic size such as `s0`, `64*s0 - 1` or `(s0 + 1)//2` (see jitc/symbolic/)."""
        parts, depth = [], 0
        while self._peek()[1] is not None and (depth or self._peek()[1] not in (",", ")", "]")):
            depth += {"(": 1, ")": -1}.get(self._peek()[1], 0)
            parts.append(self._next())
        try:
            return parse_size(" ".join(parts))
        except ValueError:
            raise self._error(f"expected an integer or a size such as s0, got {' '.join(parts)[:40]!r}") from None

    def _int(self) -> int:
        tok = self._next("num")
        if not _INT.fullmatch(tok):
            raise self._error(f"expected an integer, got {tok!r}")
        return self._number(tok)

    def _number(self, tok: str) -> int | float:
        try:
            return int(tok) if _INT.fullmatch(tok) else float(tok)
        except ValueError:  # e.g. more digits than int() accepts
            raise self._error(f"bad number {tok[:20]!r}") from None

    def _starts_a_size(self) -> bool:
        """Whether the literal ahead is a size that starts with a bracket or a minus (`(s0 + 1)//2`, `-s0 + 4`,
        not a tuple or a negative number): a bracket followed by `//`, or a minus before a symbol or a bracket."""
        tok = self._peek()[1]
        if tok == "-":
            after = self.tokens[self.pos + 1][1] if self.pos + 1 < len(self.tokens) else ""
            return bool(_SYMBOL.fullmatch(after)) or after == "("
        if tok != "(":
            return False
        depth = 0
        for k in range(self.pos, len(self.tokens)):
            depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(self.tokens[k][1], 0)
            if depth == 0:
                return k + 1 < len(self.tokens) and self.tokens[k + 1][1] == "//"
        return False

    def _literal(self, depth: int):
        if depth > MAX_DEPTH:
            raise self._error("literal nested too deeply")
        kind, tok = self._peek()
        if _SYMBOL.fullmatch(tok or "") or (kind == "num" and self.pos + 1 < len(self.tokens)
                                             and self.tokens[self.pos + 1][1] == "*") or self._starts_a_size():
            return self._size()  # a symbolic size: `s0`, `2*s0 - 1`, `(s0 + 1)//2`, `-s0 + 4`
        self._next()
        if kind == "num":
            return self._number(tok)
        if kind == "str":
            try:
                return json.loads(tok)  # the printer writes json.dumps; decoding a lone string is safe
            except ValueError:
                raise self._error(f"bad string literal {tok[:20]!r}") from None
        if kind == "name" and tok in _CONSTANTS:
            return _CONSTANTS[tok]
        if kind == "name" and tok == "complex":  # the printer's complex(re, im)
            self._expect("(")
            items = self._items(")", lambda: self._number(self._next("num")))
            if len(items) != 2:
                raise self._error("complex(...) takes a real and an imaginary part")
            return complex(*items)
        if tok == "<Tensor>":
            raise self._error("tensor constants cannot be parsed")
        if tok == "[":
            return self._items("]", lambda: self._literal(depth + 1))
        if tok == "(":
            return tuple(self._items(")", lambda: self._literal(depth + 1), one_tuple=True))
        raise self._error(f"expected a literal, got {tok!r}")


def parse_ir(text: str) -> Graph:
    """Parse printed IR; raises IRParseError (with the line number) on anything malformed.

    `<Tensor>` attributes (in-memory array constants) cannot be read back: they raise IRParseError.
    """
    return _Parser(text).parse()
