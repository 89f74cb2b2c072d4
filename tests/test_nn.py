"""jitc.nn: Module bookkeeping, state dicts, repr, Linear init, Sequential, and functional vs reference formulas."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from models import MLP, MyCell, MyDecisionGate

import jitc
from jitc import nn
from jitc.nn import functional as F


# ---------------------------------------------------------------------------------------------------- Module
def test_attributes_are_sorted_into_parameters_submodules_and_plain():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = np.ones(3)
            self.child = nn.Linear(2, 2)
            self.scale = 2.0

    m = M()
    assert list(m._parameters) == ["w"] and list(m._modules) == ["child"]
    assert m.scale == 2.0 and "scale" not in m._parameters
    m.w = nn.ReLU()  # re-assigning moves the name to the right table
    assert "w" not in m._parameters and isinstance(m._modules["w"], nn.ReLU)
    m.child = np.zeros(2)
    assert "child" not in m._modules and m.child.shape == (2,)
    del m.child
    assert "child" not in m._parameters
    with pytest.raises(AttributeError, match="no attribute 'child'"):
        m.child  # noqa: B018


def test_assignment_before_super_init_is_explained():
    class Forgot(nn.Module):
        def __init__(self):
            self.w = np.ones(2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Forgot()


def test_named_modules_and_parameters_order():
    cell = MyCell(MyDecisionGate())
    assert [name for name, _ in cell.named_modules()] == ["", "dg", "linear"]
    assert [name for name, _ in cell.named_parameters()] == ["linear.weight", "linear.bias"]
    assert [type(m).__name__ for m in cell.children()] == ["MyDecisionGate", "Linear"]
    assert len(list(cell.parameters())) == 2
    mlp = MLP((4, 8, 3))
    assert [name for name, _ in mlp.named_modules()] == ["", "body", "body.0", "body.1", "body.2"]
    assert [name for name, _ in mlp.named_parameters()] == ["body.0.weight", "body.0.bias", "body.2.weight",
                                                            "body.2.bias"]


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Empty"):
        type("Empty", (nn.Module,), {})()(np.ones(2))


def test_state_dict_returns_copies():
    cell = MyCell()
    state = cell.state_dict()
    assert list(state) == ["linear.weight", "linear.bias"]
    state["linear.weight"][...] = 7
    assert not np.any(cell.linear.weight == 7)


def test_load_state_dict_copies_in_place_and_casts():
    a, b = MyCell(), MyCell()
    weight = b.linear.weight
    b.load_state_dict(a.state_dict())
    assert b.linear.weight is weight  # in place: traced modules sharing the array see the update
    np.testing.assert_array_equal(b.linear.weight, a.linear.weight)
    source = {k: v.astype(np.float64) for k, v in a.state_dict().items()}
    b.load_state_dict(source)
    source["linear.bias"][...] = 5  # later changes of the source do not leak in
    assert b.linear.bias.dtype == np.float32 and not np.any(b.linear.bias == 5)


def test_load_state_dict_errors():
    cell = MyCell()
    state = cell.state_dict()
    with pytest.raises(jitc.ShapeError, match="linear.weight"):
        cell.load_state_dict({**state, "linear.weight": np.ones((4, 5))})
    with pytest.raises(KeyError, match=r"missing keys \['linear.bias'\]"):
        cell.load_state_dict({"linear.weight": state["linear.weight"]})
    with pytest.raises(KeyError, match=r"unexpected keys \['extra'\]"):
        cell.load_state_dict({**state, "extra": np.ones(1)})
    cell.load_state_dict({"linear.bias": np.zeros(4), "extra": np.ones(1)}, strict=False)
    np.testing.assert_array_equal(cell.linear.bias, 0)


def test_repr_is_torch_like():
    assert repr(nn.Linear(4, 2)) == "Linear(in_features=4, out_features=2, bias=True)"
    assert repr(nn.Linear(3, 1, bias=False)) == "Linear(in_features=3, out_features=1, bias=False)"
    assert repr(MyCell(MyDecisionGate())) == ("MyCell(\n  (dg): MyDecisionGate()\n"
                                              "  (linear): Linear(in_features=4, out_features=4, bias=True)\n)")
    assert repr(MLP((4, 8, 3))) == """\
MLP(
  (body): Sequential(
    (0): Linear(in_features=4, out_features=8, bias=True)
    (1): ReLU()
    (2): Linear(in_features=8, out_features=3, bias=True)
  )
)"""


# ---------------------------------------------------------------------------------------------------- Linear
def test_linear_default_init_bounds_shapes_and_dtype():
    lin = nn.Linear(16, 5)
    bound = 1 / math.sqrt(16)
    assert lin.weight.shape == (5, 16) and lin.bias.shape == (5,)
    assert lin.weight.dtype == np.float32 and lin.bias.dtype == np.float32
    assert np.all(np.abs(lin.weight) <= bound) and np.all(np.abs(lin.bias) <= bound)
    assert np.abs(lin.weight).max() > bound / 2  # uses the range, not a tiny corner of it
    assert lin.in_features == 16 and lin.out_features == 5


def test_linear_seeding():
    nn.manual_seed(7)
    a = nn.Linear(4, 3)
    nn.manual_seed(7)
    b = nn.Linear(4, 3)
    c = nn.Linear(4, 3)
    np.testing.assert_array_equal(a.weight, b.weight)
    np.testing.assert_array_equal(a.bias, b.bias)
    assert not np.array_equal(b.weight, c.weight)
    d = nn.Linear(4, 3, rng=np.random.default_rng(1))
    e = nn.Linear(4, 3, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(d.weight, e.weight)


def test_linear_float64_and_no_bias(rng):
    lin = nn.Linear(4, 3, dtype=np.float64)
    assert lin.weight.dtype == np.float64 and lin.bias.dtype == np.float64
    x = rng.standard_normal((2, 4))
    np.testing.assert_allclose(lin(x), x @ lin.weight.T + lin.bias, rtol=1e-12)
    nobias = nn.Linear(4, 3, bias=False)
    assert nobias.bias is None and [n for n, _ in nobias.named_parameters()] == ["weight"]
    np.testing.assert_allclose(nobias(x.astype(np.float32)), x.astype(np.float32) @ nobias.weight.T, rtol=1e-6)


def test_linear_eager_is_plain_numpy(rng):
    lin = nn.Linear(4, 3)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    y = lin(x)
    assert type(y) is np.ndarray and y.dtype == np.float32
    np.testing.assert_allclose(y, x @ lin.weight.T + lin.bias, rtol=1e-6)


# ---------------------------------------------------------------------------------------------------- Sequential
def test_sequential(rng):
    seq = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2), nn.Sigmoid(), nn.Tanh())
    assert len(seq) == 5 and isinstance(seq[1], nn.ReLU) and isinstance(seq[-1], nn.Tanh)
    assert [name for name, _ in seq.named_children()] == ["0", "1", "2", "3", "4"]
    x = rng.standard_normal((3, 4)).astype(np.float32)
    ref = np.tanh(F.sigmoid(np.maximum(x @ seq[0].weight.T + seq[0].bias, 0) @ seq[2].weight.T + seq[2].bias))
    np.testing.assert_allclose(seq(x), ref, rtol=1e-6)


# ---------------------------------------------------------------------------------------------------- functional
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_functional_matches_reference_formulas(dtype, rng):
    x = (rng.standard_normal((4, 5)) * 3).astype(dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    c = math.sqrt(2 / math.pi)
    refs = {
        F.relu: np.where(x > 0, x, 0),
        F.sigmoid: 1 / (1 + np.exp(-x)),
        F.tanh: np.tanh(x),
        F.gelu: 0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x ** 3))),
        F.silu: x / (1 + np.exp(-x)),
        F.leaky_relu: np.where(x > 0, x, 0.01 * x),
        F.softmax: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True),
        F.log_softmax: x - np.log(np.exp(x).sum(axis=-1, keepdims=True)),
    }
    for f, ref in refs.items():
        out = f(x)
        assert out.dtype == dtype, f.__name__
        np.testing.assert_allclose(out, ref, rtol=rtol, atol=rtol, err_msg=f.__name__)
    np.testing.assert_allclose(F.leaky_relu(x, 0.2), np.where(x > 0, x, 0.2 * x), rtol=rtol)
    np.testing.assert_allclose(F.softmax(x, axis=0), np.exp(x) / np.exp(x).sum(axis=0), rtol=rtol)


def test_softmax_rows_sum_to_one_and_large_inputs_do_not_overflow():
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 1000.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning
        sm, lsm = F.softmax(x), F.log_softmax(x)
        sig = F.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert np.all(np.isfinite(sm)) and np.all(np.isfinite(lsm))
    np.testing.assert_allclose(sm.sum(axis=-1), 1, rtol=1e-6)
    np.testing.assert_allclose(np.exp(lsm), sm, rtol=1e-5, atol=1e-30)
    np.testing.assert_allclose(sm[0], F.softmax(np.array([1.0, 2.0, 0.0], np.float32)), rtol=1e-6)
    np.testing.assert_array_equal(sig, [0.0, 0.5, 1.0])


def test_activation_modules(rng):
    x = rng.standard_normal((2, 3))
    np.testing.assert_array_equal(nn.ReLU()(x), F.relu(x))
    np.testing.assert_array_equal(nn.Sigmoid()(x), F.sigmoid(x))
    np.testing.assert_array_equal(nn.Tanh()(x), np.tanh(x))
    assert repr(nn.ReLU()) == "ReLU()"
