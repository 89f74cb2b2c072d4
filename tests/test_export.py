"""jitc.export: a C program compiled against the exported library gives the compiled model's outputs."""
import subprocess
from pathlib import Path

import numpy as np
import pytest

import jitc
from jitc import nn
from jitc.export import c_compiler
from tests.models import MyCell, MyDecisionGate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "c" / "run_cell.c"
needs_cc = pytest.mark.skipif(c_compiler() is None, reason="no C compiler on this machine")


def run_c(binary: Path, *args) -> np.ndarray:
    out = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, check=True).stdout
    return np.array([float(v) for v in out.split()], np.float32)


@pytest.fixture
def cell():
    nn.manual_seed(0)
    return jitc.script(MyCell(jitc.script(MyDecisionGate())))


@needs_cc
def test_c_example_runs_the_cell_on_both_branches(cell, tmp_path):
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    h = np.random.default_rng(2).random((3, 4), dtype=np.float32)
    files = jitc.export(cell, (x, h), tmp_path / "cell")
    binary = tmp_path / "run_cell"
    subprocess.run([c_compiler(), f"-I{tmp_path}", str(EXAMPLE), files.shared_library, "-o", str(binary),
                    f"-Wl,-rpath,{tmp_path}"], check=True)
    taken = set()
    for sign in (1.0, -1.0):
        xs = (sign * np.abs(x)).astype(np.float32)
        (tmp_path / "x.bin").write_bytes(xs.tobytes())
        (tmp_path / "h.bin").write_bytes(h.tobytes())
        expected = cell(xs, h)[0]
        np.testing.assert_allclose(run_c(binary, tmp_path / "x.bin", tmp_path / "h.bin").reshape(3, 4), expected,
                                   rtol=1e-6, atol=1e-6)
        taken.add(bool(cell.linear(xs).sum() > 0))
    assert taken == {True, False}, "the inputs must take both branches of the gate"


@needs_cc
def test_mlp_export_matches_compiled_model(tmp_path):
    nn.manual_seed(3)
    mlp = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))

    def model(x):
        return nn.functional.softmax(mlp(x))

    x = np.random.default_rng(4).standard_normal((5, 8)).astype(np.float32)
    files = jitc.export(jitc.trace(model, (x,)), (x,), tmp_path / "mlp")
    source = tmp_path / "main.c"
    source.write_text("""
#include <stdio.h>
#include "mlp.h"
int main(void) {
    float x[MLP_X_SIZE], y[MLP_OUT0_SIZE];
    if (fread(x, sizeof(float), MLP_X_SIZE, stdin) != MLP_X_SIZE) return 3;
    if (mlp(x, y) != 0) return 1;
    for (int i = 0; i < MLP_OUT0_SIZE; i++) printf("%.9g\\n", y[i]);
    return 0;
}
""")
    binary = tmp_path / "main"
    subprocess.run([c_compiler(), f"-I{tmp_path}", str(source), files.shared_library, "-o", str(binary),
                    f"-Wl,-rpath,{tmp_path}"], check=True)
    out = subprocess.run([str(binary)], input=x.tobytes(), capture_output=True, check=True).stdout.decode()
    got = np.array([float(v) for v in out.split()], np.float32).reshape(5, 4)
    np.testing.assert_allclose(got, jitc.compile(model)(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, model(x), rtol=1e-5, atol=1e-6)


@needs_cc
def test_library_needs_no_python(cell, tmp_path):
    x = np.ones((3, 4), np.float32)
    files = jitc.export(cell, (x, x), tmp_path / "cell")
    undefined = subprocess.run(["nm", "-D", "--undefined-only", files.shared_library], capture_output=True,
                               text=True, check=True).stdout
    assert "Py" not in undefined
    deps = subprocess.run(["ldd", files.shared_library], capture_output=True, text=True, check=False).stdout
    assert "python" not in deps.lower()


def test_header_for_the_tutorial_cell(cell, tmp_path):
    x = np.ones((3, 4), np.float32)
    try:
        files = jitc.export(cell, (x, x), tmp_path / "cell")
    except jitc.CompileError as e:  # no C compiler: the header and object are still written
        assert "no C compiler" in str(e)
        files = None
    header = (tmp_path / "cell.h").read_text()
    assert "int cell(const float *x, const float *h, float *out0, float *out1);" in header
    assert "#define CELL_X_SHAPE {3, 4}" in header
    assert "#define CELL_OUT1_SIZE 12" in header
    assert (tmp_path / "cell.o").stat().st_size > 0
    assert files is None or Path(files.shared_library).exists()


def test_export_rejects_a_name_that_is_not_a_c_identifier(cell, tmp_path):
    x = np.ones((3, 4), np.float32)
    with pytest.raises(jitc.JitcError, match="C identifier"):
        jitc.export(cell, (x, x), tmp_path / "my-cell")


def _run_exported(files, tmp_path: Path, inputs: tuple, out_shape: tuple, out_dtype=np.float32) -> np.ndarray:
    """Run an exported one-output function from C: inputs on stdin, one after the other; the output on stdout."""
    name = files.name
    arrays = [np.ascontiguousarray(a) for a in inputs]
    c_types = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
    decls = "".join(f"static {c_types[a.dtype]} in{i}[{a.size}];\n" for i, a in enumerate(arrays))
    reads = "".join(f"    if (fread(in{i}, sizeof in{i}[0], {a.size}, stdin) != {a.size}) return 3;\n"
                    for i, a in enumerate(arrays))
    args = ", ".join(f"in{i}" for i in range(len(arrays)))
    size = int(np.prod(out_shape))
    source = tmp_path / "main.c"
    source.write_text(f"""
#include <stdio.h>
#include "{name}.h"
{decls}static {c_types[np.dtype(out_dtype)]} out[{size}];
int main(void) {{
{reads}    if ({name}({args}, out) != 0) return 1;
    fwrite(out, sizeof out[0], {size}, stdout);
    return 0;
}}
""")
    binary = tmp_path / "main"
    subprocess.run([c_compiler(), f"-I{tmp_path}", str(source), files.shared_library, "-o", str(binary),
                    f"-Wl,-rpath,{tmp_path}"], check=True)
    out = subprocess.run([str(binary)], input=b"".join(a.tobytes() for a in arrays), capture_output=True,
                         check=True).stdout
    return np.frombuffer(out, out_dtype).reshape(out_shape)


@needs_cc
@pytest.mark.parametrize("threads", [False, True])
def test_exported_perf_mlp_equals_numpy(tmp_path, monkeypatch, threads):
    """The MLP of `python -m perf.export_mlp` (weights as inputs: our GEMM reads them in place; the 10-wide
    last layer is one partial strip; 13 rows end in a partial row tile), through examples/c/time_mlp.c; with
    threads=True on the library's own pool (a batch of 64 splits its products across it)."""
    from perf.export_mlp import build_and_run
    from perf.workloads_models import mlp

    monkeypatch.setenv("JITC_NUM_THREADS", "2")  # the library's pool size (other tests may pin threads to 1)
    for batch in (13, 64):
        folder = tmp_path / str(batch)
        folder.mkdir()
        inputs, result, _, _ = build_and_run(folder, batch=batch, calls=20, threads=threads)
        np.testing.assert_allclose(result, mlp(*inputs), rtol=1e-4, atol=1e-6)
    if threads:
        undefined = subprocess.run(["nm", "-D", "--undefined-only", str(folder / "mlp.so")], capture_output=True,
                                   text=True, check=True).stdout
        assert "pthread_create" in undefined and "Py" not in undefined


@needs_cc
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exported_linear_layers_equal_numpy(tmp_path, dtype):
    """nn.Linear weights are constants of the export: laid out for the GEMM when the library is built."""
    nn.manual_seed(5)
    net = nn.Sequential(nn.Linear(70, 48, dtype=dtype), nn.ReLU(), nn.Linear(48, 20, dtype=dtype))
    x = np.random.default_rng(6).standard_normal((13, 70)).astype(dtype)
    model = jitc.trace(lambda a: np.tanh(net(a)), (x,))
    files = jitc.export(model, (x,), tmp_path / "layers")
    expected = np.tanh(net(x))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    got = _run_exported(files, tmp_path, (x,), expected.shape, expected.dtype)
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@needs_cc
@pytest.mark.parametrize("shapes", [((13, 70), (45, 70)), ((40, 33), (64, 33)), ((1, 100), (17, 100))])
def test_exported_products_with_transposed_inputs_equal_numpy(tmp_path, shapes):
    """x @ w.T with w an input: each strip of w.T is copied (zero-padded) once per call."""
    rng = np.random.default_rng(7)
    x, w = (rng.standard_normal(s).astype(np.float32) for s in shapes)

    def product(a, b):
        return a @ b.T + 1.0

    files = jitc.export(jitc.compile(product), (x, w), tmp_path / "product")
    got = _run_exported(files, tmp_path, (x, w), (shapes[0][0], shapes[1][0]))
    np.testing.assert_allclose(got, product(x, w), rtol=1e-5, atol=1e-5)


def half_and_selected(x, y):
    return np.tanh(x) * 2 + x @ x.T[:, :1], y[y > 0].sum()


@needs_cc
def test_float16_arrays_and_a_selection_inside_an_exported_function(tmp_path):
    """float16 crosses the C boundary as its IEEE binary16 bits (uint16_t); a boolean mask selection inside the
    function (its length set by the data) needs nothing from the caller."""
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((3, 4)).astype(np.float16), rng.standard_normal(9).astype(np.float32)
    files = jitc.export(jitc.trace(half_and_selected, (x, y)), (x, y), tmp_path / "half")
    header = (tmp_path / "half.h").read_text()
    assert "int half(const uint16_t *x, const float *y, uint16_t *out0, float *out1);" in header
    assert "float16: IEEE binary16 bits" in header
    source = tmp_path / "main.c"
    source.write_text("""
#include <stdio.h>
#include "half.h"
int main(void) {
    uint16_t x[HALF_X_SIZE], out0[HALF_OUT0_SIZE];
    float y[HALF_Y_SIZE], out1[1];
    if (fread(x, sizeof x, 1, stdin) != 1 || fread(y, sizeof y, 1, stdin) != 1) return 3;
    if (half(x, y, out0, out1) != 0) return 1;
    fwrite(out0, sizeof out0, 1, stdout);
    fwrite(out1, sizeof out1, 1, stdout);
    return 0;
}
""")
    binary = tmp_path / "main"
    subprocess.run([c_compiler(), f"-I{tmp_path}", str(source), files.shared_library, "-o", str(binary),
                    f"-Wl,-rpath,{tmp_path}"], check=True)
    for sign in (1, -1):
        ys = (sign * np.abs(y)).astype(np.float32)
        out = subprocess.run([str(binary)], input=x.tobytes() + ys.tobytes(), capture_output=True, check=True).stdout
        want0, want1 = half_and_selected(x, ys)
        got0 = np.frombuffer(out[:want0.nbytes], np.float16).reshape(want0.shape)
        np.testing.assert_array_equal(got0, jitc.compile(half_and_selected)(x, ys)[0])
        assert (np.abs(got0.astype(np.float64) - want0) <= np.spacing(np.abs(want0))).all()
        np.testing.assert_allclose(np.frombuffer(out[want0.nbytes:], np.float32)[0], want1, rtol=1e-6)


@needs_cc
def test_exported_attention_equals_numpy(tmp_path):
    """The fused attention kernel (codegen/attention.py) in a library with no BLAS and no process pool."""
    rng = np.random.default_rng(8)
    q, k, v = (rng.standard_normal((3, 20, 12)).astype(np.float32) for _ in range(3))

    def attend(q, k, v):
        s = q @ k.transpose(0, 2, 1) * 0.25
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True) @ v

    compiled = jitc.compile(attend)
    assert [n.kind for n in compiled.graph_for(q, k, v).nodes() if n.kind != "prim::Constant"][-1:] == \
        ["prim::FusionGroup"]
    files = jitc.export(compiled, (q, k, v), tmp_path / "attend")
    np.testing.assert_allclose(_run_exported(files, tmp_path, (q, k, v), (3, 20, 12)), attend(q, k, v), rtol=1e-5,
                               atol=1e-6)


@needs_cc
@pytest.mark.parametrize("env_threads, threads, pooled", [("2", None, True), ("1", None, False), ("2", False, False),
                                                          ("2", True, True)])
def test_exported_threads_default_to_what_jitc_does_in_process(tmp_path, monkeypatch, env_threads, threads, pooled):
    """threads=None (the default) embeds a pool when jitc would use more than one thread here; False never."""
    monkeypatch.setenv("JITC_NUM_THREADS", env_threads)
    x = np.random.default_rng(9).standard_normal((300, 300)).astype(np.float32)
    kwargs = {} if threads is None else {"threads": threads}
    files = jitc.export(jitc.compile(lambda a: np.tanh(a) * 2), (x,), tmp_path / "pooled", **kwargs)
    undefined = subprocess.run(["nm", "-D", "--undefined-only", files.shared_library], capture_output=True, text=True,
                               check=True).stdout
    assert ("pthread_create" in undefined) == pooled
    np.testing.assert_allclose(_run_exported(files, tmp_path, (x,), x.shape), np.tanh(x) * 2, rtol=1e-6, atol=1e-6)
