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


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def stores(nodes) -> list[str]:
    """Names assigned anywhere in the nodes, in order of first assignment (a comprehension's targets are its own)."""
    out, todo = {}, list(reversed(list(nodes)))
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.setdefault(n.id)
        if not isinstance(n, COMPREHENSIONS):
            todo.extend(reversed(list(ast.iter_child_nodes(n))))
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


def exposed_after(tree: ast.AST, stmt: ast.stmt) -> set[str]:
    """Names the code after `stmt` (to the end of the function) may read before assigning them; none when stmt
    is inside a loop (whose later iterations would need the same analysis of the whole body)."""
    path = _path(tree, stmt)
    out, assigned = set(), set()
    for owner, block, i in path:
        if isinstance(owner, (ast.For, ast.While)) and block is owner.body:
            return set()
        rest = block[i + 1:]
        out |= _exposed(rest) - assigned
        assigned |= _assigned(rest)
    return out


def _path(node: ast.AST, stmt: ast.stmt) -> list:
    """(owner, block, index) of every statement list on the way from stmt out to the function's body."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if not isinstance(block, list):
            continue
        for i, s in enumerate(block):
            if s is stmt:
                return [(node, block, i)]
            inner = _path(s, stmt)
            if inner:
                return [*inner, (node, block, i)]
    return []


def _exposed(stmts: list[ast.stmt]) -> set[str]:
    out, assigned = set(), set()
    for s in stmts:
        if isinstance(s, ast.For):
            out |= (reads([s.iter]) | reads(s.body + s.orelse) - set(stores([s.target]))) - assigned
        else:
            out |= reads([s]) - assigned
        assigned |= _assigned([s])
        if isinstance(s, ast.Return):
            break
    return out


def _assigned(stmts: list[ast.stmt]) -> set[str]:
    """Names certainly assigned by the statements (plain assignments at this level)."""
    return {name for s in stmts if isinstance(s, (ast.Assign, ast.AnnAssign))
            for t in (s.targets if isinstance(s, ast.Assign) else [s.target]) for name in _target_names(t)}


def _target_names(t: ast.expr) -> list[str]:
    if isinstance(t, ast.Name):
        return [t.id]
    if isinstance(t, (ast.Tuple, ast.List)):
        return [n for e in t.elts for n in _target_names(e)]
    return []
