"""`x[..., items]` in scripted code, where the array's rank is not known when the function is scripted: the items
after `...` apply to dimensions counted from the end (mamba's `x_dbl[..., :dt_rank]`). Reads, views written
through, and writes, against NumPy for several ranks, dtypes and a non-contiguous input."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import jitc

INDEXES = ["x[..., 1:3]", "x[..., 0]", "x[..., None]", "x[..., 1, None, ::2]", "x[1, ..., :2]",
           "x[..., None, 1:, -1]", "x[0, ..., None, 1]", "x[..., k:]", "x[..., :k, k]", "x[..., ::-1, None]",
           "x[None, ..., -k]"]


def _compile(expr: str, tmp_path, body: str):
    path = tmp_path / f"ellipsis_{abs(hash((expr, body)))}.py"
    path.write_text(f"def f(x, k: int):\n{body.format(expr=expr)}\n")  # a file: scripting reads the source
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def inputs(shape, dtype, rng, contiguous=True):
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    return x if contiguous else np.asfortranarray(x)


@pytest.mark.parametrize("expr", INDEXES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_read(expr, dtype, tmp_path):
    f = _compile(expr, tmp_path, "    return {expr} * 2")
    cf = jitc.script(f)  # scripted: a trace would know the rank
    rng = np.random.default_rng(0)
    for shape, contiguous in (((3, 4, 5), True), ((4, 5, 3, 2), True), ((3, 4, 5), False)):
        x = inputs(shape, dtype, rng, contiguous)
        want, got = f(x.copy(), 1), cf(x, 1)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


# (a write `x[:, :k] = v` with a run-time bound k is a separate, older defect: FINDINGS.md, ml14)
@pytest.mark.parametrize(("expr", "write"), [("x[..., 1:3]", True), ("x[..., 0]", True), ("x[1, ..., :2]", True),
                                             ("x[..., :k, k]", False), ("x[..., k]", True)])
def test_view_written_through_and_write(expr, write, tmp_path):
    through = _compile(expr, tmp_path, "    y = {expr}\n    y[...] = -1.5\n    return x.sum()")
    direct = _compile(expr, tmp_path, "    {expr} = 7.0\n    return x[..., 0] * 1")
    rng = np.random.default_rng(1)
    for f in (through, direct) if write else (through,):
        cf = jitc.script(f)  # scripted: a trace would know the rank
        for shape in ((3, 4, 5), (2, 3, 4, 5)):
            x = inputs(shape, np.float64, rng)
            ref = x.copy()
            want, got = f(ref, 1), cf(x, 1)
            np.testing.assert_allclose(got, want, rtol=1e-12)  # a sum: the order may differ
            np.testing.assert_array_equal(x, ref)  # the argument is written as NumPy writes it


def views(x, k: int):
    return x[..., 1:3], x[..., k, None]


def test_returned_views_on_the_fast_path():
    """The cached call rebuilds returned views of an argument from their steps, counted from the end here."""
    cf = jitc.compile(views, fallback="error")
    for _ in range(3):
        x = np.random.default_rng(5).standard_normal((3, 4, 5))
        for got, want in zip(cf(x, 2), views(x, 2)):
            assert got.shape == want.shape
            np.testing.assert_array_equal(got, want)
        assert np.shares_memory(cf(x, 2)[0], x)


@pytest.mark.parametrize("expr", INDEXES[:6])
def test_code_runs_on_numpy(expr, tmp_path):
    """`.code` is Python that computes what the graph computes: negative dimensions print correctly too."""
    f = _compile(expr, tmp_path, "    return {expr} * 2")
    code = jitc.script(f).code
    namespace = {"np": np}
    exec(code, namespace)  # noqa: S102  (the printed graph, run on NumPy)
    x = np.random.default_rng(6).standard_normal((3, 4, 5))
    np.testing.assert_array_equal(namespace["f"](x, 1), f(x, 1))
