"""Symbolic sizes: integer polynomials over size symbols `s0, s1, ...` (dimensions of dynamic inputs), `p0, ...`
(Python int arguments that set shapes: `cache[:, pos:pos + 1]`) and `u0, u1, ...` (loop counters, known only
while the loop runs: `A[k + 1:]` has `n - u0 - 1` rows), with floor divisions by ints as factors (`x[::2]` has
`(s0 + 1)//2` rows).

Shape rules, strides and folding compute with them through Python's operators, so most rules need no change.
Every symbol stands for a size of at least 2 (sizes 0 and 1 stay specialized: broadcasting depends on them);
order comparisons that this does not decide, and anything needing the number itself (`int()`, `range()`), raise
SymbolicError: that specialization then stays static. Equality is structural. A loop counter ranges over its
loop's iterations (`unbacked`); comparisons substitute those bounds.

expr.py: the expressions and their arithmetic; order.py: comparisons, loop counters' ranges and the example's
assumptions; shapes.py: broadcasting, slice and arange lengths, sizes-array slots; text.py: parsing.
"""
from .expr import MIN_SIZE, FloorDiv, Sym, SymbolicError, floor_div
from .order import Assumptions, bound, register_unbacked, reset_unbacked, unbacked, unbacked_for
from .shapes import SLOT_BASES, arange_length, broadcast_symbolic, is_symbolic, same, slice_indices, slot_of
from .text import parse_size

__all__ = ["MIN_SIZE", "SLOT_BASES", "Assumptions", "FloorDiv", "Sym", "SymbolicError", "arange_length", "bound",
           "broadcast_symbolic", "floor_div", "is_symbolic", "parse_size", "register_unbacked", "reset_unbacked",
           "same", "slice_indices", "slot_of", "unbacked", "unbacked_for"]
