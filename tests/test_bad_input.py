"""Bad-input catalogue: every case runs in its own subprocess (a crash fails the test instead of killing pytest),
raises a clear error (a jitc.JitcError subclass or NumPy's own type) or gives NumPy's answer, and the compiled
function still works afterwards (called again with good inputs in the same process)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

# The functions under test: written to a real module file so jitc.script can read their source.
MODULE = '''
import numpy as np
from jitc.nn.functional import sigmoid


def add(x, y):
    return x + y


def total(x):
    return x.sum()


def row_sums(x):
    return x.sum(axis=1)


def alloc(x):
    return np.zeros((1 << 40,)) + x.sum()


def alloc_overflow(x):
    return np.zeros((1 << 40, 1 << 40)) + x.sum()


def reshape_overflow(x):
    return x.reshape((1 << 62, 4))


def index(x):
    return x[5]


def largest(x):
    return x.max()


def sigmoid_(x):
    return sigmoid(x)


def divmod_(x, y):
    return x // y, x % y


def div(x, y):
    return x / y


def boom(x):
    y = x * 2
    raise ValueError("user error here")  # the user's line
'''

# Runs one case: `fn` = jitc.compile(badmod.<name>); eval the bad call; report what happened; then the good call
# must still give NumPy's answer. Prints one JSON status line.
RUNNER = '''
import json, sys, traceback, warnings
import numpy as np
from numpy.lib.stride_tricks import as_strided
import jitc
sys.path.insert(0, sys.argv[1])
import badmod
name, bad, good, fallback = sys.argv[2:6]
fn = jitc.compile(getattr(badmod, name), fallback=fallback)
eager = getattr(badmod, name)
x = np.arange(6, dtype=np.float32).reshape(2, 3)
status = {"raised": None, "mro": [], "jitc": False, "matches_numpy": None, "tb": ""}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        args = eval(bad)
        got = fn(*args)
        with np.errstate(all="ignore"):
            want = eager(*args)
        pairs = zip(got, want) if isinstance(want, tuple) else [(got, want)]
        status["matches_numpy"] = all(np.asarray(g).dtype == np.asarray(w).dtype and
                                      np.array_equal(g, w, equal_nan=True) for g, w in pairs)
    except Exception as e:
        status["raised"] = type(e).__name__
        status["mro"] = [c.__name__ for c in type(e).__mro__]
        status["jitc"] = isinstance(e, jitc.JitcError)
        status["message"] = str(e)[:300]
        status["tb"] = "".join(traceback.format_exception(e))[-2000:]
    if good != "None":
        good_args = eval(good)
        with np.errstate(all="ignore"):
            want = eager(*good_args)
        got = fn(*good_args)
        pairs = zip(got, want) if isinstance(want, tuple) else [(got, want)]
        status["after_ok"] = all(np.array_equal(g, w, equal_nan=True) for g, w in pairs)
print("STATUS " + json.dumps(status))
'''

X = "(x, x)"
I64 = "np.iinfo(np.int64).min"
I32 = "np.iinfo(np.int32).min"
BIG = "np.broadcast_to(np.ones(1, np.float64), ((1 << 31) + 8,))"
BIG2D = "as_strided(np.ones(1, np.float32), shape=((1 << 16) + 1, (1 << 15) + 1), strides=(0, 0))"

# (id, function, bad arguments, expected: exception class name in the MRO, or "numpy" = returns NumPy's answer;
#  good arguments afterwards, fallback policy)
CASES = [
    ("arity_too_few", "add", "(x,)", "SignatureError", X, "warn"),
    ("arity_too_many", "add", "(x, x, x)", "SignatureError", X, "warn"),
    ("list", "add", "([1.0, 2.0, 3.0], x)", "numpy", X, "warn"),  # runs through NumPy (FallbackWarning)
    ("list_fallback_error", "add", "([1.0, 2.0, 3.0], x)", "JitcError", X, "error"),
    ("none", "add", "(None, x)", "TypeError", X, "warn"),  # NumPy's error, from running it through NumPy
    ("str", "add", "('ab', x)", "UFuncTypeError", X, "warn"),
    ("python_float", "add", "(1.0, x)", "numpy", X, "warn"),  # a Python scalar argument: compiled by type
    ("dict", "add", "({}, x)", "TypeError", X, "warn"),
    ("numpy_scalar", "add", "(np.float32(2.0), x)", "numpy", X, "warn"),
    ("object_dtype", "add", "(np.array([1.0, None], dtype=object), x[0, :2])", "SignatureError", X, "warn"),
    ("complex_native", "add", "(np.ones(3, np.complex64), np.ones(3, np.complex64) * 1j)", "numpy", X, "error"),
    # the logistic sigmoid of complex values is not native: NumPy computes it
    ("complex_interpreted", "sigmoid_", "(np.ones(3, np.complex64) * 1j,)", "numpy", "(x,)", "warn"),
    ("complex_fallback_error", "sigmoid_", "(np.ones(3, np.complex64) * 1j,)", "CompileError", "(x,)", "error"),
    ("complex_floor_divide", "divmod_", "(np.ones(3, np.complex64), np.ones(3, np.complex64))", "TypeError", X,
     "warn"),
    ("datetime", "add", "(np.array(['2020-01-01'], 'datetime64[D]'), np.array([1], 'timedelta64[D]'))",
     "SignatureError", X, "warn"),
    ("timedelta", "add", "(np.array([1], 'timedelta64[D]'), np.array([1], 'timedelta64[D]'))", "SignatureError",
     X, "warn"),
    ("structured", "add", "(np.zeros(3, [('a', 'f4')]), np.zeros(3, [('a', 'f4')]))", "SignatureError", X, "warn"),
    ("bytes", "add", "(np.array([b'a']), np.array([b'b']))", "SignatureError", X, "warn"),
    ("big_endian", "add", "(np.arange(3, dtype='>f4'), np.ones(3, np.float32))", "numpy", X, "warn"),
    ("big_endian_f8_2d", "add", "(np.arange(6, dtype='>f8').reshape(2, 3).T, np.ones(2, '<f8'))", "numpy", X,
     "warn"),
    ("no_broadcast", "add", "(np.ones((2, 3), np.float32), np.ones(4, np.float32))", "ShapeError", X, "warn"),
    ("read_only_broadcast", "add", "(np.broadcast_to(np.float32(1), (2, 3)), x)", "numpy", X, "warn"),
    ("read_only_flag", "add", "((lambda a: (a.setflags(write=False), a)[1])(x.copy()), x)", "numpy", X, "warn"),
    ("unaligned", "add", ("(np.frombuffer(b'\\x00' * 13, np.uint8, offset=1).view(np.float32), "
                          "np.ones(3, np.float32))"), "numpy", X, "warn"),
    ("unaligned_2d_f64", "total",
     "(np.frombuffer(np.arange(7.0).tobytes(), np.uint8, offset=1, count=48).view(np.float64).reshape(2, 3),)",
     "numpy", "(x,)", "warn"),
    ("over_2_31_elements_sum", "total", f"({BIG},)", "numpy", "(x,)", "warn"),
    ("over_2_31_elements_2d_axis", "row_sums", f"({BIG2D},)", "numpy", "(x,)", "warn"),
    ("alloc_8_tib", "alloc", "(x,)", "MemoryError", "None", "warn"),  # these three always raise
    ("shape_product_overflows", "alloc_overflow", "(x,)", "ValueError", "None", "warn"),
    ("reshape_product_overflows", "reshape_overflow", "(x,)", "ValueError", "None", "warn"),
    ("index_out_of_range", "index", "(x,)", "ShapeError", "(np.ones((6, 2)),)", "warn"),  # NumPy: IndexError
    ("max_of_empty", "largest", "(np.ones((0, 3)),)", "ValueError", "(x,)", "warn"),
    ("int64_divide_by_zero", "divmod_", "(np.array([1, -3, 0, 7]), np.array([0, 0, 0, 2]))", "numpy", X, "warn"),
    ("int64_min_floordiv_minus_one", "divmod_", f"(np.array([{I64}, {I64}]), np.array([-1, 1]))", "numpy", X,
     "warn"),
    ("int32_min_floordiv_minus_one", "divmod_",
     f"(np.array([{I32}, 5], np.int32), np.array([-1, 0], np.int32))", "numpy", X, "warn"),
    ("float_divide_by_zero", "div", "(np.array([1.0, -1.0, 0.0, -0.0]), np.array([0.0, 0.0, 0.0, 0.0]))", "numpy",
     X, "warn"),
    ("user_raise", "boom", "(x,)", "ValueError", "None", "warn"),
]


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("badinput")
    (folder / "badmod.py").write_text(textwrap.dedent(MODULE))
    return folder


def run(module_dir, name: str, bad: str, good: str, fallback: str) -> dict:
    env = dict(os.environ, JITC_CACHE_DIR=str(module_dir / "cache"))
    argv = [sys.executable, "-c", RUNNER, str(module_dir), name, bad, good, fallback]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert proc.returncode == 0, f"crashed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}"
    line = next(x for x in proc.stdout.splitlines() if x.startswith("STATUS "))
    return json.loads(line[len("STATUS "):])


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input(case, module_dir) -> None:
    cid, name, bad, expected, good, fallback = case
    status = run(module_dir, name, bad, good, fallback)
    if expected == "numpy":
        assert status["raised"] is None, f"{cid}: raised {status['raised']}: {status.get('message')}"
        assert status["matches_numpy"], f"{cid}: the result differs from NumPy's"
    else:
        assert expected in status["mro"], f"{cid}: expected {expected}, got {status['raised']}: {status.get('message')}"
        if status["raised"] not in ("MemoryError", "_ArrayMemoryError", "ValueError", "IndexError"):
            assert status["jitc"] or status["raised"] == expected
    if name == "boom":
        assert 'raise ValueError("user error here")' in status["tb"], status["tb"]
        assert "badmod.py" in status["tb"]
    if good != "None":
        assert status["after_ok"], f"{cid}: the compiled function is broken after the bad call"
