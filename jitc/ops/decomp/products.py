"""Products written over matmul, reshape, transpose and reductions: dot, vdot, inner, outer, tensordot, einsum."""
from __future__ import annotations

import math

import numpy as np

from .table import decomposition, unsupported


@decomposition(np.outer)
def outer(a, b, out=None):
    if out is not None:
        raise unsupported("np.outer(out=...)")
    return np.reshape(a, (-1, 1)) * np.reshape(b, (1, -1))


@decomposition(np.vdot)
def vdot(a, b):
    a = np.reshape(a, -1)
    return np.matmul(np.conjugate(a) if a.dtype.kind == "c" else a, np.reshape(b, -1))  # conjugates a


def _ndim(a) -> int:
    return a.ndim if hasattr(a, "ndim") else 0  # a Python scalar


def _strong(a):
    """dot/inner read a Python scalar as a 0-d array (float64, not a weak scalar)."""
    return np.asarray(a) if isinstance(a, (bool, int, float)) else a


@decomposition(np.dot, methods=("dot",))
def dot(a, b, out=None):
    if out is not None:
        raise unsupported("np.dot(out=...)")
    if _ndim(a) == 0 or _ndim(b) == 0:
        return np.multiply(_strong(a), _strong(b))
    if b.ndim <= 2:
        return np.matmul(a, b)
    return np.tensordot(a, b, axes=([-1], [-2]))


@decomposition(np.inner)
def inner(a, b):
    if _ndim(a) == 0 or _ndim(b) == 0:
        return np.multiply(_strong(a), _strong(b))
    return np.tensordot(a, b, axes=([-1], [-1]))


@decomposition(np.tensordot)
def tensordot(a, b, axes=2):
    if isinstance(axes, int):
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axes_a, axes_b = ([x] if isinstance(x, int) else list(x) for x in axes)
    axes_a = [x % a.ndim for x in axes_a]
    axes_b = [x % b.ndim for x in axes_b]
    if len(axes_a) != len(axes_b) or any(a.shape[i] != b.shape[j] for i, j in zip(axes_a, axes_b)):
        from ...errors import ShapeError

        raise ShapeError(f"tensordot: shape-mismatch for sum ({a.shape} over {axes_a}, {b.shape} over {axes_b})")
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    k = math.prod(a.shape[i] for i in axes_a)
    left = np.transpose(a, free_a + axes_a).reshape((math.prod(a.shape[i] for i in free_a), k))
    right = np.transpose(b, axes_b + free_b).reshape((k, math.prod(b.shape[i] for i in free_b)))
    shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b)
    return np.matmul(left, right).reshape(shape)


def _parse(subscripts: str, n: int) -> tuple[list[str], str]:
    spec = subscripts.replace(" ", "")
    if "." in spec:
        raise unsupported("np.einsum with '...'")
    if "->" in spec:
        ins, out = spec.split("->")
    else:
        ins = spec
        letters = ins.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = ins.split(",")
    if len(terms) != n:
        from ...errors import ShapeError

        raise ShapeError(f"einsum: {len(terms)} operand subscripts for {n} operands")
    return terms, out


def _diagonal(x, labels: str):
    """Repeated labels within one operand (`ii`) take the diagonal, as einsum does."""
    while len(set(labels)) != len(labels):
        c = next(c for c in labels if labels.count(c) > 1)
        i = labels.index(c)
        j = labels.index(c, i + 1)
        x = np.diagonal(x, 0, i, j)
        labels = "".join(ch for k, ch in enumerate(labels) if k not in (i, j)) + c
    return x, labels


def _sum_out(x, labels: str, keep: set):
    gone = tuple(i for i, c in enumerate(labels) if c not in keep)
    if gone:
        x = np.sum(x, axis=gone).astype(x.dtype)  # einsum keeps the operands' dtype (np.sum widens ints)
        labels = "".join(c for c in labels if c in keep)
    return x, labels


def _contract(a, la: str, b, lb: str, keep: set):
    """A pair of operands as one batched matmul: (batch, a-only, summed) @ (batch, summed, b-only)."""
    batch = [c for c in la if c in lb and c in keep]
    summed = [c for c in la if c in lb and c not in keep]
    only_a = [c for c in la if c not in lb]
    only_b = [c for c in lb if c not in la]
    size = dict(zip(la, a.shape)) | dict(zip(lb, b.shape))
    n = [math.prod(size[c] for c in group) for group in (batch, only_a, summed, only_b)]
    labels = batch + only_a + only_b
    shape = tuple(size[c] for c in labels)
    if 1 in (n[1], n[2], n[3]):  # no matrix product to speak of: a broadcast multiply (and a fused sum)
        left = _permute(a, [la.index(c) for c in batch + only_a + summed]).reshape((n[0], n[1], 1, n[2]))
        right = _permute(b, [lb.index(c) for c in batch + only_b + summed]).reshape((n[0], 1, n[3], n[2]))
        product = np.multiply(left, right)
        return (np.sum(product, axis=-1).astype(product.dtype) if n[2] > 1 else product).reshape(shape), \
            "".join(labels)
    left = _permute(a, [la.index(c) for c in batch + only_a + summed]).reshape((n[0], n[1], n[2]))
    right = _permute(b, [lb.index(c) for c in batch + summed + only_b]).reshape((n[0], n[2], n[3]))
    return np.matmul(left, right).reshape(shape), "".join(labels)


def _permute(x, axes: list[int]):
    return x if axes == sorted(axes) else np.transpose(x, axes)


@decomposition(np.einsum)
def einsum(subscripts, *operands, out=None, optimize=False):
    if out is not None:
        raise unsupported("np.einsum(out=...)")
    if not isinstance(subscripts, str) or not 1 <= len(operands) <= 3:
        raise unsupported("np.einsum beyond 1 to 3 operands with string subscripts")
    terms, output = _parse(subscripts, len(operands))
    pending = [_diagonal(x, t) for x, t in zip(operands, terms)]
    x, labels = pending[0]
    rest = pending[1:]
    keep = set(output) | {c for _, t in rest for c in t}
    x, labels = _sum_out(x, labels, keep)
    while rest:
        (y, ly), rest = rest[0], rest[1:]
        keep = set(output) | {c for _, t in rest for c in t}
        y, ly = _sum_out(y, ly, keep | set(labels))
        x, labels = _contract(x, labels, y, ly, keep)
    x, labels = _sum_out(x, labels, set(output))
    return _permute(x, [labels.index(c) for c in output]) if labels else x
