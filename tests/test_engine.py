"""The process-wide JIT engine in codegen.engine."""

import ctypes
import gc
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from codegen import engine

ADD_IR = """
define i64 @add_const(i64 %a) {
  %b = add i64 %a, CONST
  ret i64 %b
}
"""
I64_FN = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_int64)

FADD_LOOP_IR = """
define void @inc(ptr noalias %src, ptr noalias %dst, i64 %n) {
entry:
  %nonempty = icmp sgt i64 %n, 0
  br i1 %nonempty, label %loop, label %done
loop:
  %i = phi i64 [0, %entry], [%next, %loop]
  %ps = getelementptr float, ptr %src, i64 %i
  %v = load float, ptr %ps
  %w = fadd float %v, 1.0
  %pd = getelementptr float, ptr %dst, i64 %i
  store float %w, ptr %pd
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %n
  br i1 %more, label %loop, label %done
done:
  ret void
}
"""


def add_const(lib: engine.Library, x: int) -> int:
    return I64_FN(lib.address("add_const"))(x)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_compile_and_call() -> None:
    lib = engine.compile_ir(ADD_IR.replace("CONST", "42"))
    assert add_const(lib, 1) == 43
    assert lib.symbols == ("add_const",)
    assert "add i64 %a, 42" in lib.llvm_ir
    assert "add_const" in lib.optimized_ir and "add_const" in lib.asm
    assert isinstance(lib.object_code, bytes) and lib.object_code


def test_invalid_ir_raises() -> None:
    with pytest.raises(RuntimeError):
        engine.compile_ir("define i64 @f() { ret i32 0 }")


def test_libraries_have_separate_namespaces() -> None:
    one = engine.compile_ir(ADD_IR.replace("CONST", "1"))
    two = engine.compile_ir(ADD_IR.replace("CONST", "2"))
    assert (add_const(one, 0), add_const(two, 0)) == (1, 2)


def test_calls_into_libm() -> None:
    lib = engine.compile_ir("""
declare double @llvm.pow.f64(double, double)
define double @cube(double %x) {
  %y = call double @llvm.pow.f64(double %x, double 3.1)
  ret double %y
}""")
    cube = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(lib.address("cube"))
    assert cube(2.0) == pytest.approx(2.0**3.1)


def test_load_object_round_trip() -> None:
    code = engine.compile_ir(ADD_IR.replace("CONST", "7")).object_code
    lib = engine.load_object(code, ["add_const"], llvm_ir_for_info="info")
    assert add_const(lib, 1) == 8
    assert lib.llvm_ir == "info" and lib.asm == ""


def test_object_file_is_loadable_pic() -> None:
    code = engine.object_file(ADD_IR.replace("CONST", "5"))
    assert code.startswith(b"\x7fELF")
    assert add_const(engine.load_object(code, ["add_const"]), 1) == 6


def test_concurrent_compiles() -> None:
    def work(k: int) -> int:
        return add_const(engine.compile_ir(ADD_IR.replace("CONST", str(k))), 1000)

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(work, range(16))) == [1000 + k for k in range(16)]


def test_loop_is_vectorized_for_host() -> None:
    lib = engine.compile_ir(FADD_LOOP_IR)
    assert "<16 x float>" in lib.optimized_ir
    assert "zmm" in lib.asm
    src = np.arange(1000, dtype=np.float32)
    dst = np.empty_like(src)
    proto = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64)
    proto(lib.address("inc"))(src.ctypes.data, dst.ctypes.data, src.size)
    np.testing.assert_array_equal(dst, src + 1)


def test_dropped_library_is_collected() -> None:
    lib = engine.compile_ir(ADD_IR.replace("CONST", "3"))
    ref = weakref.ref(lib)
    del lib
    gc.collect()
    assert ref() is None


def test_dropped_libraries_free_their_code() -> None:
    # Each library carries a 256 KiB constant: if unloading leaked sections,
    # 200 libraries would grow the process by 50 MiB.
    size = 256 * 1024
    blob = "\\01" * size
    code = engine.compile_ir(
        f'@blob = constant [{size} x i8] c"{blob}"\n'
        "define i64 @get() {\n  ret i64 ptrtoint (ptr @blob to i64)\n}").object_code
    assert len(code) > size
    get = ctypes.CFUNCTYPE(ctypes.c_int64)
    engine.load_object(code, ["get"])  # warm up allocator pools
    before = rss_bytes()
    for _ in range(200):
        lib = engine.load_object(code, ["get"])
        assert ctypes.string_at(get(lib.address("get"))(), 4) == b"\1" * 4
        del lib
    assert rss_bytes() - before < 200 * size // 4
