"""Sizes in generated code. An int size is a constant; a symbolic one (jitc.symbolic.Sym) is computed from the
call's sizes array (`i64 sizes[k]` is the value of symbol `s<k>`), which the entry receives after the outputs'
data pointers and passes on to every kernel that holds a symbolic buffer."""
from __future__ import annotations

import weakref

from llvmlite import ir

from jitc.symbolic import Sym, SymbolicError, is_symbolic, same  # noqa: F401  (same: for codegen)

from .scalar import I64

SIZES_TYPE = I64.as_pointer()
_SIZES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # function -> its sizes pointer


def bind_sizes(fn: ir.Function, sizes: ir.Value) -> None:
    _SIZES[fn] = sizes


def sizes_of(b: ir.IRBuilder) -> ir.Value:
    sizes = _SIZES.get(b.function)
    if sizes is None:
        raise SymbolicError(f"{b.function.name} computes with a symbolic size but has no sizes array")
    return sizes


def size(b: ir.IRBuilder, x) -> ir.Value:
    """The i64 value of a size: a constant, or the polynomial evaluated from the sizes array."""
    if isinstance(x, ir.Value):
        return x
    if not isinstance(x, Sym):
        return ir.Constant(I64, int(x))
    sizes, total = sizes_of(b), None
    for monomial, coef in x.terms.items():
        term = ir.Constant(I64, coef) if not monomial or coef != 1 else None
        for name in monomial:
            value = b.load(b.gep(sizes, [ir.Constant(I64, int(name[1:]))], inbounds=True), name=name)
            term = value if term is None else b.mul(term, value, flags=("nsw",))
        total = term if total is None else b.add(total, term, flags=("nsw",))
    return total


def symbolic_bufs(bufs) -> bool:
    """Whether any of these Bufs has a symbolic size or stride (its kernels then take the sizes array)."""
    return any(is_symbolic(buf.shape) or is_symbolic(buf.strides) for buf in bufs)

