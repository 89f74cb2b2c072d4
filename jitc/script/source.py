"""Reading a function's source for the compiler, and ScriptErrors that point at it with a caret."""
from __future__ import annotations

import ast
import inspect
import linecache
import os
import textwrap
from dataclasses import dataclass

from ..errors import ScriptError

# compound statements: the caret goes under the keyword, not the whole (multi-line) statement
KEYWORD_WIDTHS = {ast.If: 2, ast.For: 3, ast.While: 5, ast.FunctionDef: 3}


@dataclass(frozen=True)
class FunctionSource:
    """A parsed function and where its text sits in its file (ast positions are relative to the snippet)."""

    tree: ast.FunctionDef
    path: str
    first_line: int     # file line of the snippet's first line
    indent: int         # columns removed by dedent
    lines: list[str]    # the file's lines, for error excerpts
    name: str

    def line(self, node: ast.AST) -> int:
        return node.lineno + self.first_line - 1

    def col(self, node: ast.AST) -> int:
        return node.col_offset + self.indent

    def location(self, node: ast.AST) -> str:
        """`file.py:line:col`, the format of node sources (see jitc/source.py)."""
        return f"{os.path.basename(self.path)}:{self.line(node)}:{self.col(node)}"

    def error(self, node: ast.AST, message: str, width: int | None = None) -> ScriptError:
        """A ScriptError for `node`: message, file/line/col, the source line and a caret under the construct."""
        line, col = self.line(node), self.col(node)
        text = self.lines[line - 1].rstrip("\n") if 0 < line <= len(self.lines) else ""
        width = width or KEYWORD_WIDTHS.get(type(node))
        if width is None:
            end = node.end_col_offset + self.indent if node.end_lineno == node.lineno else len(text.rstrip())
            width = end - col
        caret = " " * col + "^" * max(width, 1)
        return ScriptError(f"{message}\n  File \"{self.path}\", line {line}, col {col}, in {self.name}\n"
                           f"{text}\n{caret}")


def parse_function(fn) -> FunctionSource:
    """The source of a Python function (or method) as an ast.FunctionDef with its file position."""
    name = getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn)))
    if getattr(fn, "__name__", "") == "<lambda>":
        raise ScriptError(f"cannot script the lambda {name}: lambdas are not supported (use a def function)")
    try:
        raw_lines, first_line = inspect.getsourcelines(fn)
        path = inspect.getsourcefile(fn) or inspect.getfile(fn)
    except (OSError, TypeError) as e:
        raise ScriptError(f"cannot script {name}: its source code is not available ({e}); scripting reads the "
                          "source, so define the function in a file") from None
    raw = "".join(raw_lines)
    source = textwrap.dedent(raw)
    indent = len(raw_lines[0]) - len(source.splitlines(keepends=True)[0])
    tree = ast.parse(source).body[0]
    if not isinstance(tree, ast.FunctionDef):
        raise ScriptError(f"cannot script {name}: expected a def function, got {type(tree).__name__}")
    lines = linecache.getlines(path) or raw_lines
    return FunctionSource(tree, path, first_line, indent, lines, fn.__name__)
