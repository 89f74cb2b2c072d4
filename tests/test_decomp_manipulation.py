"""Manipulation: stacking, splitting, squeezing, broadcasting, repeating, flipping, rolling, padding."""
from __future__ import annotations

import numpy as np
import pytest
from decomp_check import check, functions, noncontig, samples, signed

F32, F64, I32, I64, B = np.float32, np.float64, np.int32, np.int64, np.bool_

SAME = [(signed((3, 4), F32), signed((3, 4), F32)), (signed((3, 4), I64), signed((3, 4), I64)),
        (noncontig((3, 4), F64), signed((3, 4), F64)), (signed((3, 4), B), signed((3, 4), B)),
        (signed((3, 4), F32), signed((3, 4), F64)), (signed((3, 4), I32), signed((3, 4), F32))]
ONE = [(signed((3, 4), F32),), (signed((3, 4), I32),), (noncontig((3, 4), F64),), (signed((3, 4), B),),
       (signed((2, 3, 4), F64),)]

SAMPLES = (
    samples(["np.concatenate((x, y))", "np.concatenate([x, y, x], axis=1)", "np.concatenate((x, y), axis=-1)",
             "np.concatenate((x, y), axis=None)", "np.stack((x, y))", "np.stack([x, y], axis=1)",
             "np.stack((x, y), axis=-1)", "np.hstack((x, y))", "np.vstack([x, y])", "np.dstack((x, y))",
             "np.column_stack((x, y))", "np.broadcast_arrays(x, y[:1])", "np.concatenate((x, y), dtype=np.float64)"],
            *SAME)
    + samples(["np.concatenate((x, y))", "np.stack((x, y))", "np.hstack((x, y))", "np.vstack((x, y))",
               "np.column_stack((x, y))", "np.concatenate((x, y[:0]))"], (signed((4,), F32), signed((4,), F32)),
              (signed((0,), F64), signed((0,), F64)))
    + samples(["np.split(x, 2, axis=1)", "np.split(x, [1, 3], axis=-1)", "np.array_split(x, 3, axis=1)",
               "np.array_split(x, 2)", "np.hsplit(x, 2)", "np.vsplit(x[:2], 2)", "np.split(x, 3, axis=0)[1]",
               "np.squeeze(x[:1])", "x[:, :1].squeeze(axis=1)", "np.squeeze(x[None], axis=0)",
               "np.expand_dims(x, 0)", "np.expand_dims(x, axis=(0, 2))", "np.expand_dims(x, (-1, 0))",
               "np.ravel(x)", "x.ravel()", "x.flatten()", "x.T.flatten()", "np.copy(x)", "x.copy()",
               "np.broadcast_to(x[:1], (2, 3, 4))", "np.repeat(x, 2)", "np.repeat(x, 2, axis=1)",
               "x.repeat(3, axis=0)", "np.repeat(x, [1, 0, 2], axis=0)", "np.tile(x, 2)", "np.tile(x, (2, 1, 2))",
               "np.flip(x)", "np.flip(x, 1)", "np.fliplr(x)", "np.flipud(x)", "np.flip(x, axis=(0, 1))",
               "np.roll(x, 1)", "np.roll(x, -2, axis=1)", "np.roll(x, (1, 2), axis=(0, 1))", "np.rot90(x)",
               "np.rot90(x, 2)", "np.rot90(x, k=3, axes=(1, 0))", "np.swapaxes(x, 0, 1)", "x.swapaxes(-1, 0)",
               "np.moveaxis(x, 0, -1)", "np.transpose(x, (1, 0))", "x.transpose(1, 0)", "np.atleast_1d(x)",
               "np.atleast_2d(x[0])", "np.atleast_1d(x[0, 0])", "np.atleast_3d(x)", "np.pad(x, 1)", "np.pad(x, ((1, 0), (0, 2)))",
               "np.pad(x, 2, mode='edge')", "np.pad(x, (1, 2), constant_values=3)", "x.astype(np.float32, copy=False)",
               "x.astype(np.int64)"],
              *ONE[:4])
    + samples(["np.split(x, 2, axis=-1)", "np.squeeze(x[:, :1])", "np.expand_dims(x, axis=(1, 3))",
               "np.moveaxis(x, [0, 1], [-1, -2])", "np.transpose(x, (2, 0, 1))", "np.tile(x, (2, 1))",
               "np.dstack((x, x))", "np.rot90(x, axes=(1, 2))", "np.atleast_2d(x)"], ONE[4])
    + samples(["np.atleast_2d(x)", "np.atleast_1d(x)", "np.expand_dims(x, 0)", "np.squeeze(x)", "x.flatten()",
               "np.broadcast_to(x, (2, 3))", "np.pad(x[None], 1)"], (np.asarray(signed((), F64)),))
)


@pytest.fixture(scope="module")
def fns(tmp_path_factory):
    return functions(SAMPLES, tmp_path_factory.mktemp("manipulation"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_manipulation(sample, fns):
    check(sample, fns[(sample.expr, len(sample.inputs))])


def shaped_by_int_arguments(x, width, reps):
    """Decompositions whose result shape an int argument sets (the bilateral filter's `np.pad(img, radius)`)."""
    edge = np.pad(x, width, mode="edge")
    return edge[1:], np.pad(x, (width, 1), constant_values=0.5), np.tile(x, reps), np.repeat(x, reps, axis=0)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_an_int_argument_that_sets_a_shape_is_specialized_by_value(dtype):
    import jitc

    cf = jitc.compile(shaped_by_int_arguments, fallback="error")
    x = signed((3, 4), dtype)
    for width, reps in ((1, 2), (2, 1), (1, 2), (0, 3)):
        got, want = cf(x, width, reps), shaped_by_int_arguments(x, width, reps)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_array_equal(g, w)


def split_by_argument(x, sections):
    return np.array_split(x, sections, axis=1)[0]


def test_a_split_into_a_run_time_number_of_pieces_is_refused_when_scripting():
    import jitc

    with pytest.raises(jitc.ScriptError, match="number of pieces known only at run time"):
        jitc.script(split_by_argument)(signed((3, 4), F64), 2)
