"""Exported libraries define only their documented entry point, so any two of them (even `foo` and `foo_graph`)
link into one C program in either order, as shared libraries or objects; names that are C/C++ keywords or
functions of libc/libm are refused (a model exported as `powf` that uses `**` would call itself); argument
names that are keywords are renamed so the header compiles as C and C++. Built with the system C compiler,
run in subprocesses with timeouts."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import jitc
from jitc.export import c_compiler

needs_cc = pytest.mark.skipif(c_compiler() is None or shutil.which("nm") is None, reason="no C compiler or nm")
X = np.array([0.5, -1.25, 2.0, 3.5], np.float32)


def powered(x):
    return np.abs(x) ** 1.5 + np.tanh(x)


def scaled(x):
    return x * 3.0 - 1.0


def keyword_args(double, new, x):
    return double * new + x


def defined_symbols(path) -> set[str]:
    out = subprocess.run(["nm", "-g", "--defined-only", str(path)], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


@needs_cc
def test_only_the_entry_point_is_exported(tmp_path) -> None:
    files = jitc.export(powered, (X,), tmp_path / "mypow")
    assert defined_symbols(files.object) == {"mypow"}
    dynamic = subprocess.run(["nm", "-D", "--defined-only", files.shared_library], capture_output=True, text=True,
                             check=True, timeout=60).stdout
    assert {line.split()[-1] for line in dynamic.splitlines() if line.strip()} == {"mypow"}


MAIN = r"""
#include <stdio.h>
#include "foo.h"
#include "foo_graph.h"
int main(void) {
    float x[4] = {0.5f, -1.25f, 2.0f, 3.5f}, a[4], b[4];
    if (foo(x, a) != 0 || foo_graph(x, b) != 0) return 3;
    for (int i = 0; i < 4; i++) printf("%.9g %.9g\n", a[i], b[i]);
    return 0;
}
"""


@needs_cc
@pytest.mark.parametrize("kind", ["shared", "object"])
@pytest.mark.parametrize("order", ["foo_first", "foo_graph_first"])
def test_two_libraries_coexist_in_any_link_order(tmp_path, kind, order) -> None:
    foo = jitc.export(powered, (X,), tmp_path / "foo")
    foo_graph = jitc.export(scaled, (X,), tmp_path / "foo_graph")
    libs = [foo, foo_graph] if order == "foo_first" else [foo_graph, foo]
    paths = [f.shared_library if kind == "shared" else f.object for f in libs]
    (tmp_path / "main.c").write_text(MAIN)
    binary = tmp_path / "main"
    subprocess.run([c_compiler(), f"-I{tmp_path}", str(tmp_path / "main.c"), *paths, "-o", str(binary),
                    f"-Wl,-rpath,{tmp_path}", "-lm", "-lpthread"], check=True, timeout=120)
    out = subprocess.run([str(binary)], capture_output=True, text=True, check=True, timeout=60).stdout
    got = np.array([[float(v) for v in line.split()] for line in out.splitlines()], np.float32)
    np.testing.assert_allclose(got[:, 0], powered(X), rtol=2e-6)
    np.testing.assert_allclose(got[:, 1], scaled(X), rtol=2e-6)


@pytest.mark.parametrize("name", ["powf", "pow", "exp", "memcpy", "malloc", "printf", "sqrt", "tanhf"])
def test_names_of_c_library_functions_are_refused(tmp_path, name) -> None:
    with pytest.raises(jitc.JitcError, match="C runtime"):
        jitc.export(powered, (X,), tmp_path / name)


@pytest.mark.parametrize("name", ["int", "return", "while", "class", "new", "bool"])
def test_keyword_names_are_refused(tmp_path, name) -> None:
    with pytest.raises(jitc.JitcError, match="keyword"):
        jitc.export(scaled, (X,), tmp_path / name)


@needs_cc
@pytest.mark.parametrize("language", ["c", "c++"])
def test_keyword_argument_names_give_a_header_that_compiles(tmp_path, language) -> None:
    jitc.export(keyword_args, (X, X, X), tmp_path / "kw")
    header = (tmp_path / "kw.h").read_text()
    assert "const float *double_" in header and "const float *new_" in header
    source = tmp_path / ("use.c" if language == "c" else "use.cpp")
    source.write_text('#include "kw.h"\nint main(void) { return 0; }\n')
    compiler = c_compiler() if language == "c" else shutil.which("g++") or shutil.which("c++")
    if compiler is None:
        pytest.skip("no C++ compiler")
    subprocess.run([compiler, f"-I{tmp_path}", "-fsyntax-only", str(source)], check=True, timeout=120)
