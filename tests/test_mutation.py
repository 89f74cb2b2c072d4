"""Mutation with NumPy's semantics: every program runs eagerly, compiled (first and cached call), scripted and
traced, and the return value AND every argument after the call must equal NumPy's (mutation_check.py).

Overlapping arguments and arrays that alias depending on the path taken: test_mutation_aliasing.py."""
from __future__ import annotations

import numpy as np
import pytest
from mutation_check import check, rand

import jitc
from jitc.interpreter import run_graph


# ---- programs
def set_row(A, v):
    A[1] = v
    A[-1, 0] = 2.5


def set_slices(A, v):
    A[1:-1, ::2] = v
    A[:, -1] = 0
    A[None, 0] = 1
    return A


def set_everything(A, v):
    A[...] = v
    A[0, ...] += 1


def set_with_runtime_index(A):
    for i in range(A.shape[0]):
        A[i, i % 3] = i
    return A.sum()


def masked(A):
    A[A > 0] = 0
    return A


def masked_by_other(A, B):
    A[B > 0] = 3


def masked_augmented(A, B):
    A[B < -1] += 1  # reads A[mask] (a gather): scripted as where(mask, A + 1, A); tracing refuses the read


def augmented(x, y):
    x += y
    x *= 2
    x[0] -= 1
    y[1:] /= 2


def returns_nothing(x1, A, y):
    x1 += A @ y


def out_and_copyto(a, b, c):
    np.add(a, b, out=c)
    np.multiply(c, 2.0, out=a)
    np.copyto(b, c)
    c.fill(7)
    return c


def views_alias_their_base(A):
    v = A[1:]
    v[0] = 5
    B = A.copy()
    B[0] = -1
    w = A.T
    w[0, 0] = 9
    return v, B


def base_writes_show_in_views(A):
    row = A[2]
    A[2, 1] = 4
    A[:, 0] = row[2]
    return row * 1


def return_input_and_view(A, b):
    A[0] = b[0]
    return A, A[1:], b


def overlapping_write(A):
    A[1:] = A[:-1]
    A[:, :-1] = A[:, 1:] * 2
    return A


def stencil_1d(u, T):
    for t in range(T.shape[0]):
        u[1:-1] = 0.5 * (u[:-2] + u[2:])
    return u


def jacobi(A, B):
    for t in range(3):
        B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:] + A[2:, 1:-1] + A[:-2, 1:-1])
        A[1:-1, 1:-1] = 0.2 * (B[1:-1, 1:-1] + B[1:-1, :-2] + B[1:-1, 2:] + B[2:, 1:-1] + B[:-2, 1:-1])


def lu_like(A):
    n = A.shape[0]
    for k in range(n - 1):
        for i in range(k + 1, n):
            A[i, k] = A[i, k] / A[k, k]
            for j in range(k + 1, n):
                A[i, j] -= A[i, k] * A[k, j]


def write_in_branch(A, s):
    if s.sum() > 0:
        A[0] = 1
    else:
        A[1:] *= -1
    return A[0]


def local_buffer(x):
    h = np.zeros_like(x)
    for i in range(3):
        h[i] = x[i] * 2
        h += 1
    return h


def helper(a, v):
    a[0] = v
    return a


def calls_a_helper(A, v):
    helper(A[1:2], v)
    return helper(A[2:], v[::-1])


# ---- tests
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_set_items_and_slices(dtype):
    check(set_row, rand((3, 4), dtype), rand((4,), dtype, 1))
    check(set_slices, rand((4, 6), dtype), rand((2, 3), dtype, 1))
    check(set_everything, rand((4, 6), dtype), rand((6,), dtype, 1))


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.bool_])
def test_set_items_other_dtypes(dtype):
    check(set_slices, rand((4, 6), dtype), rand((1, 3), dtype, 1))


def test_runtime_index_in_a_loop():
    check(set_with_runtime_index, rand((5, 3)), trace=False)


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_boolean_mask_assignment(dtype):
    check(masked, rand((4, 5), dtype) - (3 if dtype == np.int64 else 0))
    check(masked_by_other, rand((3, 4), dtype), rand((3, 4)))
    check(masked_augmented, rand((3, 4), dtype), rand((3, 4)), trace=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_augmented_assignment_is_in_place(dtype):
    check(augmented, rand((5,), dtype), rand((5,), dtype, 1))


def test_lost_update_of_a_function_returning_nothing():
    check(returns_nothing, rand((4,)), rand((4, 3), seed=1), rand((3,), seed=2))


def test_out_copyto_fill():
    check(out_and_copyto, rand((3, 4)), rand((3, 4), seed=1), rand((3, 4), seed=2))


def test_views_alias_their_base_and_copies_do_not():
    check(views_alias_their_base, rand((3, 3)))
    check(base_writes_show_in_views, rand((4, 3)))


def test_return_x_is_the_callers_object():
    check(return_input_and_view, rand((3, 4)), rand((4,), seed=1))


def test_reads_of_the_region_being_written_are_buffered():
    check(overlapping_write, rand((4, 5)))


@pytest.mark.parametrize("layout", ["transposed", "strided"])
def test_non_contiguous_arguments(layout):
    A = rand((6, 8))
    A = A.T if layout == "transposed" else A[::2, ::2]
    check(set_slices, A, rand((A.shape[0] - 2, 1), seed=1))
    check(set_row, A, rand((A.shape[1],), seed=1)[::-1])
    check(augmented, rand((10,))[::2], rand((5,), seed=1))


def test_loops_update_in_place():
    check(stencil_1d, rand((9,)), np.zeros(4), trace=False)
    check(jacobi, rand((6, 7)), rand((6, 7), seed=1))
    check(lu_like, rand((4, 4)) + 4 * np.eye(4), trace=False)


def test_writes_in_branches_helpers_and_local_buffers():
    check(write_in_branch, rand((3, 2)), np.ones(2), trace=False)
    check(write_in_branch, rand((3, 2)), -np.ones(2), trace=False)
    check(local_buffer, rand((4,)))
    check(calls_a_helper, rand((4, 3)), rand((3,), seed=1))


def test_read_only_destination_raises_like_numpy():
    c = jitc.compile(set_row, fallback="error")
    A = rand((3, 4))
    c(A.copy(), rand((4,)))
    A.flags.writeable = False
    for _ in range(2):
        with pytest.raises(ValueError, match="read-only"):
            c(A, rand((4,)))


def test_in_place_dtype_rules():
    def add_in_place(c, b):
        c += b
        return c

    check(add_in_place, rand((3,), np.float32), rand((3,), np.float64))
    check(add_in_place, rand((3,), np.int32), rand((3,), np.int64))

    def add_float_to_int(x):
        x += 1.5

    ufunc_error = np.add.__class__  # noqa: F841  (NumPy raises numpy._core._exceptions._UFuncOutputCastingError)
    expected = pytest.raises(np._core._exceptions.UFuncTypeError)
    with expected:
        add_float_to_int(np.arange(3))
    for make in (lambda: jitc.compile(add_float_to_int, fallback="error"), lambda: jitc.script(add_float_to_int)):
        with pytest.raises(np._core._exceptions._UFuncOutputCastingError) as info:
            make()(np.arange(3))
        assert isinstance(info.value, jitc.JitcError)
    with pytest.raises(np._core._exceptions.UFuncTypeError):
        jitc.trace(add_float_to_int, (np.arange(3),))

    def copy_float_to_int(x, y):
        np.copyto(x, y)

    with pytest.raises(TypeError):
        jitc.compile(copy_float_to_int, fallback="error")(np.arange(3), np.ones(3))

    def scalar_element(x):
        x[0] += 1.5  # a scalar element: getitem, add, setitem (unsafe cast), not an in-place ufunc
        return x

    check(scalar_element, np.arange(3))


def test_mutation_shows_in_graph_and_code():
    s = jitc.script(set_slices)
    text = str(s.graph)
    assert "aten::index_put" in text and "aten::copy_" in text
    assert jitc.parse_ir(text).__str__() == text
    ns = {"np": np, "jitc": jitc}
    exec(s.code, ns)  # noqa: S102  (the generated .code runs on NumPy and mutates the same way)
    a, e = rand((4, 6)), rand((4, 6))
    a[:] = e
    v = rand((2, 3), seed=1)
    assert ns["set_slices"](a, v) is a
    set_slices(e, v)
    np.testing.assert_array_equal(a, e)
    interpreted = rand((4, 6))
    run_graph(s.graph, [interpreted, v])
    np.testing.assert_array_equal(interpreted, e)


def test_stencil_loop_writes_in_place_without_copies():
    from codegen.inplace import InPlacePlan

    A, B = rand((12, 12)), rand((12, 12), seed=1)
    graph = jitc.script(jacobi).graph_for(A, B)
    plan = InPlacePlan(graph)
    writes = [n for n in graph.nodes() if n.kind == "aten::index_put"]
    assert len(writes) == 2 and all(plan.in_place(n) for n in writes)
    assert all(plan.written_by_producer(n) for n in writes)  # the fused stencil writes straight into A/B
    (loop,) = [n for n in graph.nodes() if n.kind == "prim::Loop"]
    assert plan.reuses_init(loop, 0) and plan.reuses_init(loop, 1)  # A and B themselves are the loop's buffers


def copyto_where(a, b, c):
    np.copyto(a, b, where=b > 0)  # a mask: the other elements keep a's values
    np.copyto(c, 2.5, where=c < 0)  # a Python scalar, broadcast
    np.copyto(a[1], c[0] * 3, casting="unsafe", where=np.array([True, False, True, False]))
    return a.sum()


@pytest.mark.parametrize(("da", "db"), [(np.float64, np.float64), (np.float32, np.float64), (np.float64, np.int32)])
def test_copyto_with_where_and_casting(da, db):
    check(copyto_where, rand((3, 4), da), rand((3, 4), db, seed=1), rand((3, 4), da, seed=2))


def copyto_mask_float_into_int(x, y):
    np.copyto(x, y, where=y > 0)


def copyto_safe(x, y):
    np.copyto(x, y, casting="safe")


def test_copyto_where_keeps_numpys_casting_rule():
    x, y = np.arange(3), np.array([1.5, -1.0, 2.0])
    with pytest.raises(TypeError):
        copyto_mask_float_into_int(x.copy(), y)
    with pytest.raises(TypeError, match="same_kind"):
        jitc.compile(copyto_mask_float_into_int, fallback="error")(x.copy(), y)
    with pytest.raises(jitc.JitcError, match="casting='safe'"):
        jitc.compile(copyto_safe, fallback="error")(np.ones(3), np.ones(3))
