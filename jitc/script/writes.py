"""Functionalizing writes while scripting: each write makes a new version of the array's memory (memory.py).

A write (`A[i] = v`, `x += y`, `out=`, `np.copyto`, `x.fill`, `np.add.at`) makes a new version of the root with the
pure op `aten::index_put` (`aten::masked_put`/`aten::index_assign` for masks and index arrays), so
`v = A[1:]; v[0] = 5` changes `A`. A callee's write-backs to its parameters become writes to the caller's arrays.
At the end, each input whose root changed is written back with `aten::copy_`.
"""
from __future__ import annotations

import ast
import inspect

import numpy as np

from ..indexing import index_steps
from ..ir import Value
from ..ops import OPS, op_for_function
from ..ops.decomp.indexing import index_spec
from ..ops.mutation import PART_OPS, WRITE_STEPS
from ..ops.registry import ELEMENTWISE
from ..ops.scatter import UFUNCS
from ..ops.shared_results import write_refusal
from ..types import TensorType
from .emitter import is_int
from .memory import ArrayMemory, MemRef
from .values import ArrayMethod


class ArrayWrites(ArrayMemory):
    """Mixin of the function compiler: writes to arrays, as new versions of their memory roots."""

    # ---- calls that write
    def array_attr(self, x: Value, attr: str, node: ast.AST):
        if attr == "fill":
            return ArrayMethod(x, attr)
        return super().array_attr(x, attr, node)

    def call_array_method(self, m: ArrayMethod, args: list, kwargs: dict, node: ast.AST):
        if m.name == "fill":
            if len(args) != 1 or kwargs:
                raise self.error(node, ".fill() takes one value")
            self.write(self.target_ref(m.array, node), (), args[0], node)
            return None
        return super().call_array_method(m, args, kwargs, node)

    def call_python(self, fn, args: list, kwargs: dict, node: ast.Call):
        if fn is np.copyto:
            return self.copyto(args, kwargs, node)
        if isinstance(getattr(fn, "__self__", None), np.ufunc) and fn.__name__ == "at":
            return self.ufunc_at(fn.__self__, args, kwargs, node)
        op = op_for_function(fn)
        if op is not None and "out" in kwargs:
            out = kwargs.pop("out")
            out = out[0] if isinstance(out, tuple) and len(out) == 1 else out
            if op.kind != ELEMENTWISE:
                raise self.error(node, f"out= is supported on elementwise functions in scripted code, not on "
                                       f"{ast.unparse(node.func)}")
            ref = self.target_ref(self.resolve(out), node)
            self.write(ref, (), super().call_python(fn, args, kwargs, node), node, "same_kind")
            return self.derive(ref)
        return super().call_python(fn, args, kwargs, node)

    def copyto(self, args: list, kwargs: dict, node: ast.Call) -> None:
        """`np.copyto(dst, src, casting='same_kind', where=True)`: dst's new version is src, or with a mask
        np.where(mask, src, dst) (its dtype is src's and dst's promotion: NumPy checks src's own cast)."""
        try:
            bound = inspect.signature(_copyto_signature).bind(*args, **kwargs)
        except TypeError as e:
            raise self.error(node, f"np.copyto(): {e}") from None
        bound.apply_defaults()
        dst, src, casting, where = bound.arguments.values()
        if casting not in ("same_kind", "unsafe"):
            raise self.error(node, f"np.copyto(casting={casting!r}) is not supported in scripted code (same_kind "
                                   "or unsafe)")
        ref = self.target_ref(self.resolve(dst), node)
        if where is not True:
            src = self.call_op(op_for_function(np.where), [where, src, self.derive(ref)], {}, node)
        self.write(ref, (), src, node, "same_kind_copy" if casting == "same_kind" else "unsafe")

    def ufunc_at(self, ufunc, args: list, kwargs: dict, node: ast.Call) -> None:
        """`np.add.at(a, indices, b)`: a new version of a with b accumulated at the indices (repeats add up)."""
        reduce = UFUNCS.get(ufunc)
        if reduce is None:
            names = ", ".join(f"np.{u.__name__}.at" for u in UFUNCS)
            raise self.error(node, f"np.{ufunc.__name__}.at is not supported in scripted code (supported: {names})")
        if len(args) != 3 or kwargs:
            raise self.error(node, f"np.{ufunc.__name__}.at(a, indices, b) takes three arguments in scripted code")
        ref = self.target_ref(self.resolve(args[0]), node)
        new = self.call_op(OPS["aten::index_scatter"], [self.derive(ref), args[1], args[2], reduce], {}, node)
        self.write(ref, (), new, node)  # folded into the scatter itself (passes/fold.py)

    def inline(self, graph, name: str, args: list, node: ast.AST) -> Value:
        """A callee's write-backs to its parameters become writes to the caller's arrays."""
        start = len(self.block.nodes)
        result = super().inline(graph, name, args, node)
        self.adopt_attributes(self.block.nodes[start:], args, node)
        for n in [n for n in self.block.nodes[start:] if n.kind == "aten::copy_"]:
            dst, src = n.inputs
            n.destroy()
            self.write(self.target_ref(dst, node), (), src, node)
        return result

    # ---- writes
    def target_ref(self, b, node: ast.AST) -> MemRef:
        if isinstance(b, Value) and isinstance(b.type, TensorType):
            ref = self.ref_of(b)
            if ref is None and b in self.shared:
                raise self.error(node, f"{write_refusal(self.shared[b])} is not supported in compiled code (write "
                                       "to the original array, or to a copy)")
            if ref is None:
                raise self.error(node, "this array may be an argument or another array depending on an earlier "
                                       "branch or loop iteration, so writing to it in place cannot be compiled "
                                       "(write to a copy: x = x.copy())")
            return ref
        raise self.error(node, f"cannot assign to elements of {self.describe(b)} (only arrays can be written)")

    def write(self, ref: MemRef, steps: tuple, value, node: ast.AST, casting: str = "unsafe") -> Value:
        """`<ref>[steps] = value`: a new version of ref's root."""
        steps = ref.steps + tuple(steps)
        origin = self.origins[ref.key].node
        if origin is not None and origin.kind in PART_OPS:
            raise self.error(node, "writing into .real or .imag (a view of the complex array in NumPy) is not "
                                   "supported in compiled code")
        for step in steps:
            if step[0] not in WRITE_STEPS:
                raise self.error(node, f"writing through a view made by {step[0]} is not supported in scripted "
                                       "code (write to the original array)")
        value = self.resolve(value)
        new = self.emit_raw(OPS["aten::index_put"], [self.version(ref.key), value, steps, casting], node)
        self.set_version(ref.key, new)
        return new

    def write_index(self, target, index_node: ast.expr, value, node: ast.AST, augment=None) -> None:
        """`target[index] = value`, or with augment=(fold, dunder) `target[index] op= value`."""
        ref = self.target_ref(target, node)
        items = index_node.elts if isinstance(index_node, ast.Tuple) else [index_node]
        index = [self.resolve(self.index_list(self.visit(item), item)) for item in items]
        if len(index) == 1 and isinstance(index[0], Value) and isinstance(index[0].type, TensorType):
            # a boolean mask or an integer index array: which one is known once the graph is specialized
            how = "set" if augment is None else augment[1]
            new = self.call_op(OPS["aten::index_assign"], [self.derive(ref), index[0], value, how], {}, node)
            self.write(ref, (), new, node)  # a mask's where() is then computed straight into the array
            return
        if len(index) > 1 and any(isinstance(b, Value) and isinstance(b.type, TensorType) for b in index):
            spec, arrays = index_spec(index)  # `dx[np.arange(n), y] -= 1`: expanded once shapes are known
            how = "set" if augment is None else augment[1]
            new = self.call_op(OPS["np::index_set"], [self.derive(ref), value, how, spec, *arrays], {}, node)
            self.write(ref, (), new, node)
            return
        for item, b in zip(items, index):
            if not (b is None or b is Ellipsis or isinstance(b, slice) or is_int(b)):
                raise self.error(item, f"only basic indexing (ints, slices, None, ...), index arrays or a boolean "
                                       f"mask can be assigned to in scripted code, got {self.describe(b)}")
        try:
            steps = index_steps(tuple(index) if isinstance(index_node, ast.Tuple) else index[0], None)
        except Exception as e:  # noqa: BLE001  (JitcError from the shared index parser)
            raise self.error(index_node, str(e)) from None
        steps = tuple((OPS[name].short, *args) for name, *args in steps)
        casting = "unsafe"
        if augment is not None:
            current = self.derive(self.ref(ref.key, ref.steps + steps))
            value = self.binary(*augment, current, value, node)
            casting = "same_kind_if_view"
        self.write(ref, steps, value, node, casting)

    def write_back(self, node: ast.AST) -> None:
        """At the end of the function: inputs whose memory changed get their final content."""
        for key, arg in self.external.items():
            final = self.version(key)
            if final is not arg:
                self.emit_raw(OPS["aten::copy_"], [arg, final], node)


def _copyto_signature(dst, src, casting="same_kind", where=True):
    """np.copyto's parameters (a C function: inspect cannot read its signature)."""
