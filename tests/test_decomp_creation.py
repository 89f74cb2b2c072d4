"""Creation: empty/full/arange/linspace/eye/tri/triu/meshgrid/np.array over zeros, arange and elementwise ops."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

import jitc

F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_

SAMPLES = (
    samples(["np.where(True, x, np.empty((3, 4)))", "np.where(True, x, np.empty((3, 4), np.float32))",
             "np.where(True, x, np.empty_like(x))",
             "np.full((3, 4), 2.5) + x", "np.full((3, 4), 7, dtype=np.int32) + x", "np.full((2, 3, 4), True)",
             "np.full_like(x, 3)", "np.full_like(x, 1.5, dtype=np.float64)", "np.zeros((3, 4), dtype=np.int32) + x",
             "np.ones((3, 4), dtype=np.bool_) & (x > 0)", "np.arange(12).reshape(3, 4) + x",
             "np.arange(2, 14, 3) + x[0, 0]", "np.arange(0.5, 4.0, 0.5, dtype=np.float32) * x[0, 0]",
             "np.arange(4, dtype=np.int32) * x", "np.linspace(0, 1, 4) * x", "np.linspace(-2, 3, 4, dtype=np.float32) * x",
             "np.linspace(0, 1, 4, endpoint=False) + x", "np.eye(3, 4) * x", "np.eye(3, 4, k=1, dtype=np.int32) + x",
             "np.identity(4) @ x.T", "np.tri(3, 4) * x", "np.tri(3, 4, -1, dtype=np.int64) + x", "np.triu(x)",
             "np.triu(x, 1)", "np.tril(x, -1)", "np.tril(x)"],
            (signed((3, 4), F32),), (signed((3, 4), F64),), (signed((3, 4), I32),), (noncontig((3, 4), F64),))
    + samples(["np.triu(x)", "np.tril(x, 1)"], (signed((2, 3, 3), F64),), (signed((3, 4), B),))
    + samples(["np.meshgrid(x, y)", "np.meshgrid(x, y, indexing='ij')", "np.meshgrid(x, y, sparse=True)"],
              (signed((3,), F64), signed((4,), F64)), (signed((2,), I32), signed((5,), I32)))
    + samples(["np.meshgrid(x, y, z)", "np.meshgrid(x, y, z, indexing='ij')"],
              (signed((2,), F32), signed((3,), F32), signed((4,), F32)))
    + samples(["np.mgrid[0:3, 0:4] + x", "np.ogrid[0:3, 0:4][1] + x"], (signed((3, 4), F64),))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("creation"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_creation(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])


def grid_walk(lo, hi, n, steps):
    """np.linspace over float and int arguments in a function with a loop (so it is scripted, not traced)."""
    x = np.linspace(lo, hi, n)
    y = np.linspace(0, n, n + 1, endpoint=False)
    for _ in range(steps):
        x = x * 0.5 + 1.0
    return x[:, None] + y


def test_linspace_of_scalar_arguments_in_scripted_code():
    cf = jitc.compile(grid_walk, fallback="error")
    for args in ((-1.25, 2.5, 5, 3), (0.0, 1.0, 2, 1), (3, -4, 6, 2), (1.5, 1.5, 1, 0)):
        got, want = cf(*args), grid_walk(*args)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bounds", [(np.float64(-1.25), np.float64(2.5)), (np.float32(0.25), 1.5),
                                    (np.array(0.5), np.array(-3.0)), (np.int64(1), 4),
                                    (np.array(np.float32(0.3)), np.float32(0.9))], ids=str)
def test_linspace_of_numpy_scalar_bounds(bounds):
    """Bounds computed with NumPy are NumPy scalars or 0-d arrays (were refused as array bounds); float32 ones
    compute in float32, as NumPy does."""
    cf = jitc.compile(grid_walk, fallback="error")
    for n in (1, 2, 7):
        got, want = cf(*bounds, n, 2), grid_walk(*bounds, n, 2)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6 if want.dtype == np.float32 else 1e-12, atol=1e-7)
