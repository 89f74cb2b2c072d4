"""float16 arrays in compiled code: stored as half, each op computed in float32 and rounded to half (NumPy's half
loops do the same), against eager NumPy: arithmetic bit for bit, math functions within one half ULP (our float32
kernels and NumPy's libm round a few near-ties differently), reductions, casts (double -> half correctly rounded),
and matrix products (summed in float32, as NumPy's half matmul loop)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from math_samples import BINARY, DOMAINS, UNARY, positive, wide

import jitc

H = np.float16


def compiled(fn):
    return jitc.compile(fn, fallback="error")


def assert_bits(got, want, what: str) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, f"{what}: {got.dtype}{got.shape} vs " \
                                                                f"{want.dtype}{want.shape}"
    if want.dtype.kind == "f":
        same = (got == want) & (np.signbit(got) == np.signbit(want)) | (np.isnan(got) & np.isnan(want))
        assert same.all(), f"{what}: {got[~same][:4]} vs {want[~same][:4]}"
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def half_values(rng, n: int) -> np.ndarray:
    """Every kind of half: random bit patterns (subnormals, the largest, inf, NaN) and ordinary values."""
    bits = rng.integers(0, 1 << 16, n).astype(np.uint16).view(H)
    return np.concatenate([bits, (rng.standard_normal(n) * 4).astype(H), np.array([0, -0.0, 65504, -65504], H)])


def test_arithmetic_is_numpys_bit_for_bit():
    rng = np.random.default_rng(1)
    a, b = half_values(rng, 3000), half_values(rng, 3000)
    f32, i32 = rng.standard_normal(a.size).astype(np.float32), rng.integers(-3000, 3000, a.size).astype(np.int32)

    def fn(a, b, f32, i32):
        return (a + b, a - b, a * b, a / b, a // b, a % b, -a, np.abs(a), np.maximum(a, b), np.minimum(a, b),
                a > b, a == b, np.where(a > 0, a, b), np.clip(a, -1.5, 2.0), a * 0.1 + 3, a + f32, a * i32,
                np.sqrt(np.abs(a)), np.square(a), np.floor(a), np.round(a, 1), np.round(a * 1000, -2),
                np.isnan(a), np.isinf(b), np.sign(a), np.copysign(a, b), np.fmax(a, b), a ** 2)

    with np.errstate(all="ignore"):
        want = fn(a, b, f32, i32)
        got = compiled(fn)(a, b, f32, i32)
    for k, (g, e) in enumerate(zip(got, want)):
        assert_bits(g, e, f"output {k}")


@pytest.mark.parametrize("name", UNARY + BINARY + ("tanh", "exp", "log", "power"))
def test_math_functions_within_one_half_ulp(name):
    make = positive if name in ("float_power", "power") else DOMAINS.get(name, wide)
    a, b = make((2000,), H), make((2000,), H)
    fn = getattr(np, name)
    binary = name in BINARY + ("power",)
    with np.errstate(all="ignore"):
        want = fn(a, b) if binary else fn(a)
        got = compiled(lambda x, y: fn(x, y) if binary else fn(x))(a, b)
    assert got.dtype == want.dtype
    if want.dtype.kind != "f":
        np.testing.assert_array_equal(got, want)
        return
    exact = (got == want) | (np.isnan(got) & np.isnan(want))
    # float_power's float64 results: jitc's pow and NumPy's SIMD pow are each within 0.75 ULP, so 1 ULP apart in a
    # few percent of cases (docs/ACCURACY.md); half results round the same float32/float64 value once.
    assert exact.mean() >= (0.95 if want.dtype == np.float64 else 0.995), f"{name}: {np.sum(~exact)} of {a.size} differ"
    off = np.abs(got[~exact].astype(np.float64) - want[~exact]) / np.spacing(np.abs(want[~exact]))
    assert (off <= 1).all(), f"{name}: {off.max()} half ULP"


def test_reductions_of_half_arrays():
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((6, 50)) * 3).astype(H)
    t = x.T[::2]

    def fn(x, t):
        return (x.sum(axis=1), x.mean(), np.max(x, axis=0), t.min(axis=1, keepdims=True), np.prod(x[:2, :8], axis=1),
                np.cumsum(x[:, :20], axis=1), np.argmax(x, axis=1), np.var(x, axis=1), x[:0].sum(axis=0),
                np.sum(t, axis=0))

    for k, (g, e) in enumerate(zip(compiled(fn)(x, t), fn(x, t))):
        g, e = np.asarray(g), np.asarray(e)
        assert g.dtype == e.dtype and g.shape == e.shape, k
        if e.dtype == H and k in (0, 1, 8, 9):  # float32 sums in another order: within a half ULP
            assert (np.abs(g.astype(np.float64) - e) <= np.spacing(np.abs(e))).all(), f"output {k}"
        else:
            assert_bits(g, e, f"output {k}")


def test_casts_to_and_from_half():
    rng = np.random.default_rng(3)
    h = rng.integers(0, 0x7C00, 20000).astype(np.uint16).view(H).astype(np.float64)
    ties = (h + np.nextafter(h.astype(H), H(np.inf)).astype(np.float64)) / 2  # exactly between two halves
    d = np.concatenate([ties, np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf), -ties, [np.nan, -np.inf],
                        rng.standard_normal(1000) * 1e5, [65519.99, 65520.0, 2.98e-8, 2.99e-8]])
    i = rng.integers(-70000, 70000, 1000)
    halves = half_values(rng, 500)

    def fn(d, i, halves):
        return (d.astype(H), i.astype(H), (halves * 0.5).astype(np.int32), halves.astype(np.float64),
                halves.astype(np.bool_), d.astype(np.float32).astype(H), (i > 0).astype(H))

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = fn(d, i, np.nan_to_num(halves))
        got = compiled(fn)(d, i, np.nan_to_num(halves))
    for k, (g, e) in enumerate(zip(got, want)):
        assert_bits(g, e, f"output {k}")


def half_products(a, b, v, c32):
    return a @ b, np.matmul(a, v), v @ b, np.dot(a, b) * 2, a[None] @ b[:, :3], a.T[:, ::2].T @ b, a @ c32


@pytest.mark.parametrize("m,k,n", [(3, 4, 5), (1, 7, 1), (64, 128, 48)])
def test_half_matrix_products_sum_in_float32(m, k, n):
    """NumPy's half matmul loop sums float32 products in float32 and rounds to half once; so do we (BLAS's
    float32 order for large products may round a half-way sum the other way: within one half ULP)."""
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((m, k)).astype(H), rng.standard_normal((k, n)).astype(H)
    v, c32 = rng.standard_normal(k).astype(H), rng.standard_normal((k, 2)).astype(np.float32)
    for g, e in zip(compiled(half_products)(a, b, v, c32), half_products(a, b, v, c32)):
        assert g.dtype == e.dtype and g.shape == e.shape
        if e.dtype == H:
            assert (np.abs(g.astype(np.float64) - e) <= np.spacing(np.abs(e))).all()
        else:  # half @ float32 is a float32 product (of the half operand made float32)
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6 * k)
