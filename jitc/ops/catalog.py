"""The supported NumPy API, listed from the op table and the decomposition table (README's list is this output:
`python -m jitc.ops.catalog README.md` rewrites it, tests/test_readme.py keeps it current)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from . import OPS
from .registry import COMPOSITE, METHODS, numpy_name, op_for_function

BEGIN, END = "<!-- numpy-api:begin -->", "<!-- numpy-api:end -->"


def _spellings(composite: bool) -> tuple[list[str], list[str]]:
    """NumPy functions and ndarray methods whose entry is a decomposition (composite) or a native op."""
    functions, methods = set(), set()
    for op in OPS.values():
        if (op.kind == COMPOSITE) != composite:
            continue
        for f in op.functions:
            is_numpy = isinstance(f, np.ufunc) or (getattr(f, "__module__", None) or "").startswith("numpy")
            if is_numpy and op_for_function(f) is op:
                functions.add(f"np.{f.__name__}" if isinstance(f, np.ufunc) else numpy_name(f))
        methods.update(f".{m}()" for m in op.methods if METHODS[m] is op)
    return sorted(functions), sorted(methods)


def markdown() -> str:
    native_f, native_m = _spellings(False)
    decomposed_f, decomposed_m = _spellings(True)
    code = lambda names: ", ".join(f"`{n}`" for n in names)
    return "\n".join([
        BEGIN,
        (f"- Native ops ({len(native_f)} functions, lowered by the backend): {code(native_f)}; "
        f"methods {code(native_m)}; the operators `+ - * / // % ** @ & | ~ == != < <= > >=`, `x.T`, basic "
        "indexing and slicing."),
        (f"- Decompositions ({len(decomposed_f)} functions, written once in `jitc/ops/decomp/` over the native "
        f"ops): {code(decomposed_f)}; methods {code(decomposed_m)}; integer-array indexing (`x[idx]`, "
        "`x[:, [0, 2]]`, `x[i, j]`), boolean mask reads (`x[mask]`, `x[:, mask]`: a length the data sets), "
        "`np.mgrid`/`np.ogrid` with constant bounds."),
        END])


def rewrite(path: Path) -> bool:
    """Replace the list in the file; True when it changed."""
    text = path.read_text()
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: markdown(), text, flags=re.DOTALL)
    path.write_text(new)
    return new != text


if __name__ == "__main__":
    print("rewritten" if rewrite(Path(sys.argv[1])) else "already current")
