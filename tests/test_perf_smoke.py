"""`python -m perf --quick` runs end to end and every contender that ran agrees with NumPy. Timings are never
asserted: they depend on the machine and its load."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = {"cell", "tanh_add", "tanh_scaled", "sin", "jacobi_2d", "lu", "softmax", "layernorm", "row_max", "full_max",
             "matvec", "matvec_small", "mlp", "attention", "linear_tanh", "first_call",
             "np_argmax", "np_concatenate", "np_cumsum", "np_dot", "np_einsum", "np_outer"}


def test_quick_run_writes_every_workload(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "perf", "--quick", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = json.loads((tmp_path / "results.json").read_text())
    assert {w["name"] for w in run["workloads"]} == WORKLOADS
    for w in run["workloads"]:
        assert w["results"]["numpy"]["status"] == "ok", (w["name"], w["results"]["numpy"])
        jitc_row = w["results"]["jitc"]
        assert jitc_row["status"] == "ok", (w["name"], jitc_row)
    assert (tmp_path / "results.csv").read_text().startswith("workload,size,contender,status")
