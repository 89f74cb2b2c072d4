"""The process-wide LLVM JIT: optimise LLVM IR for the host CPU (O3, or a light pipeline for tiny code) and
load it.

Every compiled module becomes its own ORC JIT library.  ORC (not MCJIT) is used
because MCJIT never frees the machine code of a removed module, while an ORC
library's code is released as soon as its resource tracker is disposed, i.e.
when the owning `Library` is garbage-collected.  Each library has its own
symbol namespace, so different libraries may reuse function names.
"""

import functools
import itertools
import threading
import time
from collections.abc import Iterable

import llvmlite.binding as llvm

llvm.initialize_native_target()
llvm.initialize_native_asmprinter()

# llvmlite serialises single LLVM calls; this lock makes each multi-step
# compile (parse, optimise, emit, link) atomic across threads.
_lock = threading.RLock()
_library_ids = itertools.count()
# Symbols of jitc's own runtime libraries that generated code may call by name: name -> address provider
_IMPORTS: dict = {}


def register_import(name: str, address) -> None:
    """Let every library linked after this resolve `name` to `address()` (called once, when first needed)."""
    _IMPORTS[name] = functools.cache(address)


def hold_for_fork() -> None:
    """Before fork: wait until no thread is inside a compile or an llvmlite call, so the child inherits neither
    our lock nor llvmlite's (nor LLVM's internal mutexes) held by a thread that does not exist there. The
    runtime's fork hook calls it (one hook, so the order of taking locks is fixed); release_after_fork undoes it."""
    _lock.acquire()
    llvm.ffi.lib._lock.__enter__()  # llvmlite's lock around every LLVM C-API call


def release_after_fork() -> None:
    llvm.ffi.lib._lock.__exit__(None, None, None)
    _lock.release()


def target_triple() -> str:
    """The triple of the running process, e.g. ``x86_64-unknown-linux-gnu``."""
    return llvm.get_process_triple()


def host_cpu() -> str:
    """The host CPU name LLVM tunes for, e.g. ``znver4``."""
    return llvm.get_host_cpu_name()


def _target_machine(reloc: str, codemodel: str, jit: bool, opt: int = 3) -> llvm.TargetMachine:
    return llvm.Target.from_triple(target_triple()).create_target_machine(
        cpu=host_cpu(), features=llvm.get_host_cpu_features().flatten(),
        opt=opt, reloc=reloc, codemodel=codemodel, jit=jit)


# The large code model lets JIT code live anywhere relative to the libraries
# it calls (e.g. libm); exported shared objects use ordinary PIC.
_jit_tm = _target_machine("default", "jitdefault", jit=True)
_aot_tm = _target_machine("pic", "default", jit=False)
_jit = llvm.create_lljit_compiler(_jit_tm)


@functools.cache
def _quick_tm() -> llvm.TargetMachine:
    """Instruction selection and register allocation at LLVM's -O0 (FastISel): a third of the time of -O3's on
    a tiny graph's code, which the light pipeline has already inlined and folded."""
    return _target_machine("default", "jitdefault", jit=True, opt=0)

data_layout: str = str(_jit_tm.target_data)


class Library:
    """Machine code of one compiled module, loaded into the JIT.

    Function pointers from `address` stay valid only while this object is
    alive; once it is garbage-collected its code is unloaded.
    """

    def __init__(self, object_code: bytes, symbols: Iterable[str],
                 llvm_ir: str = "", optimized_ir: str = "", imports: Iterable[str] | None = None,
                 light: bool = False) -> None:
        """`imports`: the registered imports the code calls (None: all of them); `light`: made by the light
        pipeline (its assembly comes from the quick code generator too)."""
        self.object_code = object_code
        self.light = light
        self.llvm_ir = llvm_ir
        self.optimized_ir = optimized_ir
        self.symbols = tuple(symbols)
        self.imports = tuple(_IMPORTS if imports is None else imports)
        builder = llvm.JITLibraryBuilder().add_object_img(object_code)
        builder.add_current_process()  # resolve libm & co. from the process
        for name in self.imports:
            builder.import_symbol(name, _IMPORTS[name]())
        for symbol in self.symbols:
            builder.export_symbol(symbol)
        with _lock:
            self._tracker = builder.link(_jit, f"jitc.{next(_library_ids)}")

    def address(self, name: str) -> int:
        """The address of the exported function `name`."""
        return self._tracker[name]

    @functools.cached_property
    def asm(self) -> str:
        """Host assembly of `optimized_ir` (empty if that is unknown)."""
        if not self.optimized_ir:
            return ""
        with _lock:
            return (_quick_tm() if self.light else _jit_tm).emit_assembly(_parse(self.optimized_ir))


def _parse(llvm_ir: str) -> llvm.ModuleRef:
    # A fresh context per module, so its types and constants are freed with
    # it instead of accumulating in the global context.
    module = llvm.parse_assembly(llvm_ir, llvm.create_context())
    module.verify()
    module.triple = target_triple()
    module.data_layout = data_layout
    return module


def _optimise(module: llvm.ModuleRef, tm: llvm.TargetMachine, light: bool = False) -> None:
    if light:
        _optimise_light(module, tm)
        return
    pto = llvm.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(module, pb)


def _optimise_light(module: llvm.ModuleRef, tm: llvm.TargetMachine) -> None:
    """Inline every internal function, promote stack slots to registers, fold, simplify branches: about 3 ms
    instead of O3's 30 for a tiny graph, whose code then runs a few tens of nanoseconds slower per call."""
    for fn in module.functions:
        if fn.linkage == llvm.Linkage.internal and not fn.is_declaration:
            fn.add_function_attribute("alwaysinline")
    passes = llvm.create_new_module_pass_manager()
    passes.add_always_inliner_pass()
    passes.add_sroa_pass()
    passes.add_instruction_combine_pass()
    passes.add_simplify_cfg_pass()
    passes.run(module, llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=1)))


def _exported_functions(module: llvm.ModuleRef) -> list[str]:
    """Defined external functions and global variables (e.g. a module's process-symbol table)."""
    return [f.name for f in [*module.functions, *module.global_variables]
            if not f.is_declaration and f.linkage == llvm.Linkage.external]


def compile_ir(llvm_ir: str, name: str = "jitc", stages: dict | None = None, imports: bool = True,
               light: bool = False) -> Library:
    """Parse, verify and optimise `llvm_ir` (O3, or light=True: _optimise_light and the quick code generator),
    then load it into the JIT.

    All defined external functions are exported.  Raises RuntimeError on
    invalid IR.  `stages`, when given, receives the seconds each step took.
    imports=False: a library that registered imports do not reach (one that
    provides an import itself).
    """
    clock = _Clock(stages)
    with _lock:
        module = _parse(llvm_ir)
        module.name = name
        clock("llvm_parse")
        _optimise(module, _jit_tm, light)
        clock("llvm_optimize")
        object_code = (_quick_tm() if light else _jit_tm).emit_object(module)
        clock("llvm_emit")
        called = [f.name for f in module.functions if f.is_declaration and f.name in _IMPORTS] if imports else []
        library = Library(object_code, _exported_functions(module), llvm_ir, str(module), called, light)
        clock("link")
        return library


class _Clock:
    """Adds the seconds since the previous tick to `stages[name]` (does nothing without a dict)."""

    def __init__(self, stages: dict | None):
        self.stages, self.last = stages, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        if self.stages is not None:
            self.stages[name] = self.stages.get(name, 0.0) + now - self.last
        self.last = now


def load_object(object_code: bytes, symbols: Iterable[str],
                llvm_ir_for_info: str | None = None, imports: Iterable[str] | None = None) -> Library:
    """Load `object_code` from an earlier `Library.object_code`.

    `symbols` names the functions to export; `imports` the registered imports it calls (its
    `Library.imports`; None: all).  The object is host-specific: key caches on `target_triple()` and
    `host_cpu()`.
    """
    return Library(object_code, symbols, llvm_ir_for_info or "", imports=imports)


def object_file(llvm_ir: str) -> bytes:
    """O3-compile `llvm_ir` to a relocatable PIC object for a shared library."""
    with _lock:
        module = _parse(llvm_ir)
        _optimise(module, _aot_tm)
        return _aot_tm.emit_object(module)
