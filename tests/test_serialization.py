"""save/load: round trips in a fresh process without the model classes, byte-identical re-saves, and rejection of
every malformed file with LoadError (pickles, garbage, truncations, byte edits, and header edits behind a valid
checksum)."""
import inspect
import json
import math
import os
import pickle
import random
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from models import MLP, MyCell, MyDecisionGate, UsesWeightDirectly

import jitc
from jitc.errors import JitcError, LoadError
from jitc.parser import parse_ir
from jitc.script_module import ScriptModule
from jitc.serialization import loading, saving
from jitc.serialization.layout import pack

HERE = Path(__file__).resolve().parent
RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype(np.float32)
H = RNG.standard_normal((3, 4)).astype(np.float32)
W = RNG.standard_normal((4, 4)).astype(np.float32)

# Runs in a fresh interpreter whose sys.path has only its own directory: the model classes do not exist there.
CHILD = """\
import json, sys
import numpy as np
import jitc
from jitc.script_module import ScriptModule

try:
    import models  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("the test models must not be importable here")

TEXTS_FUNCTION

model = jitc.load(sys.argv[1])
inputs = np.load(sys.argv[2])
outputs = {}
for call in sorted({k.split("_")[0] for k in inputs.files}):
    keys = sorted((k for k in inputs.files if k.split("_")[0] == call), key=lambda k: int(k.split("_")[1]))
    args = [inputs[k] for k in keys]
    out = model(*args)
    for i, o in enumerate(out if isinstance(out, tuple) else (out,)):
        outputs[f"{call}_{i}"] = o
np.savez(sys.argv[3], **outputs)
print(json.dumps(texts(model)))
"""


def texts(obj) -> dict:
    """Everything printable about a loaded or original object: graphs of every method, code, hierarchy."""
    if isinstance(obj, ScriptModule):
        out = {f"{path}:{name}": str(g) for path, m in obj.named_modules() for name, g in m._methods.items()}
        out.update({f"{path}:code": m.code for path, m in obj.named_modules()})
    else:
        out = {":graph": str(obj.graph), ":code": obj.code}
    out["repr"] = repr(obj) if isinstance(obj, ScriptModule) else obj.name
    return out


def run_child(tmp_path: Path, model_file: Path, calls: list[tuple]) -> tuple[dict, list[list]]:
    """Load model_file in a fresh process, call it on each input tuple; returns its printed texts and outputs."""
    script = tmp_path / "child.py"
    script.write_text(CHILD.replace("TEXTS_FUNCTION", inspect.getsource(texts)))
    np.savez(tmp_path / "inputs.npz", **{f"{c}_{i}": a for c, args in enumerate(calls) for i, a in enumerate(args)})
    # only jitc itself is importable in the child (also from a checkout that is not installed): not the tests
    env = {**os.environ, "PYTHONPATH": str(Path(jitc.__file__).resolve().parent.parent)}
    proc = subprocess.run([sys.executable, str(script), str(model_file), str(tmp_path / "inputs.npz"),
                           str(tmp_path / "outputs.npz")], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    got = np.load(tmp_path / "outputs.npz")
    outputs = [[got[k] for k in sorted(got.files, key=lambda k: int(k.split("_")[1])) if k.split("_")[0] == str(c)]
               for c in range(len(calls))]
    return json.loads(proc.stdout), outputs


def flat(out) -> list:
    return list(out) if isinstance(out, tuple) else [out]


def traced(model, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jitc.TracerWarning)
        return jitc.trace(model, args)


def closure_fn(x):
    return np.tanh(x @ W.T) + np.float32(2) * x + 1.5


MODELS = {
    "cell": lambda: (traced(MyCell(MyDecisionGate()), X, H), [(X, H), (H, X)]),
    "mlp": lambda: (traced(MLP(), X), [(X,), (H,)]),
    "weights": lambda: (traced(UsesWeightDirectly(), X), [(X,)]),
    "closure_fn": lambda: (traced(closure_fn, X), [(X,), (H,)]),
}


@pytest.mark.parametrize("name", MODELS)
def test_round_trip_in_fresh_process(tmp_path, name):
    model, calls = MODELS[name]()
    model.save(tmp_path / "m.jitc")
    child_texts, outputs = run_child(tmp_path, tmp_path / "m.jitc", calls)
    assert child_texts == texts(model)
    for args, got in zip(calls, outputs):
        expected = flat(model(*args))
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_resave_is_byte_identical(tmp_path, name):
    model, calls = MODELS[name]()
    model.save(tmp_path / "a.jitc")
    loaded = jitc.load(tmp_path / "a.jitc")
    assert type(loaded) is type(model) and texts(loaded) == texts(model)
    loaded.save(tmp_path / "b.jitc")
    model.save(tmp_path / "c.jitc")
    assert (tmp_path / "a.jitc").read_bytes() == (tmp_path / "b.jitc").read_bytes() == (tmp_path / "c.jitc").read_bytes()
    for args in calls:
        for g, e in zip(flat(loaded(*args)), flat(model(*args))):  # arrays come back C-contiguous: BLAS may
            np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-6)  # round a transposed constant differently


def holder() -> ScriptModule:
    """A hand-built module with every dtype, odd layouts and every constant kind."""
    m = ScriptModule("Holder")
    for dt in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
               "float64"):
        m._parameters[f"p_{dt}"] = (np.arange(6) % 3).astype(dt).reshape(2, 3)
    m._parameters["big_endian"] = np.arange(5, dtype=">f8")
    m._parameters["transposed"] = np.arange(12, dtype=np.float32).reshape(3, 4).T
    m._parameters["empty"] = np.zeros((0, 3), np.float32)
    m._parameters["scalar"] = np.array(7, np.int64)
    m._constants.update(n=None, t=True, i=-(2**63), u=2**64 - 1, f=-0.0, inf=math.inf, nan=math.nan, s="é\"\n\\",
                        nested=(1, (2.5, "x"), [None, False], ()), lst=[1, 2], npint=np.int32(3))
    m._modules["0"] = ScriptModule("Child")
    m._methods["forward"] = parse_ir(
        "graph(%self : __jitc__.Holder,\n      %x : Tensor):\n"
        '  %w : Float(4, 3, strides=[1, 4]) = prim::GetAttr[name="transposed"](%self)\n'
        "  %y : Tensor = aten::matmul(%x, %w)\n  return (%y)\n")
    return m


def test_dtypes_layouts_and_constants_round_trip(tmp_path):
    m = holder()
    m.save(tmp_path / "h.jitc")
    loaded = jitc.load(tmp_path / "h.jitc")
    assert list(loaded._parameters) == list(m._parameters) and list(loaded._modules) == ["0"]
    for name, p in m._parameters.items():
        q = loaded._parameters[name]
        assert q.dtype == p.dtype.newbyteorder("=") and q.shape == p.shape and q.flags.writeable, name
        np.testing.assert_array_equal(q, p)
    c = loaded._constants
    assert list(c) == list(m._constants)
    assert c["n"] is None and c["t"] is True and c["i"] == -(2**63) and c["u"] == 2**64 - 1 and c["s"] == "é\"\n\\"
    assert math.copysign(1, c["f"]) == -1 and c["inf"] == math.inf and math.isnan(c["nan"])
    assert c["nested"] == (1, (2.5, "x"), [None, False], ()) and c["lst"] == [1, 2] and type(c["npint"]) is int
    np.testing.assert_allclose(loaded(np.ones((2, 4), np.float32)), np.ones((2, 4)) @ m.transposed)
    loaded.save(tmp_path / "h2.jitc")
    assert (tmp_path / "h.jitc").read_bytes() == (tmp_path / "h2.jitc").read_bytes()


def test_scripted_model_keeps_both_branches(tmp_path):
    if not hasattr(jitc, "script"):
        pytest.skip("jitc.script is not available yet")
    gate, cell = jitc.script(MyDecisionGate()), jitc.script(MyCell(MyDecisionGate()))
    gate.save(tmp_path / "gate.jitc")
    child_texts, outputs = run_child(tmp_path, tmp_path / "gate.jitc", [(X,), (-X,), (np.abs(X),), (-np.abs(X),)])
    assert "prim::If" in child_texts[":forward"] and child_texts == texts(gate)
    for x, (got,) in zip((X, -X, np.abs(X), -np.abs(X)), outputs):
        np.testing.assert_array_equal(got, x if x.sum() > 0 else -x)
    cell.save(tmp_path / "cell.jitc")
    (tmp_path / "cell_out").mkdir()
    child_texts, outputs = run_child(tmp_path / "cell_out", tmp_path / "cell.jitc", [(X, H), (-X, H)])
    assert "prim::If" in child_texts["dg:forward"] and child_texts == texts(cell)
    for args, got in zip([(X, H), (-X, H)], outputs):
        for g, e in zip(got, flat(cell(*args))):
            np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- what save refuses

def test_save_rejects_what_the_format_cannot_hold(tmp_path):
    m = ScriptModule("M")
    m._parameters["p"] = np.array([object()])
    with pytest.raises(JitcError, match="dtype object is not supported"):
        m.save(tmp_path / "a.jitc")
    m = ScriptModule("M")
    m._constants["fn"] = len
    with pytest.raises(JitcError, match="fn.*not a saveable constant"):
        m.save(tmp_path / "a.jitc")
    m._constants["fn"] = 2**70
    with pytest.raises(JitcError, match="not a saveable constant"):
        m.save(tmp_path / "a.jitc")
    with pytest.raises(JitcError, match="expects a ScriptModule or ScriptFunction"):
        saving.save(42, tmp_path / "a.jitc")
    assert not (tmp_path / "a.jitc").exists()


# ---------------------------------------------------------------- files that are not jitc files

class _Evil:
    """Unpickling this creates a marker file: proof that a loader ran pickle."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return open, (self.marker, "w")


def test_pickle_is_never_unpickled(tmp_path):
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(_Evil(str(control))))
    assert control.exists()  # the payload works when unpickled...
    marker = tmp_path / "marker"
    (tmp_path / "evil.pkl").write_bytes(pickle.dumps(_Evil(str(marker))))
    with pytest.raises(LoadError, match="bad magic bytes.*pickle"):
        jitc.load(tmp_path / "evil.pkl")
    assert not marker.exists()  # ...and load does not run it


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"JITC", "truncated"),
    (b"JITC\x00MDL" + bytes(30), "truncated"),
    (bytes(random.Random(1).randrange(256) for _ in range(5000)), "bad magic bytes"),
    (b"\x93NUMPY\x01\x00", "bad magic bytes"),
    (b"PK\x03\x04" + bytes(100), "bad magic bytes"),
    (b"JITC\x00MDL" + struct.pack("<IQ", 2, 0) + bytes(100), "unsupported format version 2 at offset 8"),
    (b"JITC\x00MDL" + struct.pack("<IQ", 1, 2**63) + bytes(100), "header length .* at offset 12 exceeds"),
    (b"JITC\x00MDL" + struct.pack("<IQ", 1, 500) + bytes(100), "truncated: the 500-byte header"),
    (b"JITC\x00MDL" + struct.pack("<IQ", 1, 2) + b"{}" + bytes(100), "checksum mismatch"),
])
def test_rejects_non_jitc_files(tmp_path, content, message):
    (tmp_path / "f").write_bytes(content)
    with pytest.raises(LoadError, match=message):
        jitc.load(tmp_path / "f")


def test_rejects_missing_file_directory_and_fifo(tmp_path):
    with pytest.raises(LoadError, match="cannot open .*No such file"):
        jitc.load(tmp_path / "missing.jitc")
    with pytest.raises(LoadError, match="not a regular file|cannot open"):
        jitc.load(tmp_path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo")
        with pytest.raises(LoadError, match="not a regular file"):
            jitc.load(tmp_path / "fifo")  # must not block waiting for a writer


# ---------------------------------------------------------------- corrupted files (subprocess: a crash fails)

@pytest.mark.parametrize("name", ["cell", "closure_fn"])
def test_fuzz_truncations_and_byte_edits(tmp_path, name):
    model, _ = MODELS[name]()
    model.save(tmp_path / "m.jitc")
    proc = subprocess.run([sys.executable, str(HERE / "serialization_fuzz.py"), str(tmp_path / "m.jitc"), "7", "1000",
                           "1000"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    assert summary["truncations"] == min(4096, (tmp_path / "m.jitc").stat().st_size)
    assert summary["edits"] == 1000 and summary["structured"] == 1000


# ---------------------------------------------------------------- header edits behind a valid checksum

def split(data: bytes) -> tuple[dict, bytes]:
    hlen = struct.unpack_from("<Q", data, 12)[0]
    return json.loads(data[20:20 + hlen]), data[-(-(20 + hlen) // 64) * 64:-32]


@pytest.fixture(scope="module")
def cell_file(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("cell") / "cell.jitc"
    MODELS["cell"]()[0].save(path)
    return path.read_bytes()


def linear(h):
    return h["root"]["modules"][1][1]


def weight(h):
    return linear(h)["parameters"][0][1]


def bias(h):
    return linear(h)["parameters"][1][1]


def set_ir(get, old: str, new: str):
    def edit(h):
        method = get(h)["methods"][0][1]
        assert old in method["ir"]
        method["ir"] = method["ir"].replace(old, new)
    return edit


def nested_modules(depth: int) -> dict:
    m = {"original_name": "M", "modules": [], "parameters": [], "constants": [], "methods": []}
    for _ in range(depth):
        m = {**m, "modules": [["m", m]]}
    return m


HEADER_EDITS = {
    "dtype_complex": (lambda h: weight(h).update(dtype="<c8"), r"weight.*dtype: '<c8' is not an allowed dtype"),
    "dtype_object": (lambda h: weight(h).update(dtype="|O"), "'|O' is not an allowed dtype"),
    "dtype_big_endian": (lambda h: weight(h).update(dtype=">f4"), "'>f4' is not an allowed dtype"),
    "dtype_not_string": (lambda h: weight(h).update(dtype=4), "dtype: 4 is not an allowed dtype"),
    "negative_dim": (lambda h: weight(h).update(shape=[-1, 4]), r"shape\[0\] = -1 is outside"),
    "huge_dim": (lambda h: weight(h).update(shape=[2**41, 1]), r"shape\[0\] = 2199023255552 is outside"),
    "huge_product": (lambda h: weight(h).update(shape=[2**40, 2**40], nbytes=2**82), r"nbytes = \d+ is outside"),
    "dim_not_int": (lambda h: weight(h).update(shape=[4.0, 4]), r"shape\[0\] must be an integer"),
    "dim_bool": (lambda h: weight(h).update(shape=[True, 4]), r"shape\[0\] must be an integer"),
    "rank_33": (lambda h: weight(h).update(shape=[1] * 33), "33 items, more than the limit of 32"),
    "shape_not_list": (lambda h: weight(h).update(shape="4x4"), "shape must be a list"),
    "offset_outside_file": (lambda h: weight(h).update(offset=2**30), r"offset = 1073741824 is outside"),
    "offset_negative": (lambda h: weight(h).update(offset=-64), r"offset = -64 is outside"),
    "offset_misaligned": (lambda h: weight(h).update(offset=8), "offset = 8 is not a multiple of 64"),
    "runs_past_end": (lambda h: weight(h).update(offset=128), r"bytes \[\d+, \d+\) run past the data section"),
    "overlapping": (lambda h: bias(h).update(offset=weight(h)["offset"]), "bias.* overlap .*weight|weight.*overlap"),
    "nbytes_inconsistent": (lambda h: weight(h).update(nbytes=60), "nbytes = 60 but dtype <f4 x shape"),
    "unknown_top_key": (lambda h: h.update(extra=1), r"\$: unknown key 'extra'"),
    "unknown_tensor_key": (lambda h: weight(h).update(strides=[4, 1]), "unknown key 'strides'"),
    "missing_key": (lambda h: weight(h).pop("offset"), "missing key 'offset'"),
    "kind": (lambda h: h.update(kind="pickle"), r"\$.kind must be"),
    "module_not_object": (lambda h: h.update(root=[]), r"\$.root must be an object"),
    "bad_ir": (lambda h: linear(h)["methods"][0][1].update(ir="graph("), r"methods\[0\]\[1\].ir: line 1"),
    "ir_not_string": (lambda h: linear(h)["methods"][0][1].update(ir=None), r"ir must be a string"),
    "ir_tensor_literal": (set_ir(linear, 'name="weight"', "value=<Tensor>"), "tensor constants cannot be parsed"),
    "getattr_missing": (set_ir(linear, 'name="weight"', 'name="missing"'), "Linear has no attribute 'missing'"),
    "getattr_wrong_kind": (set_ir(linear, 'name="bias"', 'name="in_features"'),
                           "'in_features' is a constant but the node's type is Float"),
    "getattr_wrong_shape": (lambda h: weight(h).update(shape=[2, 8]),
                            r"parameter 'weight' is float32\[2, 8\] but the node's type is Float\(4, 4"),
    "getattr_wrong_module": (set_ir(lambda h: h["root"], 'name="dg"', 'name="linear"'),
                             "'linear' is submodule Linear but the node's type is __jitc__.MyDecisionGate"),
    "self_not_module": (set_ir(linear, "%self : __jitc__.Linear", "%self : Tensor"), "first input must be"),
    "self_wrong_module": (set_ir(linear, "%self : __jitc__.Linear", "%self : __jitc__.MyCell"),
                          "first input must be __jitc__.Linear"),
    "unknown_op": (set_ir(linear, "aten::linear", "aten::evil"), r"node 2 \(aten::evil\): unknown node kind"),
    "op_arity": (set_ir(linear, "(%x, %weight, %bias)", "(%x, %weight)"), "wrong number of inputs"),
    "missing_method": (set_ir(lambda h: h["root"], '[name="forward"](%linear', '[name="backward"](%linear'),
                       "Linear has no method 'backward'"),
    "bad_submodule_name": (lambda h: h["root"]["modules"][0].__setitem__(0, "a.b"), "must be an identifier or dig"),
    "bad_original_name": (lambda h: linear(h).update(original_name="__import__('os')"), "must be an identifier"),
    "bad_method_name": (lambda h: linear(h)["methods"][0].__setitem__(0, "0"), r"methods\[0\]\[0\] must be an ident"),
    "duplicate_name": (lambda h: linear(h)["parameters"][1].__setitem__(0, "weight"), "'weight' is defined twice"),
    "name_clash": (lambda h: linear(h)["constants"][0].__setitem__(0, "weight"), "'weight' is defined twice"),
    "pair_not_pair": (lambda h: linear(h)["parameters"].append(["x"]), r"parameters\[2\] must be a \[name, value\]"),
    "constant_tag": (lambda h: linear(h)["constants"][0].__setitem__(1, ["pickle", "x"]), "is not a constant"),
    "constant_float": (lambda h: linear(h)["constants"][0].__setitem__(1, ["float", "zz"]), "is not a constant"),
    "constant_float_overflow": (lambda h: linear(h)["constants"][0].__setitem__(1, ["float", "0x1p99999"]),
                                "is not a constant"),
    "constant_int_float": (lambda h: linear(h)["constants"][0].__setitem__(1, ["int", 1.5]), "is not a constant"),
    "constant_int_huge": (lambda h: linear(h)["constants"][0].__setitem__(1, ["int", 2**64]), "is not a constant"),
    "constant_deep": (lambda h: linear(h)["constants"][0].__setitem__(1, json.loads('["tuple", [' * 70 + "]]" * 70)),
                      "nested deeper than 64"),
    "constant_bad_and_deep": (lambda h: linear(h)["constants"][0].__setitem__(1, ["x", json.loads("[" * 500 + "]" * 500)]),
                              "is not a constant"),
    "module_depth": (lambda h: h.update(root=nested_modules(70)), "module tree is deeper than 64"),
}


@pytest.mark.parametrize("case", HEADER_EDITS)
def test_header_edits_behind_checksum(tmp_path, cell_file, case):
    edit, message = HEADER_EDITS[case]
    header, data = split(cell_file)
    edit(header)
    (tmp_path / "f").write_bytes(pack(json.dumps(header).encode(), data))
    with pytest.raises(LoadError, match=message):
        jitc.load(tmp_path / "f")


@pytest.mark.parametrize("raw, message", [
    (b"{not json", "not valid UTF-8 JSON"),
    (b'{"kind": "\xff"}', "not valid UTF-8 JSON"),
    (b'{"kind": "module", "kind": "module"}', "repeats a key"),
    (b'{"kind": NaN}', "NaN, which is not JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid UTF-8 JSON"),
    (b"[]", r"\$.kind must be"),
    ((b'{"kind": "module", "root": {"original_name": "M", "modules": [], "parameters": [], "constants": [], '
      b'"methods": [], "x": 1}}'), r"\$.root: unknown key 'x'"),
])
def test_raw_header_edits_behind_checksum(tmp_path, raw, message):
    (tmp_path / "f").write_bytes(pack(raw, b""))
    with pytest.raises(LoadError, match=message):
        jitc.load(tmp_path / "f")


def test_tensor_constant_entries_are_checked(tmp_path):
    model, _ = MODELS["closure_fn"]()
    model.save(tmp_path / "fn.jitc")
    header, data = split((tmp_path / "fn.jitc").read_bytes())
    cases = [
        (lambda t: t[0].__setitem__(0, 1), r"node 1 \(aten::matmul\) is not a tensor constant placeholder"),
        (lambda t: t[0].__setitem__(0, 999), r"tensors\[0\]\[0\] = 999 is outside"),
        (lambda t: t.append(list(t[0])), "is not a tensor constant placeholder"),
        (lambda t: t[0][1].update(dtype="<i4"), r"array int32\[4, 4\] does not match the node's type Float"),
    ]
    for edit, message in cases:
        h = json.loads(json.dumps(header))
        edit(h["root"]["graph"]["tensors"])
        (tmp_path / "f").write_bytes(pack(json.dumps(h).encode(), data))
        with pytest.raises(LoadError, match=message):
            jitc.load(tmp_path / "f")


def test_tensor_count_limit(tmp_path, cell_file, monkeypatch):
    (tmp_path / "f").write_bytes(cell_file)
    monkeypatch.setattr(loading, "MAX_TENSORS", 1)
    with pytest.raises(LoadError, match="more than 1 arrays"):
        jitc.load(tmp_path / "f")
