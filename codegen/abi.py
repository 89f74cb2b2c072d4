"""The contract between generated code and its callers (the runtime, exported C programs)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from jitc.errors import IntegerOverflowError, LinAlgError

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
SVD_DID_NOT_CONVERGE = 10  # a NaN in a matrix given to np.linalg.svd/norm (NumPy's LAPACK fails the same way)
ERRORS[SVD_DID_NOT_CONVERGE] = (LinAlgError, "SVD did not converge")
SINGULAR_MATRIX = 11  # an exactly zero pivot in np.linalg.solve/inv (NumPy's LAPACK gesv reports the same)
ERRORS[SINGULAR_MATRIX] = (LinAlgError, "Singular matrix")
SIZE_ERROR = 8  # an exported function's size parameter is below 2 (symbolic sizes stand for sizes >= 2)
FIRST_SITE_CODE = 16  # codes from here on are IndexErrors of one indexing site each (Lowering.errors says where)
# A negative code is an IndexError with the offending index: -(1 + site + SITES * (index + INDEX_BIAS)), for the
# first SITES sites and indices within ±INDEX_BIAS (others give the site's code, a message without the index).
SITES, INDEX_BIAS = 1 << 9, 1 << 21


def site_error_code(b, code: int, index):
    """The i32 status of indexing site `code` (FIRST_SITE_CODE + site) failing at the i64 `index`."""
    from llvmlite import ir

    i64, site = ir.IntType(64), code - FIRST_SITE_CODE
    if site >= SITES:
        return ir.Constant(ir.IntType(32), code)
    biased = b.add(index, ir.Constant(i64, INDEX_BIAS))
    fits = b.icmp_unsigned("<", biased, ir.Constant(i64, 2 * INDEX_BIAS))
    carried = b.sub(ir.Constant(i64, -1 - site), b.mul(biased, ir.Constant(i64, SITES)))
    return b.trunc(b.select(fits, carried, ir.Constant(i64, code)), ir.IntType(32))


def site_error_message(code: int, messages: dict) -> str | None:
    """The IndexError message of an indexing site's status (NumPy's "index 7 is out of bounds for axis 0 with
    size 5" when the code carries the index), or None for other statuses."""
    if code >= 0:
        return messages.get(code)
    biased, site = divmod(-code - 1, SITES)
    message = messages.get(FIRST_SITE_CODE + site)
    return None if message is None else message.replace("index out", f"index {biased - INDEX_BIAS} is out", 1)


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
