"""Every corpus program with its inputs laid out as users pass them (layouts.py), through
`jitc.compile(fn, fallback="error")` against eager NumPy on the same layout: return values, every argument, and
the whole array under every view (what the program writes lands in the caller's view and nowhere else).

One dtype (float64) and one size per layout keeps this cheap: strided views of every array (the compiling call
and the cached one), Fortran order for programs with a 2-D array, NumPy float scalars for Python float
arguments, the same array for two same-shaped arguments, and sizes 1 and 2 where the program takes them. The
models that take seconds to compile (HEAVY) run the strided layout only; `python -m programs.layouts` runs
everything, both dtypes, also negative strides, 0-d arrays, size 0 and layouts after a contiguous call.

LAYOUT_FAILING is the strict-xfail table, as KNOWN_FAILING in test_corpus.py: (program, layout) -> its kind.
"""
from __future__ import annotations

import numpy as np
import pytest

from . import harness
from .harness import WrongResult, names, run
from .layouts import FORTRAN, STRIDED, Aliased, NumpyScalars, accepts, args_of, same_shaped_pairs
from .test_corpus import KNOWN_FAILING, expected_failure

HEAVY = {"llama_decoder", "llama_block", "kv_cache_attention", "nbody", "rope"}  # >0.5 s to compile each

LAYOUT_FAILING: dict[tuple[str, str], tuple] = {}


def _has_2d_array(name: str) -> bool:
    fn, args = harness.load(name).init(8, np.float64, harness.rng_for(name, np.float64, 8, 0))
    owner = harness._owner(fn)
    state = list(harness._state(owner).values()) if owner is not None else []
    return any(isinstance(a, np.ndarray) and a.ndim >= 2 for a in _arrays(list(args) + state))


def _arrays(items):
    for x in items:
        if isinstance(x, (list, tuple)):
            yield from _arrays(x)
        elif hasattr(x, "__dict__") and not isinstance(x, np.ndarray):
            yield from _arrays(list(vars(x).values()))
        else:
            yield x


def _layouts(name: str):
    """(label, layout, n, calls) for one program."""
    yield "strided", STRIDED, 8, 2
    if name in HEAVY:
        return
    small = [n for n in (1, 2) if accepts(name, n)]
    if _has_2d_array(name):  # Fortran order at n=2 when the program takes it: one compile for both (suite time)
        yield ("fortran-n=2", FORTRAN, 2, 1) if 2 in small else ("fortran", FORTRAN, 8, 1)
        small = [n for n in small if n != 2]
    args = args_of(name)
    if any(type(a) is float for a in args):
        yield "float_scalars", NumpyScalars(zero_d=False), 8, 1
    pairs = same_shaped_pairs(args)
    if pairs:
        yield "aliased", Aliased(*pairs[0]), 8, 1
    for n in small:
        yield f"n={n}", None, n, 1


def _cases():
    for name in names():
        for label, layout, n, calls in _layouts(name):
            known = LAYOUT_FAILING.get((name, label))
            marks = [] if known is None else [pytest.mark.xfail(raises=known[0], strict=True, reason=known[1])]
            corpus = expected_failure(KNOWN_FAILING, name, "float64", harness.SIZES[0])
            if corpus is not None:  # test_corpus.py holds it to its failure; no layout of it can be compared
                marks = [pytest.mark.skip(reason=f"known failing in the corpus: {corpus[1]}")]
            yield pytest.param(name, layout, n, calls, marks=marks, id=f"{name}-{label}")


@pytest.mark.parametrize(("name", "layout", "n", "calls"), list(_cases()))
def test_layout_matches_numpy(name, layout, n, calls):
    run(name, np.float64, n, calls=calls, layout=layout)


def test_table_names_real_cases():
    cases = {(name, label) for name in names() for label, *_ in _layouts(name)}
    assert set(LAYOUT_FAILING) <= cases, sorted(set(LAYOUT_FAILING) - cases)


def test_layouts_keep_the_values():
    a = np.random.default_rng(0).random((3, 4))
    (view,), (parent,) = STRIDED.arguments((a,), 0)
    assert not view.flags.c_contiguous and view.base is parent and np.array_equal(view, a)
    assert np.isnan(parent).sum() == parent.size - a.size
    (f,), _ = FORTRAN.arguments((a,), 0)
    assert f.flags.f_contiguous and not f.flags.c_contiguous and np.array_equal(f, a)
    (x, y), _ = Aliased(0, 1).arguments((a, a.copy()), 0)
    assert x is y is a
    (s, t), _ = NumpyScalars(zero_d=False).arguments((1.5, 2), 0)
    assert type(s) is np.float64 and s == 1.5 and t == 2


def _on_contiguous_copies(fn, fallback):
    """A stand-in for jitc.compile that computes on C-contiguous copies of views and loses what it wrote to them."""
    return lambda *args: fn(*(np.ascontiguousarray(a) if isinstance(a, np.ndarray) else a for a in args))


def test_the_sweep_catches_a_write_lost_from_a_view(monkeypatch):
    monkeypatch.setattr(harness.jitc, "compile", _on_contiguous_copies)
    run("jacobi_2d", np.float64, 8, calls=1)  # contiguous arguments: the copies are the arguments
    with pytest.raises(WrongResult, match="argument 1 after the call"):
        run("jacobi_2d", np.float64, 8, calls=1, layout=STRIDED)


def test_the_sweep_catches_a_write_beside_a_view(monkeypatch):
    def compile_writing_the_parent(fn, fallback):
        def call(*args):
            out = fn(*args)
            args[1].base[0, 0] = 1.0
            return out
        return call

    monkeypatch.setattr(harness.jitc, "compile", compile_writing_the_parent)
    with pytest.raises(WrongResult, match="the array under view 0"):
        run("jacobi_2d", np.float64, 8, calls=1, layout=STRIDED)
