"""The OpInfo table of jitc/ops/math.py: sample inputs for every math function (and the other new elementwise
spellings), each with the way users write the call. test_ops.py checks them against the op table's
implementation, shape/dtype rule and interpreter; test_math_ops.py runs them eagerly, traced, scripted and
compiled."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_rng = np.random.default_rng(20261201)


@dataclass(frozen=True)
class MathSample:
    op: str
    expr: str                 # the user's spelling over the sample's arrays a0, a1, ...: "np.round(a0, 1)"
    args: tuple               # the op's bound arguments; the np.ndarrays among them are a0, a1, ... in order
    kind: str | None = None   # the node a trace records when the spelling means another op
    note: str = ""

    @property
    def inputs(self) -> tuple:
        return tuple(a for a in self.args if isinstance(a, np.ndarray))

    @property
    def params(self) -> str:
        return ", ".join(f"a{i}" for i in range(len(self.inputs)))

    @property
    def fn(self):
        return eval(f"lambda {self.params}: {self.expr}", {"np": np})

    @property
    def id(self) -> str:
        shapes = ",".join("x".join(map(str, a.shape)) or "0d" for a in self.inputs)
        dtypes = ",".join(sorted({a.dtype.name for a in self.inputs}))
        return f"{self.op.split('::')[1]}[{self.note or shapes}]-{dtypes}"


# ---- inputs: random, never zero
def uniform(lo, hi):
    def make(shape, dtype):
        return _rng.uniform(lo, hi, shape).astype(dtype)
    return make


def signed(shape, dtype):
    """±[0.5, 2)."""
    return (_rng.uniform(0.5, 2.0, shape) * _rng.choice([-1.0, 1.0], shape)).astype(dtype)


def wide(shape, dtype):
    """±[0.5, 50): several periods for the trigonometric functions, several binades for the rest."""
    return (np.exp(_rng.uniform(np.log(0.5), np.log(50), shape)) * _rng.choice([-1.0, 1.0], shape)).astype(dtype)


positive = uniform(0.5, 20.0)
DOMAINS = {"arcsin": uniform(-0.95, 0.95), "arccos": uniform(-0.95, 0.95), "arctanh": uniform(-0.95, 0.95),
           "arccosh": uniform(1.05, 20.0), "log1p": uniform(-0.9, 20.0), "log2": positive, "log10": positive,
           "sinh": uniform(-20.0, 20.0), "cosh": uniform(-20.0, 20.0), "exp2": uniform(-30.0, 30.0),
           "expm1": uniform(-10.0, 10.0), "reciprocal": signed}


def layouts(make, dtype):
    """Contiguous, 0-d, empty and strided inputs: float32 and float64 each get some (they share the loops)."""
    if dtype == np.float32:
        return [("3x4", make((3, 4), dtype)), ("0d", np.asarray(make((), dtype))),
                ("transposed", make((4, 3), dtype).T), ("empty", make((0, 3), dtype))]
    return [("3x4", make((3, 4), dtype)), ("step", make((3, 8), dtype)[:, ::2]),
            ("reversed", make((3, 4), dtype)[::-1])]


UNARY = ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh",
         "cbrt", "log1p", "expm1", "log2", "log10", "exp2", "floor", "ceil", "trunc", "rint", "fix", "sign",
         "square", "reciprocal", "deg2rad", "rad2deg", "isnan", "isinf", "isfinite", "signbit", "nan_to_num")
BINARY = ("arctan2", "hypot", "heaviside", "fmax", "fmin", "fmod", "copysign", "float_power", "logical_xor")
SPELLING = {"fix": "np.fix({})", "nan_to_num": "np.nan_to_num({})"}
BOUND_DEFAULTS = {"nan_to_num": (True, 0.0, None, None)}
INT_OK = ("sin", "cbrt", "floor", "ceil", "trunc", "rint", "fix", "sign", "square", "reciprocal", "deg2rad",
          "isnan", "isinf", "isfinite", "signbit", "nan_to_num", "exp2", "arctan")


def _unary(name, a, note=""):
    spelling = SPELLING.get(name, f"np.{name}({{}})").format("a0")
    return MathSample(f"aten::{name}", spelling, (a, *BOUND_DEFAULTS.get(name, ())), note=note)


def unary_samples(dtype) -> list[MathSample]:
    out = []
    for name in UNARY:
        make = DOMAINS.get(name, wide)
        out += [_unary(name, a, note) for note, a in layouts(make, dtype)]
    return out


def binary_samples(dtype) -> list[MathSample]:
    out = []
    for name in BINARY:
        make = positive if name == "float_power" else wide
        a, b = make((3, 4), dtype), make((3, 4), dtype)
        spell = f"np.{name}(a0, a1)"
        cases = [
            MathSample(f"aten::{name}", spell, (a, b)),
            MathSample(f"aten::{name}", spell, (make((3, 1), dtype), make((1, 4), dtype)), note="3x1+1x4"),
            MathSample(f"aten::{name}", f"np.{name}(a0, 1.5)", (a, 1.5), note="array-scalar"),
            MathSample(f"aten::{name}", spell, (np.asarray(make((), dtype)), b.T), note="0d+transposed"),
            MathSample(f"aten::{name}", spell, (make((3, 8), dtype)[:, ::2], b[::-1]), note="step+reversed"),
            MathSample(f"aten::{name}", spell, (make((0, 3), dtype), make((3,), dtype)), note="empty+3"),
        ]
        out += cases if dtype == np.float32 else cases[::2]
    return out


def composite_samples(dtype) -> list[MathSample]:
    """Functions with keyword arguments or several spellings."""
    a, b = wide((3, 4), dtype), wide((3, 4), dtype)
    near = (a + a * np.asarray(1e-6, dtype) * _rng.choice([-1, 1], a.shape)).astype(dtype)
    special = np.array([np.nan, np.inf, -np.inf, 1.5, -2.5, np.nan], dtype)
    h0 = np.array([0.5, 1.0], dtype)
    return [
        MathSample("aten::round", "np.round(a0)", (a, 0)),
        MathSample("aten::round", "np.round(a0, 2)", (a, 2), note="decimals2"),
        MathSample("aten::round", "a0.round(1)", (a.T, 1), note="method-transposed"),
        MathSample("aten::round", "np.around(a0, -1)", (10 * a, -1), note="around-neg"),
        MathSample("aten::round", "np.round(a0, 1)", (np.asarray(a[0, 0]), 1), note="0d"),
        MathSample("aten::isclose", "np.isclose(a0, a1)", (a, near, 1e-05, 1e-08, False)),
        MathSample("aten::isclose", "np.isclose(a0, a1, rtol=1e-3, atol=0.1)", (a, b, 1e-3, 0.1, False),
                   note="tolerances"),
        MathSample("aten::isclose", "np.isclose(a0, a1, equal_nan=True)", (special, special[::-1], 1e-05, 1e-08, True),
                   note="equal_nan"),
        MathSample("aten::isclose", "np.isclose(a0, a1)", (a[:1], near, 1e-05, 1e-08, False), note="broadcast"),
        MathSample("aten::nan_to_num", "np.nan_to_num(a0)", (special, True, 0.0, None, None), note="special"),
        MathSample("aten::nan_to_num", "np.nan_to_num(a0, nan=-1.0, posinf=9.0, neginf=-9.0)",
                   (special, True, -1.0, 9.0, -9.0), note="keywords"),
        MathSample("aten::clip", "np.clip(a0, None, 0.5)", (a, None, 0.5), note="no-min"),
        MathSample("aten::clip", "a0.clip(-0.5, None)", (a.T, -0.5, None), note="no-max-method"),
        MathSample("aten::clip", "np.clip(a0, a1, None)", (a, b[:1], None), note="array-min"),
        MathSample("aten::heaviside", "np.heaviside(a0, a1)", (np.array([-1.0, 0.0, 2.0, np.nan], dtype)[:, None],
                                                                h0), note="zeros-nan"),
        MathSample("aten::deg2rad", "np.radians(a0)", (a,), note="radians"),
        MathSample("aten::rad2deg", "np.degrees(a0)", (a,), note="degrees"),
        MathSample("aten::arcsin", "np.asin(a0)", (uniform(-0.9, 0.9)((3, 4), dtype),), note="asin"),
        MathSample("aten::remainder", "np.mod(a0, a1)", (a, b), note="np.mod"),
        MathSample("aten::pow", "np.power(a0, a1)", (positive((3, 4), dtype), wide((3, 4), dtype) / 10),
                   note="float-exponents"),
        MathSample("aten::pow", "a0 ** 3", (a, 3), note="int-exponent"),
        MathSample("aten::pow", "a0 ** 2", (a.T, 2), note="square"),
        MathSample("aten::pow", "np.power(a0, a1)", (-positive((3, 4), dtype), np.arange(-3.0, 9.0).astype(dtype)
                                                     .reshape(3, 4)), note="negative-base"),
    ]


def int_bool_samples() -> list[MathSample]:
    i32, i64 = _rng.integers(-50, 50, (3, 4), dtype=np.int32), _rng.integers(-1000, 1000, (3, 4), dtype=np.int64)
    i32[i32 == 0] = 7
    u8 = _rng.integers(1, 255, (3, 4), dtype=np.uint8)
    i8 = _rng.integers(-100, 100, (3, 4), dtype=np.int8)
    shifts = _rng.integers(0, 12, (3, 4), dtype=np.int64)
    b1, b2 = _rng.random((3, 4)) > 0.5, _rng.random((1, 4)) > 0.5
    f32 = signed((3, 4), np.float32)
    out = [_unary(name, a, note=f"{a.dtype}") for name in INT_OK for a in (i32, i64.T)]
    out += [_unary(name, b1, note="bool") for name in ("floor", "trunc", "square", "isnan", "isfinite", "signbit",
                                                       "nan_to_num", "fix")]
    out += [_unary("sign", u8, note="uint8"), _unary("signbit", u8, note="uint8"),
            _unary("reciprocal", np.array([1, -1, 2, -3, 1], np.int64), note="int-edge")]
    out += [
        MathSample("aten::bitwise_xor", "a0 ^ a1", (i32, i64), note="int32^int64"),
        MathSample("aten::bitwise_xor", "a0 ^ a1", (b1, b2), note="bool"),
        MathSample("aten::bitwise_xor", "np.bitwise_xor(a0, 5)", (u8, 5), note="ufunc-uint8"),
        MathSample("aten::bitwise_xor", "6 ^ a0", (6, i8), note="reflected"),
        MathSample("aten::left_shift", "a0 << a1", (i64, shifts)),
        MathSample("aten::left_shift", "np.left_shift(a0, 3)", (i8, 3), note="ufunc-int8"),
        MathSample("aten::left_shift", "a0 << a1", (np.ones(4, np.int8), np.array([0, 7, 8, 70], np.int8)),
                   note="overflowing-shift"),
        MathSample("aten::left_shift", "1 << a0", (1, shifts), note="reflected"),
        MathSample("aten::right_shift", "a0 >> a1", (i32, shifts.astype(np.int32))),
        MathSample("aten::right_shift", "np.right_shift(a0, 2)", (u8, 2), note="ufunc-uint8"),
        MathSample("aten::right_shift", "a0 >> a1", (np.array([-8, -8, 8, 8], np.int8),
                                                    np.array([1, 9, 9, 100], np.int8)), note="overflowing-shift"),
        MathSample("aten::right_shift", "1000 >> a0", (1000, shifts), note="reflected"),
        MathSample("aten::pow", "a0 ** 3", (i32, 3), note="int**3"),
        MathSample("aten::pow", "a0 ** a1", (i64 % 7, shifts % 5), note="int**int"),
        MathSample("aten::pow", "2 ** a0", (2, shifts), note="2**int"),
        MathSample("aten::pow", "a0 ** 2", (u8, 2), note="uint8-wraps"),
        MathSample("aten::round", "np.round(a0, -1)", (i64, -1), note="int-neg-decimals"),
        MathSample("aten::round", "np.round(a0, 2)", (i32, 2), note="int-decimals"),
        MathSample("aten::fmod", "np.fmod(a0, a1)", (i64, i32), note="int"),
        MathSample("aten::fmod", "np.fmod(a0, 7)", (i32, 7), note="int-scalar"),
        MathSample("aten::fmax", "np.fmax(a0, a1)", (i32, i64), note="int"),
        MathSample("aten::fmin", "np.fmin(a0, 3)", (i8, 3), note="int"),
        MathSample("aten::logical_xor", "np.logical_xor(a0, a1)", (b1, b2), note="bool"),
        MathSample("aten::logical_xor", "np.logical_xor(a0, a1)", (i32, f32), note="numbers"),
        MathSample("aten::isclose", "np.isclose(a0, a1)", (i32, i64, 1e-05, 1e-08, False), note="int"),
        MathSample("aten::arctan2", "np.arctan2(a0, a1)", (i32, f32), note="int-f32"),
        MathSample("aten::hypot", "np.hypot(a0, 3)", (i64, 3), note="int"),
        MathSample("aten::copysign", "np.copysign(a0, a1)", (i32, f32), note="int-f32"),
        MathSample("aten::heaviside", "np.heaviside(a0, 0.5)", (i32, 0.5), note="int"),
        MathSample("aten::float_power", "np.float_power(a0, 2)", (i32, 2), note="int"),
        MathSample("aten::clip", "np.clip(a0, None, 10)", (i32, None, 10), note="int-no-min"),
    ]
    return out


def cplx(shape, dtype):
    """Complex values with both parts ±[0.5, 2)."""
    part = np.float32 if np.dtype(dtype) == np.complex64 else np.float64
    return (signed(shape, part) + 1j * signed(shape, part)).astype(dtype)


def complex_samples(dtype) -> list[MathSample]:
    """complex64/complex128 through the elementwise ops, with real operands and Python complex scalars (NumPy's
    promotion decides the result dtype) in several layouts."""
    part = np.float32 if np.dtype(dtype) == np.complex64 else np.float64
    a, b, r = cplx((3, 4), dtype), cplx((3, 4), dtype), signed((3, 4), part)
    tag = np.dtype(dtype).name
    out = [MathSample(f"aten::{op}", f"{expr}", args, note=f"{tag}-{note}") for op, expr, args, note in (
        ("add", "a0 + a1", (a, b), "contiguous"), ("sub", "a0 - a1", (a.T, b[::-1].T), "transposed"),
        ("mul", "a0 * a1", (a, r), "complex*real"), ("mul", "a0 * 2j", (r, 2j), "real*1j"),
        ("add", "a0 + (1 - 0.5j)", (a[:, ::2], 1 - 0.5j), "step+scalar"),
        ("div", "a0 / a1", (a, b), "contiguous"), ("div", "a0 / a1", (a, b[:1]), "broadcast"),
        ("div", "a0 / a1", (r, np.asarray(b[1, 2])), "real/0d"), ("div", "a0 / 3", (cplx((0, 4), dtype), 3), "empty"),
        ("mul", "a0 * a1", (a, np.int32(3) * np.ones((3, 1), np.int32)), "complex*int"),
        ("neg", "-a0", (a,), "neg"), ("abs", "np.abs(a0)", (a,), "abs"), ("abs", "abs(a0)", (a.T,), "builtin"),
        ("conj", "np.conj(a0)", (a,), "conj"), ("conj", "a0.conjugate()", (r,), "real"),
        ("real", "np.real(a0)", (a,), "real"), ("imag", "np.imag(a0)", (a,), "imag"),
        ("imag", "np.imag(a0)", (r,), "of-real"), ("real", "np.real(a0)", (np.asarray(a[0, 0]),), "0d"),
        ("exp", "np.exp(a0)", (a,), "exp"), ("sqrt", "np.sqrt(a0)", (a,), "sqrt"), ("log", "np.log(a0)", (a,), "log"),
        ("square", "np.square(a0)", (a,), "square"), ("eq", "a0 == a1", (a, np.where(r > 0, a, b)), "eq"),
        ("ne", "a0 != a1", (a, np.where(r > 0, a, b)), "ne"), ("lt", "a0 < a1", (a, b), "lt"),
        ("ge", "a0 >= a1", (a, np.where(r > 0, a, b)), "ge"), ("isfinite", "np.isfinite(a0)", (a,), "isfinite"),
        ("isnan", "np.isnan(a0)", (a,), "isnan"), ("logical_not", "np.logical_not(a0)", (a * (r > 0),), "not"),
        ("where", "np.where(a0, a1, 1j)", (r > 0, a, 1j), "where"),
        ("sin", "np.sin(a0)", (a,), "sin"), ("cos", "np.cos(a0)", (a.T,), "cos"), ("tan", "np.tan(a0)", (a,), "tan"),
        ("sinh", "np.sinh(a0)", (a[::2],), "sinh"), ("cosh", "np.cosh(a0)", (a,), "cosh"),
        ("tanh", "np.tanh(a0)", (a,), "tanh"), ("pow", "a0 ** 1.5", (a, 1.5), "pow-float"),
        ("pow", "np.power(a0, a1)", (a, b), "pow-complex"), ("pow", "a0 ** a1", (a, np.int64(3) + 0 * r), "pow-int"),
        ("maximum", "np.maximum(a0, a1)", (a, b), "maximum"), ("minimum", "np.minimum(a0, a1)", (a, b[:1]), "min"),
        *((name, f"np.{name}(a0)", (a,), name) for name in ("arcsin", "arccos", "arctan", "arcsinh", "arctanh",
                                                             "log1p", "expm1", "log2", "log10", "exp2", "sign",
                                                             "reciprocal", "rint")),
        ("arccosh", "np.arccosh(a0)", (a.T,), "arccosh"), ("fmax", "np.fmax(a0, a1)", (a, b), "fmax"),
        ("fmin", "np.fmin(a0, a1)", (a, r), "fmin-real"), ("clip", "np.clip(a0, a1, a2)", (a, b, b + 1), "clip"),
        ("clip", "a0.clip(None, 0.5)", (a, None, 0.5), "clip-none"), ("round", "np.round(a0, 1)", (a * 10, 1), "round"),
        ("nan_to_num", "np.nan_to_num(a0)", (a, True, 0.0, None, None), "nan_to_num"),
        ("logical_xor", "np.logical_xor(a0, a1)", (a * (r > 0), b), "xor"),
        ("isclose", "np.isclose(a0, a1)", (a, np.where(r > 0, a, b), 1e-05, 1e-08, False), "isclose"),
        ("isclose", "np.isclose(a0, a1, rtol=0.5, equal_nan=True)", (a, b, 0.5, 1e-08, True), "isclose-rtol"),
    )]
    return out


def special_inputs(dtype) -> np.ndarray:
    """NaN, ±inf, ±0, subnormals, the largest values and huge trigonometric arguments."""
    fi = np.finfo(dtype)
    return np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, fi.smallest_subnormal, -fi.smallest_subnormal, fi.tiny,
                     fi.max, -fi.max, 1.0, -1.0, 0.5, -0.5, 2.0, 1e-30, 1e22, -1e22, 1e30, 3.0e38, 100.0, 1e10,
                     np.pi / 2, np.pi, 88.7, 89.5, 709.7, 710.6, -745.2, -103.9, 0.99999, 1.00001],
                    np.float64).astype(dtype)


SAMPLES: list[MathSample] = [s for dtype in (np.float32, np.float64)
                             for build in (unary_samples, binary_samples, composite_samples) for s in build(dtype)]
SAMPLES += int_bool_samples()
SAMPLES += [s for dtype in (np.complex64, np.complex128) for s in complex_samples(dtype)]
