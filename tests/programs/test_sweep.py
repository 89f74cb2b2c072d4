"""Every corpus program compiled once and called at several sizes (automatic dynamic shapes, tests/programs/
sweep.py): results and arguments equal NumPy's at every size. The stencils, solvers and products below must
also get by with at most two specializations (the first size, then one symbolic one)."""
from __future__ import annotations

import pytest

from .harness import names
from .sweep import sweep

AT_MOST_TWO = ("gemm", "jacobi_2d", "heat_1d", "lu", "cholesky", "trisolv", "softmax_rows", "atax", "gemver",
               "conv2d_valid", "lstm_loop", "gru_loop", "durbin", "gramschmidt", "seidel_2d", "power_iteration")


@pytest.mark.parametrize("name", names())
def test_sweep_matches_numpy(name):
    count = sweep(name)
    if name in AT_MOST_TWO:
        assert count is not None and count <= 2, f"{name}: {count} specializations over the sweep"
