"""Dynamic shapes whose lengths are derived sizes: strided slices (`x[::2]` has `(s0 + 1)//2` rows), np.arange
and np.linspace over an int argument or an input's size, strided writes. Each sweep compiles at most twice (the
first size, then one symbolic specialization) unless a slice's clamping needs a size comparison (then the guard
sends the sizes on the other side elsewhere), with results equal to NumPy at every size."""
import ctypes
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import jitc
from jitc.export import c_compiler

RNG = np.random.default_rng(1212)
SIZES = [*range(1, 65), 1000, 4097]


@pytest.fixture(autouse=True)
def _say_why_it_compiles(monkeypatch):
    """A failing count shows why each call compiled (the captured stderr)."""
    monkeypatch.setenv("JITC_LOG", "recompiles")


def values(dtype, shape):
    if np.dtype(dtype) == np.bool_:
        return RNG.random(shape) < 0.5
    if np.dtype(dtype).kind == "i":
        return RNG.integers(-50, 50, shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def same(got, want, where):
    if want is None:
        assert got is None, where
        return
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, f"{where}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
        tol = 1e-5 if w.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol, err_msg=where)


def sweep(fn, make, sizes=SIZES, script=False):
    """Call the compiled fn at every size against NumPy (results and the arrays it writes); returns it."""
    compiled = jitc.script(fn) if script else jitc.compile(fn, fallback="error")
    for n in sizes:
        args = make(n)
        mine = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        ref = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        same(compiled(*mine), fn(*ref), f"size {n}")
        for m, r in zip(mine, ref):
            if isinstance(r, np.ndarray):
                np.testing.assert_array_equal(m, r, err_msg=f"size {n}: an argument after the call")
    return compiled


def keys(fn) -> list:
    return [info["signature"] for info in fn.cache_info()]


def every_other(x):
    return x[::2] * 2


def every_third_from_one(x):
    return x[1::3] + x[1::3]


def backwards_by_two(x):
    return x[::-2] * 3


def backwards_by_three_from_last(x):
    return x[-1::-3] * 1


def step_larger_than_the_axis(x):
    return x[::100] * 2


@pytest.mark.parametrize("fn", [every_other, every_third_from_one, backwards_by_two, backwards_by_three_from_last,
                                step_larger_than_the_axis])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.bool_])
def test_strided_slices_compile_twice(fn, dtype):
    compiled = sweep(fn, lambda n: (values(dtype, n),))
    assert len(compiled.cache_info()) == 2, keys(compiled)
    assert "s0" in str(keys(compiled)[1])


def rows_and_columns(x):
    return x[::2, 1::2] * 2.0, x[:, ::-3].sum(axis=1)


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_two_dimensional_and_non_contiguous_inputs(layout):
    def make(n):
        x = values(np.float64, (n, n + 2))
        return (np.asfortranarray(x) if layout == "F" else x,)

    if layout == "strided":  # a 1-d view with a step: its strides do not depend on the size
        compiled = sweep(every_other, lambda n: (values(np.float64, 3 * n)[::3],))
    else:
        compiled = sweep(rows_and_columns, make, [1, 2, 3, 4, 5, 8, 13, 31, 64])
    assert len(compiled.cache_info()) == 2, keys(compiled)


def between(x, lo, hi):
    return x[lo:hi:2] * 2.0


def test_int_argument_bounds_of_a_strided_slice():
    """Both bounds change from the first call to the second (an argument that has not changed yet stays by
    value: it would take one more compile when it does)."""
    compiled = sweep(between, lambda n: (values(np.float64, n), n // 2, n), [4, 6, *range(2, 65), 1000])
    assert len(compiled.cache_info()) == 2, keys(compiled)
    assert "p0" in str(keys(compiled)[1]) and "p1" in str(keys(compiled)[1])


def from_five(x):
    return x[5::2] * 2.0


def test_empty_results_and_the_guard_of_a_clamped_start():
    """x[5::2] is empty up to 5 elements: the code for sizes 2..5 and the code for sizes from 6 rely on opposite
    sides of `5 <= s0`, so the sweep compiles three times (static 1, then both sides)."""
    compiled = sweep(from_five, lambda n: (values(np.float64, n),), [1, 2, 3, 4, 5, 6, 7, 8, 20, 64, 3])
    assert len(compiled.cache_info()) == 3, keys(compiled)
    assert any("where s0 - 5 >= 0" in k for k in keys(compiled))


def step_from_an_argument(x, k):
    return x[::k] * 2.0


def test_a_step_from_an_int_argument_stays_by_value():
    """A slice's step must be a number: k is compiled by value, x's size is still symbolic."""
    compiled = sweep(step_from_an_argument, lambda n: (values(np.float64, n), 2 + n % 3), range(2, 40))
    assert len(compiled.cache_info()) == 4, keys(compiled)  # the first call, then one per step


def plus_arange(x, n):
    return x[:n] + np.arange(n)


def stepped_arange(a, b):
    return np.arange(a, b, 3), np.arange(b, a, -2) * 1.5


def grid(lo, hi, n):
    return np.linspace(lo, hi, n)


@pytest.mark.parametrize("fn,make", [
    (plus_arange, lambda n: (values(np.float64, n + 1), n)),
    (stepped_arange, lambda n: (n // 3 - 1, n)),
    (grid, lambda n: (-1.5, 2.25, n)),
], ids=["arange(n)", "arange(a, b, step)", "linspace"])
def test_arange_and_linspace_over_int_arguments(fn, make):
    """The first call, one symbolic specialization for every n from 2, one for 0 and 1 (no rows to slice or
    a single point: the other side of the code's size comparisons)."""
    compiled = sweep(fn, make, [*range(2, 65), 1000])
    assert len(compiled.cache_info()) == 2 and "p0" in str(keys(compiled)[1]), keys(compiled)
    compiled = sweep(fn, make, [2, 3, 0, 1, 5, 1, 0, 64])
    assert len(compiled.cache_info()) <= 3, keys(compiled)


def index_ramp(x):
    return x * np.arange(x.shape[0]), np.arange(x.shape[0] - 1, -1, -1) + x.shape[0], \
        np.arange(2.0, 2 * x.shape[0] + 2, 2.0)  # (integral float bounds and step: the length is exact)


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_])
def test_arange_over_an_input_size(dtype):
    compiled = sweep(index_ramp, lambda n: (values(dtype, n),))
    assert len(compiled.cache_info()) == 2, keys(compiled)


def odd_places_plus_ramp(x):
    return x[1::2] + np.arange(x.shape[0] // 2)


def even_places_plus_ramp(x):
    return x[::2] * np.arange((x.shape[0] + 1) // 2)


@pytest.mark.parametrize("fn", [odd_places_plus_ramp, even_places_plus_ramp])
def test_strided_slice_and_arange_of_the_same_length(fn):
    """`x[1::2]` has s0//2 rows and `x[::2]` (s0 + 1)//2: the same expressions as the aranges', so they broadcast
    in the symbolic code."""
    compiled = sweep(fn, lambda n: (values(np.float64, n),))
    assert len(compiled.cache_info()) == 2, keys(compiled)


def ramps_in_a_loop(x):
    acc = np.zeros(x.shape[0])
    for i in range(3):
        acc = acc + np.arange(x.shape[0]) * x + i
    return acc


def test_arange_inside_a_scripted_loop():
    compiled = sweep(ramps_in_a_loop, lambda n: (values(np.float64, n),), script=True)
    assert len(compiled.cache_info()) == 2, keys(compiled)


def strided_from_the_counter(x, n):
    t = 0.0
    for k in range(n):
        t = t + (x[k::2] * 2.0).sum()
    return t


def test_strided_slice_from_a_loop_counter():
    """`x[k::2]` inside `for k in range(n)`: its length is a floor division of the size less the loop counter."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled = sweep(strided_from_the_counter, lambda n: (values(np.float64, n), 3), range(5, 40),
                         script=True)
    assert len(compiled.cache_info()) == 2, keys(compiled)


def set_even(x, v):
    x[::2] = v
    return x.sum()


def bump_even(x):
    x[::2] += 1
    return x


def copy_thirds(x, y):
    x[1::3] = y[1::3] * 2.0


def bump_backwards(x):
    x[::-2] *= 3


@pytest.mark.parametrize("fn,make", [
    (set_even, lambda n: (values(np.float64, n), 1.5)),
    (bump_even, lambda n: (values(np.int32, n),)),
    (copy_thirds, lambda n: (values(np.float64, n), values(np.float64, n))),
    (bump_backwards, lambda n: (values(np.int64, (n, 3)),)),
], ids=["x[::2] = v", "x[::2] += 1", "x[1::3] = y[1::3]", "x[::-2] *= 3"])
def test_strided_writes(fn, make):
    compiled = sweep(fn, make)
    assert len(compiled.cache_info()) == 2, keys(compiled)


def set_even_from(x, v):
    x[::2] = v
    return x * 1.0


def add_columns(x, w):
    x[:, 1::2] += w
    return x.sum(axis=0)


@pytest.mark.parametrize("fn,make", [
    (set_even_from, lambda n: (values(np.float64, n), values(np.float64, (n + 1) // 2))),
    (add_columns, lambda n: (values(np.float32, (3, n)), values(np.float32, (3, n // 2)))),
], ids=["x[::2] = v", "x[:, 1::2] += w"])
def test_strided_writes_of_arrays_whose_size_is_the_slice_length(fn, make):
    """v has as many elements as x[::2]: its size symbol becomes (s0 + 1)//2, which the guards check (sizes 0
    and 1 of v stay specialized, and a v of another size is NumPy's broadcasting error)."""
    compiled = sweep(fn, make, [4, 6, *range(4, 65), 1000])  # (x and v change together from the first call)
    assert len(compiled.cache_info()) == 2 and "//2" in str(keys(compiled)[1]), keys(compiled)
    sweep(fn, make, [2, 3, 1])  # v or x[:, 1::2] with one element: other code, still NumPy's results
    wrong = (values(np.float32, (3, 9)), values(np.float32, (3, 5))) if fn is add_columns else \
        (values(np.float64, 9), values(np.float64, 4))
    with pytest.raises(ValueError):
        fn(*wrong)
    with pytest.raises(ValueError):
        compiled(*wrong)


def tail_view(x, k):
    return x[k:]


def test_a_returned_view_with_an_int_argument_bound_is_a_view():
    """NumPy returns a view of x: so does the compiled code (the runtime makes it, from numbers: k stays by
    value there)."""
    compiled = jitc.compile(tail_view, fallback="error")
    for n in (5, 9, 12):
        x = values(np.float64, n)
        got = compiled(x, n // 3)
        np.testing.assert_array_equal(got, x[n // 3:])
        assert np.shares_memory(got, x)


def test_floor_division_sizes_survive_a_warm_start(tmp_path):
    """A new process loads the symbolic specialization from the disk cache: its output shape `(s0 + 1)//2` is
    read back from the cache entry."""
    script = tmp_path / "warm.py"
    script.write_text(
        "import numpy as np, jitc\n"
        "def f(x):\n    return x[::2] * 2.0\n"
        "fn = jitc.compile(f, fallback='error')\n"
        "for n in (4, 7, 9, 30):\n"
        "    x = np.arange(n) * 1.0\n    assert np.array_equal(fn(x), x[::2] * 2.0), n\n"
        "print(len(fn.cache_info()), fn.cache_info()[-1]['stages'].get('disk_cache') is not None)\n")
    env = {**os.environ, "JITC_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": os.pathsep.join(sys.path)}
    runs = [subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300,
                           check=False) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert runs[0].stdout.split() == ["2", "False"] and runs[1].stdout.split() == ["2", "True"], runs


def reversed_sum_and_thirds(x):
    return x[::-2].sum(), np.arange(x.shape[0] // 3)


def test_floor_division_sizes_in_the_printed_graph_parse_back():
    fn = jitc.compile(reversed_sum_and_thirds, dynamic=True, fallback="error")
    x = values(np.float64, 9)
    same(fn(x), reversed_sum_and_thirds(x), "size 9")
    text = str(fn.graph_for(x))
    assert "Double((s0 + 1)//2, strides=[-2])" in text and "Long(s0//3, strides=[1])" in text, text
    assert str(jitc.parse_ir(text)) == text


def halves(x):
    return x[::2] * 2.0 + np.arange((x.shape[0] + 1) // 2)


MAIN = r"""
#include <stdio.h>
#include "halves.h"
int main(void) {
    int64_t s0 = 7;
    long n[] = HALVES_OUT0_SHAPE;
    printf("%ld %ld\n", n[0], (long)HALVES_OUT0_SIZE);
    return 0;
}
"""


@pytest.mark.skipif(c_compiler() is None, reason="no C compiler on this machine")
def test_exported_strided_function_runs_at_several_sizes(tmp_path):
    """The header's output shape is C (whose `/` truncates and `//` starts a comment): the floor division is
    spelled out; one library serves every size."""
    files = jitc.export(halves, (values(np.float64, 7),), tmp_path / "halves", dynamic={"x": [0]})
    lib = ctypes.CDLL(files.shared_library)
    ptr = ctypes.POINTER(ctypes.c_double)
    lib.halves.argtypes = [ptr, ptr, ctypes.c_int64]
    for n in (7, 2, 3, 10, 101):
        x, out = values(np.float64, n), np.empty((n + 1) // 2)
        assert lib.halves(x.ctypes.data_as(ptr), out.ctypes.data_as(ptr), n) == 0
        np.testing.assert_allclose(out, halves(x), rtol=1e-12)
    (tmp_path / "main.c").write_text(MAIN)
    subprocess.run([c_compiler(), f"-I{tmp_path}", str(tmp_path / "main.c"), "-o", str(tmp_path / "main")],
                   check=True, timeout=120)
    out = subprocess.run([str(tmp_path / "main")], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.split() == ["4", "4"]
