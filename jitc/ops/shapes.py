"""Views (transpose, reshape, select, slice, unsqueeze), creation (zeros, ones, *_like), sizes, scalar casts."""
from __future__ import annotations

import math
import operator

import numpy as np

from ..errors import CastingError, IndexBoundsError, ShapeError
from ..symbolic import Sym, SymbolicError, slice_indices, unbacked, unbacked_for
from ..types import BOOL, FLOAT, INT, STR, TENSOR, ListType, TensorType
from .abstract import expression_key, is_unknown, normalize_axes, stand_in, tensor
from .registry import CREATION, REQUIRED, SCALAR, VIEW, OpDef, register

R = REQUIRED


def _view(a: TensorType, shape, strides) -> TensorType:
    """A view keeps the input's memory: strides follow from the input's when they are known."""
    if a.strides is None:
        return tensor(a.dtype, shape)
    return TensorType(a.dtype, tuple(shape), tuple(strides))


def _transpose(a, axes=None):
    return np.transpose(a, axes)


def infer_transpose(op, a, axes=None):
    if is_unknown(a):
        return TENSOR
    axes = tuple(reversed(range(len(a.shape)))) if axes is None else normalize_axes(axes, len(a.shape), "transpose")
    if sorted(axes) != list(range(len(a.shape))):
        raise ShapeError(f"transpose: axes {axes} don't match an array of dimension {len(a.shape)}")
    strides = None if a.strides is None else [a.strides[i] for i in axes]
    return _view(a, [a.shape[i] for i in axes], strides)


def reshaped(shape_in, shape) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, (int, Sym)) else tuple(shape)
    size = math.prod(shape_in)
    if shape.count(-1) > 1:
        raise ShapeError("reshape: can only specify one unknown dimension")
    known = math.prod(d for d in shape if d != -1)
    if -1 in shape:
        if known == 0 or size % known:
            raise ShapeError(f"reshape: cannot reshape array of size {size} into shape {shape}")
        shape = tuple(size // known if d == -1 else d for d in shape)
    if math.prod(shape) != size or any(d < 0 for d in shape):
        raise ShapeError(f"reshape: cannot reshape array of size {size} into shape {shape}")
    return shape


def _known_ints(shape) -> bool:
    """A shape/bound argument whose value is known at this point (not an int value computed at run time)."""
    items = shape if isinstance(shape, (tuple, list)) else (shape,)
    return all(isinstance(d, (int, Sym)) for d in items)


def infer_reshape(op, a, shape):
    if is_unknown(a) or not _known_ints(shape):
        return TENSOR
    return tensor(a.dtype, reshaped(a.shape, shape))  # the backend copies when the input is not contiguous


def _index(ndim_before: int, item):
    return (slice(None),) * ndim_before + (item,)


def _select(a, dim, index):
    return a[_index(dim, index)]


def infer_select(op, a, dim, index):
    if is_unknown(a):
        return TENSOR
    (d,) = normalize_axes(dim, len(a.shape), "select")
    if isinstance(index, Sym):  # a loop counter: out of range on some iteration, or not compiled with symbols;
        try:  # in range on the iterations that run (a guard the shapes cannot see): codegen checks it
            in_range = -a.shape[d] <= index < a.shape[d]
        except SymbolicError:
            in_range = True
        if not in_range:
            raise SymbolicError(f"index {index} may be out of bounds for axis {d} with size {a.shape[d]}")
    elif isinstance(index, int) and not -a.shape[d] <= index < a.shape[d]:
        raise IndexBoundsError(f"index {index} is out of bounds for axis {d} with size {a.shape[d]}")
    strides = None if a.strides is None else a.strides[:d] + a.strides[d + 1:]
    return _view(a, a.shape[:d] + a.shape[d + 1:], strides)


def _slice(a, dim, start, stop, step):
    return a[_index(dim, slice(start, stop, step))]


def infer_slice(op, a, dim, start, stop, step, key=None):
    known = _known_ints(tuple(b for b in (start, stop) if b is not None and b != INT))
    if key is not None and not is_unknown(a) and step in (None, 1) and known:
        return _runtime_slice(a, dim, key)
    if is_unknown(a) or not _known_ints(tuple(b for b in (start, stop, step) if b is not None)):
        return TENSOR  # bounds computed at run time: the shape is known once they are
    (d,) = normalize_axes(dim, len(a.shape), "slice")
    if step == 0:
        raise ShapeError("slice step cannot be zero")
    _, step, n = slice_indices(start, stop, step, a.shape[d])
    strides = None if a.strides is None else a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:]
    return _view(a, a.shape[:d] + (n,) + a.shape[d + 1:], strides)


def _runtime_slice(a, dim, key):
    """`a[p[i]:p[i + 1]]`: a slice whose bounds are ints known only at run time has a length the code computes
    (Python's clamping) and stores where later kernels read sizes; slices with the same bounds of equally long
    axes share it (key: their expressions), so `vals @ x[cols]` lines up."""
    (d,) = normalize_axes(dim, len(a.shape), "slice")
    n = a.shape[d]
    length = unbacked(0, n) if key is None else unbacked_for(key, 0, n)
    return _view(a, a.shape[:d] + (length,) + a.shape[d + 1:], a.strides)


def slice_key(inputs: list):
    """infer_slice's key for a slice with a bound read from an array (`p[i]`), else None: bounds from loop
    counters become symbols themselves (specialize.py), which relate the slices' lengths exactly."""
    a, dim, start, stop = inputs[:4]
    if not any(_reads_an_array(b) for b in (start, stop)):
        return None
    return "slice", getattr(a.type, "shape", None), expression_key(dim), expression_key(start), expression_key(stop)


def _reads_an_array(v, depth: int = 4) -> bool:
    node = v.node
    if node is None or depth == 0:
        return False
    return node.kind == "aten::__index__" or any(_reads_an_array(x, depth - 1) for x in node.inputs)


def _as_index(a):
    return operator.index(np.asarray(a)[()])


def infer_as_index(op, a):
    """operator.index of a 0-d integer array (a slice bound read from an array); other arrays are NumPy's
    TypeError."""
    known = isinstance(a, TensorType) and not is_unknown(a)
    if known and (a.shape != () or np.dtype(a.dtype).kind not in "iub"):
        raise CastingError(f"only integer scalar arrays can be converted to a scalar index, got a "
                           f"{np.dtype(a.dtype)} array of shape {tuple(a.shape)}")
    return INT


def _unsqueeze(a, dim):
    return np.expand_dims(a, dim)


def infer_unsqueeze(op, a, dim):
    if is_unknown(a):
        return TENSOR
    (d,) = normalize_axes(dim, len(a.shape) + 1, "expand_dims")
    strides = None if a.strides is None else a.strides[:d] + (0,) + a.strides[d:]
    return _view(a, a.shape[:d] + (1,) + a.shape[d:], strides)


def _creation(fill):
    def impl(shape, dtype="float64"):
        return np.full(shape, fill, dtype=dtype)

    def infer(op, shape, dtype="float64"):
        shape = (shape,) if isinstance(shape, (int, Sym)) else shape
        if not isinstance(shape, (tuple, list)) or any(not isinstance(d, (int, Sym)) or d < 0 for d in shape) \
                or not isinstance(dtype, str):
            return TENSOR  # a shape only known at run time (an int[] value, e.g. from x.shape when scripting)
        return tensor(np.dtype(dtype), shape)

    return impl, infer


def _creation_like(fill):
    def impl(a, dtype=None):
        return np.full_like(a, fill, dtype=dtype)

    def infer(op, a, dtype=None):
        if not isinstance(a, TensorType):  # np.zeros_like(2.5): a 0-d array of the scalar's dtype
            a = TensorType(np.asarray(stand_in(a)).dtype, (), ())
        if is_unknown(a) or not (dtype is None or isinstance(dtype, str)):
            return TENSOR
        return tensor(np.dtype(dtype) if dtype else a.dtype, a.shape)

    return impl, infer


def _size(a, dim=None):
    return tuple(np.shape(a)) if dim is None else np.shape(a)[dim]


def infer_size(op, a, dim=None):
    return ListType(INT) if dim is None else INT


register(OpDef("aten::transpose", VIEW, _transpose, (("a", R), ("axes", None)), infer_transpose,
               "np.transpose({0}, {1})", functions=(np.transpose,)))
register(OpDef("aten::reshape", VIEW, np.reshape, (("a", R), ("shape", R)), infer_reshape,
               "np.reshape({0}, {1})", functions=(np.reshape,)))
register(OpDef("aten::select", VIEW, _select, (("a", R), ("dim", R), ("index", R)), infer_select,
               "{0}[(slice(None),) * {1} + ({2},)]"))
register(OpDef("aten::slice", VIEW, _slice, (("a", R), ("dim", R), ("start", None), ("stop", None), ("step", None)),
               infer_slice, "{0}[(slice(None),) * {1} + (slice({2}, {3}, {4}),)]", input_key=slice_key))
register(OpDef("aten::unsqueeze", VIEW, _unsqueeze, (("a", R), ("axis", R)), infer_unsqueeze,
               "np.expand_dims({0}, {1})", functions=(np.expand_dims,)))
for _name, _fill in (("zeros", 0), ("ones", 1)):
    _impl, _infer = _creation(_fill)
    register(OpDef(f"aten::{_name}", CREATION, _impl, (("shape", R), ("dtype", "float64")), _infer,
                   f"np.{_name}({{0}}, dtype={{1}})", tensor_params=(), functions=(getattr(np, _name),)))
    _impl, _infer = _creation_like(_fill)
    register(OpDef(f"aten::{_name}_like", CREATION, _impl, (("a", R), ("dtype", None)), _infer,
                   f"np.{_name}_like({{0}}, dtype={{1}})", functions=(getattr(np, f"{_name}_like"),)))
register(OpDef("aten::__index__", SCALAR, _as_index, (("a", R),), infer_as_index, "{0}.__index__()"))
register(OpDef("aten::numel", SCALAR, np.size, (("a", R),), lambda op, a: INT, "np.size({0})"))
register(OpDef("prim::dtype", SCALAR, lambda a: np.asarray(a).dtype.name, (("a", R),), lambda op, a: STR,
               "np.asarray({0}).dtype.name"))
register(OpDef("aten::size", SCALAR, _size, (("a", R), ("dim", None)), infer_size, "np.shape({0})[{1}]"))
for _name, _type, _fn in (("Bool", BOOL, bool), ("Int", INT, int), ("Float", FLOAT, float)):
    register(OpDef(f"aten::{_name}", SCALAR, lambda a, _f=_fn: _f(np.asarray(a)), (("a", R),),
                   lambda op, a, _t=_type: _t, f"{_fn.__name__}({{0}})"))
