"""The contract between generated code and its callers (the runtime, exported C programs)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from jitc.errors import IntegerOverflowError

# status codes the entry returns besides 0, and the exception the runtime raises for each
ERRORS = {1: (IndexError, "index out of range in compiled code"),
          2: (MemoryError, "compiled code could not allocate its workspace"),
          3: (IntegerOverflowError, ("a Python int argument is out of bounds for the int dtype of the array it "
                                     "is combined with (NumPy raises OverflowError too)")),
          4: (ZeroDivisionError, "division by zero in Python scalar code"),
          5: (ValueError, "range() arg 3 must not be zero"),
          7: (KeyboardInterrupt, "interrupted"),
          6: (IntegerOverflowError, ("Python int arithmetic beyond 64 bits in compiled code (compiled code has no "
                                    "big ints; compute it outside the compiled function)"))}
EMPTY_REDUCTION = 9  # max/min/argmax/argmin over a length known only at run time that is 0
ERRORS[EMPTY_REDUCTION] = (ValueError, "zero-size array to reduction operation which has no identity")
SIZE_ERROR = 8  # an exported function's size parameter is below 2 (symbolic sizes stand for sizes >= 2)
FIRST_SITE_CODE = 16  # codes from here on are IndexErrors of one indexing site each (Lowering.errors says where)


class OutputSpec(NamedTuple):  # not a dataclass: those cost ~0.5 ms each to import
    """One flattened graph output: the caller allocates np.empty(shape, dtype); scalar=True unwraps .item() (a
    Python scalar), numpy_scalar=True gives the NumPy scalar of a 0-d array (as NumPy's x.sum() does). An output
    whose length the data sets (`x[mask]`) has a room: the caller allocates that, and after the call trims the
    array to its shape, evaluated with the sizes array the code filled in (codegen/compact.py)."""

    dtype: np.dtype
    shape: tuple[int, ...]
    scalar: bool
    numpy_scalar: bool = False
    room: tuple | None = None
