"""The op table: every array op is described once, and every stage of jitc reads the same entry.

An `OpDef` carries the op's IR name, its NumPy eager implementation, its parameters (how Python calls bind to
node inputs), its abstract evaluation (dtype/shape rule), its kind, how `.code` prints it, and, for elementwise
ops, a scalar emitter written against the backend's scalar builder (`codegen.scalar.ScalarBuilder`).
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ELEMENTWISE, REDUCTION, MATMUL, VIEW, CREATION, SCALAR = (
    "elementwise", "reduction", "matmul", "view", "creation", "scalar")
KERNEL = "kernel"        # lowered by its own codegen kernel (codegen/kernels.py): scans, gathers, concatenation, ...
COMPOSITE = "composite"  # written over other ops (ops/decomp/); the frontends expand it, `decompose` says how

REQUIRED = object()  # marks a parameter without default

# How the backend converts an elementwise op's operands before its scalar emitter runs:
RESULT = "result"          # all to the output dtype (arithmetic, math, casts)
OPERANDS = "operands"      # to their common NumPy promotion; the emitter gives the bool result (comparisons, logic)
CONDITION = "condition"    # the first to bool, the others to the output dtype (where)
BOUNDS = "bounds"          # as RESULT, but Python ints beyond an int dtype's range clamp to it (clip drops them)
INPUT = "input"            # to their common promotion; the emitter gives the output dtype (abs, real, imag of complex)


@dataclass(frozen=True)
class OpDef:
    name: str                                   # IR name, e.g. "aten::add"
    kind: str                                   # ELEMENTWISE, REDUCTION, ...
    impl: Callable[..., Any]                    # NumPy eager implementation over the node's inputs
    params: tuple[tuple[str, Any], ...]         # (name, default or REQUIRED), in input order
    infer: Callable[..., Any]                   # abstract eval: (op, *abstract args) -> output Type
    code: str                                   # `.code` template over inputs, e.g. "{0} + {1}"
    emit: Callable[..., Any] | None = None      # scalar emitter (builder, *scalars) -> scalar; elementwise only
    tensor_params: tuple[int, ...] = field(default=(0,))  # which inputs are arrays (the rest are constants)
    functions: tuple[Any, ...] = ()             # Python callables that mean this op (np.add, F.relu, ...)
    methods: tuple[str, ...] = ()               # ndarray method names (x.sum(...))
    dunders: tuple[str, ...] = ()               # operator methods; "__radd__" style ones swap the operands
    compute: str = RESULT                       # operand conversion for the emitter (RESULT, OPERANDS, ...)
    # On Python scalars (int/float/bool values, not arrays) an op means what Python means:
    python: Callable[..., Any] | None = None    # Python's operator (exact ints, True + True == 2, 7 // 0 raises)
    zero_error: tuple[int, int] | None = None   # (operand, status code in codegen.abi.ERRORS) raised when it is 0
    overflow: str | None = None                 # LLVM's overflow-checked int op ("sadd"): compiled ints are 64-bit
    decompose: Callable[..., Any] | None = None  # COMPOSITE only: NumPy code over primitives, run on symbolic arrays
    input_key: Callable[..., Any] | None = None  # (input Values) -> a last infer argument (masked_select's mask)

    @property
    def short(self) -> str:
        return self.name.split("::", 1)[1]


OPS: dict[str, OpDef] = {}


def register(op: OpDef) -> OpDef:
    if op.name in OPS:
        raise ValueError(f"op {op.name} registered twice")
    OPS[op.name] = op
    # A decomposition takes over a primitive's spellings (np.sum, x.astype): it binds NumPy's whole signature
    # (dtype=, copy=, tuple axes) and calls the primitive itself; a primitive never displaces a decomposition.
    for f in op.functions:
        if op.kind == COMPOSITE or getattr(FUNCTIONS.get(id(f)), "kind", None) != COMPOSITE:
            FUNCTIONS[id(f)] = op
    for m in op.methods:
        if op.kind == COMPOSITE or getattr(METHODS.get(m), "kind", None) != COMPOSITE:
            METHODS[m] = op
    for d in op.dunders:
        DUNDERS[d] = op
        if d not in ("__neg__", "__abs__", "__invert__", "__pos__"):
            DUNDERS["__r" + d[2:]] = op
            REFLECTED.add("__r" + d[2:])
    return op


def op_for_function(fn, nargs: int | None = None) -> OpDef | None:
    """The op a Python callable stands for, by identity (so `np.tanh` and `from numpy import tanh` agree); a call
    with `nargs` arguments may mean another op (see overload)."""
    if nargs is not None and (id(fn), nargs) in OVERLOADS:
        return OVERLOADS[id(fn), nargs]
    return FUNCTIONS.get(id(fn))


def overload(fn, nargs: int, op: OpDef) -> None:
    """fn called with exactly `nargs` arguments means `op` (1-argument np.where is np.nonzero)."""
    OVERLOADS[id(fn), nargs] = op


def ufunc_method(ufunc, method: str) -> Callable[..., Any]:
    """The one function that stands for `np.<ufunc>.<method>` (`np.add.outer`) in the op table: NumPy makes a new
    bound method at every attribute access, so the table cannot key on those. Calling it calls NumPy's."""
    key = (ufunc.__name__, method)
    if key not in UFUNC_METHODS:
        def spelling(*args, **kwargs):
            return getattr(ufunc, method)(*args, **kwargs)

        spelling.__name__ = spelling.__qualname__ = f"{ufunc.__name__}.{method}"
        spelling.__module__ = "numpy"  # numpy_name() spells it np.add.outer
        UFUNC_METHODS[key] = spelling
    return UFUNC_METHODS[key]


def op_for_ufunc_method(ufunc, method: str) -> OpDef | None:
    spelling = UFUNC_METHODS.get((getattr(ufunc, "__name__", None), method))
    return None if spelling is None else op_for_function(spelling)


UFUNC_METHODS: dict[tuple[str, str], Callable[..., Any]] = {}  # (ufunc name, method) -> its spelling
FUNCTIONS: dict[int, OpDef] = {}   # id(callable) -> op; ids because ufuncs are not all hashable alike
OVERLOADS: dict[tuple[int, int], OpDef] = {}  # (id(callable), number of arguments) -> op
METHODS: dict[str, OpDef] = {}
DUNDERS: dict[str, OpDef] = {}
REFLECTED: set[str] = set()  # "__radd__" style names, which swap the operands ("__rshift__" is not one)


def on_python_scalars(op: OpDef, args) -> bool:
    """True when the op has Python's meaning here: every argument is a Python int, float or bool."""
    return op.python is not None and bool(args) and all(type(a) in (bool, int, float) for a in args)


def lookup(name: str) -> OpDef:
    from ..errors import JitcError

    try:
        return OPS[name]
    except KeyError:
        raise JitcError(f"unknown op {name}") from None


def bind(op: OpDef, args: tuple, kwargs: dict, where: str = "") -> list:
    """Bind a Python call's arguments to the op's parameter list (NumPy's names), filling defaults."""
    from ..errors import SignatureError

    if op.decompose is not None:
        return _bind_signature(op, args, kwargs, where)
    names = [p for p, _ in op.params]
    if len(args) > len(names):
        raise SignatureError(f"{op.short}() takes at most {len(names)} arguments, got {len(args)}{where}")
    bound = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names:
            raise SignatureError(f"{op.short}() got unsupported keyword argument '{k}'{where}; "
                                 f"supported: {', '.join(names)}")
        if k in bound:
            raise SignatureError(f"{op.short}() got multiple values for argument '{k}'{where}")
        bound[k] = v
    out = []
    for name, default in op.params:
        if name in bound:
            out.append(bound[name])
        elif default is REQUIRED:
            raise SignatureError(f"{op.short}() missing required argument '{name}'{where}")
        else:
            out.append(default)
    return out


def _bind_signature(op: OpDef, args: tuple, kwargs: dict, where: str) -> list:
    """A decomposition binds like the Python function it is written as (`*operands` of einsum become one tuple)."""
    from ..errors import SignatureError

    try:
        bound = inspect.signature(op.decompose).bind(*args, **kwargs)
    except TypeError as e:
        raise SignatureError(f"{op.short}(): {e}{where}") from None
    bound.apply_defaults()
    return [bound.arguments.get(name, default) for name, default in op.params]


def spread_call(fn: Callable[..., Any], written: Callable[..., Any], params, bound, keywords: bool = False):
    """Call fn with arguments bound to `params` (taken from the signature of `written`): *args spread,
    keyword-only parameters by name, and, with keywords=True, every parameter that has a default by name too."""
    args, kwargs = [], {}
    kinds = inspect.signature(written).parameters
    for (name, default), value in zip(params, bound):
        kind = kinds[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(value)
        elif keywords and default is not REQUIRED:
            if not is_default(value, default):
                kwargs[name] = value  # defaults are left out: NumPy rejects some in other modes (np.pad)
        elif kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = value
        else:
            args.append(value)
    return fn(*args, **kwargs)


def is_default(value, default) -> bool:
    """Whether an argument is its parameter's default (constants only: arrays never are)."""
    return value is default or (type(value) is type(default) and isinstance(value, (bool, int, float, str, tuple))
                                and value == default)


def decompose(op: OpDef, bound: list):
    """Expand a COMPOSITE op: run its NumPy code on the bound arguments (proxies or symbolic arrays)."""
    return spread_call(op.decompose, op.decompose, op.params, bound)


def numpy_name(func) -> str:
    """How users spell a NumPy function: `np.linalg.inv`, `np.fft.fft`, `np.concatenate` (not `numpy._core...`)."""
    parts = [p for p in (getattr(func, "__module__", None) or "numpy").split(".") if not p.startswith("_")]
    if parts[:1] == ["numpy"]:
        parts[0] = "np"
    return ".".join([*parts, func.__name__])


def traceable(op_name: str, impl: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a non-NumPy op function (F.relu, F.linear) so tracers see it as one op; eager it just runs impl."""

    @functools.wraps(impl)
    def fn(*args, **kwargs):
        for a in (*args, *kwargs.values()):
            dispatch = getattr(type(a), "__jitc_dispatch__", None)
            if dispatch is not None:
                return dispatch(op_name, args, kwargs)
        return impl(*args, **kwargs)

    return fn
