"""Sizes in generated code. An int size is a constant; a symbolic one (jitc.symbolic.Sym) is computed from the
call's sizes array (jitc.symbolic.slot_of: input sizes `s<k>`, int arguments `p<k>`, and the current value of
loop counter `u<k>`, stored by its loop), which the entry receives after the outputs' data pointers and
passes on to every kernel that holds a symbolic buffer."""
from __future__ import annotations

from llvmlite import ir

from jitc.symbolic import FloorDiv, Sym, SymbolicError, is_symbolic, same, slot_of  # noqa: F401  (same: codegen's)

from .scalar import I64

SIZES_TYPE = I64.as_pointer()


def bind_sizes(fn: ir.Function, sizes: ir.Value) -> None:
    """Where fn's code reads symbols from (kept on the function: a registry would keep every module alive)."""
    fn.jitc_sizes = sizes


def sizes_of(b: ir.IRBuilder) -> ir.Value:
    sizes = getattr(b.function, "jitc_sizes", None)
    if sizes is None:
        raise SymbolicError(f"{b.function.name} computes with a symbolic size but has no sizes array")
    return sizes


def size(b: ir.IRBuilder, x) -> ir.Value:
    """The i64 value of a size: a constant, or the polynomial evaluated from the sizes array."""
    if isinstance(x, ir.Value):
        return x
    if not isinstance(x, Sym):
        return ir.Constant(I64, int(x))
    total = None
    for monomial, coef in x.terms.items():
        term = ir.Constant(I64, coef) if not monomial or coef != 1 else None
        for factor in monomial:
            value = _floor_div(b, factor) if isinstance(factor, FloorDiv) else b.load(size_slot(b, factor), name=factor)
            term = value if term is None else b.mul(term, value, flags=("nsw",))
        total = term if total is None else b.add(total, term, flags=("nsw",))
    return total


def _floor_div(b: ir.IRBuilder, factor: FloorDiv) -> ir.Value:
    """floor(num / den) for den >= 2: the truncated quotient, less one when the remainder is negative."""
    num, den = size(b, factor.num), ir.Constant(I64, factor.den)
    quotient = b.sdiv(num, den)
    return b.sub(quotient, b.zext(b.icmp_signed("<", b.srem(num, den), ir.Constant(I64, 0)), I64))


def size_slot(b: ir.IRBuilder, name: str) -> ir.Value:
    """The address of a symbol's value in the sizes array."""
    return b.gep(sizes_of(b), [ir.Constant(I64, slot_of(name))], inbounds=True)


def slots_needed(names) -> int:
    """The sizes array's length for these symbols (0: no array)."""
    return max((slot_of(n) + 1 for n in names), default=0)


def symbolic_bufs(bufs) -> bool:
    """Whether any of these Bufs has a symbolic size or stride (its kernels then take the sizes array)."""
    return any(is_symbolic(buf.shape) or is_symbolic(buf.strides) for buf in bufs)

