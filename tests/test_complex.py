"""complex64/complex128 in compiled code (codegen/complex.py) against eager NumPy: accuracy of the complex math
functions (exp, log, sqrt, the trigonometric and hyperbolic ones, powers), special values (NaN, ±inf, ±0,
overflow), reductions (max/min/argmax in NumPy's lexicographic order), products, the frontends' spellings (`1j`,
`.real`, `.imag`, np.angle), Python complex arguments, and what stays NumPy's (writes into `.real`, jitc's
sigmoid). The inverse trigonometric functions, log1p/expm1/log2/log10/exp2 and the other ufuncs of complex
values are in test_complex_functions.py. The elementwise ops' OpInfo samples are in math_samples.py (complex_samples)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import jitc

COMPLEX = (np.complex64, np.complex128)
PART = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}
# the largest error relative to |NumPy's result|, in eps of the part dtype, measured over 20,000 random values
ACCURACY_EPS = {"div": 0.5, "mul": 0.5, "abs": 2, "exp": 2, "sqrt": 2, "log": 3, "log near |z| = 1": 2}
# the same for the functions of complex_math.py (|z| in [e^-3, e^3]; a power's error grows with |y log x|, as
# NumPy's own cpow's: e^(y log x) amplifies the last bit of y log x)
TRIG_EPS = {"sin": 4, "cos": 4, "tan": 4, "sinh": 4, "cosh": 4, "tanh": 4, "z ** 0.5": 2, "z ** (1.5 - 0.5j)": 24,
            "np.power(z, w)": 24, "z ** 2.5": 24}


def compiled(fn):
    """fn compiled with every fallback an error: the test fails instead of silently running NumPy."""
    return jitc.compile(fn, fallback="error")


def random_complex(rng, n: int, dtype) -> np.ndarray:
    magnitude, phase = np.exp(rng.uniform(-5, 5, n)), rng.uniform(-np.pi, np.pi, n)
    return (magnitude * np.exp(1j * phase)).astype(dtype)


def assert_close(got, want, dtype, eps: float, what: str) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, f"{what}: {got.dtype}{got.shape} vs {want.dtype}" \
                                                                f"{want.shape}"
    tol = eps * np.finfo(PART[np.dtype(dtype)]).eps * np.maximum(np.abs(want), np.finfo(want.dtype).tiny)
    assert (np.abs(got - want) <= tol).all(), f"{what}: max error {np.max(np.abs(got - want) / tol) * eps:.2f} eps"


@pytest.mark.parametrize("dtype", COMPLEX)
def test_accuracy_of_complex_math(dtype):
    rng = np.random.default_rng(5)
    z, w = random_complex(rng, 20000, dtype), random_complex(rng, 20000, dtype)
    unit = (np.exp(1j * rng.uniform(-np.pi, np.pi, 20000)) * (1 + rng.uniform(-1e-3, 1e-3, 20000))).astype(dtype)

    def fn(z, w, unit):
        return z / w, z * w, np.abs(z), np.exp(z / 10), np.sqrt(z), np.log(z), np.log(unit)

    for name, got, want in zip(ACCURACY_EPS, compiled(fn)(z, w, unit), fn(z, w, unit)):
        assert_close(got, want, dtype, ACCURACY_EPS[name], f"{name} {np.dtype(dtype).name}")


def trig_and_powers(z, w):
    return (np.sin(z), np.cos(z), np.tan(z), np.sinh(z), np.cosh(z), np.tanh(z), z ** 0.5, z ** (1.5 - 0.5j),
            np.power(z, w), z ** 2.5)


@pytest.mark.parametrize("dtype", COMPLEX)
def test_accuracy_of_complex_trigonometry_and_powers(dtype):
    rng = np.random.default_rng(15)
    magnitude, phase = np.exp(rng.uniform(-3, 3, 20000)), rng.uniform(-np.pi, np.pi, 20000)
    z, w = (magnitude * np.exp(1j * phase)).astype(dtype), random_complex(rng, 20000, dtype) / 60
    w[:100] = rng.integers(-9, 9, 100)  # integral exponents: NumPy's square-and-multiply
    for name, got, want in zip(TRIG_EPS, compiled(trig_and_powers)(z, w), trig_and_powers(z, w)):
        assert_close(got, want, dtype, TRIG_EPS[name], f"{name} {np.dtype(dtype).name}")


def _specials(dtype) -> tuple[np.ndarray, np.ndarray]:
    big = np.finfo(PART[np.dtype(dtype)]).max
    parts = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 1e-30, 1e30, big, np.inf, -np.inf, np.nan, 3.0, -2.5])
    re, im = np.meshgrid(parts, parts)
    with np.errstate(all="ignore"):
        z = (re + 1j * im).ravel().astype(dtype)
    z.imag = im.ravel()  # (re + 1j * im) turns inf * 1j into NaN real parts
    return z, np.roll(z, 7)


def _same_specials(got, want, what: str) -> None:
    """NaN where NumPy has NaN and equal infinities, part by part; finite parts within 8 eps of |NumPy's|."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, what
    if want.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    parts = ((got.real, want.real), (got.imag, want.imag)) if want.dtype.kind == "c" else ((got, want),)
    scale = np.abs(want)
    for g, w in parts:
        np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=f"{what}: NaN")
        inf = np.isinf(w)
        np.testing.assert_array_equal(g[inf], w[inf], err_msg=f"{what}: inf")
        finite = np.isfinite(w) & np.isfinite(scale)
        eps = np.finfo(g.dtype).eps
        assert (np.abs(g[finite] - w[finite]) <= 8 * eps * scale[finite]).all(), what


@pytest.mark.parametrize("dtype", COMPLEX)
def test_special_values_match_numpy(dtype):
    z, w = _specials(dtype)

    def fn(a, b):
        return (a / b, a * b, a + b, -a, np.abs(a), np.exp(a), np.sqrt(a), np.log(a), np.conj(a), a == b,
                a != b, a < b, a >= b, np.isnan(a), np.isinf(a), np.isfinite(a), np.logical_not(a), np.angle(a))

    with np.errstate(all="ignore"):
        want = fn(z, w) + trig_and_powers(z, w)
        got = compiled(fn)(z, w) + compiled(trig_and_powers)(z, w)
    for k, (g, e) in enumerate(zip(got, want)):
        _same_specials(g, e, f"output {k} {np.dtype(dtype).name}")


def extremes(z, w):
    return (z.max(), np.min(z, axis=0), np.max(z, axis=1, keepdims=True), np.argmax(z), np.argmin(z, axis=1),
            z.T.argmax(axis=0), np.amax(z[:, ::2], axis=(0, 1)), np.maximum(z, w), np.minimum(z, 1j))


def _same_parts(got, want, what: str) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, what
    for part in (np.real, np.imag):
        np.testing.assert_array_equal(part(got), part(want), err_msg=what)


@pytest.mark.parametrize("dtype", COMPLEX)
def test_complex_max_min_and_argmax_order_lexicographically(dtype):
    """NumPy's order: the real parts, then the imaginary ones; a value with a NaN part is the extreme (the first
    one), and nothing replaces it. Ties on the real part are decided by the imaginary part."""
    rng = np.random.default_rng(16)
    z = random_complex(rng, 7 * 6, dtype).reshape(7, 6)
    z[1, 2], z[1, 3], z[4, 0] = 3 + 7j, 3 + 9j, 3 - 9j
    w = z[::-1].copy()
    with_nans = z.copy()
    with_nans[2, 4], with_nans[5, 1], with_nans[6, 5] = complex(np.nan, 1), complex(2, np.nan), complex(np.nan, 5)
    for x in (z, with_nans, z.T.copy().T):
        for k, (g, e) in enumerate(zip(compiled(extremes)(x, w), extremes(x, w))):
            _same_parts(g, e, f"output {k}")
    big = random_complex(rng, 300_000, dtype)  # split over the thread pool, partials combined in order
    big[[1000, 200_000]] = complex(np.nan, 1), complex(np.nan, 2)
    for x in (big[::3], big):
        _same_parts(compiled(whole_extremes)(x), whole_extremes(x), "large")


def whole_extremes(x):
    return np.max(x), np.min(x), np.argmax(x), np.argmin(x)


@pytest.mark.parametrize("dtype", COMPLEX)
def test_reductions_of_complex_arrays(dtype):
    rng = np.random.default_rng(6)
    x = random_complex(rng, 5 * 6 * 7, dtype).reshape(5, 6, 7) / 50
    t = x.transpose(2, 0, 1)[:, ::2]

    def fn(x, t):
        return (x.sum(), np.sum(x, axis=1), x.mean(axis=(0, 2), keepdims=True), np.mean(t, axis=-1), t.sum(axis=0),
                np.prod(x[:2, :3], axis=0), np.cumsum(t, axis=1), x[:0].sum(axis=0), np.sum(x.real, dtype=dtype))

    for k, (g, e) in enumerate(zip(compiled(fn)(x, t), fn(x, t))):
        assert np.asarray(g).dtype == np.asarray(e).dtype and np.shape(g) == np.shape(e), k
        bound = 64 * np.finfo(PART[np.dtype(dtype)]).eps * max(np.max(np.abs(x)) * x.size, 1)
        assert np.all(np.abs(np.asarray(g) - e) <= bound), f"output {k}: {g} vs {e}"


@pytest.mark.parametrize("dtype", COMPLEX)
def test_products_of_complex_arrays(dtype):
    rng = np.random.default_rng(7)
    a, b = random_complex(rng, 60 * 50, dtype).reshape(60, 50) / 100, random_complex(rng, 50 * 70, dtype) / 100
    b = b.reshape(50, 70)
    v = random_complex(rng, 50, dtype) / 100

    def fn(a, b, v):  # 60x50x70 is past BLAS_MIN_FLOPS: complex products stay in our own loops
        return (a @ b, a @ v, np.dot(v, v), np.vdot(v, v), a.T[:, :3] @ b[:3], np.linalg.norm(a),
                np.linalg.norm(v, axis=0), np.outer(v[:4], v[:3]) * 1j)

    for k, (g, e) in enumerate(zip(compiled(fn)(a, b, v), fn(a, b, v))):
        assert np.asarray(g).dtype == np.asarray(e).dtype and np.shape(g) == np.shape(e), k
        bound = 4 * 50 * np.finfo(PART[np.dtype(dtype)]).eps * max(np.max(np.abs(e)), 1e-3)
        assert np.all(np.abs(np.asarray(g) - e) <= bound), f"output {k}"


def test_mixed_real_and_complex_promote_as_numpy():
    rng = np.random.default_rng(8)
    f32, f64 = rng.standard_normal(4).astype(np.float32), rng.standard_normal(4)
    i32, c64 = np.arange(1, 5, dtype=np.int32), random_complex(rng, 4, np.complex64)

    def fn(f32, f64, i32, c64):
        return (f32 * 1j, f64 + 2j, i32 * (1 - 1j), c64 * f64, c64 + i32, c64 / f32, f32 + 0j, c64.real * f64,
                f32.astype(np.complex128), c64.astype(np.float64), np.where(f32 > 0, c64, 1.5), np.square(c64))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)  # c64.astype(np.float64), as in NumPy
        want = fn(f32, f64, i32, c64)
        got = compiled(fn)(f32, f64, i32, c64)
    for k, (g, e) in enumerate(zip(got, want)):
        assert g.dtype == e.dtype, f"output {k}: {g.dtype} != {e.dtype}"
        np.testing.assert_allclose(g, e, rtol=2e-6 if e.dtype in (np.complex64, np.float32) else 1e-12)


def test_scripted_complex_literals_parts_and_angle():
    @jitc.script
    def fn(x, y):
        z = x * (2 - 1j) + y.real * 1j
        return z.real, z.imag, np.angle(z), np.angle(z, deg=True), np.real(z) + np.imag(z), abs(z)

    rng = np.random.default_rng(9)
    x, y = random_complex(rng, 6, np.complex128).reshape(2, 3), random_complex(rng, 3, np.complex64)
    z = x * (2 - 1j) + y.real * 1j
    want = (z.real, z.imag, np.angle(z), np.angle(z, deg=True), np.real(z) + np.imag(z), abs(z))
    with warnings.catch_warnings():
        warnings.simplefilter("error", jitc.FallbackWarning)
        got = fn(x, y)
    for g, e in zip(got, want):
        assert g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=1e-12)
    assert "complex(2.0, -1.0)" in str(fn.graph)
    assert str(jitc.parse_ir(str(fn.graph))) == str(fn.graph)  # complex constants print and parse back


def test_traced_complex_and_zero_d():
    x = random_complex(np.random.default_rng(10), 12, np.complex64).reshape(3, 4) / 50

    def fn(x):
        return np.exp(x[1, 2] * x) - x.T.conj().T * 0.5j, x.imag.sum()

    traced = jitc.trace(fn, (x,))
    for g, e in zip(traced(x), fn(x)):
        np.testing.assert_allclose(g, e, rtol=2e-6)
        assert np.asarray(g).dtype == np.asarray(e).dtype


def write_real(x):
    x.real[0] = 5.0
    return x


def write_imag_alias(x):
    y = x.imag
    y += 1.0
    return x


@pytest.mark.parametrize("fn", [write_real, write_imag_alias])
def test_writes_into_real_or_imag_run_through_numpy(fn):
    """NumPy's .real/.imag are views of the complex array; jitc computes them as new arrays, so a write into one
    is refused (never silently lost) and the call runs through NumPy."""
    x = random_complex(np.random.default_rng(11), 6, np.complex64).reshape(2, 3)
    mine, theirs = x.copy(), x.copy()
    with pytest.warns(jitc.FallbackWarning, match=r"\.real or \.imag"):
        got = jitc.compile(fn)(mine)
    np.testing.assert_array_equal(got, fn(theirs))
    np.testing.assert_array_equal(mine, theirs)
    with pytest.raises(jitc.JitcError, match=r"\.real or \.imag"):
        jitc.trace(fn, (x.copy(),))


@pytest.mark.parametrize("spelling", ["jitc.nn.functional.sigmoid(x)", "jitc.nn.functional.sigmoid(x * 2) + x"])
def test_complex_ops_the_backend_lacks_fall_back_clearly(spelling):
    fn = eval(f"lambda x: {spelling}", {"np": np, "jitc": jitc})
    x = random_complex(np.random.default_rng(12), 4, np.complex128)
    with pytest.warns(jitc.FallbackWarning, match="complex128|not supported"):
        got = jitc.trace(fn, (x,), check_trace=False)(x)
    np.testing.assert_allclose(got, fn(x), rtol=1e-12)


@pytest.mark.parametrize("dtype", COMPLEX)
def test_integer_powers_are_square_and_multiply(dtype):
    """npy_cpow's exponents known when compiling: integers below 100 in magnitude, negative ones reciprocated;
    a zero base gives 0. (At overflow NumPy's own `z ** 2` (np.square, fused) and np.power(z, 2) differ: jitc
    gives the former.)"""
    z = random_complex(np.random.default_rng(13), 200, dtype)
    z[:2] = 0

    def fn(z):
        return z ** 2, np.power(z, 3), z ** -1, z ** 0, np.power(z, 7), z ** -4, z ** 1, np.power(z, 2 + 0j), z ** 17

    with np.errstate(all="ignore"):
        want = fn(z)
        got = compiled(fn)(z)
    for k, (g, e) in enumerate(zip(got, want)):
        finite = np.isfinite(e)
        assert g.dtype == e.dtype and (np.isnan(g) == np.isnan(e)).all(), f"output {k}"
        assert_close(g[finite], e[finite], dtype, 64, f"output {k}")


def scale_and_shift(a, c):
    return a * c + c, np.exp(a * (c / 4))


def test_python_complex_arguments_compile_natively():
    """A Python complex is a weak scalar as in NumPy 2 (float32 * 2j is complex64); each call reads its value."""
    rng = np.random.default_rng(14)
    arrays = [rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(5)[::2],
              np.arange(1, 7, dtype=np.int32).reshape(2, 3), random_complex(rng, 4, np.complex64)]
    fn = compiled(scale_and_shift)
    for a in arrays:
        for c in (2j, 1.5 - 0.25j, complex(-3, 0)):
            want = scale_and_shift(a, c)
            for got in (fn(a, c), jitc.trace(scale_and_shift, (a, 1j))(a, c), jitc.script(scale_and_shift)(a, c)):
                for g, e in zip(got, want):
                    assert g.dtype == e.dtype, f"{a.dtype} {c}: {g.dtype} != {e.dtype}"
                    np.testing.assert_allclose(g, e, rtol=4e-6 if e.dtype == np.complex64 else 1e-12)
