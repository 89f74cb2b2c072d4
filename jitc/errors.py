"""Exceptions and warnings users see; every error names the problem and, where there is one, the source line."""


class JitcError(Exception):
    """Base class of every error jitc raises."""


class SignatureError(JitcError, TypeError):
    """A call's arguments do not fit: wrong arity, non-array or unsupported dtype."""


class ShapeError(JitcError, ValueError):
    """Shapes that do not broadcast or otherwise fit the op."""


class ScriptError(JitcError):
    """Python source outside the scriptable subset; the message shows file, line, source and a caret."""


class IRParseError(JitcError):
    """Text that is not valid jitc IR."""


class CompileError(JitcError):
    """The backend cannot compile a graph (unsupported op or dtype)."""


class IntegerOverflowError(JitcError, OverflowError):
    """A Python int that does not fit where it is used: an int8 array plus 300 (NumPy raises OverflowError too),
    or Python int arithmetic in compiled code beyond 64 bits (compiled code does not have big ints)."""


class LoadError(JitcError):
    """A saved file that is malformed, truncated, tampered with or not a jitc file."""


class TracerWarning(UserWarning):
    """A traced value was turned into a Python value: the trace bakes it in as a constant."""


class FallbackWarning(UserWarning):
    """A signature could not be compiled natively and runs on the reference interpreter instead."""
