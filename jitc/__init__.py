"""jitc: TorchScript for NumPy, compiled by LLVM."""
from . import nn
from .compile import CompiledFunction, compile
from .errors import (
    CompileError,
    FallbackWarning,
    IntegerOverflowError,
    IRParseError,
    JitcError,
    LoadError,
    ScriptError,
    ShapeError,
    SignatureError,
    TracerWarning,
)
from .export import export
from .ir import Graph
from .parser import parse_ir
from .script import script
from .script_module import ScriptFunction, ScriptModule
from .serialization.loading import load
from .trace import trace
from .trace_check import TracingCheckError

__version__ = "0.1.0"

__all__ = ["CompileError", "CompiledFunction", "FallbackWarning", "Graph", "IRParseError", "IntegerOverflowError",
           "JitcError", "LoadError", "ScriptError", "ScriptFunction", "ScriptModule", "ShapeError", "SignatureError",
           "TracerWarning", "TracingCheckError", "compile", "export", "load", "nn", "parse_ir", "script", "trace"]
