"""jitc: TorchScript for NumPy, compiled by LLVM."""
from . import nn
from .errors import (CompileError, IRParseError, JitcError, LoadError, ScriptError, ShapeError, SignatureError,
                     TracerWarning)
from .ir import Graph
from .parser import parse_ir
from .script_module import ScriptFunction, ScriptModule
from .trace import TracingCheckError, trace

__version__ = "0.1.0"

__all__ = ["CompileError", "Graph", "IRParseError", "JitcError", "LoadError", "ScriptError", "ScriptFunction",
           "ScriptModule", "ShapeError", "SignatureError", "TracerWarning", "TracingCheckError", "nn", "parse_ir", "trace"]
