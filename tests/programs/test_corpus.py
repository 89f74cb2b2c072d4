"""Every corpus program through `jitc.compile(fn, fallback="error")` against eager NumPy: float32 and float64,
two sizes, the first (compiling) and the cached call, return values and every argument after the call.

KNOWN_FAILING is the one table of programs that are not native yet. Each entry says how it fails:
`refused` (jitc raises a JitcError: the honest "not yet"), `raw` (a non-jitc exception escapes: a bug) or
`wrong` (runs and gives a wrong answer: a bug, listed in /work/wt/FINDINGS.md). Entries are strict xfails
that only accept their own kind of failure: a program that starts passing, or fails differently, fails the run.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import jitc

from . import harness
from .harness import DTYPES, SIZES, RawError, WrongResult, names, run


def refused(reason: str, **only):
    return (jitc.JitcError, reason, only)


def raw(reason: str, **only):
    return (RawError, "RAW ERROR (bug): " + reason, only)


def wrong(reason: str, **only):
    return (WrongResult, "WRONG RESULT (bug): " + reason, only)


KNOWN_FAILING: dict[str, tuple] = {
    "histogram_bincount": refused("np.bincount is not supported: its length is max(x) + 1 or minlength, a length "
                                  "the data sets (np.searchsorted is missing too)"),
    "monte_carlo": refused("a dict literal (the returned results) is not supported in scripted code, nor a dict "
                           "output in traces"),
    "nussinov": refused("table[i + 2:j + 1, j] would clamp at the end only when the j loop is empty: the symbols "
                        "cannot tell, and the loops are too big to unroll"),
    "pca_power": refused("assigning attributes on self (self.mean_ = ..., scikit-learn style fit) is not supported "
                         "in scripted code"),
}


def expected_failure(table: dict, name: str, dtype_name: str, n: int):
    """The table's (exception, reason, only) for one case, or None when the case must pass. `only` narrows an
    entry to some dtypes=(...) and/or sizes=(...)."""
    known = table.get(name)
    if known is None:
        return None
    only = known[2]
    if "dtypes" in only and dtype_name not in only["dtypes"] or "sizes" in only and n not in only["sizes"]:
        return None
    return known


def _cases():
    for name in names():
        for dtype in DTYPES:
            for n in SIZES:
                known = expected_failure(KNOWN_FAILING, name, np.dtype(dtype).name, n)
                marks = [] if known is None else [pytest.mark.xfail(raises=known[0], strict=True, reason=known[1])]
                yield pytest.param(name, dtype, n, marks=marks, id=f"{name}-{np.dtype(dtype).name}-{n}")


@pytest.mark.parametrize(("name", "dtype", "n"), list(_cases()))
def test_program_matches_numpy(name, dtype, n):
    run(name, dtype, n)


def test_table_names_real_programs():
    assert set(KNOWN_FAILING) <= set(names()), sorted(set(KNOWN_FAILING) - set(names()))


def test_corpus_size():
    assert len(names()) >= 60


def _eager_on_copies(fn, fallback):
    """A stand-in for jitc.compile that computes the right values but loses every in-place update."""
    return lambda *args: copy.deepcopy(fn)(*copy.deepcopy(args))


def test_harness_catches_a_lost_update(monkeypatch):
    monkeypatch.setattr(harness.jitc, "compile", _eager_on_copies)
    with pytest.raises(WrongResult, match="argument 1 after the call"):
        run("jacobi_2d", np.float64, 8)


def test_harness_catches_a_returned_copy_of_an_argument(monkeypatch):
    def compile_returning_copies(fn, fallback):
        return lambda *args: fn(*args).copy()

    monkeypatch.setattr(harness.jitc, "compile", compile_returning_copies)
    with pytest.raises(WrongResult, match="returns argument 0 itself"):
        run("heat_1d", np.float32, 8)


def test_harness_catches_a_returned_copy_of_a_view(monkeypatch):
    def compile_returning_copies(fn, fallback):
        return lambda *args: tuple(a.copy() for a in fn(*args))

    monkeypatch.setattr(harness.jitc, "compile", compile_returning_copies)
    with pytest.raises(WrongResult, match="view of argument 0"):
        run("return_view", np.float64, 8)


def test_harness_catches_a_lost_object_state_update(monkeypatch):
    monkeypatch.setattr(harness.jitc, "compile", _eager_on_copies)
    with pytest.raises(WrongResult, match="object state"):
        run("batchnorm_train", np.float32, 8)


def test_harness_reports_raw_errors(monkeypatch):
    def compile_raising(fn, fallback):
        def call(*args):
            raise TypeError("'Proxy' object does not support item assignment")
        return call

    monkeypatch.setattr(harness.jitc, "compile", compile_raising)
    with pytest.raises(RawError, match="TypeError"):
        run("gemm", np.float32, 8)


@pytest.mark.parametrize(("ref", "got", "match"), [
    (np.ones(3), np.ones(3, np.float32), "float32"),
    (np.ones(3), np.ones(4), r"\[4\]"),
    (np.arange(3.0), np.array([0.0, 1.0, 2.1]), "1 of 3 values differ"),
    ((np.ones(2), 1.0), (np.ones(2), 1.5), "got 1.5"),
    (None, np.ones(2), "expected None"),
])
def test_compare_rejects_differences(ref, got, match):
    with pytest.raises(WrongResult, match=match):
        harness.compare(ref, got, (1e-6, 1e-9), "x")
