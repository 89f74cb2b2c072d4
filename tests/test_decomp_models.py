"""Model-sized programs over the decompositions: traced, scripted and compiled == eager NumPy, natively."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from decomp_check import assert_same
from decomp_models import decoder_step, stats_kernel

import jitc
from jitc.errors import FallbackWarning


def _inputs(name: str):
    rng = np.random.default_rng(3)
    if name == "decoder_step":
        emb = rng.standard_normal((11, 8))
        return emb, rng.standard_normal((8, 24)) * 0.3, rng.standard_normal((8, 8)) * 0.3, np.array([1, 5, 2, 9])
    return (rng.standard_normal((9, 5)) + 2.0,)


@pytest.mark.parametrize("fn", [decoder_step, stats_kernel], ids=lambda f: f.__name__)
def test_model_matches_eager(fn):
    inputs = _inputs(fn.__name__)
    expected = fn(*inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        assert_same(jitc.trace(fn, inputs)(*inputs), expected, "traced")
        assert_same(jitc.script(fn)(*inputs), expected, "scripted")
        assert_same(jitc.compile(fn, fallback="error")(*inputs), expected, "compiled")
