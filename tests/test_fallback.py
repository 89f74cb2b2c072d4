"""Never a raw error (issue 10, item 4): a catalogue of NumPy programs jitc cannot compile (outside the scripted
subset, and data-dependent so that tracing refuses them too). Through jitc.compile each runs through NumPy with
ONE FallbackWarning naming the construct's file:line and gives NumPy's answer; with fallback="error" it raises a
JitcError with the same words; no exception from jitc's insides escapes, and no message dumps an array."""
from __future__ import annotations

import inspect
import os
import warnings

import numpy as np
import pytest

import jitc

BIG = np.arange(4000.0).reshape(40, 100) / 7.0  # an array whose repr would be kilobytes long


class Box:
    def __init__(self):
        self.n = 0


def uses_with(x):
    with np.errstate(all="ignore"):  # CATALOGUE
        return x / 0.0 if x.sum() > 0 else x


def uses_try(x):
    try:  # CATALOGUE
        return x * 2 if x.sum() > 0 else x
    except ValueError:
        return x


def uses_fft(x):
    return np.abs(np.fft.fft(x))  # CATALOGUE


def uses_dict(x):
    table = {int(x.sum() > 0): x}  # CATALOGUE  (a key known only at run time)
    return table[1] * 2 if x.sum() > 0 else x


def uses_comprehension(x):
    return sum([x * i for i in range(3) if x.sum() > i])  # CATALOGUE


def uses_sorted(x):
    order = sorted([3, 1, float(x.sum())])  # CATALOGUE
    return x * order[0]


def uses_fstring(x):
    label = f"{x.sum():.3f}"  # CATALOGUE
    return x * len(label)


def long_python_loop(a):
    total = np.zeros(a.shape[1:])
    for i in range(a.shape[0]):
        total = total + np.tanh(a[i]) * len({1})  # CATALOGUE
    return total


def global_state(x):
    print_box = Box()  # CATALOGUE
    print_box.n += int(x.sum() > 0)
    return x + print_box.n


def singular_vectors(x):  # an SVD with u and v, which NumPy computes
    return np.linalg.svd(x)[0] * 2  # CATALOGUE


def object_argument(x, options):  # an argument compiled code cannot take: the message names it
    return x * options["scale"]


CATALOGUE = [(uses_with, (BIG,)), (uses_try, (BIG,)), (uses_fft, (BIG[0],)), (uses_dict, (BIG,)),
             (uses_comprehension, (BIG,)), (uses_sorted, (BIG,)), (uses_fstring, (BIG,)),
             (long_python_loop, (np.random.default_rng(0).random((600, 3)),)),
             (global_state, (BIG,)), (singular_vectors, (BIG,)), (object_argument, (BIG, {"scale": 2.0}))]
IDS = [fn.__name__ for fn, _ in CATALOGUE]


def catalogue_line(fn) -> int | None:
    lines, first = inspect.getsourcelines(fn)
    return next((first + i for i, text in enumerate(lines) if "# CATALOGUE" in text), None)


def names_the_place(fn, text: str) -> bool:
    line = catalogue_line(fn)
    if line is None:
        return "argument 'options'" in text
    name = os.path.basename(__file__)
    return f'{name}", line {line}' in text or f"{name}:{line}" in text


def same(got, want):
    assert type(np.asarray(got).dtype) is type(np.asarray(want).dtype)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("fn,args", CATALOGUE, ids=IDS)
def test_runs_natively_or_through_numpy_with_one_warning(fn, args):
    with np.errstate(all="ignore"):
        want = fn(*args)
    compiled = jitc.compile(fn)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        same(compiled(*args), want)
        same(compiled(*args), want)  # the cached call: no second warning
    fallbacks = [w for w in caught if issubclass(w.category, jitc.FallbackWarning)]
    assert len(fallbacks) == 1, [str(w.message) for w in fallbacks]
    text = str(fallbacks[0].message)  # the warning names the construct's line and does not dump the array
    assert names_the_place(fn, text), text
    assert len(text) < 2000, text


@pytest.mark.parametrize("fn,args", CATALOGUE, ids=IDS)
def test_fallback_error_raises_a_jitc_error_naming_the_line(fn, args):
    compiled = jitc.compile(fn, fallback="error")
    with pytest.raises(jitc.JitcError) as info, np.errstate(all="ignore"):
        compiled(*args)
    text = str(info.value)
    assert names_the_place(fn, text), text
    assert len(text) < 2000, text


def test_tracing_refuses_to_unroll_a_long_python_loop():
    def diag_sum(a):
        total = 0.0
        for i in range(a.shape[0]):
            total = total + np.tanh(a[i, i])
        return total

    a = np.random.default_rng(1).random((2000, 2000))
    with pytest.raises(jitc.JitcError, match="a Python loop is being unrolled"):
        jitc.trace(diag_sum, (a,), check_trace=False)
    np.testing.assert_allclose(jitc.compile(diag_sum, fallback="error")(a), diag_sum(a), rtol=1e-12)


def test_trace_messages_do_not_dump_arrays():
    def baked(x):
        return np.asarray(x) + 1.0

    with pytest.warns(jitc.TracerWarning) as record:
        jitc.trace(baked, (BIG,), check_trace=False)
    assert all(len(str(w.message)) < 600 for w in record)
