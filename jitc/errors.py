"""Exceptions and warnings users see; every error names the problem and, where there is one, the source line."""
import numpy as np
from numpy._core._exceptions import _UFuncOutputCastingError


class JitcError(Exception):
    """Base class of every error jitc raises."""


class SignatureError(JitcError, TypeError):
    """A call's arguments do not fit: wrong arity, non-array or unsupported dtype."""


class ShapeError(JitcError, ValueError):
    """Shapes that do not broadcast or otherwise fit the op."""


class IndexBoundsError(ShapeError, IndexError):
    """An integer index past the end of an axis of known size (NumPy raises IndexError)."""


class BooleanIndexError(JitcError, IndexError):
    """A boolean index whose shape does not match the dimensions it indexes (NumPy raises IndexError)."""


class LinAlgError(JitcError, np.linalg.LinAlgError):
    """NumPy's LinAlgError from compiled code (np.linalg.svd of a matrix with a NaN: "SVD did not converge")."""


class ScriptError(JitcError):
    """Python source outside the scriptable subset; the message shows file, line, source and a caret."""


class IRParseError(JitcError):
    """Text that is not valid jitc IR."""


class CompileError(JitcError):
    """The backend cannot compile a graph (unsupported op or dtype)."""


class RuntimeShapeError(CompileError):
    """An array's shape depends on a value known only at run time (see passes/specialize.py)."""


class IntegerOverflowError(JitcError, OverflowError):
    """A Python int that does not fit where it is used: an int8 array plus 300 (NumPy raises OverflowError too),
    or Python int arithmetic in compiled code beyond 64 bits (compiled code does not have big ints)."""


class LoadError(JitcError):
    """A saved file that is malformed, truncated, tampered with or not a jitc file."""


class CastingError(JitcError, TypeError):
    """A write whose value cannot be cast to the array's dtype under NumPy's rule (np.copyto's same_kind)."""


class InPlaceCastError(CastingError, _UFuncOutputCastingError):
    """An in-place ufunc (`c += b`, `out=c`) whose result NumPy refuses to cast to c's dtype; NumPy raises
    UFuncTypeError (`_UFuncOutputCastingError`) here, and so does jitc."""

    def __init__(self, message: str):
        Exception.__init__(self, message)

    def __str__(self) -> str:
        return str(self.args[0])


class OverlappingArguments(JitcError):
    """The compiled code writes to an argument that shares memory with another argument: compiled code assumes
    they do not, so the caller runs the user's Python code instead (or, with no Python code, reports this)."""


class TracerWarning(UserWarning):
    """A traced value was turned into a Python value: the trace bakes it in as a constant."""


class FallbackWarning(UserWarning):
    """A signature could not be compiled natively and runs on the reference interpreter instead."""
