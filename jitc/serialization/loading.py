"""`load`: read a saved file back, checking the frame, the header's schema and limits, then the arrays."""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import reprlib
import stat

import numpy as np

from ..call_graph import check_calls
from ..errors import JitcError, LoadError
from ..ir import Graph
from ..parser import parse_ir
from ..script_module import ScriptFunction, ScriptModule
from ..types import TensorType
from .constants import decode_constant
from .layout import (
    ALIGN,
    CHUNK,
    DIGEST,
    DTYPES,
    IDENT,
    MAGIC,
    MAX_DEPTH,
    MAX_DIM,
    MAX_HEADER,
    MAX_RANK,
    MAX_TENSORS,
    NAME,
    PREFIX,
    VERSION,
    check_name,
)
from .verify import fits, verify_graph


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
            return Loader(f).load()
    except LoadError as e:
        raise LoadError(f"{path!s}: {e}") from e.__cause__
    except OSError as e:
        raise LoadError(f"{path!s}: read failed: {e}") from e


class _Pending:
    """An array described by the header, read once the whole layout is known to be sane."""

    def __init__(self, path: str, dtype: np.dtype, shape: tuple, offset: int, nbytes: int):
        self.path, self.dtype, self.shape, self.offset, self.nbytes = path, dtype, shape, offset, nbytes


class Loader:
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
            name = check_name(root["name"], IDENT, "$.root.name", LoadError)
            with _about(f"function {name}"):
                result = ScriptFunction(self._graph(root["graph"], "$.root.graph", None, f"function {name}"), name)
        calls = {}
        for graph, module, path, label in self.graphs:
            with _about(label):
                calls[id(graph)] = verify_graph(graph, module, path)
        check_calls(calls, {id(g): label for g, _, _, label in self.graphs}, MAX_DEPTH)
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
        prefix = self._read(0, min(size, PREFIX.size))
        if not prefix.startswith(MAGIC) and not MAGIC.startswith(prefix):
            hint = " (a pickle? jitc files never contain pickles)" if prefix[:1] == b"\x80" else ""
            raise LoadError(f"not a jitc file: bad magic bytes {prefix[:8]!r} at offset 0{hint}")
        if size < PREFIX.size + DIGEST:
            raise LoadError(f"truncated: {size} bytes, a jitc file has at least {PREFIX.size + DIGEST}")
        _, version, hlen = PREFIX.unpack(prefix)
        if version != VERSION:
            raise LoadError(f"unsupported format version {version} at offset 8 (this jitc reads {VERSION})")
        if hlen > MAX_HEADER:
            raise LoadError(f"header length {hlen} at offset 12 exceeds the limit of {MAX_HEADER} bytes")
        self.data_start = -(-(PREFIX.size + hlen) // ALIGN) * ALIGN
        self.data_len = size - DIGEST - self.data_start
        if self.data_len < 0:
            raise LoadError(f"truncated: the {hlen}-byte header at offset {PREFIX.size} and its padding run past "
                            f"the checksum at offset {size - DIGEST}")
        head = self._read(0, self.data_start)
        digest = hashlib.sha256(head)
        for offset in range(self.data_start, size - DIGEST, CHUNK):
            digest.update(self._read(offset, min(CHUNK, size - DIGEST - offset)))
        if not hmac.compare_digest(digest.digest(), self._read(size - DIGEST, DIGEST)):
            raise LoadError(f"checksum mismatch (SHA-256 at offset {size - DIGEST}): the file is truncated, "
                            "corrupted or was modified")
        try:
            return json.loads(head[PREFIX.size:PREFIX.size + hlen].decode("utf-8"),
                              object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
        except (ValueError, RecursionError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise LoadError(f"the header at offset {PREFIX.size} is not valid UTF-8 JSON: {e}") from None

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
            name = check_name(pair[0], pattern, f"{p}[0]", LoadError)
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
        m = ScriptModule(check_name(spec["original_name"], IDENT, f"{path}.original_name", LoadError))
        attrs: set[str] = set()  # one namespace for submodules, parameters and constants
        for name, sub, p in self._pairs(spec["modules"], f"{path}.modules", NAME, attrs):
            m._modules[name] = self._module(sub, p, f"{qual}{name}.", depth + 1)
        for name, t, p in self._pairs(spec["parameters"], f"{path}.parameters", NAME, attrs):
            with _about(f"parameter {qual}{name}"):
                m._parameters[name] = self._tensor(t, p, f"parameter {qual}{name}")
            self.pending.append((m._parameters, name, m._parameters[name]))
        for name, c, p in self._pairs(spec["constants"], f"{path}.constants", NAME, attrs):
            with _about(f"constant {qual}{name}"):
                m._constants[name] = decode_constant(c, p, 0)
        for name, g, p in self._pairs(spec["methods"], f"{path}.methods", IDENT, set()):
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
            if not fits(out, array):
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
