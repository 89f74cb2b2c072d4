"""The contract between generated code and its callers (the runtime, exported C programs)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# status codes the entry returns besides 0, and the exception the runtime raises for each
ERRORS = {1: (IndexError, "index out of range in compiled code"),
          2: (MemoryError, "compiled code could not allocate its workspace")}
FIRST_SITE_CODE = 16  # codes from here on are IndexErrors of one indexing site each (Lowering.errors says where)


@dataclass(frozen=True)
class OutputSpec:
    """One flattened graph output: the caller allocates np.empty(shape, dtype); scalar=True unwraps .item()."""

    dtype: np.dtype
    shape: tuple[int, ...]
    scalar: bool
