"""Shared fixtures: seeded randomness so every run sees the same weights and inputs."""
from __future__ import annotations

import numpy as np
import pytest
from trace_helpers import cell_inputs, gated_cell, trace_quietly

from jitc import nn


@pytest.fixture(autouse=True, scope="session")
def _private_disk_cache(tmp_path_factory):
    """The suite compiles into its own object cache: it never reads or writes the user's ~/.cache/jitc."""
    import os

    saved = os.environ.get("JITC_CACHE_DIR")
    os.environ["JITC_CACHE_DIR"] = str(tmp_path_factory.mktemp("jitc-cache"))
    yield
    if saved is None:
        os.environ.pop("JITC_CACHE_DIR", None)
    else:
        os.environ["JITC_CACHE_DIR"] = saved


@pytest.fixture(autouse=True)
def _o3_for_the_decomposition_tables(request, monkeypatch):
    """Small graphs get LLVM's light pipeline (codegen/tiers.py): the OpInfo-style decomposition tables compile
    theirs with O3 instead, so both pipelines meet every op on small inputs (test_ops.py keeps the default)."""
    if request.node.path.name.startswith("test_decomp_"):
        monkeypatch.setenv("JITC_LLVM_PIPELINE", "O3")


@pytest.fixture(autouse=True)
def _seed_layers():
    """New layers draw their initial weights from a fixed seed in every test."""
    nn.manual_seed(0)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def traced_cell(rng):
    """The tracing tests' gated cell (tests/trace_helpers.py), its trace and the inputs it was traced with."""
    cell = gated_cell()
    x, h = cell_inputs(rng)
    return cell, trace_quietly(cell, (x, h)), (x, h)


@pytest.fixture
def interpreter_only(monkeypatch):
    """Calls of traced functions/modules run on the reference interpreter instead of native code: frontend tests
    check the graphs, the backend's own tests check the compiled code."""
    monkeypatch.setenv("JITC_DISABLE", "1")


def pytest_addoption(parser):
    """Differential fuzzing (tests/test_fuzz.py): how many random programs, from which seed."""
    parser.addoption("--fuzz-cases", type=int, default=200, help="number of fuzzed programs (tests/test_fuzz.py)")
    parser.addoption("--fuzz-seed", type=int, default=0, help="seed of the first fuzzed program")
