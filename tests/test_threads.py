"""How many threads a parallel kernel may use: JITC_NUM_THREADS, else OMP_NUM_THREADS, else the affinity mask
shared among a Dask worker's threads; the disk cache keys on it (the count is compiled into the code)."""
from __future__ import annotations

import os
import sys
import types

import pytest

from codegen import parallel
from jitc.runtime import disk_cache

CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("JITC_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delitem(sys.modules, "distributed", raising=False)
    return monkeypatch


def fake_worker(monkeypatch, nthreads):
    """A `distributed` whose get_worker() finds a worker with nthreads (None: not inside a task)."""
    def get_worker():
        if nthreads is None:
            raise ValueError("No worker found")
        return types.SimpleNamespace(state=types.SimpleNamespace(nthreads=nthreads))

    monkeypatch.setitem(sys.modules, "distributed", types.SimpleNamespace(get_worker=get_worker))


def test_affinity_mask_by_default(clean_env):
    assert parallel.thread_count() == CPUS


def test_explicit_settings_win(clean_env):
    clean_env.setenv("OMP_NUM_THREADS", "3")
    assert parallel.thread_count() == 3
    clean_env.setenv("JITC_NUM_THREADS", "5")
    assert parallel.thread_count() == 5
    clean_env.setenv("JITC_NUM_THREADS", "0")  # never fewer than one
    assert parallel.thread_count() == 1
    clean_env.setenv("JITC_NUM_THREADS", "many")  # unreadable: the next rule decides
    assert parallel.thread_count() == 3


@pytest.mark.parametrize("nthreads", [None, 1, 2, 10 * CPUS])
def test_dask_worker_shares_its_cpus_among_its_threads(clean_env, nthreads):
    fake_worker(clean_env, nthreads)
    assert parallel.thread_count() == max(1, CPUS // (nthreads or 1))


def test_thread_count_is_part_of_the_cache_key(clean_env):
    clean_env.setenv("JITC_NUM_THREADS", "1")
    one = disk_cache.key("graph()", "f", 1)
    clean_env.setenv("JITC_NUM_THREADS", "2")
    assert disk_cache.key("graph()", "f", 1) != one
