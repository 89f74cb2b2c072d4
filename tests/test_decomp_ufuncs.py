"""Elementwise decompositions (np.angle) and complex samples of the reductions and products written over the
primitives (norm, var, vdot, dot, mean): eager == traced == scripted == compiled (decomp_check.check)."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

C64, C128, F32, F64, I32 = np.complex64, np.complex128, np.float32, np.float64, np.int32

COMPLEX = [(signed((3, 4), C64),), (signed((3, 4), C128),), (noncontig((3, 4), C64),)]

SAMPLES = (
    samples(["np.angle(x)", "np.angle(x, deg=True)", "np.angle(x * 1j + 1)"], *COMPLEX, (signed((3, 4), F32),),
            (signed((3, 4), I32),))
    + samples(["np.linalg.norm(x)", "np.linalg.norm(x, axis=1)", "np.linalg.norm(x, 'fro')", "np.var(x)",
               "x.std(axis=0, ddof=1)", "np.vdot(x, x)", "np.dot(x, x.T)", "x.mean(axis=-1)", "np.sum(x, axis=0)",
               "np.real(x).var()", "np.abs(x).max()"], *COMPLEX)
    + samples(["np.vdot(x, y)", "np.outer(x, y)", "np.inner(x, y)"], (signed(4, C128), signed(4, F64)),
              (signed(4, F32), signed(4, C64)))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("decomp_ufuncs"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_sample(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])
