"""The process's thread pool (codegen/threadpool.py): parallel kernels stay correct when the pool sends calls to
run alone (after workers fell behind), and workers counted as asleep are woken by the next job."""
from __future__ import annotations

import ctypes
import time

import numpy as np
import pytest

import jitc
from codegen import threadpool


@pytest.fixture(autouse=True)
def _two_threads(monkeypatch):
    monkeypatch.setenv("JITC_NUM_THREADS", "2")
    monkeypatch.setenv("JITC_CACHE", "0")


def _state() -> ctypes.Array:
    threadpool.parallel_for_address()
    address = threadpool._KEEP[0].address("jitc_pool_state")
    return (ctypes.c_uint64 * threadpool._FIELDS).from_address(address)


def _parallel_work(rng):
    """Kernels that take the pool: an elementwise group, a row kernel, a GEMM, argmax over pieces."""
    x = rng.standard_normal((512, 512)).astype(np.float32)
    w = rng.standard_normal((512, 96)).astype(np.float32)

    def work(x, w):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return np.tanh(x) * 2.0, e / e.sum(axis=-1, keepdims=True), x @ w, np.argmax(x)

    return jitc.compile(work, fallback="error"), work, (x, w)


def _check(fn, ref, args):
    for got, want in zip(fn(*args), ref(*args)):
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-4)


def test_calls_sent_to_run_alone_stay_correct():
    fn, ref, args = _parallel_work(np.random.default_rng(1))
    _check(fn, ref, args)
    state = _state()
    saved = state[threadpool.ALONE_UNTIL]
    state[threadpool.ALONE_UNTIL] = 2 ** 64 - 1  # every call from now on runs alone
    try:
        _check(fn, ref, args)
    finally:
        state[threadpool.ALONE_UNTIL] = saved
    _check(fn, ref, args)


def test_sleeping_workers_are_counted_and_woken():
    fn, ref, args = _parallel_work(np.random.default_rng(2))
    _check(fn, ref, args)
    state = _state()
    state[threadpool.ALONE_UNTIL] = 0
    deadline = time.monotonic() + 10
    while state[threadpool.SLEEPERS] == 0 and time.monotonic() < deadline:  # idle workers go to sleep
        time.sleep(0.01)
    time.sleep(0.2)  # the other idle workers follow
    asleep = state[threadpool.SLEEPERS]
    assert asleep >= 1
    x = np.random.default_rng(3).standard_normal(1 << 22).astype(np.float32)
    tanh = jitc.compile(lambda x: np.tanh(x), fallback="error")
    woke = False
    while not woke and time.monotonic() < deadline:  # a job's wake reaches the sleepers
        state[threadpool.ALONE_UNTIL] = 0  # (a loaded machine may have sent calls to run alone)
        got = tanh(x)
        woke = state[threadpool.SLEEPERS] < asleep  # read at once: an idle worker soon sleeps again
        np.testing.assert_allclose(got, np.tanh(x), rtol=2e-6, atol=1e-7)
    assert woke
