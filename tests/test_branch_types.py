"""An `if` whose branches give different dtypes or shapes: NumPy's result follows the branch taken, so jitc never
promotes one to the other. A condition known at specialization (a constant, an attribute, a bool argument, which
is then specialized by value) keeps only the taken branch and compiles natively; a condition on array data runs
through NumPy with a FallbackWarning."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import jitc


def scaled(x, promote=True):
    y = x * 2
    if promote:
        y = y + np.ones(x.shape[-1])  # float64 ones: a float32 x gives float64 in this branch only
    return y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bool_argument_picks_the_dtype(rng, dtype):
    cf = jitc.compile(scaled, fallback="error")
    x = rng.standard_normal((3, 4)).astype(dtype)
    for promote in (True, False, True, False):
        got, want = cf(x, promote), scaled(x, promote)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6)
    got = cf(x)
    assert got.dtype == scaled(x).dtype


class Repeat:
    def __init__(self, n_rep):
        self.n_rep = n_rep

    def __call__(self, x):
        if self.n_rep == 1:  # a constant: the other branch (another shape) never runs
            return x
        return np.repeat(x, self.n_rep, axis=1)


@pytest.mark.parametrize("n_rep", [1, 2])
def test_constant_condition_keeps_the_taken_branch(rng, n_rep):
    cf = jitc.compile(Repeat(n_rep), fallback="error")
    x = rng.standard_normal((2, 3, 4))
    for _ in range(2):
        np.testing.assert_array_equal(cf(x), Repeat(n_rep)(x))


def data_dependent(x):
    y = x
    if x.sum() > 0:
        y = x + np.ones(x.shape)
    return y


def test_data_dependent_dtypes_run_through_numpy(rng):
    cf = jitc.compile(data_dependent, fallback="warn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for sign in (1, -1):
            x = (sign * np.abs(rng.standard_normal(5)) + sign).astype(np.float32)
            got, want = cf(x), data_dependent(x)
            assert got.dtype == want.dtype
            np.testing.assert_allclose(got, want, rtol=1e-6)
    assert any(issubclass(w.category, jitc.FallbackWarning) and "branches of an if" in str(w.message)
               for w in caught)
    with pytest.raises(jitc.JitcError, match="branches of an if"):
        jitc.compile(data_dependent, fallback="error")(x)


def causal(x, y):
    """A mask only when there is more than one row, used only when it exists (the Llama decoder's pattern)."""
    n = x.shape[0]
    mask = None
    if n > 1:
        mask = np.triu(np.full((n, n), -np.inf), k=1)
    if mask is not None:
        x = x + mask
    return np.exp(x) * y


class MaskedStep:
    def __call__(self, x, y):
        mask = None if x.shape[0] == 1 else np.tril(np.ones((x.shape[0], x.shape[0]), x.dtype))
        return self.apply(x, mask) + y

    def apply(self, x, mask):
        if mask is None:
            return x * 2
        return x * mask


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_variable_that_may_be_none_is_decided_by_specialization(rng, dtype, tmp_path):
    """`mask = None` on one path and an array on the other has type `Tensor?`; the shapes decide which at
    specialization, so both kinds of call compile natively, through helper methods too."""
    cf, cm = jitc.compile(causal, fallback="error"), jitc.compile(MaskedStep(), fallback="error")
    for n in (1, 4, 1, 5):
        x, y = rng.standard_normal((2, n, n)).astype(dtype)
        for compiled, eager in ((cf, causal), (cm, MaskedStep())):
            got, want = compiled(x, y), eager(x, y)
            assert got.dtype == want.dtype
            np.testing.assert_allclose(got, want, rtol=1e-6)
    graph = jitc.script(causal).graph
    assert "Tensor? = prim::If" in str(graph)
    assert str(jitc.parse_ir(str(graph))) == str(graph)  # `Tensor?` prints and parses back
    namespace = {"np": np}
    exec(jitc.script(causal).code, namespace)  # noqa: S102  (the generated .code must run as NumPy)
    x, y = rng.standard_normal((2, 3, 3)).astype(dtype)
    np.testing.assert_allclose(namespace["causal"](x, y), causal(x, y), rtol=1e-6)
    jitc.script(causal).save(tmp_path / "causal.jitc")
    loaded = jitc.load(tmp_path / "causal.jitc")
    for n in (1, 3):
        np.testing.assert_allclose(loaded(x[:n, :n], y[:n, :n]), causal(x[:n, :n], y[:n, :n]), rtol=1e-6)


def maybe_scaled(x):
    s = None
    if x.sum() > 0:
        s = x * 2
    if s is None:
        return x
    return s


def test_none_decided_by_data_runs_through_numpy(rng):
    x = np.abs(rng.standard_normal(5))
    with pytest.raises(jitc.CompileError, match="branches"):
        jitc.compile(maybe_scaled, fallback="error")(x)
    cf = jitc.compile(maybe_scaled)
    with pytest.warns(jitc.FallbackWarning):
        np.testing.assert_array_equal(cf(x), maybe_scaled(x))
    np.testing.assert_array_equal(cf(-x), maybe_scaled(-x))


def reflector_sign(x):
    """`np.sign(x[0]) if x[0] != 0 else 1.0` (Householder): the Python float meets only a 0-d array of the
    NumPy scalar's dtype, where NumPy converts it to that dtype too, so the If merges natively."""
    sign = np.sign(x[0]) if x[0] != 0 else 1.0
    v = x.copy()
    v[0] += sign * np.linalg.norm(x)
    return v


def forward_sweep(c, b):
    """The Thomas algorithm's `c[i] / denom if i < n - 1 else 0.0`, stored into an array of the same dtype."""
    n = b.shape[0]
    cp = np.empty_like(b)
    for i in range(n):
        cp[i] = c[i] / b[i] if i < n - 1 else 0.0
    return cp


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_python_scalar_beside_a_numpy_scalar_merges_where_numpy_agrees(rng, dtype):
    cr, cs = jitc.compile(reflector_sign, fallback="error"), jitc.compile(forward_sweep, fallback="error")
    for first in (0.0, -1.5, 2.0):
        x = rng.standard_normal(6).astype(dtype)
        x[0] = first
        got, want = cr(x), reflector_sign(x)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6)
    c, b = rng.standard_normal(7).astype(dtype), (rng.random(7) + 1).astype(dtype)
    got, want = cs(c, b), forward_sweep(c, b)
    assert got.dtype == want.dtype and got[-1] == 0.0
    np.testing.assert_allclose(got, want, rtol=1e-6)


def weak_beside_float64(x, y):
    s = x[0] if x[0] > 0 else 0.1  # a float32 x: NumPy's 0.1 stays an exact double beside float64 y
    return s * y


def returned_scalar(x):
    return x[0] if x[0] > 0 else 1.0  # a Python float on one path, a NumPy scalar on the other


def array_or_int(x):
    if x.sum() > 0:  # an array on one path, a Python int on the other: not one static type
        y = x
    else:
        y = 0
    return y


def summed(x):
    s = x[0] if x[0] > 0 else 2
    return np.sum(x) + s * 1.5  # two Python scalars: the int stays exact, `* 1.5` a Python float


@pytest.mark.parametrize(("fn", "args"), [
    (weak_beside_float64, (np.array([-1.0, 2.0], np.float32), np.array([1.0, 3.0]))),
    (returned_scalar, (np.array([-1.0, 2.0], np.float32),)),
    (summed, (np.array([-1.0, 2.0], np.float32),)),
    (array_or_int, (np.array([-1.0, 0.5], np.float32),)),
])
def test_a_merged_python_scalar_used_where_numpy_differs_runs_through_numpy(fn, args):
    with pytest.raises(jitc.CompileError, match="branches of an if"):
        jitc.compile(fn, fallback="error")(*args)
    cf = jitc.compile(fn)
    with pytest.warns(jitc.FallbackWarning):
        got = cf(*args)
    want = fn(*args)
    assert type(got) is type(want) and np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_array_equal(got, want)
