"""Ctrl-C stops a long compiled loop promptly with KeyboardInterrupt (NumPy stops at once too), through the
general path and the native fast path, and the function still works afterwards. A child process runs the loop;
this process sends SIGINT from outside (as a terminal does) and fails on a hang via the timeout."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from codegen.interrupt import supported

CHILD = textwrap.dedent('''
    import sys, time
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import jitc, spinmod
    fn = jitc.script(spinmod.spin)
    x = np.ones(4)
    if sys.argv[2] == "fast":
        fn(x, 10); fn(x, 10)  # compiled, fast path installed
    call = fn if sys.argv[2] == "fast" else jitc.script(spinmod.spin)
    print("ready", flush=True)
    start = time.perf_counter()
    try:
        call(x, 10**12)
        print("finished")
    except KeyboardInterrupt:
        print(f"interrupted {time.perf_counter() - start:.3f}")
    print("after", bool(np.allclose(fn(x, 3), spinmod.spin(x, 3))))
''')

MODULE = '''
def spin(x, n: int):
    for i in range(n):
        x = x * 1.0000001 + 1e-9
    return x
'''


@pytest.mark.skipif(not supported(), reason="the SIGINT chaining is implemented for Linux x86-64")
@pytest.mark.parametrize("path", ["general", "fast"])
def test_sigint_interrupts_a_long_compiled_loop(tmp_path, path) -> None:
    (tmp_path / "spinmod.py").write_text(MODULE)
    env = dict(os.environ, JITC_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # inside the loop by now (it would run for hours)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    lines = out.split()
    assert proc.returncode == 0, err[-3000:]
    assert lines[0] == "interrupted", out
    assert float(lines[1]) < 10.0, out  # prompt: the loop checks at every iteration
    assert lines[2:] == ["after", "True"], out
