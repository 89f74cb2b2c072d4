"""`save` / `load`: one self-contained file with printed IR, the module tree and raw arrays. No pickle, no eval.

Layout (integers little-endian):
    0          magic b"JITC\\x00MDL" (8 bytes)
    8          u32 format version (1)
    12         u64 header length H (at most 16 MiB)
    20         H bytes of UTF-8 JSON header (closed schema below)
    ...        zero padding to a multiple of 64: the data section starts there
    ...        each array's bytes (C order, little-endian) at a 64-aligned offset relative to the data section
    size - 32  SHA-256 of every byte before it

Header schema (every key required, no others; pairs are 2-element lists, so order is kept):
    {"kind": "module", "root": MODULE} | {"kind": "function", "root": {"name": IDENT, "graph": GRAPH}}
    MODULE = {"original_name": IDENT, "modules": [[NAME, MODULE]...], "parameters": [[NAME, TENSOR]...],
              "constants": [[NAME, CONST]...], "methods": [[IDENT, GRAPH]...]}
    GRAPH  = {"ir": printed graph, "tensors": [[node index in program order, TENSOR]...]}
    TENSOR = {"dtype": "<f4" | "|b1" | ... (see DTYPES), "shape": [int...], "offset": int, "nbytes": int}
    CONST  = ["none"] | ["bool", b] | ["int", i (64-bit)] | ["float", float.hex()] | ["str", s]
             | ["tuple", [CONST...]] | ["list", [CONST...]]
NAME is an ASCII identifier or a run of digits (Sequential's children), IDENT an identifier.

Array constants inside graphs (`prim::Constant[value=<Tensor>]`, e.g. a traced function's closure arrays) have
no text form: they are printed as `value=None` placeholders and re-attached on load from GRAPH.tensors.
Not preserved: sharing (a module or array reachable twice is saved twice), array strides (saved C-contiguous)
and NumPy scalar constants (they come back as 0-d arrays). Every problem with a file, a missing one included,
raises LoadError naming the byte offset or the JSON path ($.root.modules[0][1]...).

The package: layout.py (the frame, limits and dtypes), constants.py (attribute constants both ways), saving.py,
loading.py (the frame, the schema and the arrays), verify.py (loaded graphs against the op table and the module
tree).
"""
