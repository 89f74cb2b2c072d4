"""Messages for Python constructs outside the scriptable subset: what is wrong and what to write instead."""
from __future__ import annotations

import ast

SUBSET = ("scripting supports assignments, if/elif/else, for-range, while, break/continue, return")

# node class -> (message, caret width: the keyword's length, or None for the whole construct)
MESSAGES = {
    "With": (f"'with' statements are not supported in scripted code (use plain statements; {SUBSET})", 4),
    "AsyncWith": ("'async with' is not supported in scripted code (use plain statements)", 5),
    "Try": (("'try' statements are not supported in scripted code (exceptions cannot be caught in compiled code; "
            "check conditions with if instead)"), 3),
    "TryStar": ("'try' statements are not supported in scripted code (check conditions with if instead)", 3),
    "Raise": ("'raise' is not supported in scripted code (check inputs before calling the compiled model)", 5),
    "Assert": ("'assert' is not supported in scripted code (check inputs before calling the compiled model)", 6),
    "Global": (("'global' declarations are not supported in scripted code (module-level constants can be read "
               "without it; pass state as arguments)"), 6),
    "Nonlocal": (("'nonlocal' declarations are not supported in scripted code (pass state as arguments and return "
                 "new values)"), 8),
    "Delete": ("'del' is not supported in scripted code (rebind the name instead)", 3),
    "ClassDef": ("class definitions are not supported inside scripted code (define the class at module level)", 5),
    "FunctionDef": (("nested function definitions are not supported in scripted code (define the function at "
                    "module level and call it)"), 3),
    "AsyncFunctionDef": ("async functions are not supported in scripted code", 5),
    "Import": (("'import' is not supported inside scripted code (import at module level: the compiler reads the "
               "function's globals)"), 6),
    "ImportFrom": (("'import' is not supported inside scripted code (import at module level: the compiler reads "
                   "the function's globals)"), 4),
    "Match": ("'match' statements are not supported in scripted code (use if/elif/else)", 5),
    "AsyncFor": ("'async for' is not supported in scripted code (use for ... in range(...))", 5),
    "Lambda": (("lambda expressions are not supported in scripted code (define a function with def at module "
               "level)"), 6),
    "ListComp": (("list comprehensions are not supported in scripted code (use a for loop over range(...) or a "
                 "tuple)"), None),
    "SetComp": ("set comprehensions are not supported in scripted code (use a for loop)", None),
    "DictComp": ("dict comprehensions are not supported in scripted code (use a for loop)", None),
    "GeneratorExp": (("generator expressions are not supported in scripted code (use a for loop over range(...) "
                     "or a tuple)"), None),
    "Dict": ("dict literals are not supported in scripted code (use a tuple, or separate variables)", None),
    "Set": ("set literals are not supported in scripted code (use a tuple)", None),
    "Yield": ("'yield' is not supported in scripted code (generators cannot be compiled; return a value)", 5),
    "YieldFrom": (("'yield from' is not supported in scripted code (generators cannot be compiled; return a "
                  "value)"), 5),
    "Await": ("'await' is not supported in scripted code", 5),
    "JoinedStr": ("f-strings are not supported in scripted code (strings are only constants)", None),
    "NamedExpr": (("assignment expressions (:=) are not supported in scripted code (assign in a separate "
                  "statement)"), None),
}


def unsupported(node: ast.AST) -> tuple[str, int | None]:
    """The message and caret width for a construct outside the subset."""
    name = type(node).__name__
    return MESSAGES.get(name, (f"{name} is not supported in scripted code ({SUBSET})", None))
