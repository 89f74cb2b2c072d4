"""Crafted `.jitc` files whose methods call themselves (directly or through each other) or nest calls too deeply
are refused by jitc.load with a LoadError before anything runs (they used to load and then die with a bare
RecursionError). Each load runs in a fresh process: the failure mode guarded against is a crash."""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

import jitc
from jitc import nn
from jitc.serialization.layout import pack


class Caller(nn.Module):
    def forward(self, x):
        return self.helper(x) + 1.0

    def helper(self, x):
        return x * 2.0


CALL = 'prim::CallMethod[name="{}"](%self, %x)'
HELPER_IR = ('graph(%self : __jitc__.Caller,\n      %x : Tensor):\n  %0 : Tensor = ' + CALL +
             '\n  %1 : float = prim::Constant[value=1.0]()\n  %2 : Tensor = aten::add(%0, %1)\n  return (%2)\n')

CHILD = '''
import sys
import numpy as np
import jitc
try:
    m = jitc.load(sys.argv[1])
except jitc.LoadError as e:
    print("LoadError", str(e)[:300])
else:
    print("loaded", m(np.ones(3, np.float32)))
'''


def header_and_data(model) -> tuple[dict, bytes]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.jitc"
        model.save(path)
        data = path.read_bytes()
    hlen = struct.unpack_from("<Q", data, 12)[0]
    return json.loads(data[20:20 + hlen]), data[-(-(20 + hlen) // 64) * 64:-32]


def load_in_child(tmp_path, header: dict, data: bytes) -> str:
    path = tmp_path / "crafted.jitc"
    path.write_bytes(pack(json.dumps(header).encode(), data))
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=120,
                          env=env, check=False)
    assert proc.returncode == 0, f"crashed (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return proc.stdout.strip()


def methods(header: dict) -> list:
    return header["root"]["methods"]


def test_unmodified_file_loads_and_runs(tmp_path) -> None:
    header, data = header_and_data(jitc.script(Caller()))
    out = load_in_child(tmp_path, header, data)
    assert out.startswith("loaded"), out


def test_forward_calling_itself_is_a_load_error(tmp_path) -> None:
    header, data = header_and_data(jitc.script(Caller()))
    forward = dict(methods(header))["forward"]
    forward["ir"] = forward["ir"].replace('name="helper"', 'name="forward"')
    out = load_in_child(tmp_path, header, data)
    assert out.startswith("LoadError") and "recursive" in out and "forward" in out, out


def test_mutual_recursion_is_a_load_error(tmp_path) -> None:
    header, data = header_and_data(jitc.script(Caller()))
    dict(methods(header))["helper"]["ir"] = HELPER_IR.format("forward")
    out = load_in_child(tmp_path, header, data)
    assert out.startswith("LoadError") and "recursive" in out, out


@pytest.mark.parametrize("depth,ok", [(40, True), (80, False)])
def test_call_chains_are_bounded(tmp_path, depth, ok) -> None:
    header, data = header_and_data(jitc.script(Caller()))
    chain = [[f"m{i}", {"ir": HELPER_IR.format(f"m{i + 1}"), "tensors": []}] for i in range(depth)]
    chain.append([f"m{depth}", dict(dict(methods(header))["helper"])])  # the end of the chain: x * 2.0
    dict(methods(header))["helper"]["ir"] = HELPER_IR.format("m0")
    methods(header).extend(chain)
    out = load_in_child(tmp_path, header, data)
    if ok:
        assert out.startswith("loaded"), out
        x = np.ones(3, np.float32)
        assert out == f"loaded {(x * 2.0 + 1.0 * (depth + 2))}", out
    else:
        assert out.startswith("LoadError") and "deeper than" in out, out
