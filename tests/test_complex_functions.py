"""The complex functions of codegen/complex_inverse.py, complex_exp_log.py and complex_ufuncs.py against NumPy:
accuracy over several regions (|z| from e^-4 to e^4, the box |a|, |b| < 2 around the branch points, values near
the real and imaginary axes), special values (±0, ±inf, NaN, the largest finite parts in either part), and the
ufuncs' NaN rules, all compiled with fallback='error'."""
from __future__ import annotations

import re

import numpy as np
import pytest

import jitc

COMPLEX = (np.complex64, np.complex128)
PART = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}
# the largest error relative to |NumPy's result| in eps of the part dtype (measured: <= 3.6)
INVERSE_EPS = {"arcsin": 6, "arccos": 6, "arctan": 6, "arcsinh": 6, "arccosh": 6, "arctanh": 6}
EXP_LOG_EPS = {"expm1": 4, "log2": 4, "log10": 4, "exp2": 4}
# log1p: relative to max(|NumPy's result|, 1): near z = 0, NumPy's log(hypot(a + 1, b)) is itself only
# accurate to eps in absolute terms, jitc keeps the relative accuracy there (measured <= 2)
LOG1P_EPS = 4
FUNCTIONS = (*INVERSE_EPS, *EXP_LOG_EPS, "log1p")
_rng = np.random.default_rng(41)


def all_functions(z):
    return tuple(getattr(np, name)(z) for name in FUNCTIONS)


def regions(dtype) -> dict[str, np.ndarray]:
    n = 20000
    modulus, phase = np.exp(_rng.uniform(-4, 4, n)), _rng.uniform(-np.pi, np.pi, n)
    near_axis = _rng.uniform(-3, 3, n) + 1j * _rng.choice([-1, 1], n) * np.exp(_rng.uniform(-30, -1, n))
    return {"polar": (modulus * np.exp(1j * phase)).astype(dtype),
            "box": (_rng.uniform(-2, 2, n) + 1j * _rng.uniform(-2, 2, n)).astype(dtype),
            "near the real axis": near_axis.astype(dtype),
            "near the imaginary axis": (near_axis * 1j).astype(dtype),
            "huge": (np.exp(_rng.uniform(20, 80, n)) * np.exp(1j * phase)).astype(dtype)}


def max_error(got, want, dtype, floor: float = 0.0) -> float:
    scale = np.maximum(np.abs(want), max(floor, float(np.finfo(PART[np.dtype(dtype)]).tiny)))
    with np.errstate(invalid="ignore"):  # inf - inf where both overflow: equal, not an error
        error = np.where(got == want, 0, np.abs(got.astype(np.complex128) - want) / scale)
    return float(np.max(error) / np.finfo(PART[np.dtype(dtype)]).eps)


@pytest.mark.parametrize("dtype", COMPLEX)
def test_accuracy_against_numpy(dtype):
    compiled = jitc.compile(all_functions, fallback="error")
    for region, z in regions(dtype).items():
        with np.errstate(all="ignore"):
            got, want = compiled(z), all_functions(z)
        for name, g, w in zip(FUNCTIONS, got, want):
            assert g.dtype == w.dtype, name
            if name == "log1p":
                err, bound = max_error(g, w, dtype, floor=1.0), LOG1P_EPS
            else:
                err, bound = max_error(g, w, dtype), INVERSE_EPS.get(name) or EXP_LOG_EPS[name]
            if region == "huge" and name in ("expm1", "exp2"):
                continue  # e^z of |z| > e^20 overflows or is dominated by the rounding of its argument
            assert err <= bound, f"{name} {region} {np.dtype(dtype).name}: {err:.2f} eps"


def specials(dtype) -> np.ndarray:
    big = np.finfo(PART[np.dtype(dtype)]).max
    parts = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-30, 1e30, big, -big, np.inf, -np.inf, np.nan, 1e-8])
    re, im = np.meshgrid(parts, parts)
    z = np.empty(re.size, dtype)
    z.real, z.imag = re.ravel(), im.ravel()
    return z


def same_specials(got, want, what: str) -> None:
    """NaN where NumPy has NaN, the same infinities, finite parts within 8 eps of |NumPy's result|."""
    assert got.dtype == want.dtype, what
    if want.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    eps = np.finfo(PART.get(want.dtype, want.dtype)).eps
    scale = np.abs(want)
    for g, w in ((got.real, want.real), (got.imag, want.imag)) if want.dtype.kind == "c" else ((got, want),):
        np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=f"{what}: NaN")
        inf = np.isinf(w)
        np.testing.assert_array_equal(g[inf], w[inf], err_msg=f"{what}: inf")
        finite = np.isfinite(w) & np.isfinite(scale)
        assert (np.abs(g[finite] - w[finite]) <= 8 * eps * np.maximum(scale[finite], 1e-300)).all(), what


def ufuncs(z, w, lo, hi):
    return (np.sign(z), np.reciprocal(z), np.fmax(z, w), np.fmin(z, w), np.clip(z, lo, hi), np.clip(z, None, hi),
            np.clip(z, lo, None), np.rint(z), np.round(z, 1), np.nan_to_num(z),
            np.nan_to_num(z, nan=1.5, posinf=2.0, neginf=-3.0), np.logical_xor(z, w), np.isclose(z, w),
            np.isclose(z, w, rtol=0.5, atol=0.1, equal_nan=True), z.clip(lo, hi))


@pytest.mark.parametrize("dtype", COMPLEX)
def test_special_values_match_numpy(dtype):
    z = specials(dtype)
    w, lo, hi = np.roll(z, 5), np.roll(z, 3), np.roll(z, 11)
    with np.errstate(all="ignore"):
        got = jitc.compile(all_functions, fallback="error")(z) + jitc.compile(ufuncs, fallback="error")(z, w, lo, hi)
        want = all_functions(z) + ufuncs(z, w, lo, hi)
    names = [*FUNCTIONS, *(f"ufunc output {k}" for k in range(len(want) - len(FUNCTIONS)))]
    for name, g, e in zip(names, got, want):
        if name == "log1p":  # the finite values differ by NumPy's own absolute error near 0 (see LOG1P_EPS)
            g, e = np.where(np.isfinite(e), np.round(g, 6), g), np.where(np.isfinite(e), np.round(e, 6), e)
        same_specials(g, e, f"{name} {np.dtype(dtype).name}")


def test_branch_cuts_follow_the_sign_of_zero():
    """On the cuts (real |x| > 1 for arcsin/arccos/arctanh, imaginary |y| > 1 for arcsinh/arctan, x < 1 for
    arccosh) the sign of the zero part picks the side, as C99 and NumPy."""
    cut = np.array([2.0, -3.0, 1.5, -1.25])
    z = np.concatenate([cut + 0j, np.conj(cut + 0j), 1j * cut, np.conj(1j * cut)])
    z.real[8:] = np.copysign(0.0, [1, 1, -1, -1, -1, 1, 1, -1])
    got = jitc.compile(all_functions, fallback="error")(z)
    for name, g, w in zip(FUNCTIONS, got, all_functions(z)):
        np.testing.assert_allclose(g, w, rtol=4e-16, atol=0, err_msg=name)
        np.testing.assert_array_equal(np.signbit(g.imag[w.imag == 0]), np.signbit(w.imag[w.imag == 0]), name)


def test_isclose_with_complex_tolerances_runs_through_numpy():
    def fn(z, w):
        return np.isclose(z, w, rtol=1e-3j)

    z = np.array([1 + 1j, 2 - 1j])
    with pytest.warns(jitc.FallbackWarning, match="complex tolerances"):
        np.testing.assert_array_equal(jitc.compile(fn)(z, z + 1e-9), fn(z, z + 1e-9))


@pytest.mark.parametrize("dtype", COMPLEX)
def test_complex_loops_are_vectorized_without_libm_calls(dtype):
    from test_math_ops import LIBM

    def chain(a):
        return (np.arcsin(a) + np.arccos(a) + np.arctan(a) + np.arcsinh(a) + np.arccosh(a) + np.arctanh(a)
                + np.log1p(a) + np.expm1(a) + np.log2(a) + np.log10(a) + np.exp2(a) + np.sign(a) + np.reciprocal(a))

    x = regions(dtype)["box"][:4096]
    traced = jitc.trace(chain, (x,))
    llvm_ir = traced.inspect_llvm(x)
    assert re.search(r"<\d+ x (float|double)>", llvm_ir), "the complex math loop is not vectorized"
    assert not LIBM.search(llvm_ir), LIBM.search(llvm_ir).group(0)
