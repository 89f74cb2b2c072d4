"""A disk-cache entry only ever runs as the code it was compiled for: entries copied over another function's
path (same arity, another arity, another function name) are ignored and rewritten, and a FIFO or a directory at
an entry's path is ignored without blocking. Each case runs in a fresh process with a timeout: the bugs these
guard against were segfaults, hangs and wrong answers."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

MODULE = '''
import numpy as np


def double(x):
    return x * 2.0 + 1.0


def halve(x):
    return x * 0.5 - 3.0


def combine(x, y):
    return np.tanh(x) * y + x


def renamed(x):
    return x * 2.0 + 1.0
'''

# Compile NAME from the module with the cache in CACHE, compare with NumPy, print "ok <entry files>".
RUNNER = '''
import os, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import jitc, tampermod
name = sys.argv[2]
fn = getattr(tampermod, name)
x = np.linspace(-2.0, 3.0, 7)
args = (x, x[::-1].copy()) if name == "combine" else (x,)
for front in (jitc.compile, jitc.script):
    compiled = front(fn)
    for _ in range(2):
        got = compiled(*args)
        assert np.allclose(got, fn(*args), rtol=1e-12, atol=0), (name, got, fn(*args))
print("ok")
'''


def run(folder: Path, cache: Path, name: str) -> None:
    env = dict(os.environ, JITC_CACHE_DIR=str(cache), JITC_CACHE="1")
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(folder), name], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", f"exit {proc.returncode}\n{proc.stderr[-3000:]}"


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if not p.is_dir() and not p.name.startswith(".tmp"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tamper")
    (path / "tampermod.py").write_text(textwrap.dedent(MODULE))
    return path


def compiled_alone(folder: Path, tmp_path: Path, name: str) -> tuple[Path, list[Path]]:
    cache = tmp_path / f"cache_{name}"
    run(folder, cache, name)
    return cache, entries(cache)


@pytest.mark.parametrize("victim,intruder", [("double", "halve"), ("double", "combine"), ("combine", "double"),
                                             ("renamed", "double")],
                         ids=["same_arity", "more_arguments", "fewer_arguments", "other_function_name"])
def test_entry_copied_over_another_is_ignored_and_rewritten(folder, tmp_path, victim, intruder) -> None:
    cache, victim_entries = compiled_alone(folder, tmp_path, victim)
    _, intruder_entries = compiled_alone(folder, tmp_path, intruder)
    for i, path in enumerate(victim_entries):  # every entry of the victim now holds an intruder's bytes
        shutil.copyfile(intruder_entries[i % len(intruder_entries)], path)
    run(folder, cache, victim)  # the victim's answer, no crash
    rewritten = [p.read_bytes() for p in entries(cache)]
    assert all(b not in {q.read_bytes() for q in intruder_entries} for b in rewritten), "entries not rewritten"
    run(folder, cache, victim)


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink_to_fifo"])
def test_non_regular_file_at_an_entry_path_is_ignored(folder, tmp_path, kind) -> None:
    cache, paths = compiled_alone(folder, tmp_path, "double")
    for path in paths:
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "directory":
            path.mkdir()
        else:
            fifo = tmp_path / f"fifo_{path.name}"
            os.mkfifo(fifo)
            path.symlink_to(fifo)
    run(folder, cache, "double")  # would hang in open() on a FIFO; the timeout fails the test
