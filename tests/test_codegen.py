"""The native backend op by op: every op in jitc.ops.OPS compiled (through jitc.trace or a hand-built graph) and
compared against eager NumPy, special values, NumPy's integer-division corner cases, and the shape of the
generated code (fusion, vectorization)."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from backend_samples import CASES, FALLBACK, RTOL, Case
from decomp_check import new_ops

import jitc
from jitc.ir import Graph
from jitc.nn import functional as F
from jitc.ops import OPS
from jitc.ops.registry import MATMUL, REDUCTION
from jitc.passes.cse import eliminate_common_subexpressions
from jitc.types import TensorType

NATIVE = [c for c in CASES if not c.falls_back]


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    """These tests check what codegen emits now, not object code an older codegen left in the on-disk cache."""
    monkeypatch.setenv("JITC_CACHE", "0")


FALLING_BACK = [c for c in CASES if c.falls_back]


def is_compiled(fn) -> bool:
    info = fn.cache_info()
    return bool(info) and all(entry["compiled"] for entry in info)


def run_native(fn, inputs):
    """Call fn with copies of inputs (asserting they are not written), erroring if it falls back."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("error", jitc.FallbackWarning)
        with np.errstate(all="ignore"):
            got = fn(*inputs)
    for a, c in zip(inputs, copies):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, c, err_msg="compiled code wrote to an input")
    return got


def summation_bound(case: Case, expected: np.ndarray) -> np.ndarray:
    """|error| allowed for a sum of products: 2 * terms * eps * sum(|a|*|b|) (any summation order meets it)."""
    inputs = [np.abs(a).astype(np.float64) for a in case.inputs]
    with np.errstate(all="ignore"):
        magnitude = np.abs(np.asarray(case.fn(*inputs), np.float64))
    first = case.inputs[0]
    terms = first.shape[-1] if OPS[case.op].kind == MATMUL and first.ndim else first.size // max(expected.size, 1)
    return 2 * max(terms, 1) * np.finfo(expected.dtype).eps * magnitude


def assert_matches(got, expected, case: Case) -> None:
    if not isinstance(expected, (np.ndarray, np.generic)):  # a Python scalar result
        assert type(got) is type(expected) and got == expected, f"{case.id}: {got!r} != {expected!r}"
        return
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, f"{case.id}: dtype {got.dtype} != {expected.dtype}"
    assert got.shape == expected.shape, f"{case.id}: shape {got.shape} != {expected.shape}"
    if expected.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, expected, err_msg=case.id)
    elif OPS[case.op].kind in (REDUCTION, MATMUL) and case.op not in ("aten::max", "aten::min") \
            and case.fn is not None:
        bound = summation_bound(case, expected)
        assert np.all(np.abs(got.astype(np.float64) - expected) <= bound), f"{case.id}: {got} != {expected}"
    else:
        np.testing.assert_allclose(got, expected, rtol=RTOL[expected.dtype], atol=0, err_msg=case.id)


# ---------------------------------------------------------------------------------------------------- every op
def test_every_op_has_a_case():
    covered = {c.op for c in CASES} | new_ops()  # decompositions and kernels: tests/test_decomp_*.py
    assert set(OPS) - covered == set(), "ops without backend cases: add them to backend_samples.py"
    assert set(FALLBACK) <= {(c.op, c.note) for c in CASES}, "a FALLBACK entry names no case"
    assert all(FALLBACK.values())


def test_every_kernel_op_has_a_lowering():
    from codegen.kernels import kernel
    from jitc.ops.registry import KERNEL

    assert all(callable(kernel(name)) for name, op in OPS.items() if op.kind == KERNEL)


@pytest.mark.parametrize("case", NATIVE, ids=lambda c: c.id)
def test_compiled_matches_eager(case: Case):
    expected = case.eager()
    fn = case.compiled()
    got = run_native(fn, case.inputs)
    assert is_compiled(fn), f"{case.id} ran on the interpreter"
    assert_matches(got, expected, case)


@pytest.mark.parametrize("case", FALLING_BACK, ids=lambda c: c.id)
def test_uncompilable_cases_fall_back_with_a_warning(case: Case):
    expected = case.eager()
    fn = case.compiled()
    with pytest.warns(jitc.FallbackWarning, match="runs on the interpreter"), np.errstate(all="ignore"):
        got = fn(*case.inputs)
    assert not is_compiled(fn)
    if isinstance(expected, tuple):
        assert tuple(got) == expected
    else:
        assert_matches(got, expected, case)


# ---------------------------------------------------------------------------------------------------- special values
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 1e-30, -1e-30, 20.0, -20.0, 88.0, -88.0, 89.0, -104.0,
           709.0, 710.0, -745.0, -746.0, 1e300, 5e-324]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["tanh", "exp", "log", "sigmoid", "sqrt"])
def test_math_special_values(name, dtype):
    with np.errstate(all="ignore"):
        x = np.array(SPECIAL * 3, dtype)  # 63 elements: vector body and scalar remainder both see them
    fn = F.sigmoid if name == "sigmoid" else getattr(np, name)
    with np.errstate(all="ignore"):
        traced = jitc.trace(fn, (x,))
        expected = fn(x)
    got = run_native(traced, (x,))
    assert is_compiled(traced)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    finite = ~np.isnan(expected)
    # eager sigmoid's exp(-x) overflows below -88 in float32 and gives 0; ours keeps the (denormal) true value
    atol = np.finfo(dtype).tiny if name == "sigmoid" else 0
    np.testing.assert_allclose(got[finite], expected[finite], rtol=RTOL[np.dtype(dtype)], atol=atol)
    exact = finite & (np.isinf(expected) | (expected == 0))
    if name == "sigmoid":
        exact &= np.isinf(x)  # the eager formula flushes sigmoid(-745.0) to 0 in float64 too
    np.testing.assert_array_equal(got[exact], expected[exact])
    if name in ("tanh", "sqrt"):
        np.testing.assert_array_equal(np.signbit(got[finite]), np.signbit(expected[finite]))  # -0.0 stays -0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_named_special_values(dtype):
    x = np.array([-0.0, np.inf, -np.inf, np.nan, 1000.0, 0.0, -1.0], dtype)
    with np.errstate(all="ignore"):
        fn = jitc.trace(lambda a: (np.tanh(a), np.exp(a), np.log(a), F.sigmoid(a)), (x,))
    tanh, exp, log, sig = run_native(fn, (x,))
    assert np.signbit(tanh[0]) and tanh[0] == 0
    assert tanh[1] == 1 and tanh[2] == -1 and np.isnan(tanh[3])
    assert exp[1] == np.inf and exp[2] == 0 and exp[4] == np.inf and np.isnan(exp[3])
    assert log[5] == -np.inf and np.isnan(log[6]) and log[1] == np.inf and np.isnan(log[2])
    assert sig[1] == 1 and sig[2] == 0 and np.isnan(sig[3])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", [np.maximum, np.minimum], ids=["maximum", "minimum"])
def test_maximum_minimum_propagate_nan(fn, dtype):
    a = np.array([np.nan, 1.0, np.nan, -np.inf, 2.0, np.inf] * 4, dtype)
    b = np.array([1.0, np.nan, np.nan, 3.0, -np.inf, np.nan] * 4, dtype)
    traced = jitc.trace(fn, (a, b))
    np.testing.assert_array_equal(run_native(traced, (a, b)), fn(a, b))  # NaN == NaN here
    assert is_compiled(traced)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.uint32])
def test_integer_division_corner_cases(dtype):
    """x // 0 and x % 0 are 0 and INT_MIN // -1 wraps, as NumPy computes them (it only warns)."""
    info = np.iinfo(dtype)
    if info.min < 0:
        a = np.array([5, -5, 0, info.min, info.min, info.max, -7, 7, info.min], dtype)
        b = np.array([0, 0, 0, -1, 0, -1, 2, -2, 1], dtype)
    else:
        a = np.array([5, 0, info.max, 7, info.max], dtype)
        b = np.array([0, 0, 0, 2, info.max], dtype)
    with np.errstate(all="ignore"):
        traced = jitc.trace(lambda x, y: (x // y, x % y), (a, b))
    q, r = run_native(traced, (a, b))
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(q, a // b)
        np.testing.assert_array_equal(r, a % b)
    assert q.dtype == r.dtype == np.dtype(dtype)
    assert is_compiled(traced)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_floor_divide_and_remainder_match_numpy_bit_for_bit(dtype):
    """Regression: llvm.copysign was declared with one operand (invalid IR), and NaN/zero divisors gave 0, not
    NumPy's NaN/inf (npy_divmod tests `if (mod)` with C truthiness, and x // 0 is x / 0)."""
    vals = np.array([1.0, -1.0, 0.0, -0.0, 7.5, -7.5, np.inf, -np.inf, np.nan, 3.0, -3.0, 1e-30, 1e30], dtype)
    a, b = np.repeat(vals, len(vals)), np.tile(vals, len(vals))
    with np.errstate(all="ignore"):
        traced = jitc.trace(lambda x, y: (x // y, x % y, np.floor_divide(x, 2.5)), (a, b))
    got = run_native(traced, (a, b))
    with np.errstate(all="ignore"):
        expected = (a // b, a % b, np.floor_divide(a, 2.5))
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
        np.testing.assert_array_equal(np.signbit(g), np.signbit(e))
    assert is_compiled(traced)


# ---------------------------------------------------------------------------------------------------- generated code
def _chain(x, h):
    return np.tanh(x * 0.5 + h) * 0.5 + 0.5


@pytest.mark.parametrize("dtype, vector", [(np.float32, r"<(16|8) x float>"), (np.float64, r"<(8|4) x double>")])
def test_fused_chain_is_one_vectorized_loop(dtype, vector):
    rng = np.random.default_rng(5)
    x, h = rng.standard_normal(4096).astype(dtype), rng.standard_normal(4096).astype(dtype)
    traced = jitc.trace(_chain, (x, h))
    graph = traced.graph_for(x, h)
    kinds = [n.kind for n in graph.block.nodes]
    assert kinds.count("prim::FusionGroup") == 1, graph
    assert not [k for k in kinds if k.startswith("aten::") and OPS[k].kind == "elementwise"], graph
    (group,) = [n for n in graph.block.nodes if n.kind == "prim::FusionGroup"]
    inner = {n.kind for n in group.attrs["subgraph"].block.nodes}
    assert {"aten::tanh", "aten::mul", "aten::add"} <= inner
    assert re.search(vector, traced.inspect_llvm(x, h)), "the fused loop is not vectorized"
    np.testing.assert_allclose(run_native(traced, (x, h)), _chain(x, h), rtol=RTOL[np.dtype(dtype)], atol=1e-7)
    assert is_compiled(traced)


def test_strided_broadcast_chain_is_fused_and_correct():
    rng = np.random.default_rng(6)
    x, b = rng.standard_normal((64, 33)).astype(np.float32), rng.standard_normal(64).astype(np.float32)
    traced = jitc.trace(lambda a, c: np.exp(-np.abs(a.T[::-1] - c)) * 2.0, (x, b))
    kinds = [n.kind for n in traced.graph_for(x, b).block.nodes]
    assert kinds.count("prim::FusionGroup") == 1
    np.testing.assert_allclose(run_native(traced, (x, b)), np.exp(-np.abs(x.T[::-1] - b)) * 2.0, rtol=2e-6)


# ---------------------------------------------------------------------------------------------------- passes
def test_cse_accepts_dtypes_without_ir_names():
    """Regression: CSE keyed nodes by str(type), which raised KeyError for complex arrays before the backend
    could reject them (so complex inputs crashed instead of falling back)."""
    g = Graph()
    t = TensorType.contiguous(np.complex128, (3,))
    x = g.add_input(t, "x")
    a = g.insert("aten::neg", [x], [t]).output
    b = g.insert("aten::neg", [x], [t]).output
    g.block.add_return(a)
    g.block.add_return(b)
    eliminate_common_subexpressions(g)
    assert len(g.block.nodes) == 1 and g.outputs[0] is g.outputs[1]


def test_len_and_dim_of_arrays_are_folded():
    """Regression: `len(xs)` / `xs.ndim` (script's aten::len / aten::dim) were left for the backend, which has no
    lowering for them, so any loop `for i in range(len(xs))` ran on the interpreter."""
    case = next(c for c in CASES if c.op == "aten::len")
    fn = case.compiled()
    graph = fn.graph_for(*case.inputs)
    assert "aten::len" not in {n.kind for n in graph.nodes()}
    assert run_native(fn, case.inputs) == 3 and is_compiled(fn)
