"""Aliasing with NumPy's semantics: overlapping arguments, and arrays that are views of an argument on some paths
(branches, loop iterations) and copies on others, read or written after the argument changed."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from mutation_check import rand

import jitc


def test_overlapping_arguments_give_numpys_results():
    def shift(A, B):
        A[1:] = B[:-1] * 2
        return A

    for runner in (jitc.compile(shift, fallback="error"), jitc.script(shift)):
        for _ in range(2):  # the second call takes the native fast path, which guards the overlap itself
            a, e = np.arange(6.0), np.arange(6.0)
            assert runner(a, a) is a
            shift(e, e)
            np.testing.assert_array_equal(a, e)
            a, b, e = np.arange(6.0), np.arange(6.0) + 3, np.arange(6.0)
            runner(a, b)
            np.testing.assert_array_equal(a, shift(e, b))
            a, e = np.arange(12.0), np.arange(12.0)
            runner(a[:6], a[4:10])
            shift(e[:6], e[4:10])
            np.testing.assert_array_equal(a, e)


def test_write_through_ambiguous_alias():
    def alias_in_loop(x):
        h = x
        for i in range(2):
            h += 1  # the first iteration writes x
            h = h * 2
        return h

    x = rand((3,))
    with pytest.raises(jitc.ScriptError, match="depending on an earlier branch or loop"):
        jitc.script(alias_in_loop)(x.copy())
    got, expected = x.copy(), x.copy()
    result = jitc.compile(alias_in_loop, fallback="error")(got)  # traced: the trace sees the alias
    np.testing.assert_array_equal(result, alias_in_loop(expected))
    np.testing.assert_array_equal(got, expected)


def carry_a_column_view(E, n: int):
    out = E[:, 1]  # a view of the argument, carried through a loop that writes the argument
    for t in range(1, n):
        out = out + E[:, 3]
        E[t] = 7.0
    return out


def carry_a_transposed_view(E, n: int):
    out = E.T
    for t in range(n):
        out = out * 0.5 + 1.0
        E[t, :] -= 2.0
    return out


def carry_a_view_of_a_temporary(E, n: int):
    tmp = E * 2.0
    out = tmp[1:]
    for t in range(n):
        out = out + tmp[:-1]
        tmp[t] = 3.0
    return out, tmp


@pytest.mark.parametrize("fn", [carry_a_column_view, carry_a_transposed_view, carry_a_view_of_a_temporary],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_loop_carrying_a_view_of_a_written_array_keeps_both(rng, fn, dtype):
    """The loop's first value aliases an array the loop writes: the carried value gets its own buffer (it once
    lived in the argument's memory, which the argument's write-back then overwrote)."""
    E = rng.standard_normal((5, 5)).astype(dtype)
    cf = jitc.compile(fn, fallback="error")
    for n in (3, 1, 4):
        mine, ref = E.copy(), E.copy()
        got, want = cf(mine, n), fn(ref, n)
        for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=1e-6)
        np.testing.assert_allclose(mine, ref, rtol=1e-6)


def view_read_after_a_write_in_the_loop(E, n: int):
    out = E[:, 1]  # in the first iteration a view, so it sees E[1] = 7.0 (NumPy); later a fresh array
    for t in range(1, n):
        E[t] = 7.0
        out = out + 1.0
    return out


def view_or_copy_by_flag(E, flag: bool):
    out = E[:, 1]
    if flag:
        out = out + 1.0
    E[1] = 7.0  # seen through `out` only when it is still the view
    return out


def view_or_copy_by_data(E):
    out = E[:, 1]
    if E.sum() > 0:
        out = out + 1.0
    E[1] = 7.0
    return out * 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_value_that_is_a_view_on_some_paths_sees_later_writes_as_numpy_does(rng, dtype):
    """An array that is a view of an argument on one path and a copy on another, read after the argument was
    written: NumPy's value depends on the path, so the compiled code follows the path taken (tracing per flag
    or trip count) or, when data decides, NumPy runs it (a FallbackWarning). It once read the stale copy."""
    cases = [(view_read_after_a_write_in_the_loop, (3,)), (view_read_after_a_write_in_the_loop, (1,)),
             (view_or_copy_by_flag, (False,)), (view_or_copy_by_flag, (True,)),
             (view_or_copy_by_data, ())]
    for fn, args in cases:
        for sign in (1, -1):
            E = sign * np.abs(rng.standard_normal((5, 5))).astype(dtype)
            mine, ref = E.copy(), E.copy()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", jitc.FallbackWarning)
                got = jitc.compile(fn)(mine, *args)
            want = fn(ref, *args)
            assert got.dtype == want.dtype
            np.testing.assert_allclose(got, want, rtol=1e-6)
            np.testing.assert_allclose(mine, ref, rtol=1e-6)
    with pytest.raises(jitc.JitcError, match="depending on the path"):
        jitc.compile(view_or_copy_by_data, fallback="error")(np.ones((3, 3), dtype))


# NumPy functions whose result is a view of (or is) their argument, written through or read after the argument
# changed: each call either gives NumPy's answer natively (tracing follows the view) or is refused and runs
# through NumPy; before, scripting and tracing computed them as copies (the write was lost, the read stale).
SHARED_RESULTS = ["np.squeeze(a)", "a.squeeze()", "np.expand_dims(a, 0)[0]", "np.atleast_2d(a)", "np.swapaxes(a, 0, 1)",
                  "np.moveaxis(a, 0, 1)", "np.ravel(a)[:, None]", "np.flip(a)", "np.rot90(a, 2)", "np.broadcast_to(a, a.shape)",
                  "np.split(a, 1)[0]", "np.hsplit(a, 1)[0]", "np.real(a)", "a.real", "np.diagonal(a)",
                  "np.array(a, copy=False)", "a.astype(np.float64, copy=False)", "a.astype(a.dtype, copy=False)",
                  "np.broadcast_arrays(a, a)[0]"]


def _write_and_read(expr: str, tmp_path):
    """Functions that write through `expr` and read it after writing `a`, in a file (scripting reads the source)."""
    import importlib.util

    path = tmp_path / "shared_views.py"
    path.write_text(f"import numpy as np\n\n\ndef write(a):\n    b = {expr}\n    b[0, 0] = 3.0\n    return a\n\n\n"
                    f"def read(a):\n    b = {expr}\n    a[0, 0] = 4.0\n    return b + 0.0\n")
    spec = importlib.util.spec_from_file_location(f"shared_views_{abs(hash(expr))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write, module.read


@pytest.mark.parametrize("expr", SHARED_RESULTS)
def test_writes_through_and_reads_of_numpy_views_are_never_silently_copies(expr, tmp_path):
    for fn in _write_and_read(expr, tmp_path):
        a = rand((3, 3), np.float64)
        mine, theirs = a.copy(), a.copy()
        try:
            want = fn(theirs)
        except ValueError as e:  # a read-only view in NumPy (broadcast_to, diagonal): jitc must not write either
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", jitc.FallbackWarning)
                with pytest.raises(type(e)):
                    jitc.compile(fn)(mine)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jitc.FallbackWarning)
            got = jitc.compile(fn)(mine)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(mine, theirs)


def test_a_write_through_a_squeezed_argument_is_refused_with_its_name():
    def squeeze_write(a):
        b = np.squeeze(a)
        b[0] = 1.0
        return a

    with pytest.raises(jitc.JitcError, match=r"through the result of np\.squeeze"):
        jitc.compile(squeeze_write, fallback="error")(np.ones((1, 3)))


def _reshape_then_write(a):
    b = a.reshape(-1)
    a[0, 0] = 100.0
    return b + 0.0


def _transposed_reshape_then_write(a):
    b = a.T.reshape(-1)
    a += 1.0
    return b.sum()


def _ravel_then_write(a):
    b = np.ravel(a)
    a[0, 0] = 100.0
    return b * 1.0


@pytest.mark.parametrize("fn", [_reshape_then_write, _transposed_reshape_then_write, _ravel_then_write])
@pytest.mark.parametrize("layout", ["C", "F", "strided", "reversed"])
def test_reshape_is_a_view_or_a_copy_by_the_callers_layout(fn, layout):
    """NumPy's reshape (and ravel, by its own rule) is a view of the array when its strides allow, else a copy;
    read after the array changed, the two differ. Scripting cannot tell before the strides are known and refuses;
    tracing follows NumPy on an input copy with the caller's strides (was: a C-ordered copy, and every reshape
    taken for a view: stale or too-new values)."""
    base = np.arange(24.0).reshape(3, 8)
    make = {"C": lambda: base[:, :4].copy(), "F": lambda: np.asfortranarray(base[:, :4]),
            "strided": lambda: base.copy()[:, ::2], "reversed": lambda: base.copy()[::-1, ::-2]}[layout]
    mine, theirs = make(), make()
    want = fn(theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jitc.FallbackWarning)
        got = jitc.compile(fn)(mine)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(mine, theirs)
