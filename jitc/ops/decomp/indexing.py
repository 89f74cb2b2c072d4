"""Integer-array indexing written over basic indexing (views) and the gather primitive `take`: `x[idx]`,
`x[:, [0, 2]]`, `x[i, j]`, `np.take`, `np.take_along_axis`; boolean masks (`x[mask]`, `x[:, mask]`) over the
`masked_select` primitive, whose result has a data-dependent length."""
from __future__ import annotations

import math

import numpy as np

from ...errors import JitcError
from ...symbolic import Sym, SymbolicError
from ...types import INT, TensorType
from ..mutation import check_cast
from . import prims
from .table import decomposition, unsupported


def is_array_index(item) -> bool:
    """An item that makes `x[...]` advanced indexing: a list or an array (of ints; bools are masks)."""
    if isinstance(item, list):
        return True
    if isinstance(item, np.ndarray) or hasattr(item, "__jitc_dispatch__"):
        # a scripted array raises NeedsShapes here: ints or a boolean mask is known once specialized (np::index waits)
        shape, kind = item.shape, np.dtype(item.dtype).kind
        return len(shape) > 0 or isinstance(item, np.ndarray) or kind == "b"
    return False


def _is_mask(item) -> bool:
    if isinstance(item, list):
        return np.asarray(item).dtype.kind == "b"
    return is_array_index(item) and np.dtype(item.dtype).kind == "b"


def is_advanced(index) -> bool:
    return any(is_array_index(i) for i in (index if isinstance(index, tuple) else (index,)))


def _as_index(item):
    if isinstance(item, list):
        item = np.asarray(item)
        if item.dtype.kind not in "iu":
            raise JitcError(f"arrays used as indices must be of integer type, got {item.dtype}")
    return item


def getitem(x, index, basic):
    """`x[index]` with integer arrays among the items; `basic(x, index)` applies basic indexing."""
    items = list(index) if isinstance(index, tuple) else [index]
    if any(i is Ellipsis for i in items):  # identity: `in` would compare arrays elementwise
        pos = next(k for k, i in enumerate(items) if i is Ellipsis)
        rest = sum(1 for i in items[pos + 1:] if i is not None)
        items[pos:pos + 1] = [slice(None)] * (x.ndim - (pos - items[:pos].count(None)) - rest)
    masks = [k for k, i in enumerate(items) if _is_mask(i)]
    if masks:
        return _select(x, items, masks, basic)
    arrays = [k for k, i in enumerate(items) if not _is_int(i) and is_array_index(i)]
    ints = [k for k, i in enumerate(items) if _is_int(i)]
    if not arrays:
        return basic(x, tuple(items))
    # an int before the array is part of the advanced index; adjacent, it is the same as selecting first
    if ints and len(arrays) == 1 and any(k not in ints and k not in arrays for k in range(min(ints), arrays[0])):
        raise unsupported("an integer and an index array separated by a slice")
    if len(arrays) == 1:
        k = arrays[0]
        dim = sum(1 for i in items[:k] if not _is_int(i))
        view = basic(x, tuple(slice(None) if j == k else i for j, i in enumerate(items)))
        return np.take(view, _as_index(items[k]), axis=dim)
    if arrays != list(range(arrays[0], arrays[-1] + 1)):
        raise unsupported("index arrays separated by slices")
    first = arrays[0]
    dim = sum(1 for i in items[:first] if not _is_int(i))
    view = basic(x, tuple(slice(None) if j in arrays else i for j, i in enumerate(items)))
    sizes = view.shape[dim:dim + len(arrays)]
    flat = _flat_index(sizes, [items[k] for k in arrays], sum(1 for i in items[:first] if i is not None))
    merged = np.reshape(view, view.shape[:dim] + (math.prod(sizes),) + view.shape[dim + len(arrays):])
    return prims.take(merged, flat, dim)


def _select(x, items: list, masks: list, basic):
    """`x[..., mask, ...]`: the other items (slices before the mask, basic items after it) applied as a view, the
    mask's dimensions moved first, their true rows selected, and the selected axis moved back where NumPy puts it."""
    if len(masks) > 1 or any(is_array_index(i) for k, i in enumerate(items) if k != masks[0]):
        raise unsupported("a boolean mask together with other index arrays")
    k = masks[0]
    mask, lead, after = items[k], items[:k], items[k + 1:]
    mask = np.asarray(mask) if isinstance(mask, list) else mask
    if any(not isinstance(i, slice) for i in lead):
        raise unsupported("a boolean mask after an integer or None index")
    if lead and any(isinstance(i, int) and not isinstance(i, bool) for i in after):
        raise unsupported("a boolean mask between slices and an integer index")
    n, m = len(lead), mask.ndim
    view = basic(x, tuple(lead) + (slice(None),) * m + tuple(after))
    if n:
        view = np.transpose(view, tuple(range(n, n + m)) + tuple(range(n)) + tuple(range(n + m, view.ndim)))
    out = prims.masked_select(view, mask)
    if n:
        out = np.transpose(out, tuple(range(1, n + 1)) + (0,) + tuple(range(n + 1, out.ndim)))
    return out


@decomposition(np.take, methods=("take",))
def take(a, indices, axis=None, out=None, mode="raise"):
    if out is not None or mode != "raise":
        raise unsupported("np.take with out= or mode=")
    if axis is None:
        a, axis = np.reshape(a, -1), 0
    if isinstance(indices, int):
        return a[(slice(None),) * (axis % a.ndim) + (indices,)]
    return prims.take(a, _as_index(indices) if isinstance(indices, list) else indices, axis)


@decomposition(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    if axis is None:
        arr, axis = np.reshape(arr, -1), 0
    if arr.ndim != indices.ndim:
        raise JitcError("take_along_axis: indices and arr must have the same number of dimensions")
    axis %= arr.ndim
    shape = np.broadcast_shapes(arr.shape[:axis] + (1,) + arr.shape[axis + 1:],
                                indices.shape[:axis] + (1,) + indices.shape[axis + 1:])
    shape = shape[:axis] + (indices.shape[axis],) + shape[axis + 1:]
    strides = [math.prod(arr.shape[d + 1:]) for d in range(arr.ndim)]
    checked = prims.take(np.arange(arr.shape[axis]), indices, 0)
    flat = checked * strides[axis]
    for d in range(arr.ndim):
        if d != axis and shape[d] > 1 and arr.shape[d] > 1:
            flat = flat + np.arange(shape[d]).reshape((-1,) + (1,) * (arr.ndim - d - 1)) * strides[d]
    flat = np.broadcast_to(flat, shape)
    return prims.take(np.reshape(arr, -1), flat, 0)


@decomposition(np.diagonal, methods=("diagonal",))
def diagonal(a, offset=0, axis1=0, axis2=1):
    i, j = (x % a.ndim for x in (axis1, axis2))
    if i == j:
        raise JitcError("diagonal: axis1 and axis2 cannot be the same")
    rest = [d for d in range(a.ndim) if d not in (i, j)]
    n, m = a.shape[i], a.shape[j]
    flat = np.reshape(np.transpose(a, rest + [i, j]), tuple(a.shape[d] for d in rest) + (n * m,))
    index = np.array([r * m + r + offset for r in range(max(0, -offset), min(n, m - offset))], dtype=np.int64)
    return prims.take(flat, index, len(rest))


@decomposition(np.diag)
def diag(v, k=0):
    if v.ndim == 2:
        return np.diagonal(v, k)
    if v.ndim != 1:
        raise JitcError("diag: input must be 1-d or 2-d")
    n = v.shape[0] + abs(k)
    rows, cols = np.indices((n, n))
    source = np.clip(rows if k >= 0 else cols, 0, max(v.shape[0] - 1, 0))
    return np.where(cols - rows == k, prims.take(v, source, 0), 0)


def index_spec(items: list) -> tuple[tuple, list]:
    """An index as a constant a graph can hold (slices, ints, None, ..., literal lists) plus its array items."""
    spec, arrays = [], []
    for item in items:
        if item is None:
            spec.append(("none",))
        elif item is Ellipsis:
            spec.append(("ellipsis",))
        elif isinstance(item, slice):
            spec.append(("slice", item.start, item.stop, item.step))
        elif isinstance(item, (list, tuple)):
            spec.append(("list", _nested_tuple(item)))
        elif isinstance(item, int):
            spec.append(("int", item))
        else:
            spec.append(("array", len(arrays)))
            arrays.append(item)
    return tuple(spec), arrays


def _nested_tuple(item):
    return tuple(_nested_tuple(i) for i in item) if isinstance(item, (list, tuple)) else item


def _rebuild(spec: tuple, arrays: tuple) -> tuple:
    def item(entry):
        tag = entry[0]
        if tag == "array":
            return arrays[entry[1]]
        if tag == "list":
            return np.asarray(entry[1])
        return {"none": None, "ellipsis": Ellipsis}.get(tag, slice(*entry[1:]) if tag == "slice" else entry[-1])

    return tuple(item(e) for e in spec)


def index_with_spec(x, spec, *arrays):
    """`x[index]` for an index held as index_spec() gives it: a scripted read whose expansion needs shapes. A lone
    item that turns out to be a tuple of arrays (`x[np.nonzero(m)]`) is the whole index, as in NumPy."""
    if len(spec) == 1 and spec[0][0] == "array" and isinstance(arrays[0], tuple):
        return x[arrays[0]]
    return x[_rebuild(spec, arrays)]


decomposition(index_with_spec, name="index")(index_with_spec)


def index_set_with_spec(a, value, augment, spec, *arrays):
    """`a[index] = value` (augment "set") or `a[index] op= value` (augment the operator's dunder, "__sub__") for
    an index of several items with index arrays among them (`dx[np.arange(n), y] -= 1`), held as index_spec()
    gives it: a's new content, as NumPy leaves it (a repeated position takes its last write)."""
    out = np.array(a, copy=True)
    index = _rebuild(spec, arrays)
    out[index] = value if augment == "set" else getattr(out[index], augment.replace("__", "__i", 1))(value)
    return out


@decomposition(index_set_with_spec, name="index_set")
def _index_set(a, value, augment, spec, *arrays):
    """Index arrays (and ints) as the leading items, then full slices: one position in `a` flattened over those
    dimensions, each item wrapped and bounds-checked on its own (NumPy's IndexError), then a scatter there."""
    items = list(_rebuild(spec, arrays))
    while items and (items[-1] is Ellipsis or isinstance(items[-1], slice) and items[-1] == slice(None)):
        items.pop()
    lead = items
    if not lead or len(lead) > a.ndim or not all(_is_int(i) or is_array_index(i) for i in lead):
        raise unsupported("writing through index arrays that are not the leading items of the index")
    sizes = a.shape[:len(lead)]
    flat = _flat_index(sizes, lead)
    merged = np.reshape(a, (math.prod(sizes),) + a.shape[len(lead):])
    if augment != "set":
        value = getattr(prims.take(merged, flat, 0), augment)(value)
        check_cast(value.dtype, a.dtype, "same_kind")
    return np.reshape(prims.index_scatter(merged, flat, value, "set"), a.shape)


def _flat_index(sizes: tuple, items: list, first_axis: int = 0):
    """The positions `items` (index arrays, ints) select over axes of these sizes (the array's axes from
    first_axis on), in those axes flattened: each item wrapped and bounds-checked against its own axis (NumPy's
    IndexError names it: the check is a take along that axis)."""
    flat = 0
    for axis, (size, item) in enumerate(zip(sizes, items), first_axis):
        if isinstance(item, int):
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for axis {axis} with size {size}")
            checked = item % size
        elif isinstance(item, Sym):
            checked = _symbolic_position(item, size, axis)
        else:  # wraps negatives, raises IndexError
            index = _as_index(item)
            positions = np.reshape(np.arange(size), (1,) * axis + (size,))
            checked = prims.take(positions, index, axis)[(0,) * axis]
        flat = flat * size + checked
    return flat


def _symbolic_position(item: Sym, size, axis: int):
    """A symbolic int index (a loop counter) as a position in [0, size): decided from its range, or refused (the
    call then runs through NumPy, which raises its IndexError if the index leaves the axis)."""
    try:
        if item >= 0 and item < size:
            return item
        if item < 0 and item >= -size:
            return item + size
    except SymbolicError:
        pass
    raise unsupported(f"an int index ({item}) that may be out of bounds for axis {axis} with size {size}")


def _is_int(item) -> bool:
    """An int index: a Python int, a scripted int value, a size symbol (a loop counter: `x[t, idx]` in a loop) or
    a 0-d integer array (NumPy indexes with it as an int)."""
    from .symbolic import Symbolic

    if isinstance(item, Sym):
        return True
    if isinstance(item, Symbolic):
        t = item.ir.type
        return t == INT or isinstance(t, TensorType) and t.shape == () and t.dtype is not None and \
            np.dtype(t.dtype).kind in "iu"
    return isinstance(item, int) and not isinstance(item, bool)
