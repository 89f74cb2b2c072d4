"""Fuzzes jitc.load on one saved file; run as a subprocess by test_serialization.py so a crash or hang fails it.

usage: serialization_fuzz.py FILE SEED EDITS STRUCTURED
- every truncation (all prefixes up to 4 KiB, a sample beyond) and EDITS random byte edits must raise LoadError;
- STRUCTURED header mutations with a recomputed checksum (so validation behind the checksum runs) must raise
  LoadError or load; nothing may raise any other exception.
Prints a JSON summary on success; exits 1 with the offending case otherwise.
"""
import json
import os
import random
import struct
import sys
import tempfile
from pathlib import Path

import jitc
from jitc.serialization.layout import pack

POOL = [None, True, 0, -1, 1, 63, 64, 2**40, 2**64, -(2**63) - 1, 1.5, "", "x", "<f4", "|O", "%x", [], {}, [0], [[]],
        {"dtype": "<f4"}, "graph(", "prim::GetAttr", ["int", 1], ["none"]]


def load_must_fail(path: Path, data: bytes, what: str, may_load: bool = False) -> bool:
    path.write_bytes(data)
    try:
        jitc.load(path)
    except jitc.LoadError:
        return False
    except Exception as e:  # anything else is a bug: say which case, and let the traceback end the run
        e.add_note(f"while loading: {what}")
        raise
    if not may_load:
        print(f"{what}: loaded without error", file=sys.stderr)
        sys.exit(1)
    return True


def edit(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    op = rng.randrange(5)
    i = rng.randrange(len(b))
    if op == 0:
        b[i] ^= 1 << rng.randrange(8)
    elif op == 1:
        b[i] = (b[i] + rng.randrange(1, 256)) % 256
    elif op == 2:
        b.insert(i, rng.randrange(256))
    elif op == 3:
        del b[i:i + rng.randrange(1, 9)]
    else:
        b += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 70)))
    return bytes(b)


def slots(obj, out: list) -> list:
    """Every (container, key) in a JSON tree, so one can be overwritten."""
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        out.append((obj, k))
        slots(v, out)
    return out


def mutate_header(rng: random.Random, header: dict) -> None:
    container, key = rng.choice(slots(header, []))
    value = container[key]
    if isinstance(value, str) and len(value) > 20 and rng.random() < 0.7:  # IR text: small textual edits
        i = rng.randrange(len(value))
        container[key] = value[:i] + rng.choice(["", "%", "(", ")", "\n", " ", "x", "0", "::", "#"]) + value[i + 1:]
    elif isinstance(container, dict) and rng.random() < 0.1:
        container[rng.choice(["extra", "nbytes", "ir"])] = rng.choice(POOL)
    else:
        container[key] = rng.choice(POOL)


def main() -> None:
    src, seed, edits, structured = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    data = src.read_bytes()
    rng = random.Random(seed)
    shm = Path("/dev/shm")  # thousands of small writes: memory-backed when available, /tmp can be slow
    tmp = tempfile.TemporaryDirectory(dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None)
    work = Path(tmp.name) / "fuzz.jitc"
    cuts = list(range(min(len(data), 4096)))
    cuts += sorted(rng.sample(range(4096, len(data)), min(300, max(0, len(data) - 4096))))
    for n in cuts:
        load_must_fail(work, data[:n], f"truncation to {n} bytes")
    for k in range(edits):
        load_must_fail(work, edit(rng, data), f"edit {k} (seed {seed})")
    hlen = struct.unpack_from("<Q", data, 12)[0]
    start = -(-(20 + hlen) // 64) * 64
    loaded = 0
    for k in range(structured):
        header = json.loads(data[20:20 + hlen])
        mutate_header(rng, header)
        text = json.dumps(header, sort_keys=True).encode()
        loaded += load_must_fail(work, pack(text, data[start:-32]), f"structured {k} (seed {seed})", may_load=True)
    tmp.cleanup()
    print(json.dumps({"truncations": len(cuts), "edits": edits, "structured": structured, "loaded": loaded}))


if __name__ == "__main__":
    main()
