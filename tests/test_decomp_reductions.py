"""Reductions and scans: the decompositions (var, std, norm, ...) and the fold kernels (prod, argmax, cumsum)."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_

FLOATS = [(signed((3, 4), F32),), (signed((3, 4), F64),), (noncontig((3, 4), F32),), (signed((2, 3, 4), F64),)]
NUMERIC = FLOATS + [(signed((3, 4), I32),), (signed((3, 4), I64),)]
ALL = NUMERIC + [(signed((3, 4), B),)]
WITH_NAN = signed((3, 4), F64)
WITH_NAN[0, 1] = WITH_NAN[2, 2] = np.nan
ALL_NAN_ROW = signed((3, 4), F32)
ALL_NAN_ROW[1] = np.nan

SVD_INPUTS = [(signed((3, 4), F32),), (signed((5, 3), F64),), (noncontig((4, 4), F64),), (signed((3, 4), I64),),
              (signed((3, 3), B) | np.eye(3, dtype=bool),), (signed((1, 5), F64),), (signed((6, 1), F32),),
              (signed((4, 3), np.complex64),), (signed((3, 3), np.complex128),)]
RANK_ONE = np.outer(signed((4,)), signed((3,)))
WITH_INF = signed((3, 3), F64)
WITH_INF[1, 2] = np.inf

LONG_NAN = signed((4, 70), F64)
LONG_NAN[1, 50] = LONG_NAN[1, 60] = LONG_NAN[3, 3] = np.nan

SAMPLES = (
    samples(["x.prod()", "np.prod(x, axis=1)", "x.prod(axis=-1, keepdims=True)", "np.any(x > 1)",
             "np.all(x > -1, axis=0)", "x.any(axis=(0, 1))", "(x > 0).all(axis=-1, keepdims=True)",
             "x.argmax()", "np.argmax(x, axis=1)", "x.argmin(axis=-1)", "np.argmin(x, axis=0, keepdims=True)",
             "np.amax(x, axis=1)", "np.amin(x)", "np.cumsum(x)", "x.cumsum(axis=1)", "np.cumprod(x, axis=-1)",
             "x.cumprod()", "np.ptp(x, axis=1)", "np.count_nonzero(x > 0.5)", "np.count_nonzero(x, axis=1)"],
            *NUMERIC)
    + samples(["np.any(x)", "x.all(axis=1)", "np.argmax(x, axis=1)", "np.cumsum(x, axis=0)", "x.prod(axis=0)",
               "np.count_nonzero(x, axis=0)", "x.sum(dtype=np.int32)"], (signed((3, 4), B),))
    + samples(["np.var(x)", "x.var(axis=1)", "np.var(x, axis=-1, ddof=1, keepdims=True)", "np.std(x)",
               "x.std(axis=0, ddof=1)", "np.std(x, axis=(0, 1))", "x.mean(axis=(0, -1))",
               "np.mean(x, axis=(0, 1), keepdims=True)", "x.sum(dtype=np.float64)", "np.sum(x, axis=1, dtype=np.float32)",
               "x.mean(dtype=np.float64)", "np.average(x, axis=1)", "np.average(x, axis=-1, weights=np.abs(x))",
               "np.linalg.norm(x)", "np.linalg.norm(x, axis=1)", "np.linalg.norm(x, ord=1, axis=-1)",
               "np.linalg.norm(x, ord=np.inf, axis=0)", "np.linalg.norm(x, ord=2, axis=1, keepdims=True)",
               "np.trace(x)", "x.trace(offset=1)", "np.diag(x)", "np.diagonal(x, 1)"], *NUMERIC[:2], NUMERIC[2],
              NUMERIC[4])
    + samples(["np.linalg.norm(x, 'fro')", "np.linalg.norm(x, 1)", "np.linalg.norm(x, np.inf)",
               "np.linalg.norm(x, ord='fro', keepdims=True)", "np.linalg.norm(x, ord=-np.inf, axis=1)"],
              (signed((3, 4), F32),), (signed((4, 3), F64),), (signed((3, 4), I64),))
    + samples(["np.linalg.norm(x)", "np.linalg.norm(x, 1)", "np.linalg.norm(x, np.inf)", "np.linalg.norm(x, 3)",
               "np.linalg.norm(x, 0)", "np.diag(x)", "np.diag(x, -1)", "x.argmax()", "np.cumsum(x)"],
              (signed((5,), F32),), (signed((6,), F64),))
    + samples(["np.linalg.norm(x, 2)", "np.linalg.norm(x, -2)", "np.linalg.norm(x, 'nuc')",
               "np.linalg.norm(x, ord=2, keepdims=True)", "np.linalg.svd(x, compute_uv=False)",
               "np.linalg.matrix_rank(x)", "np.linalg.cond(x)", "np.linalg.cond(x, -2)", "np.linalg.svdvals(x)",
               "np.linalg.matrix_norm(x, ord=2)", "np.linalg.matrix_norm(x, ord='nuc', keepdims=True)",
               "np.linalg.matrix_norm(x)", "np.linalg.vector_norm(x)", "np.linalg.vector_norm(x, axis=1, ord=1)",
               "np.linalg.vector_norm(x, axis=(1, 0), keepdims=True, ord=np.inf)"],
              *SVD_INPUTS)
    + samples(["np.linalg.vector_norm(x, axis=(0, 2))", "np.linalg.matrix_norm(x, ord=-2)",
               "np.linalg.vector_norm(x, ord=3, keepdims=True)"], (signed((3, 4, 2), F64),), (signed((2, 5, 3), F32),))
    + samples(["np.linalg.norm(x, ord=2, axis=(2, 0))", "np.linalg.norm(x, ord=-2, axis=(-1, 1), keepdims=True)",
               "np.linalg.norm(x, 'nuc', axis=(0, 1))", "np.linalg.svd(x, compute_uv=False)",
               "np.linalg.matrix_rank(x)", "np.linalg.cond(x, 2)"],
              (signed((3, 4, 2), F64),), (signed((2, 5, 3), F32),), (noncontig((2, 3, 4), F64),),
              ((signed((2, 3, 4)) + 1j * signed((2, 3, 4))).astype(np.complex128),))
    + samples(["np.linalg.norm(x, 2)", "np.linalg.norm(x, 'nuc')", "np.linalg.svd(x, compute_uv=False)",
               "np.linalg.matrix_rank(x)"], (signed((0, 3), F64),), (signed((4, 0), F32),))
    + samples(["np.linalg.norm(x, 2)", "np.linalg.svd(x, compute_uv=False)", "np.linalg.matrix_rank(x)"],
              (RANK_ONE,), (np.zeros((3, 3)),), (WITH_INF,))
    + samples(["np.linalg.cond(x)"], (np.zeros((3, 3)),), (WITH_INF,))
    + samples(["np.nansum(x)", "np.nansum(x, axis=1)", "np.nanmean(x, axis=0)", "np.nanmax(x, axis=1)",
               "np.nanmin(x)", "x.argmax(axis=1)", "np.argmin(x)", "np.max(x, axis=1)"],
              (WITH_NAN,), (ALL_NAN_ROW,), (signed((3, 4), I32),))
    + samples(["np.argmax(x)", "x.argmin(axis=-1)", "np.argmax(x, axis=1)", "x[:, ::2].argmax(axis=1)"],
              (signed((4, 70), F32),), (LONG_NAN,), (signed((4, 70), I32),), (signed((4, 70), B),))
    + samples(["x.sum()", "x.prod()", "np.cumsum(x)", "np.any(x)", "np.all(x)", "x.var()"],
              (np.asarray(signed((), F64)),), (signed((0, 3), F32),))
    + samples(["np.var(x, axis=0)", "np.cumsum(x, axis=1)", "x.prod(axis=1)"], (signed((0, 3), F64),))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("reductions"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_reduction(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])
