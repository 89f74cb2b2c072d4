"""Dask: compiled functions and modules run on the workers of a local multi-process cluster (loopback only) and
give NumPy's results, natively (the workers' cache_info says compiled). One cluster for the module, 2 workers
of 1 thread each; every wait is bounded."""
from __future__ import annotations

import logging
import os

import numpy as np
import pytest

import jitc
from jitc import nn
from jitc.nn import functional as F

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
TIMEOUT = 120
TOL = {"rtol": 1e-5, "atol": 1e-6}


@jitc.compile
def blend(x, y):
    return np.tanh(x * 0.5 + y) * np.exp(-y * y)


def eager_blend(x, y):
    return np.tanh(x * 0.5 + y) * np.exp(-y * y)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(16, 32)
        self.out = nn.Linear(32, 4)

    def forward(self, x):
        return F.softmax(self.out(np.maximum(self.hidden(x), 0.0)), axis=-1)


def eager_classifier(m, x):
    h = np.maximum(x @ m.hidden.weight.T + m.hidden.bias, 0.0)
    z = h @ m.out.weight.T + m.out.bias
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def call_and_report(fn, *args):
    """Runs on a worker: the result, the worker's pid and what the function compiled there."""
    return fn(*args), os.getpid(), fn.cache_info()


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=logging.ERROR)
    try:
        with distributed.Client(cluster, timeout=TIMEOUT) as c:
            c.wait_for_workers(2, timeout=TIMEOUT)
            yield c
    finally:
        cluster.close(timeout=TIMEOUT)


def test_map_blocks_gives_numpys_result(client, rng):
    x = rng.standard_normal((512, 300)).astype(np.float32)
    y = rng.standard_normal((512, 300)).astype(np.float32)
    dx, dy = da.from_array(x, chunks=(128, 150)), da.from_array(y, chunks=(128, 150))
    local = jitc.compile(lambda a, b: np.sqrt(np.abs(a)) - b)  # by value: cloudpickle carries the lambda
    for fn, eager in ((blend, eager_blend), (local, lambda a, b: np.sqrt(np.abs(a)) - b)):
        got = client.compute(da.map_blocks(fn, dx, dy, dtype=np.float32)).result(timeout=TIMEOUT)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, eager(x, y), **TOL)


def test_workers_run_native_code(client, rng):
    x = rng.standard_normal((64, 33)).astype(np.float32)[:, ::2]  # non-contiguous
    y = rng.standard_normal(17).astype(np.float32)
    futures = [client.submit(call_and_report, blend, x, y, pure=False, workers=[w])
               for w in client.scheduler_info()["workers"]]
    pids = set()
    for got, pid, info in client.gather(futures, errors="raise", direct=False):
        np.testing.assert_allclose(got, eager_blend(x, y), **TOL)
        assert info and all(entry["compiled"] for entry in info)
        pids.add(pid)
    assert os.getpid() not in pids and len(pids) == 2


def test_scripted_and_compiled_models_on_dask_batches(client, rng):
    model = Classifier()
    batches = rng.standard_normal((6 * 50, 16)).astype(np.float32)
    expected = eager_classifier(model, batches)
    darr = da.from_array(batches, chunks=(50, 16))
    for compiled in (jitc.script(model), jitc.compile(model)):
        got = client.compute(darr.map_blocks(compiled, dtype=np.float32, chunks=(50, 4))).result(timeout=TIMEOUT)
        np.testing.assert_allclose(got, expected, **TOL)
        got, _, info = client.submit(call_and_report, compiled, batches[:50]).result(timeout=TIMEOUT)
        np.testing.assert_allclose(got, expected[:50], **TOL)
        assert [entry["compiled"] for entry in info] == [True]


def test_worker_threads_follow_the_cluster(client):
    """Dask's nanny gives each worker OMP_NUM_THREADS=1: jitc's kernels stay on the task's thread there."""
    from codegen.parallel import thread_count

    counts = client.run(thread_count)
    assert sorted(counts.values()) == [1, 1]
