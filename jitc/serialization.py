"""`save` / `load`: one self-contained file with printed IR, the module tree and raw arrays. No pickle, no eval.

Layout (integers little-endian):
    0          magic b"JITC\\x00MDL" (8 bytes)
    8          u32 format version (1)
    12         u64 header length H (at most 16 MiB)
    20         H bytes of UTF-8 JSON header (closed schema below)
    ...        zero padding to a multiple of 64: the data section starts there
    ...        each array's bytes (C order, little-endian) at a 64-aligned offset relative to the data section
    size - 32  SHA-256 of every byte before it

Header schema (every key required, no others; pairs are 2-element lists, so order is kept):
    {"kind": "module", "root": MODULE} | {"kind": "function", "root": {"name": IDENT, "graph": GRAPH}}
    MODULE = {"original_name": IDENT, "modules": [[NAME, MODULE]...], "parameters": [[NAME, TENSOR]...],
              "constants": [[NAME, CONST]...], "methods": [[IDENT, GRAPH]...]}
    GRAPH  = {"ir": printed graph, "tensors": [[node index in program order, TENSOR]...]}
    TENSOR = {"dtype": "<f4" | "|b1" | ... (see DTYPES), "shape": [int...], "offset": int, "nbytes": int}
    CONST  = ["none"] | ["bool", b] | ["int", i (64-bit)] | ["float", float.hex()] | ["str", s]
             | ["tuple", [CONST...]] | ["list", [CONST...]]
NAME is an ASCII identifier or a run of digits (Sequential's children), IDENT an identifier.

Array constants inside graphs (`prim::Constant[value=<Tensor>]`, e.g. a traced function's closure arrays) have
no text form: they are printed as `value=None` placeholders and re-attached on load from GRAPH.tensors.
Not preserved: sharing (a module or array reachable twice is saved twice), array strides (saved C-contiguous)
and NumPy scalar constants (they come back as 0-d arrays). Every problem with a file, a missing one included,
raises LoadError naming the byte offset or the JSON path ($.root.modules[0][1]...).
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import re
import reprlib
import stat
import struct

import numpy as np

from .errors import JitcError, LoadError
from .ir import Graph
from .ops import OPS
from .parser import parse_ir
from .printer import print_graph
from .script_module import ScriptFunction, ScriptModule
from .types import ModuleType, TensorType

MAGIC = b"JITC\x00MDL"
VERSION = 1
MAX_HEADER = 16 << 20
MAX_TENSORS = 100_000
MAX_RANK = 32
MAX_DIM = 1 << 40
MAX_DEPTH = 64  # module tree and nested tuple constants
MAX_NAME = 256
ALIGN = 64
_PREFIX = struct.Struct("<8sIQ")  # magic, version, header length
_DIGEST = 32
_CHUNK = 1 << 20
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT_RANGE = (-(1 << 63), (1 << 64) - 1)
DTYPES = {np.dtype(t).newbyteorder("<").str: np.dtype(t).newbyteorder("<") for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64)}
# Node kinds a loaded graph may use besides the op table's (mirrors interpreter.run_node), with their shape:
# (blocks, min inputs, max inputs or None, outputs or None).
_PRIMS = {
    "prim::Constant": (0, 0, 0, 1),
    "prim::GetAttr": (0, 1, 1, 1),
    "prim::CallMethod": (0, 1, None, 1),
    "prim::TupleConstruct": (0, 0, None, 1),
    "prim::ListConstruct": (0, 0, None, 1),
    "prim::TupleUnpack": (0, 1, 1, None),
    "prim::TupleIndex": (0, 2, 2, 1),
    "prim::If": (2, 1, 1, None),
    "prim::Loop": (1, 2, None, None),
}


# ---------------------------------------------------------------- saving

def save(obj: ScriptModule | ScriptFunction, path: str | os.PathLike) -> None:
    """Write obj (a ScriptModule tree or a ScriptFunction) to path; deterministic, so equal objects give equal
    bytes. Raises JitcError, before creating the file, for what the format cannot hold."""
    saver = _Saver()
    text = json.dumps(header_of(obj, saver), sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    with open(path, "wb") as f:
        _write(f, text, saver.arrays)


def header_of(obj: ScriptModule | ScriptFunction, saver: _Saver) -> dict:
    """The file's header for obj; saver collects the arrays it refers to (pickling.py uses its own saver)."""
    if isinstance(obj, ScriptModule):
        return {"kind": "module", "root": saver.module(obj, "module", 0)}
    if isinstance(obj, ScriptFunction):
        _check_name(obj.name, _IDENT, "function name", JitcError)
        return {"kind": "function", "root": {"name": obj.name, "graph": saver.graph(obj.graph, obj.name)}}
    raise JitcError(f"save() expects a ScriptModule or ScriptFunction, got {type(obj).__name__}")


def _write(f, header: bytes, parts: list) -> None:
    """Stream the frame, the header and the data parts (each padded to 64 bytes) and the checksum: no copies."""
    head = _PREFIX.pack(MAGIC, VERSION, len(header)) + header
    digest = hashlib.sha256()
    for chunk in [head + bytes(-len(head) % ALIGN), *(b for p in parts for b in (p, bytes(-len(p) % ALIGN)))]:
        digest.update(chunk)
        f.write(chunk)
    f.write(digest.digest())


def pack(header: bytes, data: bytes) -> bytes:
    """The file bytes for an encoded header and a data section (the tests use this to craft files)."""
    buf = io.BytesIO()
    _write(buf, header, [data] if data else [])
    return buf.getvalue()


def _check_name(name, pattern: re.Pattern, what: str, error: type[Exception]) -> str:
    if not isinstance(name, str) or len(name) > MAX_NAME or not pattern.fullmatch(name):
        kind = "an identifier" if pattern is _IDENT else "an identifier or digits"
        raise error(f"{what} must be {kind} of at most {MAX_NAME} ASCII characters, got {reprlib.repr(name)}")
    return name


class _Saver:
    def __init__(self):
        self.arrays: list[memoryview] = []  # the data section's parts, in offset order
        self.size = 0

    def module(self, m: ScriptModule, where: str, depth: int) -> dict:
        if depth > MAX_DEPTH:
            raise JitcError(f"cannot save {where}: the module tree is deeper than {MAX_DEPTH} (or has a cycle)")
        _check_name(m.original_name, _IDENT, f"{where}: original_name", JitcError)
        names = [*m._modules, *m._parameters, *m._constants]
        for name in names:
            _check_name(name, _NAME, f"{where}: attribute name", JitcError)
        if len(set(names)) != len(names):
            raise JitcError(f"cannot save {where}: an attribute name is used twice")
        for name in m._methods:
            _check_name(name, _IDENT, f"{where}: method name", JitcError)
        return {
            "original_name": m.original_name,
            "modules": [[n, self.module(s, f"{where}.{n}", depth + 1)] for n, s in m._modules.items()],
            "parameters": [[n, self.tensor(p, f"{where}.{n}")] for n, p in m._parameters.items()],
            "constants": [[n, _constant(v, f"{where}.{n}", 0)] for n, v in m._constants.items()],
            "methods": [[n, self.graph(g, f"{where}.{n}")] for n, g in m._methods.items()],
        }

    def graph(self, graph: Graph, where: str) -> dict:
        arrays = []
        for i, node in enumerate(graph.nodes()):
            for key, value in node.attrs.items():
                if isinstance(value, (np.ndarray, np.generic)):
                    if node.kind != "prim::Constant" or key != "value":
                        raise JitcError(f"cannot save {where}: {node.kind} has an array attribute '{key}'")
                    arrays.append((i, node, value))
        for _, node, _ in arrays:  # print placeholders, then put the arrays back
            node.attrs["value"] = None
        try:
            text = print_graph(graph)
        finally:
            for _, node, value in arrays:
                node.attrs["value"] = value
        try:  # what load reads back must print exactly as the original does
            same = print_graph(parse_ir(text)) == text
        except JitcError as e:
            raise JitcError(f"cannot save {where}: its IR does not parse back ({e})") from e
        if not same:
            raise JitcError(f"cannot save {where}: its IR does not print the same after parsing")
        return {"ir": text, "tensors": [[i, self.tensor(v, f"{where} node {i}")] for i, _, v in arrays]}

    def tensor(self, array, where: str) -> dict:
        array = np.asarray(array)
        key = array.dtype.newbyteorder("<").str
        if key not in DTYPES:
            raise JitcError(f"cannot save {where}: dtype {array.dtype} is not supported (bool, int8..int64, "
                            "uint8..uint64, float16/32/64 are)")
        if array.ndim > MAX_RANK or any(d > MAX_DIM for d in array.shape):
            raise JitcError(f"cannot save {where}: shape {array.shape} exceeds rank {MAX_RANK} or 2**40 per dim")
        if len(self.arrays) >= MAX_TENSORS:
            raise JitcError(f"cannot save: more than {MAX_TENSORS} arrays")
        raw = memoryview(np.ascontiguousarray(array, dtype=DTYPES[key]).reshape(-1).view(np.uint8))
        offset = self.size
        self.arrays.append(raw)
        self.size += len(raw) + -len(raw) % ALIGN
        return {"dtype": key, "shape": list(array.shape), "offset": offset, "nbytes": len(raw)}


def _constant(v, where: str, depth: int) -> list:
    if depth > MAX_DEPTH:
        raise JitcError(f"cannot save {where}: constant nested deeper than {MAX_DEPTH}")
    if v is None:
        return ["none"]
    if isinstance(v, (bool, np.bool_)):
        return ["bool", bool(v)]
    if isinstance(v, (int, np.integer)) and _INT_RANGE[0] <= v <= _INT_RANGE[1]:
        return ["int", int(v)]
    if isinstance(v, (float, np.floating)):
        return ["float", float(v).hex()]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, (tuple, list)):
        return ["list" if isinstance(v, list) else "tuple", [_constant(x, where, depth + 1) for x in v]]
    raise JitcError(f"cannot save attribute {where} = {reprlib.repr(v)}: {type(v).__name__} is not a saveable "
                    "constant (None, bool, 64-bit int, float, str and tuples/lists of them are)")


# ---------------------------------------------------------------- loading

def load(path: str | os.PathLike) -> ScriptModule | ScriptFunction:
    """Read a file written by `save`; the result is rebuilt purely from the file (no user classes needed).

    Raises LoadError for anything wrong: missing or unreadable file, not a jitc file, truncation, checksum
    mismatch, or a header that breaks the schema, the limits or the graphs' consistency with the module tree.
    """
    try:  # O_NONBLOCK: opening a FIFO must not hang (it is rejected just below)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        f = os.fdopen(fd, "rb") if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (OSError, TypeError, ValueError) as e:
        raise LoadError(f"cannot open {path!s}: {getattr(e, 'strerror', None) or e}") from e
    if f is None:
        os.close(fd)
        raise LoadError(f"{path!s}: not a regular file")
    try:
        with f:
            return _Loader(f).load()
    except LoadError as e:
        raise LoadError(f"{path!s}: {e}") from e.__cause__
    except OSError as e:
        raise LoadError(f"{path!s}: read failed: {e}") from e


class _Pending:
    """An array described by the header, read once the whole layout is known to be sane."""

    def __init__(self, path: str, dtype: np.dtype, shape: tuple, offset: int, nbytes: int):
        self.path, self.dtype, self.shape, self.offset, self.nbytes = path, dtype, shape, offset, nbytes


class _Loader:
    def __init__(self, f):
        self.f = f
        self.pending: list[tuple[dict, str, _Pending]] = []  # (container, key, array to read into it)
        self.graphs: list[tuple[Graph, ScriptModule | None, str, str]] = []  # graph, its module, path, label

    def load(self):
        return self.build(self._read_header())

    def build(self, header):
        """The object a decoded header describes (pickling.py calls this with arrays it carries itself)."""
        if not isinstance(header, dict) or header.get("kind") not in ("module", "function"):
            raise LoadError("$.kind must be \"module\" or \"function\"")
        self._keys(header, "$", {"kind", "root"})
        if header["kind"] == "module":
            result = self._module(header["root"], "$.root", "", 0)
        else:
            root = header["root"]
            self._keys(root, "$.root", {"name", "graph"})
            name = _check_name(root["name"], _IDENT, "$.root.name", LoadError)
            with _about(f"function {name}"):
                result = ScriptFunction(self._graph(root["graph"], "$.root.graph", None, f"function {name}"), name)
        for graph, module, path, label in self.graphs:
            with _about(label):
                _verify_graph(graph, module, path)
        self._read_arrays()
        return result

    # ---- the binary frame: magic, version, lengths, checksum
    def _read(self, offset: int, n: int) -> bytes:
        self.f.seek(offset)
        data = self.f.read(n)
        if len(data) != n:
            raise LoadError(f"short read at offset {offset} (the file changed while loading?)")
        return data

    def _read_header(self):
        size = os.fstat(self.f.fileno()).st_size
        if size == 0:
            raise LoadError("the file is empty, not a jitc file")
        prefix = self._read(0, min(size, _PREFIX.size))
        if not prefix.startswith(MAGIC) and not MAGIC.startswith(prefix):
            hint = " (a pickle? jitc files never contain pickles)" if prefix[:1] == b"\x80" else ""
            raise LoadError(f"not a jitc file: bad magic bytes {prefix[:8]!r} at offset 0{hint}")
        if size < _PREFIX.size + _DIGEST:
            raise LoadError(f"truncated: {size} bytes, a jitc file has at least {_PREFIX.size + _DIGEST}")
        _, version, hlen = _PREFIX.unpack(prefix)
        if version != VERSION:
            raise LoadError(f"unsupported format version {version} at offset 8 (this jitc reads {VERSION})")
        if hlen > MAX_HEADER:
            raise LoadError(f"header length {hlen} at offset 12 exceeds the limit of {MAX_HEADER} bytes")
        self.data_start = -(-(_PREFIX.size + hlen) // ALIGN) * ALIGN
        self.data_len = size - _DIGEST - self.data_start
        if self.data_len < 0:
            raise LoadError(f"truncated: the {hlen}-byte header at offset {_PREFIX.size} and its padding run past "
                            f"the checksum at offset {size - _DIGEST}")
        head = self._read(0, self.data_start)
        digest = hashlib.sha256(head)
        for offset in range(self.data_start, size - _DIGEST, _CHUNK):
            digest.update(self._read(offset, min(_CHUNK, size - _DIGEST - offset)))
        if not hmac.compare_digest(digest.digest(), self._read(size - _DIGEST, _DIGEST)):
            raise LoadError(f"checksum mismatch (SHA-256 at offset {size - _DIGEST}): the file is truncated, "
                            "corrupted or was modified")
        try:
            return json.loads(head[_PREFIX.size:_PREFIX.size + hlen].decode("utf-8"),
                              object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
        except (ValueError, RecursionError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise LoadError(f"the header at offset {_PREFIX.size} is not valid UTF-8 JSON: {e}") from None

    # ---- schema checks; `path` is where in the header, e.g. $.root.modules[0][1].parameters[1][1].shape
    @staticmethod
    def _keys(obj, path: str, keys: set[str]) -> None:
        if not isinstance(obj, dict):
            raise LoadError(f"{path} must be an object, got {type(obj).__name__}")
        if obj.keys() != keys:
            extra, missing = sorted(obj.keys() - keys), sorted(keys - obj.keys())
            raise LoadError(f"{path}: " + (f"unknown key {reprlib.repr(extra[0])}" if extra else f"missing key {missing[0]!r}"))

    @staticmethod
    def _list(obj, path: str, max_len: int | None = None) -> list:
        if not isinstance(obj, list):
            raise LoadError(f"{path} must be a list, got {type(obj).__name__}")
        if max_len is not None and len(obj) > max_len:
            raise LoadError(f"{path} has {len(obj)} items, more than the limit of {max_len}")
        return obj

    @staticmethod
    def _int(obj, path: str, lo: int, hi: int) -> int:
        if type(obj) is not int:
            raise LoadError(f"{path} must be an integer, got {type(obj).__name__}")
        if not lo <= obj <= hi:
            raise LoadError(f"{path} = {obj} is outside [{lo}, {hi}]")
        return obj

    def _pairs(self, obj, path: str, pattern: re.Pattern, seen: set[str]):
        """[name, item] pairs with valid names that are not in seen (seen is updated)."""
        for i, pair in enumerate(self._list(obj, path)):
            p = f"{path}[{i}]"
            if not isinstance(pair, list) or len(pair) != 2:
                raise LoadError(f"{p} must be a [name, value] pair")
            name = _check_name(pair[0], pattern, f"{p}[0]", LoadError)
            if name in seen:
                raise LoadError(f"{p}[0]: name {name!r} is defined twice")
            seen.add(name)
            yield name, pair[1], f"{p}[1]"

    # ---- building
    def _module(self, spec, path: str, qual: str, depth: int) -> ScriptModule:
        """qual is the module's dotted name in the tree (`linear.`), for messages."""
        if depth > MAX_DEPTH:
            raise LoadError(f"{path}: the module tree is deeper than {MAX_DEPTH}")
        self._keys(spec, path, {"original_name", "modules", "parameters", "constants", "methods"})
        m = ScriptModule(_check_name(spec["original_name"], _IDENT, f"{path}.original_name", LoadError))
        attrs: set[str] = set()  # one namespace for submodules, parameters and constants
        for name, sub, p in self._pairs(spec["modules"], f"{path}.modules", _NAME, attrs):
            m._modules[name] = self._module(sub, p, f"{qual}{name}.", depth + 1)
        for name, t, p in self._pairs(spec["parameters"], f"{path}.parameters", _NAME, attrs):
            with _about(f"parameter {qual}{name}"):
                m._parameters[name] = self._tensor(t, p, f"parameter {qual}{name}")
            self.pending.append((m._parameters, name, m._parameters[name]))
        for name, c, p in self._pairs(spec["constants"], f"{path}.constants", _NAME, attrs):
            with _about(f"constant {qual}{name}"):
                m._constants[name] = _decode_constant(c, p, 0)
        for name, g, p in self._pairs(spec["methods"], f"{path}.methods", _IDENT, set()):
            with _about(f"method {qual}{name}"):
                m._methods[name] = self._graph(g, p, m, f"method {qual}{name}")
        return m

    def _graph(self, spec, path: str, module: ScriptModule | None, label: str) -> Graph:
        self._keys(spec, path, {"ir", "tensors"})
        if not isinstance(spec["ir"], str):
            raise LoadError(f"{path}.ir must be a string")
        try:
            graph = parse_ir(spec["ir"])
        except JitcError as e:
            raise LoadError(f"{path}.ir: {e}") from e
        except Exception as e:  # the parser reads untrusted text: whatever it raises is a bad file
            raise LoadError(f"{path}.ir: the IR parser failed ({type(e).__name__}: {e})") from e
        nodes = list(graph.nodes())
        for i, item in enumerate(self._list(spec["tensors"], f"{path}.tensors")):
            p = f"{path}.tensors[{i}]"
            if not isinstance(item, list) or len(item) != 2:
                raise LoadError(f"{p} must be a [node index, tensor] pair")
            node = nodes[self._int(item[0], f"{p}[0]", 0, len(nodes) - 1)]
            out = node.outputs[0].type if len(node.outputs) == 1 else None
            if node.kind != "prim::Constant" or node.attrs != {"value": None} or not isinstance(out, TensorType):
                raise LoadError(f"{p}[0]: node {item[0]} ({node.kind}) is not a tensor constant placeholder")
            array = self._tensor(item[1], f"{p}[1]", f"{label} node {item[0]}")
            if not _fits(out, array):
                raise LoadError(f"{p}[1]: array {array.dtype}{list(array.shape)} does not match the node's type {out}")
            node.attrs["value"] = array
            self.pending.append((node.attrs, "value", array))
        self.graphs.append((graph, module, f"{path}.ir", label))
        return graph

    def _tensor(self, spec, path: str, label: str) -> _Pending:
        self._keys(spec, path, {"dtype", "shape", "offset", "nbytes"})
        if len(self.pending) >= MAX_TENSORS:
            raise LoadError(f"{path}: more than {MAX_TENSORS} arrays")
        dtype = DTYPES.get(spec["dtype"]) if isinstance(spec["dtype"], str) else None
        if dtype is None:
            raise LoadError(f"{path}.dtype: {reprlib.repr(spec['dtype'])} is not an allowed dtype "
                            f"({', '.join(DTYPES)})")
        dims = self._list(spec["shape"], f"{path}.shape", MAX_RANK)
        nbytes = dtype.itemsize
        for i, d in enumerate(dims):
            nbytes *= self._int(d, f"{path}.shape[{i}]", 0, MAX_DIM)
        offset = self._int(spec["offset"], f"{path}.offset", 0, self.data_len)
        if offset % ALIGN:
            raise LoadError(f"{path}.offset = {offset} is not a multiple of {ALIGN}")
        declared = self._int(spec["nbytes"], f"{path}.nbytes", 0, self.data_len)
        if declared != nbytes:
            raise LoadError(f"{path}.nbytes = {declared} but dtype {spec['dtype']} x shape {dims} is {nbytes} bytes")
        start = self.data_start + offset
        if offset + nbytes > self.data_len:
            raise LoadError(f"{path}: bytes [{start}, {start + nbytes}) run past the data section, which ends at "
                            f"offset {self.data_start + self.data_len}")
        return _Pending(f"{label} ({path})", dtype, tuple(dims), offset, nbytes)

    def _read_arrays(self) -> None:
        """Check the layout (no two arrays share bytes), then read each array into writable native memory."""
        end, last = 0, None
        for _, _, p in sorted(self.pending, key=lambda e: (e[2].offset, e[2].nbytes)):
            if p.offset < end:
                raise LoadError(f"{p.path}: bytes from offset {self.data_start + p.offset} overlap {last.path}")
            if p.offset + p.nbytes > end:
                end, last = p.offset + p.nbytes, p
        for container, key, p in self.pending:
            buf = bytearray(p.nbytes)
            self.f.seek(self.data_start + p.offset)
            if self.f.readinto(buf) != p.nbytes:
                raise LoadError(f"{p.path}: short read at offset {self.data_start + p.offset}")
            array = np.frombuffer(buf, dtype=p.dtype).reshape(p.shape)
            container[key] = array.astype(p.dtype.newbyteorder("="), copy=False)


@contextlib.contextmanager
def _about(label: str):
    """Prefix errors with what they concern in user terms (`parameter linear.weight: $.root...: ...`)."""
    try:
        yield
    except LoadError as e:
        raise LoadError(f"{label}: {e}") from e.__cause__


def _no_duplicate_keys(pairs: list) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise LoadError(f"the header repeats a key in an object with keys {sorted(obj)[:8]}")
    return obj


def _no_constant(name: str):
    raise LoadError(f"the header contains {name}, which is not JSON")


def _decode_constant(spec, path: str, depth: int):
    if depth > MAX_DEPTH:
        raise LoadError(f"{path}: constant nested deeper than {MAX_DEPTH}")
    tag = spec[0] if isinstance(spec, list) and spec else None
    if tag == "none" and len(spec) == 1:
        return None
    value = spec[1] if isinstance(spec, list) and len(spec) == 2 else None
    if tag == "bool" and isinstance(value, bool):
        return value
    if tag == "int" and type(value) is int and _INT_RANGE[0] <= value <= _INT_RANGE[1]:
        return value
    if tag == "str" and isinstance(value, str):
        return value
    if tag == "float" and isinstance(value, str) and len(value) < 64:
        try:
            return float.fromhex(value)
        except (ValueError, OverflowError):
            pass
    if tag in ("tuple", "list") and isinstance(value, list):
        items = [_decode_constant(x, f"{path}[1][{i}]", depth + 1) for i, x in enumerate(value)]
        return tuple(items) if tag == "tuple" else items
    raise LoadError(f"{path}: {reprlib.repr(spec)} is not a constant (['none'], ['bool', b], ['int', i], "
                    "['float', hex], ['str', s], ['tuple'|'list', [...]])")


def _fits(t: TensorType, array) -> bool:
    """An array agrees with a (possibly partly unknown) tensor type."""
    same_dtype = t.dtype is None or np.dtype(t.dtype).newbyteorder("<") == array.dtype.newbyteorder("<")
    return same_dtype and (t.shape is None or tuple(t.shape) == array.shape)


def _verify_graph(graph: Graph, module: ScriptModule | None, path: str) -> None:
    """What parse_ir's lint cannot know: node kinds and arities, and that every GetAttr/CallMethod names an
    attribute or method of the right kind on the module tree."""
    modules = {}
    if module is not None:
        first = graph.inputs[0].type if graph.inputs else None
        if first != ModuleType(module.original_name):
            raise LoadError(f"{path}: a method's first input must be __jitc__.{module.original_name}, got {first}")
        modules[graph.inputs[0]] = module
    for i, node in enumerate(graph.nodes()):
        where = f"{path}: node {i} ({node.kind})"
        _check_arity(node, where)
        if node.kind == "prim::Constant" and node.attrs.keys() != {"value"}:
            raise LoadError(f"{where}: needs exactly one attribute, value")
        if node.kind not in ("prim::GetAttr", "prim::CallMethod"):
            continue
        name = node.attrs.get("name")
        owner = modules.get(node.inputs[0])
        if owner is None or not isinstance(name, str) or len(node.attrs) != 1:
            raise LoadError(f"{where}: needs a name attribute and a module reachable from self as input")
        out = node.outputs[0].type
        if node.kind == "prim::CallMethod":
            target = owner._methods.get(name)
            if target is None or len(target.inputs) != len(node.inputs):
                raise LoadError(f"{where}: module {owner.original_name} has no method '{name}' taking "
                                f"{len(node.inputs) - 1} arguments")
        elif name in owner._modules:
            sub = owner._modules[name]
            if out != ModuleType(sub.original_name):
                raise LoadError(f"{where}: '{name}' is submodule {sub.original_name} but the node's type is {out}")
            modules[node.outputs[0]] = sub
        elif name in owner._parameters:
            p = owner._parameters[name]
            if not isinstance(out, TensorType) or not _fits(out, p):
                raise LoadError(f"{where}: parameter '{name}' is {p.dtype}{list(p.shape)} but the node's type is {out}")
        elif name in owner._constants:
            if isinstance(out, (TensorType, ModuleType)):
                raise LoadError(f"{where}: '{name}' is a constant but the node's type is {out}")
        else:
            raise LoadError(f"{where}: module {owner.original_name} has no attribute '{name}'")


def _check_arity(node, where: str) -> None:
    op = OPS.get(node.kind)
    if op is not None:
        shape = (0, len(op.params), len(op.params), 1)
    elif node.kind in _PRIMS:
        shape = _PRIMS[node.kind]
    else:
        raise LoadError(f"{where}: unknown node kind")
    blocks, lo, hi, outs = shape
    n_in, n_out = len(node.inputs), len(node.outputs)
    if len(node.blocks) != blocks or n_in < lo or (hi is not None and n_in > hi) or (outs is not None and n_out != outs):
        raise LoadError(f"{where}: wrong number of inputs ({n_in}), outputs ({n_out}) or blocks ({len(node.blocks)})")
    if node.kind == "prim::If" and any(len(b.params) or len(b.returns) != n_out for b in node.blocks):
        raise LoadError(f"{where}: each block must take no parameters and return {n_out} values")
    if node.kind == "prim::Loop":
        body = node.blocks[0]
        if n_out != n_in - 2 or len(body.params) != n_in - 1 or len(body.returns) != n_in - 1:
            raise LoadError(f"{where}: loop-carried values do not match the body's parameters and returns")
