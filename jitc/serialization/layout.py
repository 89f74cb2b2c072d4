"""The saved-file frame (magic, version, header length, 64-aligned data, SHA-256) and the format's limits."""
from __future__ import annotations

import hashlib
import io
import re
import reprlib
import struct

import numpy as np

MAGIC = b"JITC\x00MDL"
VERSION = 1
MAX_HEADER = 16 << 20
MAX_TENSORS = 100_000
MAX_RANK = 32
MAX_DIM = 1 << 40
MAX_DEPTH = 64  # module tree and nested tuple constants
MAX_NAME = 256
ALIGN = 64
PREFIX = struct.Struct("<8sIQ")  # magic, version, header length
DIGEST = 32
CHUNK = 1 << 20
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
INT_RANGE = (-(1 << 63), (1 << 64) - 1)
DTYPES = {np.dtype(t).newbyteorder("<").str: np.dtype(t).newbyteorder("<") for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64)}


def write_frame(f, header: bytes, parts: list) -> None:
    """Stream the frame, the header and the data parts (each padded to 64 bytes) and the checksum: no copies."""
    head = PREFIX.pack(MAGIC, VERSION, len(header)) + header
    digest = hashlib.sha256()
    for chunk in [head + bytes(-len(head) % ALIGN), *(b for p in parts for b in (p, bytes(-len(p) % ALIGN)))]:
        digest.update(chunk)
        f.write(chunk)
    f.write(digest.digest())


def pack(header: bytes, data: bytes) -> bytes:
    """The file bytes for an encoded header and a data section (the tests use this to craft files)."""
    buf = io.BytesIO()
    write_frame(buf, header, [data] if data else [])
    return buf.getvalue()


def check_name(name, pattern: re.Pattern, what: str, error: type[Exception]) -> str:
    if not isinstance(name, str) or len(name) > MAX_NAME or not pattern.fullmatch(name):
        kind = "an identifier" if pattern is IDENT else "an identifier or digits"
        raise error(f"{what} must be {kind} of at most {MAX_NAME} ASCII characters, got {reprlib.repr(name)}")
    return name

