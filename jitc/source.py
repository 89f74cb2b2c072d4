"""Source locations: `file.py:line:col` of the user's code that is running, skipping jitc's and NumPy's frames."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np

_SKIP = (os.path.dirname(os.path.abspath(__file__)), os.path.dirname(np.__file__))
_USER_CODE_IN_JITC = (os.path.join(_SKIP[0], "demo.py"),)  # models written like a user's, shipped with jitc


def _is_user_code(filename: str) -> bool:
    if filename.startswith(("<frozen", "<built-in")):
        return False
    path = os.path.abspath(filename)
    return path in _USER_CODE_IN_JITC or not path.startswith(_SKIP)


@dataclass(frozen=True)
class Location:
    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{os.path.basename(self.path)}:{self.line}:{self.col}"

    def source_line(self) -> str:
        import linecache

        return linecache.getline(self.path, self.line).rstrip("\n")


def user_location() -> Location | None:
    """The innermost frame outside jitc and NumPy: the user's line that triggered the current op."""
    frame = sys._getframe(1)
    while frame is not None:
        if _is_user_code(frame.f_code.co_filename):
            positions = list(frame.f_code.co_positions())
            line, _, col, _ = positions[frame.f_lasti // 2] if frame.f_lasti >= 0 else (frame.f_lineno, 0, 0, 0)
            return Location(frame.f_code.co_filename, line or frame.f_lineno, col or 0)
        frame = frame.f_back
    return None
