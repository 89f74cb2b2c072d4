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
    "adam_step": refused("[values] defaults (lr, beta1, ...) ignored: expects 9 arguments; [mutation] m *= b"),
    "attention_step": refused("[mathops] .swapaxes, np.triu, np.full; [values] math.sqrt of x.shape[-1]"),
    "back_substitution": refused("[mutation] x[i] = v (tracing refuses it: np.zeros is a constant)"),
    "batchnorm_train": refused("[values] bound method of a plain class; [mutation] self.running_mean *= m"),
    "box_blur": refused("[values] img.shape unpack, .dtype; [mutation] padded[1:-1, 1:-1] = img"),
    "burgers_1d": refused("[values] int nt in range(); [mutation] u[1:-1] = ..."),
    "cavity_flow": raw("[values] np.empty_like(p) with p guessed int: AttributeError 'ScalarType' (F7)"),
    "channel_flow": refused("[values] int nt in range(); [mutation] u[1:-1, 1:-1] = ..."),
    "cholesky": refused("[mutation] A[0, 0] = v"),
    "cholesky_blocked": refused("[mutation] .copy(), L[k, k] = v"),
    "conjugate_gradient": refused("[mutation] .copy(), x += alpha * p; [values] int iters"),
    "conv1d_taps": refused("[values] .dtype, w.shape[0] in range(); [mutation] xp[a:b] = x, y += ..."),
    "conv2d_valid": refused("[values] .dtype, shape unpack; [mutation] out[:, k] += ..."),
    "correlation": refused("[decomp] np.std, np.eye; [mutation] data -= mean, chained slice assignment"),
    "covariance": refused("[values] .dtype, int M; [mutation] data -= mean, chained slice assignment"),
    "cross_entropy": raw("[mutation] dx[arange, y] -= 1 under tracing: 'Proxy' object ... item assignment (F1)"),
    "diffusion_2d": refused("[values] int nt in range(); [mutation] returns None, u[1:-1, 1:-1] = ..."),
    "doitgen": refused("[values] int NR/NQ in range(); [mutation] A[r, q, :] = ..."),
    "durbin": raw("[values] np.empty_like(r) with r guessed int: AttributeError 'ScalarType' (F7)"),
    "fdtd_2d": refused("[values] int TMAX in range(); [mutation] ey[0, :] = ..., ey[1:, :] -= ..."),
    "fill_copyto": refused("[mutation] history[slot].fill(0), np.copyto, state *= decay; [values] int step % shape"),
    "floyd_warshall": refused("[mathops] np.add.outer; [mutation] path[:] = ..."),
    "floyd_warshall_loops": refused("[mutation] .copy(); [values] runtime slices d[:, k:k + 1]"),
    "forward_substitution": refused("[mutation] X[0, :] = v"),
    "game_of_life": refused("[values] int generations; [mutation] Z[...] = 0, Z[1:-1, 1:-1][mask] = 1 (int8)"),
    "gauss_seidel_solve": raw("[mutation] x[i] = v under tracing: 'Proxy' object ... item assignment (F1)"),
    "gemm": refused("[mutation] C[:] = alpha * A @ B + beta * C; [values] float args"),
    "gemver": refused("[mathops] np.outer; [mutation] A += ..., x += ...; [values] float args"),
    "gramschmidt": refused("[mathops] np.dot; [mutation] Q[:, k] = v"),
    "gru_loop": refused("[values] .dtype, shape unpack; [mutation] out[t] = h"),
    "heat_1d": refused("[values] int steps, defaults; [mutation] .copy(), u[0] = left"),
    "heat_3d": refused("[values] int TSTEPS in range(); [mutation] B[1:-1, 1:-1, 1:-1] = ..."),
    "jacobi_1d": refused("[values] int TSTEPS in range(); [mutation] B[1:-1] = ..."),
    "jacobi_2d": refused("[values] int TSTEPS in range(); [mutation] B[1:-1, 1:-1] = ..."),
    "kmeans_step": refused("[mathops] np.argmin, X[labels == k] mask read; [decomp] np.empty_like"),
    "kv_cache_attention": refused("[values] bound method, int start_pos, None; [mutation] cache_k[:B, s:s + L] = xk"),
    "laplace_converge": raw("[mutation] p[1:-1, 1:-1] = ... under tracing: 'Proxy' object ... item assignment (F1)"),
    "llama_block": refused("[values] plain classes, annotations, int start_pos; [mutation] KV cache write"),
    "llama_decoder": refused("[values] plain classes, start_pos; [mathops] emb[ids], h[:, [-1], :]; [mutation] cache"),
    "logistic_regression": refused("[mutation] losses[e] = v"),
    "lstm_loop": refused("[values] .dtype, shape unpack; [mutation] hs[t] = h"),
    "lu": refused("[mutation] A[i, j] -= v"),
    "lu_right_looking": refused("[mutation] A[k + 1:, k] /= v"),
    "ludcmp": refused("[mutation] A[i, j] -= v"),
    "mandelbrot": refused("[decomp] np.linspace; [mathops] complex numbers, masks; [mutation] N[I] = n"),
    "mvt": refused("[mutation] x1 += A @ y_1 returning None: 'cannot return a value of type NoneType'"),
    "nbody": refused("[decomp] np.hstack; [mutation] vel += ...; [values] calls of a helper, defaults"),
    "nbody_step": refused("[values] default eps ignored: 'expects 5 arguments, got 4'; [mutation] vel += ..."),
    "prefix_sum": refused("[decomp] np.empty_like; [mutation] out[i] = acc; [values] Python max() on scalars"),
    "relu_clip_inplace": refused("[mutation] x[x < 0] = 0"),
    "return_view": refused("[mutation] a[:w] = ...; returned views share memory; [values] int w as a slice bound"),
    "rnn_loop": refused("[values] .dtype, shape unpack; [decomp] np.stack of a list"),
    "rope": refused("[values] Array['...'] annotations, shape[:-1] + (-1, 2); [decomp] split, squeeze, stack"),
    "row_norms": refused("[decomp] np.empty; [mutation] norms[i] = v"),
    "seidel_2d": refused("[values] int TSTEPS, N in range(); [mutation] A[i, j] += ..."),
    "sgd_momentum": refused("[values] zip over lists of arrays; [mutation] vel[:] = ..., p -= ..."),
    "spmv_csr": refused("[values] .size, slice bounds read from an int array; [mathops] x[cols] gather"),
    "standardize_inplace": refused("[mutation] A[...] -= mu"),
    "symm": refused("[values] .dtype, shape in range(); [mutation] C *= beta, C[:i, j] += ..."),
    "syr2k": refused("[mutation] C[i, :i + 1] *= beta (augmented subscript assignment)"),
    "syrk": refused("[mutation] C[i, :i + 1] *= beta (augmented subscript assignment)"),
    "trisolv": refused("[mutation] x[i] = v"),
    "trmm": refused("[mutation] B[i, j] += ... (augmented subscript assignment)"),
    "two_mm": refused("[mutation] D[:] = alpha * A @ B @ C + beta * D"),
    "ufunc_out": refused("[mutation] np.multiply(x, a, out=work), np.abs(y, out=work)"),
    "view_update": refused("[mutation] inner = u[1:-1, 1:-1]; inner *= ... writes u via a view; [values] int sweeps"),
    "wave_1d": refused("[mutation] .copy(), u_next[1:-1] = ...; [values] float args"),
    "wave_2d": refused("[values] int steps in range(), defaults; [mutation] u_new[1:-1, 1:-1] = ..."),
    "x1_plus_ay": refused("[mutation] x1 += A @ y returning None: 'cannot return a value of type NoneType'"),
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
