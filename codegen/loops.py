"""Loop nests and strided element addressing in LLVM IR."""
from __future__ import annotations

import contextlib

import numpy as np
from llvmlite import ir

from .dims import same, size
from .scalar import I64, storage_type


def i64(n: int) -> ir.Constant:
    return ir.Constant(I64, int(n))


@contextlib.contextmanager
def for_range(b: ir.IRBuilder, count, name: str = "i", start=0):
    """`for i in range(start, count)`: yields the i64 induction variable; the builder ends up after the loop."""
    count, start = size(b, count), size(b, start)
    pre = b.block
    header = b.append_basic_block(f"{name}.header")
    body = b.append_basic_block(f"{name}.body")
    done = b.append_basic_block(f"{name}.done")
    b.branch(header)
    b.position_at_end(header)
    i = b.phi(I64, name)
    i.add_incoming(start, pre)
    b.cbranch(b.icmp_signed("<", i, count), body, done)
    b.position_at_end(body)
    yield i
    nxt = b.add(i, i64(1), name=f"{name}.next", flags=("nsw", "nuw"))
    i.add_incoming(nxt, b.block)
    b.branch(header)
    b.position_at_end(done)


class Buf:
    """An array in native code: a typed pointer to its first element plus its shape and element strides (ints,
    or symbolic sizes computed at run time, see dims.py). Not a dataclass, which would cost ~0.5 ms of import,
    nor a tuple: operand lists tell arrays from (value, dtype) scalars by `isinstance(x, tuple)`."""

    __slots__ = ("dtype", "ptr", "shape", "strides")

    def __init__(self, ptr: ir.Value, dtype: np.dtype, shape: tuple, strides: tuple):
        self.ptr, self.dtype, self.shape, self.strides = ptr, dtype, shape, strides

    def __repr__(self) -> str:
        return f"Buf({self.dtype}, shape={self.shape}, strides={self.strides})"

    def at(self, b: ir.IRBuilder, offset) -> ir.Value:
        return b.gep(self.ptr, [offset], inbounds=True)

    def with_ptr(self, ptr) -> Buf:
        return Buf(ptr, self.dtype, self.shape, self.strides)

    @property
    def size(self):
        """The element count: an int, or a symbolic size."""
        return numel(self.shape)

    @property
    def contiguous(self) -> bool:
        step = 1
        for d, s in zip(reversed(self.shape), reversed(self.strides)):
            if not same(d, 1) and not same(s, step):
                return False
            step *= d
        return True


def numel(shape: tuple):
    total = 1
    for d in shape:
        total = total * d
    return total


def pointer_type(dtype) -> ir.PointerType:
    return ir.PointerType(storage_type(dtype))


def broadcast_strides(shape: tuple, strides: tuple, out_shape: tuple) -> tuple[int, ...]:
    """Strides of an operand read at the output's indices: broadcast dims get stride 0."""
    pad = len(out_shape) - len(shape)
    return tuple(0 if i < pad or same(shape[i - pad], 1) else strides[i - pad] for i in range(len(out_shape)))


def collapse(shape: tuple, operand_strides: list[tuple]) -> tuple[tuple, list[tuple]]:
    """Merge adjacent dims that every operand walks linearly, and drop size-1 dims: fewer, longer loops."""
    dims = [(n, [s[i] for s in operand_strides]) for i, n in enumerate(shape) if not same(n, 1)]
    merged: list = []
    for n, ss in dims:
        if merged and all(same(prev, cur * n) for prev, cur in zip(merged[-1][1], ss)):
            merged[-1] = (merged[-1][0] * n, ss)
        else:
            merged.append((n, ss))
    new_shape = tuple(n for n, _ in merged)
    return new_shape, [tuple(ss[k] for _, ss in merged) for k in range(len(operand_strides))]


def advance(b: ir.IRBuilder, offset, i, stride):
    """offset + i * stride (an element offset; nothing emitted for a zero stride)."""
    if same(stride, 0):
        return offset
    step = i if same(stride, 1) else b.mul(i, size(b, stride), flags=("nsw",))
    zero = isinstance(offset, ir.Constant) and offset.constant == 0
    return step if zero else b.add(offset, step, flags=("nsw",))


@contextlib.contextmanager
def loop_nest(b: ir.IRBuilder, shape: tuple, operand_strides: list[tuple], outer: tuple | None = None):
    """Loop over `shape` in row-major order; yields each operand's element offset (i64) at the current index.
    `outer=(lo, hi)` restricts the outermost collapsed dimension (a thread's share, see parallel.py)."""
    shape, operand_strides = collapse(shape, operand_strides)
    with contextlib.ExitStack() as stack:
        offsets = [i64(0)] * len(operand_strides)
        for d, n in enumerate(shape):
            lo, hi = outer if (outer is not None and d == 0) else (0, n)
            i = stack.enter_context(for_range(b, hi, f"d{d}", lo))
            offsets = [advance(b, off, i, s[d]) for off, s in zip(offsets, operand_strides)]
        yield offsets
