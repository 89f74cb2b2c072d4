"""Persistent cache of compiled object code, keyed by the optimized graph, the signature (in the graph's
types), the CPU, thread count and versions. Entries are written atomically (temp file + rename), so concurrent
processes never read half a file. An entry carries its own key and entry name, checked on load: a damaged,
foreign or copied-over entry (another function's code under this key) is ignored and rewritten, never run.
Only regular files are read, without following links or blocking (a FIFO at an entry's path is ignored).

Location: $JITC_CACHE_DIR, else $XDG_CACHE_HOME/jitc, else ~/.cache/jitc. JITC_CACHE=0 turns it off.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import struct
import sys
import tempfile

import numpy as np

MAGIC = b"JITCOBJ2"


def enabled() -> bool:
    return os.environ.get("JITC_CACHE", "1") not in ("0", "")


def directory() -> str:
    base = os.environ.get("JITC_CACHE_DIR")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "jitc")


@functools.lru_cache(maxsize=1)
def compiler_fingerprint() -> str:
    """A hash of the compiler's source files' names, sizes and modification times (what Python's own bytecode
    cache trusts): a changed pass or code generator never reuses old objects, and no file is read to know."""
    import codegen

    digest = hashlib.sha256()
    for package in (os.path.dirname(os.path.dirname(__file__)), os.path.dirname(codegen.__file__)):
        for folder, _, files in sorted(os.walk(package)):
            for name in sorted(f for f in files if f.endswith(".py")):
                st = os.stat(os.path.join(folder, name))
                digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def key(graph_text: str, name: str, n_user: int | None) -> str:
    """Everything the object code depends on besides the graph: versions, target, threads."""
    import llvmlite
    import llvmlite.binding as llvm

    from codegen import engine
    from codegen.parallel import thread_count

    from .. import __version__

    parts = [__version__, compiler_fingerprint(), sys.version, sys.abiflags, llvmlite.__version__, np.__version__, engine.target_triple(), engine.host_cpu(),
             llvm.get_host_cpu_features().flatten(), str(thread_count()), name, str(n_user), graph_text]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _read_regular_file(path: str) -> bytes | None:
    """The bytes of a regular file; None for anything else (FIFO, device, directory, symlink) or on errors.
    O_NONBLOCK: opening a FIFO that appeared after the check must not wait for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def load(digest: str, name: str) -> tuple[dict, bytes] | None:
    """The metadata and object code stored under digest for entry `name`, or None (missing, damaged,
    unreadable, not a regular file, or an entry written for another key or entry name)."""
    blob = _read_regular_file(os.path.join(directory(), digest[:2], digest))
    if blob is None:
        return None
    if len(blob) < len(MAGIC) + 4 + 32 or not blob.startswith(MAGIC):
        return None
    body, checksum = blob[:-32], blob[-32:]
    if hashlib.sha256(body).digest() != checksum:
        return None
    (meta_len,) = struct.unpack_from("<I", body, len(MAGIC))
    start = len(MAGIC) + 4
    try:
        meta = json.loads(body[start:start + meta_len].decode())
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("key") != digest or meta.get("entry") != name:
        return None
    return meta, body[start + meta_len:]


def store(digest: str, name: str, meta: dict, object_code: bytes) -> None:
    """Write an entry atomically (replacing whatever is at its path); failures (read-only home, full disk, a
    directory in the way) only cost the cache."""
    folder = os.path.join(directory(), digest[:2])
    meta_bytes = json.dumps({**meta, "key": digest, "entry": name}, sort_keys=True).encode()
    body = MAGIC + struct.pack("<I", len(meta_bytes)) + meta_bytes + object_code
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(body + hashlib.sha256(body).digest())
        os.replace(tmp, os.path.join(folder, digest))
    except OSError:
        pass
