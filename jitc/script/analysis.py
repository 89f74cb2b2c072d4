"""Static facts about statement lists the compiler needs before emitting them: which names are read (liveness),
assigned (loop-carried candidates), and whether a list always leaves its region (return/break/continue)."""
from __future__ import annotations

import ast

EXITS = (ast.Return, ast.Break, ast.Continue)


def _walk(nodes):
    for node in nodes:
        yield from ast.walk(node)


def reads(nodes) -> set[str]:
    """Names read anywhere in the nodes (an over-approximation of what is live: reads after a rebinding count)."""
    out = set()
    for n in _walk(nodes):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            out.add(n.id)
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            out.add(n.target.id)
    return out


def suffix_reads(stmts: list[ast.stmt]) -> list[frozenset[str]]:
    """`out[i]` = reads(stmts[i:]), for every i up to len(stmts): one walk per statement, so compiling a long
    function stays linear in its length."""
    out = [frozenset()]
    for stmt in reversed(stmts):
        out.append(out[-1] | reads([stmt]))
    return out[::-1]


def stores(nodes) -> list[str]:
    """Names assigned anywhere in the nodes, in order of first assignment."""
    out = {}
    for n in _walk(nodes):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.setdefault(n.id)
    return list(out)


def always_exits(stmts: list[ast.stmt]) -> bool:
    """True when every path through stmts ends in return, break or continue."""
    for stmt in stmts:
        if isinstance(stmt, EXITS):
            return True
        if isinstance(stmt, ast.If) and stmt.orelse and always_exits(stmt.body) and always_exits(stmt.orelse):
            return True
    return False


def contains_return(stmts: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Return) for n in _walk(stmts))


def contains_break(stmts: list[ast.stmt]) -> bool:
    """A break that leaves this loop (breaks of nested loops do not count)."""
    for stmt in stmts:
        if isinstance(stmt, ast.Break):
            return True
        if isinstance(stmt, ast.If) and (contains_break(stmt.body) or contains_break(stmt.orelse)):
            return True
    return False
