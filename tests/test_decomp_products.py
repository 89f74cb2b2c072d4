"""Products: dot, vdot, inner, outer, tensordot, einsum and batched matmul, decomposed to reshape/transpose/matmul;
linear systems (np.linalg.solve, np.linalg.inv) over the solve kernel."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

F32, F64, I32, I64 = np.float32, np.float64, np.int32, np.int64


def pair(a, b, dtype):
    return (signed(a, dtype), signed(b, dtype))


SAMPLES = (
    samples(["np.dot(x, y)", "x.dot(y)", "np.inner(x, y.T)", "np.tensordot(x, y, axes=1)",
             "np.einsum('ij,jk->ik', x, y)", "np.einsum('ij,jk', x, y)", "np.einsum('ij,jk->ki', x, y)",
             "np.einsum('ij,jk->', x, y)", "np.einsum('ij,kj->ikj', x, y.T)", "x @ y", "np.matmul(x, y)"],
            pair((3, 4), (4, 5), F32), pair((3, 4), (4, 5), F64), pair((3, 4), (4, 5), I32),
            (noncontig((3, 4), F32), signed((4, 5), F32)))
    + samples(["np.outer(x, y)", "np.vdot(x, y)", "np.inner(x, y)", "np.dot(x, y)", "np.einsum('i,i->', x, y)",
               "np.einsum('i,j->ij', x, y)", "np.einsum('i,i', x, y)"],
              pair((5,), (5,), F32), pair((5,), (5,), F64), pair((5,), (5,), I64))
    + samples(["np.outer(x, y)", "np.vdot(x, y)"], pair((2, 3), (3, 2), F64), pair((0,), (0,), F32))
    + samples(["np.dot(x, y)", "np.tensordot(x, y)", "np.tensordot(x, y, axes=([1, 2], [0, 1]))",
               "np.tensordot(x, y, axes=([-1], [1]))", "np.einsum('bij,bjk->bik', x, y.reshape(2, 4, 3))",
               "np.einsum('bij->bji', x)", "np.einsum('bij->', x)", "np.einsum('bii->bi', x[:, :, :3])",
               "np.einsum('bij,bij->b', x, x)", "x @ y.reshape(2, 4, 3)", "np.matmul(x, y.reshape(4, 6))"],
              pair((2, 3, 4), (3, 4, 2), F32), pair((2, 3, 4), (3, 4, 2), F64))
    + samples(["np.einsum('ij,jk,kl->il', x, y, z)", "np.einsum('ij,jk,kl', x, y, z)",
               "np.einsum('ij,ij,ij->i', x, x, x)", "np.einsum('ii', x @ x.T)", "np.einsum('ii->i', x @ x.T)",
               "np.dot(x, 2.0)", "np.linalg.multi_dot([x, y, z]) if False else x @ y @ z"],
              (signed((3, 4), F32), signed((4, 5), F32), signed((5, 2), F32)),
              (signed((3, 4), F64), signed((4, 5), F64), signed((5, 2), F64)))
    + samples(["x @ y", "np.matmul(x, y)", "np.einsum('...ij,...jk->...ik', x, y) if False else x @ y"],
              (signed((2, 1, 3, 4), F32), signed((5, 4, 2), F32)), (signed((3, 4), F64), signed((2, 4, 5), F64)),
              (signed((4,), F64), signed((2, 4, 3), F64)))
    # x + 16 I is diagonally dominant (|entries| < 5): well-conditioned for every dtype
    + samples(["np.linalg.solve(x + 16 * np.eye(3), y)", "np.linalg.solve(x + 16 * np.eye(3), y[:, 0])",
               "np.linalg.inv(x + 16 * np.eye(3))", "np.linalg.solve(x.T + 16 * np.eye(3), y.T[:2].T)"],
              pair((3, 3), (3, 2), F32), pair((3, 3), (3, 2), F64), pair((3, 3), (3, 2), I32),
              (noncontig((3, 3), F64), signed((3, 2), F32)))
    + samples(["np.linalg.solve(x + 16 * np.eye(3), y)", "np.linalg.inv(x + 16 * np.eye(3))"],
              pair((2, 3, 3), (2, 3, 1), F64), pair((2, 3, 3), (3,), F32))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("products"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_product(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])
