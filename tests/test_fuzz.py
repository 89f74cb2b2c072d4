"""Differential fuzzing: random NumPy programs (tests/fuzz/generator.py) run eagerly, in long double, and through
jitc.compile, jitc.script and jitc.trace must agree (tests/fuzz/oracle.py states the rule).

    pytest tests/test_fuzz.py                                  # 200 programs (CI)
    pytest tests/test_fuzz.py --fuzz-cases 10000 -q            # the long run (docs/TRUST.md)
    pytest tests/test_fuzz.py --fuzz-seed 155 --fuzz-cases 1   # replay one failing seed
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from fuzz.edges import generate_edge, run_edge_case
from fuzz.generator import Generator, Program, generate
from fuzz.oracle import Mismatch, check_values, load_module, run_case
from fuzz.scatter import generate as generate_scatter
from fuzz.scatter import run_scatter_case
from fuzz.sizes import generate as generate_sizes
from fuzz.sizes import run_sizes_case

import jitc


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Compiled objects go to a per-test directory, never ~/.cache."""
    monkeypatch.setenv("JITC_CACHE_DIR", str(tmp_path / "cache"))


def pytest_generate_tests(metafunc):
    if "fuzz_seed" in metafunc.fixturenames:
        first = metafunc.config.getoption("--fuzz-seed")
        n = metafunc.config.getoption("--fuzz-cases")
        metafunc.parametrize("fuzz_seed", range(first, first + n))
    if "half_seed" in metafunc.fixturenames:  # a quarter as many programs with a float16 input
        first = metafunc.config.getoption("--fuzz-seed")
        n = metafunc.config.getoption("--fuzz-cases")
        metafunc.parametrize("half_seed", range(first, first + max(n // 4, 1)))


def test_fuzz(fuzz_seed: int, tmp_path) -> None:
    run_case(generate(fuzz_seed), tmp_path)


def test_fuzz_half(half_seed: int, tmp_path) -> None:
    run_case(generate(half_seed, half=True), tmp_path)


def test_fuzz_edges(fuzz_seed: int, tmp_path) -> None:
    """Exact semantics at the edges (tests/fuzz/edges.py): NEP 50 ints, signed zeros, casts, Python scalars."""
    run_edge_case(generate_edge(fuzz_seed), tmp_path)


# Findings of the 10,000-program edge run (seeds 1000-10999), all fixed: a run-time clip lower bound above the
# dtype's max raises OverflowError (4832 4878 5514 5810 7213 9625 10310 10550 10811); a uint64 array against a
# negative run-time int compares exactly (7104 8491 8841); a folded constant in [2**63, 2**64) is no int64 (9369).
EDGE_FINDINGS = (4832, 4878, 5514, 5810, 7104, 7213, 8491, 8841, 9369, 9625, 10310, 10550, 10811)


@pytest.mark.parametrize("seed", EDGE_FINDINGS)
def test_edge_run_findings(seed: int, tmp_path) -> None:
    run_edge_case(generate_edge(seed), tmp_path)


def test_generator_is_deterministic() -> None:
    a, b = generate(1234), generate(1234)
    assert a.source == b.source
    assert all(np.array_equal(x, y, equal_nan=True) and np.shape(x) == np.shape(y) for x, y in zip(a.args, b.args))


def _actual_types(program: Program) -> dict:
    """name -> (shape, dtype) of every variable the program assigns, as eager NumPy makes it (the last value)."""
    lines = []
    for line in program.source.splitlines():
        lines.append(line)
        m = re.match(r"^(\s+)(v\d+) = ", line)
        if m:
            lines.append(f"{m.group(1)}_seen['{m.group(2)}'] = (np.shape({m.group(2)}), np.asarray({m.group(2)}).dtype)")
    namespace = {"_seen": {}}
    exec("\n".join(lines), namespace)  # noqa: S102  (the generator's own program)
    with np.errstate(all="ignore"):
        namespace["prog"](*[a.copy() if isinstance(a, np.ndarray) else a for a in program.args])
    return namespace["_seen"]


def test_generator_tracks_the_shapes_and_dtypes_numpy_makes() -> None:
    """The generator picks operands by the shapes and dtypes it tracks: a wrong one writes programs that are not
    what it meant (`x * (0.5 - 1.5j)` was given an unused variable's broadcast shape) or not valid at all."""
    for seed in range(400):
        gen = Generator(seed)
        seen = _actual_types(gen.program())
        for v in gen.vars:
            if v.name in seen:
                assert seen[v.name] == (v.shape, v.dtype), (seed, v.name, seen[v.name], v.shape, v.dtype)


def test_oracle_catches_wrong_values() -> None:
    """The comparison rule is not vacuous: a 1e-5 relative error in float32, a moved NaN, a lost inf all fail."""
    e = np.array([1.0, 2.0, np.nan, np.inf], np.float32)
    r = e.astype(np.longdouble)
    check_values(e.copy(), e, r, "same")
    for bad in ([1.00002, 2.0, np.nan, np.inf], [1.0, np.nan, np.nan, np.inf], [1.0, 2.0, np.nan, 3e38],
                [1.0, 2.0, 0.0, np.inf]):
        with pytest.raises(Mismatch):
            check_values(np.array(bad, np.float32), e, r, "bad")


# ---- regressions: every finding of the fuzzer, as a fixed program

def _program(source: str, args: list, seed: int = 10**9) -> Program:
    return Program(seed, '"""Regression."""\nimport numpy as np\n\nfrom jitc.nn import functional as F\n\n\n' + source,
                   args, [], False, False)


def test_matmul_with_cancellation_is_within_the_accumulation_bound(tmp_path) -> None:
    """Fuzz seed 96: float64 batched matmul whose sums cancel; an error relative to the cancelled result is fine
    as long as it is small relative to the terms (jitc and BLAS sum in different orders)."""
    rng = np.random.default_rng(96)
    a = (rng.standard_normal((7, 16, 4)) * 30).astype(np.float32)
    program = _program("def prog(a0):\n    v0 = a0.astype(np.float64)\n"
                       "    return v0 @ np.transpose(v0, (0, 2, 1))\n", [a])
    program.accumulates = True
    run_case(program, tmp_path)


def test_matmul_overflow_order(tmp_path) -> None:
    """Fuzz seed 58: float32 matmul where inf meets an overflowing product: NaN or -inf depends on the order of the
    sum (IEEE), so only non-finiteness has to agree."""
    a = np.array([[np.inf, 1.2e-38, -0.2, -4.2e-45, -0.8], [88.5, -0.06, -0.3, 8.5e37, 0.17],
                  [0.28, -0.6, -0.4, 0.06, 1.2e-38]], np.float32)
    program = _program("def prog(a0):\n    return np.matmul(a0.T, a0)\n", [a])
    program.accumulates = True
    run_case(program, tmp_path)


SCALAR_FUNCTION_SOURCE = "def prog(x):\n    return x * np.abs(2.0)\n"


def test_numpy_function_of_python_scalar_is_a_strong_float64(tmp_path) -> None:
    run_case(_program(SCALAR_FUNCTION_SOURCE, [np.ones(3, np.float32)]), tmp_path)


def test_numpy_function_of_python_scalar_traced(tmp_path) -> None:
    """The same program traced is right: the tracer records np.abs(2.0) as a float64 0-d constant."""
    path = tmp_path / "scalar_fn.py"
    path.write_text("import numpy as np\n\n\n" + SCALAR_FUNCTION_SOURCE)
    prog = load_module(path, "jitc_fuzz_scalar_fn").prog
    x = np.ones(3, np.float32)
    assert jitc.trace(prog, (x,))(x).dtype == np.float64


# Programs of the 10,000-case run (seeds 1000-10999) that the first oracle flagged; their inputs are generate(seed)'s
# (the generator draws inputs before statements). None is a jitc bug; each sharpened the rule in fuzz/oracle.py.
LONG_RUN_FINDINGS = {
    # float32 intermediate (astype) inside a float64 output: eps is float32's
    3575: (("def prog(a0, a1):\n    v0 = a0.astype(np.float32)\n    v3 = np.power(np.abs(v0), 3)\n"
           "    return v3 * a1, np.abs(a1 - a1)\n"), True),
    # batched matmul overflowing to inf - inf, then power: NaN vs 0.0 depends on the summation order
    4911: (("def prog(a0, a1, a2, s: float):\n    v2 = a1 @ np.transpose(a1, (0, 2, 1))\n"
           "    return np.power(np.abs(a2), v2)\n"), True),
    # a partial sum overflows in NumPy's order but not in jitc's: jitc finite, eager inf
    5238: ("def prog(a0, a1, s: float):\n    return a0 @ np.transpose(a0, (0, 2, 1))\n", True),
    # matmul inf - inf, then sigmoid
    6483: ("def prog(a0, s: float):\n    v1 = a0 @ np.transpose(a0, (0, 2, 1))\n    return F.sigmoid(v1 + v1)\n",
           True),
    # log near 1 of tanh: a 1-ulp tanh difference becomes 1% of the result (the 2-ulp sensitivity run covers it)
    7492: (("def prog(a0, a1, s: float):\n    if a1.sum() >= 0:\n        v0 = a0 * 2.0\n    else:\n"
           "        v0 = np.tanh(a0)\n    v1 = np.log(v0)\n    return np.where(np.logical_not(a0 < a1), v1, a1)\n"),
           False),
    # log of a matmul with cancellation
    7918: ("def prog(a0):\n    v4 = a0 @ a0.T\n    return np.log(v4)\n", True),
    10228: (("def prog(a0):\n    v0 = a0 @ a0.T\n    v1 = np.matmul(v0.T, v0)\n    v4 = np.power(np.abs(v0), v1)\n"
            "    return np.log(np.abs(v4) + 1.0)\n"), True),
}


@pytest.mark.parametrize("seed", sorted(LONG_RUN_FINDINGS))
def test_long_run_findings(seed: int, tmp_path) -> None:
    source, accumulates = LONG_RUN_FINDINGS[seed]
    program = _program(source, generate(seed).args, seed)
    program.accumulates = accumulates
    run_case(program, tmp_path)


REDUCTION_OF_REDUCTION = {
    "min_of_sum": "def prog(a0):\n    return np.min(np.log(a0).sum())\n",
    "mean_of_min": "def prog(a0):\n    v3 = np.min(a0 * 0.5, axis=0)\n    return v3.mean(axis=None, keepdims=True)\n",
}


@pytest.mark.parametrize("source", list(REDUCTION_OF_REDUCTION.values()), ids=list(REDUCTION_OF_REDUCTION))
def test_reduction_of_a_reduction(source: str, tmp_path) -> None:
    program = _program(source, [np.full(3, 2.0, np.float32)])
    program.accumulates = True
    run_case(program, tmp_path)


@pytest.mark.parametrize("seed", range(60))
def test_fuzz_index_writes(seed: int, tmp_path) -> None:
    """np.<ufunc>.at, x[idx] = v and x[idx] op= v against NumPy (tests/fuzz/scatter.py; long runs: its main)."""
    run_scatter_case(generate_scatter(seed), tmp_path)


@pytest.mark.parametrize("seed", range(40))
def test_fuzz_size_sweeps(seed: int, tmp_path) -> None:
    """Strided slices, aranges over sizes and strided writes at many sizes, few compiles (tests/fuzz/sizes.py)."""
    run_sizes_case(generate_sizes(seed), tmp_path)


# Findings of the 10,000-program run of seeds 30000-39999 (python -m fuzz.run), fixed: a fusion group placed after
# an if pulled in a value that a branch returns (graph lint: used before it is defined) (30518 32107); the oracle
# compared values of a program whose loop breaks on a sum that overflows, +inf in NumPy's order (36209).
# 60521: `-(np.conj(z) * z).imag` of a NumPy scalar z: exactly -0.0 in NumPy's scalar math (robust14)
RUN_FINDINGS = (30518, 32107, 36209, 60521)


@pytest.mark.parametrize("seed", RUN_FINDINGS)
def test_run_findings(seed: int, tmp_path) -> None:
    run_case(generate(seed), tmp_path)


# Seed 5101 before the generator tracked `x * (0.5 - 1.5j)`'s shape right: a 0-d carried value becomes the
# shape of a1 in the loop's first iteration (NumPy broadcasts; jitc peels that iteration, passes/peel.py).
CARRIED_TYPE_CHANGES = ("def prog(a0, a1):\n    v0 = np.sum(a0, axis=-1, keepdims=False)\n    v9 = np.abs(v0 * 0.5)\n"
                        "    for i in range(3):\n        v9 = np.maximum(v9, a1) * 0.9\n        if v9.sum() > 100.0:\n"
                        "            break\n    return v9\n")


def test_loop_carried_value_broadcast_in_the_first_iteration(tmp_path) -> None:
    run_case(_program(CARRIED_TYPE_CHANGES, generate(5101).args, 5101), tmp_path)
