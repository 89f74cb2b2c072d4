"""No stale results: a changed function source, global, module parameter or attribute never returns what the old
one computed, in memory or through the on-disk object cache; two functions never share a disk entry; a damaged
cache file is ignored. What is frozen when is written down in docs/TRUST.md."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from fuzz.oracle import load_module

import jitc
from jitc import nn
from jitc.runtime import disk_cache


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JITC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("JITC_CACHE", raising=False)


def write_module(folder: Path, name: str, source: str):
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return load_module(path, name)


def cache_entries(tmp_path) -> list[Path]:
    root = tmp_path / "cache"
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".tmp")) if root.exists() else []


X = np.arange(6, dtype=np.float32).reshape(2, 3)


# ---- function source

def test_redefined_function_in_a_new_module_file(tmp_path) -> None:
    """Same function name, same signature, new body (a new module file each time): never the old result."""
    bodies = ["x * 2.0", "x * 3.0", "np.tanh(x) + 1.0", "x * 0.1", "x * 0.10000000000000002"]
    for i, body in enumerate(bodies):
        mod = write_module(tmp_path, f"redef_{i}", f"import numpy as np\n\n\ndef step(x):\n    return {body}\n")
        x = X.astype(np.float64)
        for front in (jitc.compile, jitc.script):
            np.testing.assert_allclose(front(mod.step)(x), mod.step(x), rtol=4e-16, atol=0)


def test_same_module_file_rewritten(tmp_path) -> None:
    """The file itself is rewritten and re-imported under the same name (an edit-and-reload loop)."""
    for scale in (2.0, 5.0, 2.0):
        mod = write_module(tmp_path, "edited", f"def step(x):\n    return x * {scale}\n")
        np.testing.assert_array_equal(jitc.compile(mod.step)(X), X * np.float32(scale))


def test_constants_that_print_alike_do_not_collide_on_disk(tmp_path) -> None:
    """Float constants one ulp apart give different graph text, so different disk entries."""
    mod = write_module(tmp_path, "ulps", """
        def a(x):
            return x * 0.1


        def b(x):
            return x * 0.10000000000000002


        def c(x):
            return x * 1e-300


        def d(x):
            return x * 1.0000000000000002e-300
        """)
    x = np.ones(4)
    for name in "abcd":
        fn = getattr(mod, name)
        np.testing.assert_array_equal(jitc.compile(fn)(x), fn(x))


# ---- globals: read when the function is scripted (frozen)

def test_globals_are_frozen_at_script_time_and_redecorating_picks_up_changes(tmp_path) -> None:
    mod = write_module(tmp_path, "with_global", """
        SCALE = 2.0


        def step(x):
            return x * SCALE
        """)
    first = jitc.compile(mod.step)
    np.testing.assert_array_equal(first(X), X * 2)
    mod.SCALE = 3.0
    np.testing.assert_array_equal(first(X), X * 2)  # frozen: documented in docs/TRUST.md
    second = jitc.compile(mod.step)  # re-decorating reads the global again
    np.testing.assert_array_equal(second(X), X * 3)
    np.testing.assert_array_equal(first(X), X * 2)  # and the disk cache does not mix the two up


# ---- module parameters and attributes

class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 3)
        self.scale = 2.0

    def forward(self, x):
        return self.linear(x) * self.scale


def expected(m: Affine, sm, x) -> np.ndarray:
    lin = sm.linear
    return (x @ np.asarray(lin.weight).T + np.asarray(lin.bias)) * sm.scale


def test_parameter_edited_in_place_after_compile() -> None:
    model = Affine()
    sm = jitc.script(model)
    np.testing.assert_allclose(sm(X), expected(model, sm, X), rtol=1e-6)
    sm(X)  # the fast path is installed
    sm.linear.weight[...] *= -3  # in place, through the ScriptModule
    np.testing.assert_allclose(sm(X), expected(model, sm, X), rtol=1e-6)
    model.linear.bias[...] = 7  # in place, through the original module (shared arrays)
    np.testing.assert_allclose(sm(X), expected(model, sm, X), rtol=1e-6)


def test_parameter_reassigned_after_compile() -> None:
    model = Affine()
    sm = jitc.script(model)
    sm(X), sm(X)
    sm.linear.weight = np.full((3, 3), 0.5, np.float32)
    np.testing.assert_allclose(sm(X), expected(model, sm, X), rtol=1e-6)
    sm.linear.bias = np.zeros(3, np.float32)
    np.testing.assert_allclose(sm(X), expected(model, sm, X), rtol=1e-6)
    compiled = jitc.compile(model)  # the @jitc.compile front door of a module
    compiled(X), compiled(X)
    compiled.script_module.linear.weight = np.eye(3, dtype=np.float32)
    np.testing.assert_allclose(compiled(X), expected(model, compiled.script_module, X), rtol=1e-6)


@pytest.mark.parametrize("called_first", [False, True])
def test_module_attribute_assignment_is_not_silently_ignored(called_first) -> None:
    model = Affine()
    sm = jitc.script(model)
    if called_first:
        sm(X)
    try:
        sm.scale = 3.0
    except jitc.JitcError:
        return  # refusing loudly is fine too
    np.testing.assert_allclose(sm(X), expected(model, sm, X), rtol=1e-6)


def test_module_attributes_are_frozen_at_script_time() -> None:
    """Non-array attributes of the original module are read when it is scripted (like globals); scripting again
    picks up a new value. Parameters (arrays) are not frozen: see the tests above."""
    model = Affine()
    sm = jitc.script(model)
    model.scale = 3.0
    np.testing.assert_allclose(sm(X), expected(model, sm, X), rtol=1e-6)  # sm.scale is still 2.0
    assert sm.scale == 2.0
    sm2 = jitc.script(model)
    assert sm2.scale == 3.0
    np.testing.assert_allclose(sm2(X), expected(model, sm2, X), rtol=1e-6)


# ---- the on-disk cache

def test_two_functions_never_share_an_entry(tmp_path) -> None:
    mod = write_module(tmp_path, "pair", """
        import numpy as np


        def f(x):
            return np.tanh(x) * 2.0


        def g(x):
            return np.tanh(x) * 3.0
        """)
    jitc.compile(mod.f)(X)
    assert len(cache_entries(tmp_path)) == 1
    jitc.compile(mod.g)(X)
    entries = cache_entries(tmp_path)
    assert len(entries) == 2 and entries[0].name != entries[1].name
    jitc.compile(mod.f)(X)  # a hit: no third entry
    assert len(cache_entries(tmp_path)) == 2
    np.testing.assert_allclose(jitc.compile(mod.g)(X), mod.g(X), rtol=2e-6)


def test_disk_hit_in_a_fresh_process_gives_the_right_function(tmp_path) -> None:
    """Process 1 fills the cache with f and g; process 2 runs them from disk (no LLVM) and checks both."""
    write_module(tmp_path, "procpair", """
        import numpy as np


        def f(x):
            return x * 2.0 + 1.0


        def g(x):
            return x * 2.0 - 1.0
        """)
    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        import jitc
        sys.path.insert(0, {str(tmp_path)!r})
        import procpair
        x = np.arange(5.0)
        for fn in (procpair.f, procpair.g):
            c = jitc.compile(fn)
            assert np.array_equal(c(x), fn(x)), fn.__name__
        print("ok")
        """)
    env = dict(os.environ, JITC_CACHE_DIR=str(tmp_path / "cache"))
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                              check=False)
        assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
    assert len(cache_entries(tmp_path)) == 2


@pytest.mark.parametrize("damage", ["flip_byte", "truncate", "garbage", "empty", "valid_checksum_bad_meta"])
def test_corrupted_cache_file_is_ignored(tmp_path, damage) -> None:
    mod = write_module(tmp_path, f"damaged_{damage}", "import numpy as np\n\n\ndef f(x):\n    return np.exp(x) - 1.0\n")
    want = mod.f(X)
    jitc.compile(mod.f)(X)
    (entry,) = cache_entries(tmp_path)
    blob = bytearray(entry.read_bytes())
    if damage == "flip_byte":
        blob[len(blob) // 2] ^= 0xFF
    elif damage == "truncate":
        blob = blob[: len(blob) // 3]
    elif damage == "garbage":
        blob = bytearray(os.urandom(len(blob)))
    elif damage == "empty":
        blob = bytearray()
    else:  # a well-formed, checksummed entry whose metadata is not JSON
        import hashlib
        import struct

        body = disk_cache.MAGIC + struct.pack("<I", 3) + b"{{{" + b"\x00" * 64
        blob = bytearray(body + hashlib.sha256(body).digest())
    entry.write_bytes(bytes(blob))
    np.testing.assert_allclose(jitc.compile(mod.f)(X), want, rtol=2e-6)  # recompiled, not crashed
    assert disk_cache.load(entry.name) is not None  # and the entry was rewritten
    np.testing.assert_allclose(jitc.compile(mod.f)(X), want, rtol=2e-6)


# ---- debugging code that came from the disk cache

def test_debug_output_and_inspection_for_code_from_the_disk_cache(tmp_path, monkeypatch, capsys) -> None:
    """JITC_DEBUG=5, inspect_llvm and inspect_asm show the code even when the object code was loaded from disk."""
    source = "import numpy as np\n\n\ndef step(x):\n    return np.tanh(x) * 2.0\n"
    jitc.compile(write_module(tmp_path, "cached_debug", source).step)(X)
    assert cache_entries(tmp_path), "the first compile did not store object code"
    capsys.readouterr()
    monkeypatch.setenv("JITC_DEBUG", "5")
    fn = jitc.compile(write_module(tmp_path, "cached_debug", source).step)
    np.testing.assert_allclose(fn(X), np.tanh(X) * 2.0, rtol=1e-6)
    assert "disk_cache" in fn.cache_info()[0]["stages"], "the second compile did not come from the disk cache"
    err = capsys.readouterr().err
    for title in ("LLVM IR (regenerated", "optimized LLVM IR (regenerated", "assembly (regenerated"):
        assert title in err
    assert "define" in err.split("optimized LLVM IR (regenerated")[1] and "ret" in err.split("assembly (regen")[1]
    assert "define" in fn.inspect_llvm(X) and "ret" in fn.inspect_asm(X)
