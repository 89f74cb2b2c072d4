"""`jitc.export`: compile a model ahead of time for one input signature into `{prefix}.o`, `{prefix}.so` and
`{prefix}.h`, so a C or C++ program runs it with no Python and no jitc. With `dynamic`, chosen dimensions are
symbols: the C function takes their sizes as trailing `int64_t` parameters (s0, s1, ...)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np

from .errors import CompileError, JitcError
from .symbolic import FloorDiv, Sym
from .types import TensorType


def numel(shape: tuple):
    total = 1
    for d in shape:
        total = total * d
    return total

C_TYPES = {"f2": "uint16_t", "f4": "float", "f8": "double",  # float16: its IEEE binary16 bits "i1": "int8_t", "i2": "int16_t", "i4": "int32_t", "i8": "int64_t",
           "u1": "uint8_t", "u2": "uint16_t", "u4": "uint32_t", "u8": "uint64_t", "b1": "bool"}
SCALAR_C_TYPES = {int: "int64_t", float: "double", bool: "bool"}
# C11 and C++ keywords (and the <stdbool.h> macros): not usable as the function's or an argument's name
C_KEYWORDS = frozenset({
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
    "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Alignas",
    "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
    "_Thread_local", "bool", "true", "false", "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor",
    "catch", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "consteval", "constexpr", "constinit",
    "const_cast", "co_await", "co_return", "co_yield", "decltype", "delete", "dynamic_cast", "explicit", "export",
    "friend", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq",
    "private", "protected", "public", "reinterpret_cast", "requires", "static_assert", "static_cast", "template",
    "this", "thread_local", "throw", "try", "typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq",
})


@dataclass(frozen=True)
class ExportedFiles:
    object: str
    shared_library: str | None
    header: str
    name: str


def _c_type(dtype) -> str:
    dt = np.dtype(dtype)
    key = "b1" if dt.kind == "b" else f"{dt.kind}{dt.itemsize}"
    if key not in C_TYPES:
        raise CompileError(f"export: dtype {dt} has no C type")
    return C_TYPES[key]


def _target(fn_or_module, args):
    """The ScriptFunction/ScriptModule to export: given, or obtained as @jitc.compile would."""
    from .compile import CompiledFunction
    from .script_module import ScriptFunction, ScriptModule

    if isinstance(fn_or_module, (ScriptFunction, ScriptModule)):
        return fn_or_module
    compiled = fn_or_module if isinstance(fn_or_module, CompiledFunction) else CompiledFunction(fn_or_module)
    return compiled._target(args)


def export(fn_or_module, example_inputs, path_prefix, dynamic=False, threads: bool | None = None) -> ExportedFiles:
    """Write `{prefix}.o`, `{prefix}.so` (when a C compiler is found) and `{prefix}.h` for the signature of
    example_inputs (arrays are taken as dense row-major). Parameters are embedded in the code.

    `dynamic`: False (every size fixed), True (every dimension of the array arguments symbolic), or a dict from
    argument name to the axes that are symbolic. Dimensions of equal size in the example share a symbol; each
    symbol's size must be at least 2 (the function returns 8 otherwise).
    `threads`: True runs large kernels on a thread pool inside the library (as many threads as jitc uses here,
    JITC_NUM_THREADS; started on the first large call, then sleeping between calls); False runs everything on the
    calling thread; None (the default) does what the compiled function does in this process: a pool when jitc
    would use more than one thread here."""
    from codegen import engine
    from codegen.cabi import emit_c_entry, export_only
    from codegen.lower import Lowering
    from codegen.parallel import thread_count

    from .runtime.executor import Executor
    from .script_module import check_args

    if not isinstance(example_inputs, tuple):
        example_inputs = (example_inputs,)
    prefix = os.fspath(path_prefix)
    name = os.path.basename(prefix)
    _check_function_name(name)
    args = [np.ascontiguousarray(a) if isinstance(a, np.ndarray) else a for a in example_inputs]
    target = _target(fn_or_module, tuple(args))
    graph, module, method = target._compiled_target()
    args = check_args(graph, tuple(args), method, skip_self=module is not None)
    executor = Executor(graph, module, method, fallback="error")
    values = executor._arguments(args)
    n_user = len(args)
    names = _parameter_names(target, graph, module, n_user)
    types = _symbolic_types(values, names, dynamic) if dynamic else None
    specialized = executor.prepare(values, types)
    embedded = dict(zip(specialized.inputs[n_user:], values[n_user:]))
    lowering = Lowering(specialized, f"{name}_graph", in_process=False, dedupe_outputs=False,  # out0, out1...
                        embedded=embedded, own_pool=thread_count() > 1 if threads is None else threads)
    if any(s.room for s in lowering.specs):
        raise CompileError("export: an output's shape depends on the data (a boolean mask selection); the C "
                           "caller allocates every output, so return a reduction of it or a fixed-size array")
    llvm_module = lowering.run()
    user_types = [v.type if isinstance(v.type, TensorType) else type(a) for v, a in
                  zip(specialized.inputs[:n_user], args)]
    entry_types = [t if isinstance(t, TensorType) else np.dtype(np.int64 if t is int else
                                                                np.float64 if t is float else np.bool_)
                   for t in user_types]
    symbols = _symbols(user_types, names)
    emit_c_entry(llvm_module, llvm_module.get_global(f"{name}_graph"), name, entry_types, values[n_user:],
                 [s.dtype for s in lowering.specs], len(symbols), lowering.sizes_slots)
    export_only(llvm_module, name)
    obj = engine.object_file(str(llvm_module))
    with open(prefix + ".o", "wb") as f:
        f.write(obj)
    with open(prefix + ".h", "w") as f:
        f.write(_header(name, names, user_types, lowering.specs, _describe(target), symbols))
    shared = _link(prefix)
    return ExportedFiles(prefix + ".o", shared, prefix + ".h", name)


def _symbolic_types(values: list, names: list[str], dynamic) -> list:
    from .runtime.dynamic import symbolic_types

    if dynamic is True:
        dims = {(i, d) for i, a in enumerate(values[:len(names)]) if isinstance(a, np.ndarray) for d in range(a.ndim)}
    elif isinstance(dynamic, dict):
        unknown = set(dynamic) - set(names)
        if unknown:
            raise JitcError(f"export: dynamic names {sorted(unknown)}, which are not arguments ({', '.join(names)})")
        dims = {(names.index(k), d % max(np.ndim(values[names.index(k)]), 1))
                for k, axes in dynamic.items() for d in ((axes,) if isinstance(axes, int) else axes)}
    else:
        raise JitcError(f"export: dynamic must be True, False or a dict of argument name -> axes, got {dynamic!r}")
    return symbolic_types(values, dims)


def _symbols(user_types: list, names: list[str]) -> list[tuple[str, str]]:
    """(symbol, where it is: 'x dim 0, h dim 0') for each symbol of the inputs, in order s0, s1, ..."""
    where: dict[str, list[str]] = {}
    for arg, t in zip(names, user_types):
        if isinstance(t, TensorType):
            for d, n in enumerate(t.shape):
                if isinstance(n, Sym):
                    where.setdefault(n.name, []).append(f"{arg} dim {d}")
    return [(s, ", ".join(where[s])) for s in sorted(where, key=lambda s: int(s[1:]))]


def _check_function_name(name: str) -> None:
    """The file name names the C function: a C identifier, not a keyword, and no function of the C library or
    libm (an exported `powf` would be called by its own `**`, which LLVM lowers to powf)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise JitcError(f"export: the file name '{name}' must be a C identifier (it names the function)")
    if name in C_KEYWORDS:
        raise JitcError(f"export: the file name '{name}' is a C/C++ keyword and cannot name the function")
    if _c_library_defines(name):
        raise JitcError(f"export: the file name '{name}' is a function of the C runtime (libc/libm); a library "
                        "exporting it would replace that function in every program it is linked into (and call "
                        "itself where the model needs it): choose another name")


def _c_library_defines(name: str) -> bool:
    import ctypes
    import ctypes.util

    libraries = [ctypes.CDLL(None)]
    for lib in ("c", "m"):
        found = ctypes.util.find_library(lib)
        if found:
            libraries.append(ctypes.CDLL(found))
    return any(hasattr(lib, name) for lib in libraries)


def _parameter_names(target, graph, module, n_user: int) -> list[str]:
    params = graph.inputs[1:] if module is not None else graph.inputs
    names = [re.sub(r"\W", "_", p.name) for p in params[:n_user]]
    return [f"{n}_" if n in C_KEYWORDS or n == "out" or re.fullmatch(r"out\d+", n) else n for n in names]


def _describe(target) -> str:
    return getattr(target, "original_name", None) or getattr(target, "name", "model")


def _header(name: str, arg_names: list[str], user_types: list, specs: list, what: str, symbols: list) -> str:
    upper = name.upper()
    from . import __version__

    lines = [f"/* {name}.h: generated by jitc {__version__} from {what}.forward; do not edit.",
             " * Arrays are dense, row-major; outputs are allocated by the caller.",
             " * Returns 0 on success, 1 if an index is out of range, 2 if memory runs out" +
             (", 8 if a size s0, s1, ... is below 2." if symbols else "."),
             *(f" * int64_t {s}: the size of {where}." for s, where in symbols), " */",
             f"#ifndef JITC_{upper}_H", f"#define JITC_{upper}_H", "", "#include <stdbool.h>",
             "#include <stdint.h>", "", "#ifdef __cplusplus", 'extern "C" {', "#endif", ""]
    params = []
    for arg, t in zip(arg_names, user_types):
        if isinstance(t, TensorType):
            lines += _shape_defines(f"{upper}_{arg.upper()}", t.dtype, t.shape, f"input {arg}")
            params.append(f"const {_c_type(t.dtype)} *{arg}")
        else:
            params.append(f"{SCALAR_C_TYPES[t]} {arg}")
    for j, spec in enumerate(specs):
        lines += _shape_defines(f"{upper}_OUT{j}", spec.dtype, spec.shape, f"output {j}")
        params.append(f"{_c_type(spec.dtype)} *out{j}")
    params += [f"int64_t {s}" for s, _ in symbols]
    lines += [f"int {name}({', '.join(params)});", "", "#ifdef __cplusplus", "}", "#endif", "",
              f"#endif /* JITC_{upper}_H */", ""]
    return "\n".join(lines)


def _shape_defines(macro: str, dtype, shape: tuple, what: str) -> list[str]:
    """NDIM, SHAPE and SIZE macros; a symbolic size is written as an expression of the size parameters."""
    dims = ", ".join(_c_size(d) for d in shape)
    total = numel(shape)
    half = " (float16: IEEE binary16 bits)" if np.dtype(dtype) == np.float16 else ""
    return [f"/* {what}: {_c_type(dtype)}[{']['.join(str(d) for d in shape) or ''}]{half} */",
            f"#define {macro}_NDIM {len(shape)}",
            f"#define {macro}_SHAPE {{{dims}}}" if shape else f"#define {macro}_SHAPE {{0}}",
            f"#define {macro}_SIZE {_c_size(total)}", ""]


def _c_size(d) -> str:
    """A size as a C expression of the size parameters. C's `/` truncates: a floor division is spelled out."""
    if not isinstance(d, Sym):
        return str(d)
    out = ""
    for m, c in d.terms.items():
        factors = [_c_floor_div(f) if isinstance(f, FloorDiv) else f for f in m]
        body = "*".join(factors if m and abs(c) == 1 else [str(abs(c)), *factors])
        out += ("-" if c < 0 else "") + body if not out else (" - " if c < 0 else " + ") + body
    return f"({out})" if len(d.terms) > 1 else out


def _c_floor_div(f: FloorDiv) -> str:
    n, k = _c_size(f.num), f.den
    return f"({n} >= 0 ? {n} / {k} : -((-{n} + {k - 1}) / {k}))"


def c_compiler() -> str | None:
    """The system C compiler: $CC, else cc, gcc or clang on PATH."""
    for candidate in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def _link(prefix: str) -> str | None:
    cc = c_compiler()
    if cc is None:
        raise CompileError(f"export: wrote {prefix}.o and {prefix}.h, but no C compiler (cc, gcc, clang or $CC) "
                           f"was found to link {prefix}.so; link the object yourself")
    result = subprocess.run([cc, "-shared", "-o", prefix + ".so", prefix + ".o", "-lm", "-lpthread"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CompileError(f"export: linking {prefix}.so failed:\n{result.stderr}")
    return prefix + ".so"


__all__ = ["ExportedFiles", "c_compiler", "export"]
