"""Array manipulation written over views, concatenate, take and elementwise ops: stacking, splitting, squeezing,
broadcasting, repeating, flipping, rolling, padding."""
from __future__ import annotations

import itertools
import operator

import numpy as np

from ...errors import ShapeError
from ...ops.abstract import broadcast
from . import prims
from .table import decomposition, unsupported


def _axis(axis: int, ndim: int, what: str) -> int:
    if not -ndim <= axis < max(ndim, 1):
        raise ShapeError(f"{what}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % max(ndim, 1)


def _along(ndim_before: int, item) -> tuple:
    return (slice(None),) * ndim_before + (item,)


@decomposition(np.concatenate)
def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    if out is not None:
        raise unsupported("np.concatenate(out=...)")
    arrays = list(arrays)
    if axis is None:
        arrays, axis = [np.reshape(a, -1) for a in arrays], 0
    result = prims.concatenate(arrays, axis)
    return result if dtype is None else result.astype(dtype)


@decomposition(np.stack)
def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    if not arrays:
        raise ShapeError("stack: need at least one array to stack")
    return np.concatenate([np.expand_dims(a, axis) for a in arrays], axis=axis, out=out, dtype=dtype)


@decomposition(np.expand_dims)
def expand_dims(a, axis):
    if isinstance(axis, int):
        return prims.unsqueeze(a, axis)
    axes = list(axis)
    if any(x < 0 for x in axes):  # negative positions count from the end of the result: it needs a's rank
        axes = [_axis(x, a.ndim + len(axes), "expand_dims") for x in axes]
    if len(set(axes)) != len(axes):
        raise ShapeError("expand_dims: repeated axis")
    for x in sorted(axes):  # ascending, each position is already final
        a = prims.unsqueeze(a, x)
    return a


def _atleast(ndim: int, arys):
    out = []
    for a in arys:
        if a.ndim < ndim:
            shape = {1: (1,) * (1 - a.ndim) + a.shape, 2: ((1, 1) + a.shape)[-2:] if a.ndim < 2 else a.shape,
                     3: _shape3(a.shape)}[ndim]
            a = np.reshape(a, shape)
        out.append(a)
    return out[0] if len(out) == 1 else tuple(out)


def _shape3(shape):
    return {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}.get(len(shape), shape)


@decomposition(np.atleast_1d, arity=lambda arys: len(arys) if len(arys) > 1 else None)
def atleast_1d(*arys):
    return _atleast(1, arys)


@decomposition(np.atleast_2d, arity=lambda arys: len(arys) if len(arys) > 1 else None)
def atleast_2d(*arys):
    return _atleast(2, arys)


@decomposition(np.atleast_3d, arity=lambda arys: len(arys) if len(arys) > 1 else None)
def atleast_3d(*arys):
    return _atleast(3, arys)


@decomposition(np.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    arrs = [np.atleast_1d(a) for a in tup]
    return np.concatenate(arrs, axis=0 if arrs and arrs[0].ndim == 1 else 1, dtype=dtype)


@decomposition(np.vstack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    return np.concatenate([np.atleast_2d(a) for a in tup], axis=0, dtype=dtype)


@decomposition(np.dstack)
def dstack(tup):
    return np.concatenate([np.atleast_3d(a) for a in tup], axis=2)


@decomposition(np.column_stack)
def column_stack(tup):
    return np.concatenate([np.reshape(a, (-1, 1)) if a.ndim < 2 else a for a in tup], axis=1)


def _split_count(ary, indices_or_sections, *_):
    if isinstance(indices_or_sections, int):
        return indices_or_sections
    if not isinstance(indices_or_sections, (tuple, list)):  # the tuple's length must be known when scripting
        raise unsupported("np.split into a number of pieces known only at run time")
    return len(indices_or_sections) + 1


def _pieces(ary, bounds, axis):
    axis = _axis(axis, ary.ndim, "split")
    return tuple(ary[_along(axis, slice(lo, hi))] for lo, hi in itertools.pairwise(bounds))


def _bounds(n: int, indices_or_sections, equal: bool) -> list[int]:
    if not isinstance(indices_or_sections, int):
        return [0, *(int(i) for i in indices_or_sections), n]
    k = indices_or_sections
    if k <= 0:
        raise ShapeError("number sections must be larger than 0.")
    if equal and n % k:
        raise ShapeError("array split does not result in an equal division")
    each, extra = divmod(n, k)
    sizes = [each + 1] * extra + [each] * (k - extra)
    return [int(b) for b in np.cumsum([0, *sizes])]


@decomposition(np.split, arity=_split_count)
def split(ary, indices_or_sections, axis=0):
    return _pieces(ary, _bounds(ary.shape[_axis(axis, ary.ndim, "split")], indices_or_sections, True), axis)


@decomposition(np.array_split, arity=_split_count)
def array_split(ary, indices_or_sections, axis=0):
    return _pieces(ary, _bounds(ary.shape[_axis(axis, ary.ndim, "array_split")], indices_or_sections, False), axis)


@decomposition(np.hsplit, arity=_split_count)
def hsplit(ary, indices_or_sections):
    return np.split(ary, indices_or_sections, axis=1 if ary.ndim > 1 else 0)


@decomposition(np.vsplit, arity=_split_count)
def vsplit(ary, indices_or_sections):
    return np.split(ary, indices_or_sections, axis=0)


@decomposition(np.squeeze, methods=("squeeze",))
def squeeze(a, axis=None):
    if axis is None:
        axes = [i for i, d in enumerate(a.shape) if d == 1]
    else:
        axes = [_axis(x, a.ndim, "squeeze") for x in ((axis,) if isinstance(axis, int) else axis)]
        if any(a.shape[i] != 1 for i in axes):
            raise ShapeError("cannot select an axis to squeeze out which has size not equal to one")
    return np.reshape(a, tuple(d for i, d in enumerate(a.shape) if i not in axes))


@decomposition(np.ravel, methods=("ravel",))
def ravel(a, order="C"):
    return np.reshape(a, -1)


@decomposition(methods=("flatten",))
def flatten(a, order="C"):
    return np.copy(np.reshape(a, -1))


@decomposition(np.broadcast_to)
def broadcast_to(array, shape, subok=False):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return np.add(array, prims.zeros(shape, "bool"))  # bool is the weakest dtype: the sum keeps array's dtype


@decomposition(np.broadcast_arrays, arity=lambda args, subok: len(args))
def broadcast_arrays(*args, subok=False):
    shape = broadcast([a.shape for a in args], "broadcast_arrays")
    return tuple(np.broadcast_to(a, shape) for a in args)


@decomposition(np.repeat, methods=("repeat",))
def repeat(a, repeats, axis=None):
    if axis is None:
        a, axis = np.reshape(a, -1), 0
    axis = _axis(axis, a.ndim, "repeat")
    n = a.shape[axis]
    try:  # an int argument's value: the result's length needs it (specialized by value)
        repeats = operator.index(repeats)
    except TypeError:
        pass
    if isinstance(repeats, int):
        grown = np.expand_dims(a, axis + 1)
        shape = a.shape[:axis + 1] + (repeats,) + a.shape[axis + 1:]
        merged = a.shape[:axis] + (n * repeats,) + a.shape[axis + 1:]
        return np.reshape(np.broadcast_to(grown, shape), merged)
    index = np.repeat(np.arange(n), np.asarray(repeats))
    return prims.take(a, index, axis)


@decomposition(np.tile)
def tile(A, reps):
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    d = max(len(reps), A.ndim)
    shape = (1,) * (d - A.ndim) + A.shape
    reps = (1,) * (d - len(reps)) + reps
    grown = np.reshape(A, tuple(x for s in shape for x in (1, s)))
    wide = np.broadcast_to(grown, tuple(x for r, s in zip(reps, shape) for x in (r, s)))
    return np.reshape(wide, tuple(r * s for r, s in zip(reps, shape)))


@decomposition(np.flip)
def flip(m, axis=None):
    axes = range(m.ndim) if axis is None else [axis] if isinstance(axis, int) else axis
    index = [slice(None)] * m.ndim
    for x in axes:
        index[_axis(x, m.ndim, "flip")] = slice(None, None, -1)
    return m[tuple(index)]


@decomposition(np.fliplr)
def fliplr(m):
    return np.flip(m, 1)


@decomposition(np.flipud)
def flipud(m):
    return np.flip(m, 0)


@decomposition(np.roll)
def roll(a, shift, axis=None):
    if axis is None:
        return np.reshape(np.roll(np.reshape(a, -1), shift, 0), a.shape)
    shifts = (shift,) if isinstance(shift, int) else tuple(shift)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    for s, x in zip(shifts, axes):
        x = _axis(x, a.ndim, "roll")
        n = a.shape[x]
        k = s % n if n else 0
        if k:
            a = np.concatenate([a[_along(x, slice(n - k, None))], a[_along(x, slice(0, n - k))]], axis=x)
    return a


@decomposition(np.swapaxes, methods=("swapaxes",))
def swapaxes(a, axis1, axis2):
    perm = list(range(a.ndim))
    i, j = _axis(axis1, a.ndim, "swapaxes"), _axis(axis2, a.ndim, "swapaxes")
    perm[i], perm[j] = perm[j], perm[i]
    return np.transpose(a, perm)


@decomposition(np.moveaxis)
def moveaxis(a, source, destination):
    src = [_axis(x, a.ndim, "moveaxis") for x in ((source,) if isinstance(source, int) else source)]
    dst = [_axis(x, a.ndim, "moveaxis") for x in ((destination,) if isinstance(destination, int) else destination)]
    order = [i for i in range(a.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return np.transpose(a, order)


@decomposition(np.rot90)
def rot90(m, k=1, axes=(0, 1)):
    i, j = (_axis(x, m.ndim, "rot90") for x in axes)
    if i == j:
        raise ShapeError("rot90: axes must be different")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return np.flip(np.flip(m, i), j)
    perm = list(range(m.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return np.transpose(np.flip(m, j), perm) if k == 1 else np.flip(np.transpose(m, perm), j)


def _pad_widths(pad_width, ndim: int) -> list[tuple[int, int]]:
    w = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (ndim, 2))
    if (w < 0).any():
        raise ShapeError("index can't contain negative values")
    return [(int(lo), int(hi)) for lo, hi in w]


@decomposition(np.pad)
def pad(array, pad_width, mode="constant", constant_values=0):
    if mode not in ("constant", "edge"):
        raise unsupported(f"np.pad(mode={mode!r})")
    if not isinstance(constant_values, (int, float)):
        raise unsupported("np.pad with per-axis constant_values")
    x = array
    for axis, (lo, hi) in enumerate(_pad_widths(pad_width, array.ndim)):
        parts = []
        for width, edge in ((lo, 0), (hi, -1)):
            if not width:
                parts.append(None)
                continue
            shape = x.shape[:axis] + (width,) + x.shape[axis + 1:]
            if mode == "edge":
                parts.append(np.broadcast_to(x[_along(axis, slice(edge, edge + 1 or None))], shape))
            else:
                parts.append(np.full(shape, constant_values, dtype=x.dtype))
        pieces = [p for p in (parts[0], x, parts[1]) if p is not None]
        x = np.concatenate(pieces, axis=axis) if len(pieces) > 1 else x
    return x
