"""Compiled functions, scripted/traced/compiled modules pickle (pickle and cloudpickle), before and after they
were called, by reference when importable and by value otherwise; copy.copy/deepcopy work; the unpickled
object compiles natively where it lands and computes NumPy's results."""
from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jitc
from jitc import nn

cloudpickle = pytest.importorskip("cloudpickle")
DUMPS = {"pickle": pickle.dumps, "cloudpickle": cloudpickle.dumps}
TOL = {np.float32: {"rtol": 1e-5, "atol": 1e-6}, np.float64: {"rtol": 1e-12, "atol": 1e-12}}


@jitc.compile
def step(x, h):
    return np.tanh(x * 0.5 + h)


@jitc.script
def scaled_exp(x):
    return np.exp(x) - 1.0


def eager_step(x, h):
    return np.tanh(x * 0.5 + h)


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2.0
        return -x


class Cell(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = Gate()
        self.linear = nn.Linear(4, 4)

    def forward(self, x, h):
        return np.tanh(self.gate(self.linear(x)) + h)


def eager_cell(cell, x, h):
    y = x @ cell.linear.weight.T + cell.linear.bias
    return np.tanh((y * 2.0 if y.sum() > 0 else -y) + h)


def inputs(rng, dtype=np.float32):
    return rng.standard_normal((3, 4)).astype(dtype), rng.standard_normal((3, 4)).astype(dtype)


def objects(rng):
    """(name, compiled object, its arguments, NumPy's result)."""
    x, h = inputs(rng)
    cell = Cell()
    local = jitc.compile(lambda a, b: a * 3.0 - b)  # not importable: travels by value
    w = rng.standard_normal(4).astype(np.float32)
    traced_fn = jitc.trace(lambda a, b: a * w + b, (x, h))  # w becomes an array constant of the graph
    return [
        ("compiled function", step, (x, h), eager_step(x, h)),
        ("local compiled function", local, (x, h), x * 3.0 - h),
        ("script function", scaled_exp, (x,), np.exp(x) - 1.0),
        ("traced function with an array constant", traced_fn, (x, h), x * w + h),
        ("script module", jitc.script(cell), (x, h), eager_cell(cell, x, h)),
        ("traced module", jitc.trace(cell, (np.abs(x), h)), (np.abs(x), h), eager_cell(cell, np.abs(x), h)),
        ("compiled module", jitc.compile(cell), (x, h), eager_cell(cell, x, h)),
    ]


@pytest.mark.filterwarnings("ignore::jitc.TracerWarning")
@pytest.mark.parametrize("dumps", DUMPS)
@pytest.mark.parametrize("called", [False, True], ids=["fresh", "called"])
def test_round_trip_gives_numpys_results(rng, dumps, called):
    for name, obj, args, expected in objects(rng):
        if called:
            obj(*args)
        data = DUMPS[dumps](obj)
        assert b"ctypes" not in data, name  # native code never travels
        restored = pickle.loads(data)
        got = restored(*args)
        np.testing.assert_allclose(got, expected, **TOL[np.float32], err_msg=name)
        np.testing.assert_array_equal(got, obj(*args), err_msg=name)  # the same graph compiles to the same code
        assert [info["compiled"] for info in restored.cache_info()] == [True], name
        np.testing.assert_allclose(obj(*args), expected, **TOL[np.float32], err_msg=name)  # the original is intact


def test_importable_objects_pickle_by_reference():
    for obj in (step, scaled_exp):
        for dumps in DUMPS.values():
            assert pickle.loads(dumps(obj)) is obj


def test_by_value_carries_graph_and_parameters_not_the_user_class(rng, monkeypatch):
    """A module pickled by value runs where its class's module cannot be imported."""
    cell = Cell()
    scripted = jitc.script(cell)
    data = pickle.dumps(scripted)
    monkeypatch.setitem(sys.modules, __name__, None)  # importing this test module now fails
    x, h = inputs(rng)
    restored = pickle.loads(data)
    np.testing.assert_allclose(restored(x, h), eager_cell(cell, x, h), **TOL[np.float32])
    np.testing.assert_array_equal(restored.linear.weight, cell.linear.weight)
    assert str(restored.graph) == str(scripted.graph)


def test_a_compiled_module_and_its_module_share_their_arrays_after_unpickling(rng):
    compiled = jitc.compile(Cell())
    restored = pickle.loads(pickle.dumps(compiled))
    x, h = inputs(rng)
    restored.fn.linear.weight[...] = rng.standard_normal((4, 4)).astype(np.float32)  # in place, as NumPy users do
    np.testing.assert_allclose(restored(x, h), eager_cell(restored.fn, x, h), **TOL[np.float32])


def test_float64_and_other_shapes_after_unpickling(rng):
    restored = pickle.loads(cloudpickle.dumps(step))
    for shape in [(), (0,), (5, 7), (2, 3, 4)]:
        x = rng.standard_normal(shape)
        h = np.asarray(rng.standard_normal(shape[-1:]))  # broadcasts along the last axis
        np.testing.assert_allclose(restored(x, h), eager_step(x, h), **TOL[np.float64])
    x = rng.standard_normal((6, 8)).astype(np.float32)[::2, ::3]  # non-contiguous
    np.testing.assert_allclose(restored(x, x), eager_step(x, x), **TOL[np.float32])


def test_without_cloudpickle_a_local_function_is_refused_clearly(rng, monkeypatch):
    """Plain pickle cannot carry a local function or a lambda, which binds the calls: a clear PicklingError."""
    def local(a, b):
        return a * 3.0 - b

    monkeypatch.setitem(sys.modules, "cloudpickle", None)
    for fn in (jitc.compile(local), jitc.compile(lambda a, b: a - b), jitc.script(local)):
        with pytest.raises(pickle.PicklingError, match="install cloudpickle"):
            pickle.dumps(fn)
    x, h = inputs(rng)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(step))(x, h), eager_step(x, h), **TOL[np.float32])


def test_copy_shares_and_deepcopy_copies(rng):
    x, h = inputs(rng)
    for make in (jitc.script, jitc.compile):
        cell = Cell()
        obj = make(cell)
        obj(x, h)
        shallow, deep = copy.copy(obj), copy.deepcopy(obj)
        expected = eager_cell(cell, x, h)
        for c in (shallow, deep):
            np.testing.assert_allclose(c(x, h), expected, **TOL[np.float32])
        cell.linear.weight[...] *= -1.0  # in place: the original and its shallow copy see it, the deep copy not
        np.testing.assert_allclose(shallow(x, h), eager_cell(cell, x, h), **TOL[np.float32])
        np.testing.assert_allclose(deep(x, h), expected, **TOL[np.float32])
    for fn in (step, scaled_exp):
        for c in (copy.copy(fn), copy.deepcopy(fn)):
            np.testing.assert_allclose(c(x, h) if fn is step else c(x), eager_step(x, h) if fn is step else
                                       np.exp(x) - 1.0, **TOL[np.float32])


MAIN = """
import pickle, sys
import numpy as np
import cloudpickle
import jitc
from jitc import nn

@jitc.compile
def step(x, h):
    return np.tanh(x * 0.5 + h)

class Cell(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 4)

    def forward(self, x):
        return np.tanh(self.linear(x)) * 2.0

x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
cell = Cell()
objs = [step, jitc.compile(cell), jitc.script(cell)]
objs[0](x, x)
expected = [np.tanh(x * 0.5 + x), np.tanh(x @ cell.linear.weight.T + cell.linear.bias) * 2.0]
dumps = pickle.dumps if sys.argv[2] == "pickle" else cloudpickle.dumps
with open(sys.argv[1], "wb") as f:
    f.write(dumps((objs, x, expected)))
"""

LOAD = """
import pickle, sys
import numpy as np
with open(sys.argv[1], "rb") as f:
    (step, compiled, scripted), x, (e_step, e_cell) = pickle.load(f)
for got, want in [(step(x, x), e_step), (compiled(x), e_cell), (scripted(x), e_cell)]:
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
assert all(i["compiled"] for o in (step, compiled, scripted) for i in o.cache_info())
assert step.fn is not None and compiled.fn is not None  # the user's function and module came along
print("ok")
"""


@pytest.mark.parametrize("dumps", DUMPS)
def test_objects_of_main_travel_by_value_to_another_program(tmp_path, dumps):
    (tmp_path / "main.py").write_text(MAIN)
    (tmp_path / "load.py").write_text(LOAD)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    blob = tmp_path / "objs.pkl"
    for script, args in (("main.py", [str(blob), dumps]), ("load.py", [str(blob)])):
        proc = subprocess.run([sys.executable, script, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
        assert proc.returncode == 0, textwrap.shorten(proc.stderr, 2000)
    assert proc.stdout.strip() == "ok"


def _call(fn, *args):
    return fn(*args)


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_multiprocessing_start_methods(rng, method):
    """What multiprocessing (and Dask) do: pickle to a child started by fork, forkserver or spawn, call there."""
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    x, h = inputs(rng)
    cell = Cell()
    scripted = jitc.script(cell)
    scripted(x, h)  # compiled in the parent: a forked child inherits the compiled code and a started pool
    with multiprocessing.get_context(method).Pool(1) as pool:
        got_step = pool.apply_async(_call, (step, x, h)).get(timeout=120)
        got_cell = pool.apply_async(_call, (scripted, x, h)).get(timeout=120)
    np.testing.assert_allclose(got_step, eager_step(x, h), **TOL[np.float32])
    np.testing.assert_allclose(got_cell, eager_cell(cell, x, h), **TOL[np.float32])


def test_scripted_function_keeps_keywords_defaults_and_scalar_variants(rng):
    """The variants compiled before pickling travel; cloudpickle's copy of a local function has no source, so
    a new kind of argument there says so; a copy shares the function and compiles new kinds."""
    def scale(x, k=2.0, shift=0):
        return x * k + shift

    x = rng.standard_normal((3, 5)).astype(np.float32)
    calls = [((x,), {}), ((x, 3), {}), ((x,), {"k": 0.5, "shift": 1})]
    scripted = jitc.script(scale)
    for args, kwargs in calls:
        scripted(*args, **kwargs)
    restored = pickle.loads(cloudpickle.dumps(scripted))
    for args, kwargs in calls:
        np.testing.assert_allclose(restored(*args, **kwargs), scale(*args, **kwargs), **TOL[np.float32])
    with pytest.raises(jitc.ScriptError, match="source code is not available"):
        restored(x, True)
    shallow = copy.copy(scripted)
    for args, kwargs in [*calls, ((x, True), {})]:
        np.testing.assert_allclose(shallow(*args, **kwargs), scale(*args, **kwargs), **TOL[np.float32])
