"""OpInfo-style checks for the decomposition table and the primitives under it (tests/test_decomp_*.py).

A sample is a NumPy expression over inputs `x, y, z` (`np.var(x, axis=1, ddof=1)`) plus the arrays. Each
expression becomes a function in a generated module file (scripting reads source), and is checked
eager == traced == scripted == compiled, plus the scripted `.code` run as Python: values within the dtype's
tolerance, exact dtype and shape, and no FallbackWarning (everything runs natively)."""
from __future__ import annotations

import importlib.util
import itertools
import warnings
from dataclasses import dataclass

import numpy as np

import jitc
from jitc.errors import FallbackWarning, TracerWarning
from jitc.ops import OPS
from jitc.ops.registry import COMPOSITE, KERNEL

RTOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-11, np.dtype(np.complex64): 2e-5,
        np.dtype(np.complex128): 1e-11}
NAMES = "xyz"
_rng = np.random.default_rng(7)
_counter = itertools.count()


@dataclass(frozen=True)
class Sample:
    expr: str
    inputs: tuple

    @property
    def id(self) -> str:
        arrays = ",".join(f"{a.dtype}{list(a.shape)}{'' if a.flags.c_contiguous else 'nc'}" for a in self.inputs)
        return f"{self.expr}-{arrays}"


def signed(shape, dtype=np.float64):
    """Random values in ±[0.5, 2) (never zero) for floats; small nonzero ints; random bools."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return _rng.random(shape) > 0.5
    if dtype.kind in "iu":
        v = _rng.integers(1, 5, shape) * (_rng.choice([-1, 1], shape) if dtype.kind == "i" else 1)
        return v.astype(dtype)
    if dtype.kind == "c":
        return (signed(shape) + 1j * signed(shape)).astype(dtype)
    return (_rng.uniform(0.5, 2.0, shape) * _rng.choice([-1.0, 1.0], shape)).astype(dtype)


def noncontig(shape, dtype=np.float64):
    """A strided view (every other column) of the given shape."""
    full = signed(shape[:-1] + (2 * shape[-1],), dtype)
    return full[..., ::2]


def samples(exprs, *input_sets) -> list[Sample]:
    return [Sample(e, tuple(inputs)) for e in exprs for inputs in input_sets]


def functions(samples_: list[Sample], tmp_dir) -> dict[str, object]:
    """One module file with `def f<N>(x, ...): return <expr>` per distinct expression and arity."""
    lines, names = ["import numpy as np", ""], {}
    for s in samples_:
        key = (s.expr, len(s.inputs))
        if key in names:
            continue
        name = f"f{len(names)}"
        names[key] = name
        lines += [f"def {name}({', '.join(NAMES[:len(s.inputs)])}):", f"    return {s.expr}", ""]
    path = tmp_dir / f"decomp_samples_{next(_counter)}.py"
    path.write_text("\n".join(lines))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {key: getattr(module, name) for key, name in names.items()}


def assert_same(got, expected, what: str) -> None:
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected), f"{what}: {type(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same(g, e, f"{what}[{i}]")
        return
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype} != {expected.dtype}"
    assert got.shape == expected.shape, f"{what}: shape {got.shape} != {expected.shape}"
    np.testing.assert_allclose(got, expected, rtol=RTOL.get(expected.dtype, 0), atol=RTOL.get(expected.dtype, 0),
                               equal_nan=True, err_msg=what)


def check(sample: Sample, fn) -> None:
    inputs = sample.inputs
    with np.errstate(all="ignore"):
        expected = fn(*(a.copy() for a in inputs))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        warnings.simplefilter("error", TracerWarning)
        traced = jitc.trace(fn, inputs)
        assert_same(traced(*inputs), expected, "traced")
        scripted = jitc.script(fn)
        assert_same(scripted(*inputs), expected, "scripted")
        namespace = {"np": np, "jitc": jitc}
        exec(scripted.code, namespace)  # noqa: S102  (the generated .code must run as NumPy)
        assert_same(namespace[scripted.name](*inputs), expected, "scripted .code")
        assert_same(jitc.compile(fn, fallback="error")(*inputs), expected, "compiled")


def new_ops() -> set[str]:
    """The ops these suites own: every decomposition and every kernel primitive, plus copy."""
    return {name for name, op in OPS.items() if op.kind in (COMPOSITE, KERNEL)} | {"aten::copy"}


def uncovered(all_samples: list[Sample]) -> set[str]:
    """New ops whose NumPy spelling (`np.var(` or `.var(`) no sample uses."""
    text = " ".join(s.expr for s in all_samples)
    return {name for name in new_ops() if f"{OPS[name].short}(" not in text}
