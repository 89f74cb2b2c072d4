"""Fork safety: a child forked while another thread compiles, or runs a large call on the thread pool, compiles
and runs large (parallel) calls correctly: locks and the pool are reset in the child (os.register_at_fork)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not os.path.isdir("/proc/self/task"),
                                reason="needs fork and /proc")


@pytest.mark.parametrize("busy", ["compile", "run"])
def test_child_forked_while_another_thread_works_is_healthy(busy):
    env = dict(os.environ, JITC_NUM_THREADS="2", PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("fork_check.py")), busy, "4"], env=env,
                          capture_output=True, text=True, timeout=240, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "failures 0" in proc.stdout
