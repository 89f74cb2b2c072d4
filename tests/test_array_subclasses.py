"""ndarray subclasses give operations their own meaning (np.matrix's `*` is a matrix product and its sums stay
2-d, a MaskedArray skips masked values, user subclasses keep their type); compiled code would compute plain
ndarray semantics and drop that, so every front door refuses them with a SignatureError that says what to do."""
from __future__ import annotations

import numpy as np
import pytest

import jitc

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix


def product_and_row_sums(x, y):
    return x * y, (x * y).sum(axis=1)


def masked_total(x, y):
    return (x + y).sum()


class Tagged(np.ndarray):
    """A user subclass: NumPy returns Tagged from its ufuncs."""


def _subclass_inputs():
    m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
    masked = np.ma.masked_array([1.0, 2.0, 4.0], mask=[False, True, False])
    tagged = np.arange(4.0).reshape(2, 2).view(Tagged)
    return {"matrix": (product_and_row_sums, m), "masked": (masked_total, masked),
            "tagged": (product_and_row_sums, tagged)}


@pytest.mark.parametrize("kind", ["matrix", "masked", "tagged"])
@pytest.mark.parametrize("front", ["compile", "script"])
def test_subclass_arguments_are_refused(kind, front) -> None:
    fn, sub = _subclass_inputs()[kind]
    eager = fn(sub, sub)  # NumPy's own meaning, which compiled code would not have
    assert type(eager[0] if isinstance(eager, tuple) else eager) is not np.ndarray or kind == "masked"
    compiled = getattr(jitc, front)(fn)
    with pytest.raises(jitc.SignatureError, match="ndarray subclass"):
        compiled(sub, sub)
    plain = np.asarray(sub)
    want, got = fn(plain, plain), compiled(plain, plain)  # plain arrays still run, with NumPy's answer
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        np.testing.assert_allclose(g, w, rtol=1e-12)


@pytest.mark.parametrize("kind", ["matrix", "masked", "tagged"])
def test_trace_refuses_subclass_example_inputs(kind) -> None:
    fn, sub = _subclass_inputs()[kind]
    with pytest.raises(jitc.SignatureError, match="ndarray subclass"):
        jitc.trace(fn, (sub, sub))


def test_subclass_after_fast_path_is_installed_is_refused() -> None:
    compiled = jitc.compile(product_and_row_sums)
    plain = np.arange(4.0).reshape(2, 2)
    compiled(plain, plain)
    compiled(plain, plain)  # the native fast path guards the exact ndarray type: a subclass takes the slow path
    with pytest.raises(jitc.SignatureError, match="ndarray subclass"):
        compiled(plain.view(Tagged), plain)
