"""Matrix products: matmul (`@`) and linear (x @ weight.T + bias), the backend's blocked-kernel ops; the
singular values of stacked matrices (codegen/svd.py), which the matrix norms, rank and condition number use; and
the solution of stacked linear systems (codegen/solve.py), which np.linalg.solve and np.linalg.inv use."""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..symbolic import Sym, SymbolicError, same
from ..types import TENSOR, TensorType
from .abstract import broadcast, is_unknown, result_dtype, tensor
from .registry import KERNEL, MATMUL, REQUIRED, OpDef, register, traceable


def matmul_shape(a: tuple, b: tuple, what: str) -> tuple[int, ...]:
    if len(a) == 0 or len(b) == 0:
        raise ShapeError(f"{what}: operands must have at least one dimension, got shapes {a} and {b}")
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        if isinstance(a2[-1], Sym) or isinstance(b2[-2], Sym):  # equal or not at run time: not decided here
            raise SymbolicError(f"{what}: whether shapes {a} and {b} align depends on the size")
        raise ShapeError(f"{what}: shapes {a} and {b} are not aligned ({a2[-1]} != {b2[-2]})")
    batch = broadcast([a2[:-2], b2[:-2]], what)
    out = batch + (a2[-2], b2[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return out


def infer_matmul(op, a, b):
    if is_unknown(a) or is_unknown(b):
        return TENSOR
    return tensor(result_dtype(op, [a, b], 2), matmul_shape(a.shape, b.shape, op.short))


def _linear(x, weight, bias=None):
    y = np.matmul(x, np.transpose(weight))
    return y if bias is None else y + bias


def infer_linear(op, x, weight, bias=None):
    if is_unknown(x) or is_unknown(weight) or (isinstance(bias, TensorType) and is_unknown(bias)):
        return TENSOR
    if len(weight.shape) != 2:
        raise ShapeError(f"linear: weight must be 2-d, got shape {weight.shape}")
    shape = matmul_shape(x.shape, weight.shape[::-1], op.short)
    args = [x, weight] + ([bias] if isinstance(bias, TensorType) else [])
    if isinstance(bias, TensorType):
        shape = broadcast([shape, bias.shape], op.short)
    return tensor(result_dtype(op, args + [None] * (3 - len(args)), 2), shape)


linear = traceable("aten::linear", _linear)

register(OpDef("aten::matmul", MATMUL, np.matmul, (("x1", REQUIRED), ("x2", REQUIRED)), infer_matmul,
               "{0} @ {1}", tensor_params=(0, 1), functions=(np.matmul,), dunders=("__matmul__",)))
register(OpDef("aten::linear", MATMUL, _linear, (("input", REQUIRED), ("weight", REQUIRED), ("bias", None)),
               infer_linear, "jitc.nn.functional.linear({0}, {1}, {2})", tensor_params=(0, 1, 2),
               functions=(linear,)))


def infer_svdvals(op, a):
    """Real input of two or more dimensions (the decomposition turns complex and rejects the rest): float32 stays
    float32, everything else computes in float64, as NumPy's linalg; the values of each matrix on the last axis."""
    if is_unknown(a):
        return TENSOR
    *batch, m, n = a.shape
    if (isinstance(m, Sym) or isinstance(n, Sym)) and not (isinstance(m, Sym) and isinstance(n, Sym) and m == n):
        raise SymbolicError("svdvals: which of a matrix's sizes is smaller depends on the sizes")
    return tensor(np.float32 if a.dtype == np.float32 else np.float64, (*batch, m if m == n else min(m, n)))


def infer_solve(op, a, b):
    """A stack of square matrices and right-hand-side matrices of the same batch shape (the decomposition
    broadcasts them and makes a vector a column): float32 stays float32, everything else computes in float64."""
    if is_unknown(a) or is_unknown(b):
        return TENSOR
    pairs = [(a.shape[-2], a.shape[-1]), (b.shape[-2], a.shape[-1]), *zip(a.shape[:-2], b.shape[:-2])]
    if len(a.shape) < 2 or len(b.shape) != len(a.shape) or not all(same(x, y) for x, y in pairs):
        if any(isinstance(d, Sym) for d in (*a.shape, *b.shape)):  # equal or not at run time: not decided here
            raise SymbolicError(f"solve: whether shapes {a.shape} and {b.shape} match depends on the sizes")
        raise ShapeError(f"solve: shapes {a.shape} and {b.shape} are not a stack of square systems")
    both32 = a.dtype == np.float32 and b.dtype == np.float32
    return tensor(np.float32 if both32 else np.float64, tuple(b.shape))


register(OpDef("aten::solve", KERNEL, np.linalg.solve, (("a", REQUIRED), ("b", REQUIRED)), infer_solve,
               "np.linalg.solve({0}, {1})", tensor_params=(0, 1)))
register(OpDef("aten::svdvals", KERNEL, lambda a: np.linalg.svd(a, compute_uv=False), (("a", REQUIRED),),
               infer_svdvals, "np.linalg.svd({0}, compute_uv=False)"))
