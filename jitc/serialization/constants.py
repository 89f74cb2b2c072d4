"""Module attribute constants in the header: `["int", 3]`, `["tuple", [...]]`, both ways."""
from __future__ import annotations

import reprlib

import numpy as np

from ..errors import JitcError, LoadError
from .layout import INT_RANGE, MAX_DEPTH


def encode_constant(v, where: str, depth: int) -> list:
    if depth > MAX_DEPTH:
        raise JitcError(f"cannot save {where}: constant nested deeper than {MAX_DEPTH}")
    if v is None:
        return ["none"]
    if isinstance(v, (bool, np.bool_)):
        return ["bool", bool(v)]
    if isinstance(v, (int, np.integer)) and INT_RANGE[0] <= v <= INT_RANGE[1]:
        return ["int", int(v)]
    if isinstance(v, (float, np.floating)):
        return ["float", float(v).hex()]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, (tuple, list)):
        return ["list" if isinstance(v, list) else "tuple", [encode_constant(x, where, depth + 1) for x in v]]
    raise JitcError(f"cannot save attribute {where} = {reprlib.repr(v)}: {type(v).__name__} is not a saveable "
                    "constant (None, bool, 64-bit int, float, str and tuples/lists of them are)")


def decode_constant(spec, path: str, depth: int):
    if depth > MAX_DEPTH:
        raise LoadError(f"{path}: constant nested deeper than {MAX_DEPTH}")
    tag = spec[0] if isinstance(spec, list) and spec else None
    if tag == "none" and len(spec) == 1:
        return None
    value = spec[1] if isinstance(spec, list) and len(spec) == 2 else None
    if tag == "bool" and isinstance(value, bool):
        return value
    if tag == "int" and type(value) is int and INT_RANGE[0] <= value <= INT_RANGE[1]:
        return value
    if tag == "str" and isinstance(value, str):
        return value
    if tag == "float" and isinstance(value, str) and len(value) < 64:
        try:
            return float.fromhex(value)
        except (ValueError, OverflowError):
            pass
    if tag in ("tuple", "list") and isinstance(value, list):
        items = [decode_constant(x, f"{path}[1][{i}]", depth + 1) for i, x in enumerate(value)]
        return tuple(items) if tag == "tuple" else items
    raise LoadError(f"{path}: {reprlib.repr(spec)} is not a constant (['none'], ['bool', b], ['int', i], "
                    "['float', hex], ['str', s], ['tuple'|'list', [...]])")
