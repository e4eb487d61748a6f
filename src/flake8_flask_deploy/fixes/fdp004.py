"""FDP004 fixes.

* An ``app.run(...)`` that executes on import (a module-level statement): wrap it in
  ``if __name__ == "__main__":``. Safe: ``python app.py`` still starts the development server, and a
  WSGI server importing the module no longer starts a second server inside its worker.
* A deployment file that starts the development server (``python app.py`` whose module calls
  ``app.run``, or ``flask run``): rewrite the command to ``gunicorn --bind 0.0.0.0:PORT module:app``
  keeping the port (see :mod:`flake8_flask_deploy.fixes.deployment`). Unsafe: gunicorn must be
  installed in the image (added to ``requirements.txt`` when that file exists), and what the guard
  did before ``app.run`` no longer runs.

* ``app.run`` inside a function called at import (``def main(): ... app.run()`` and ``main()`` at
  module level): the module-level calls are wrapped in the guard instead. Unsafe: whatever else the
  function does (registering routes, reading config) no longer runs at import either.

Not fixed: ``app.run`` inside a compound statement, sharing its line with other statements, or in a
function called from anywhere but plain module-level statements.
"""
from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from . import SAFE, UNSAFE, Change, FixContext, main_guard


def fix(ctx: FixContext) -> Optional[Change]:
    """Wrap a module-level ``app.run(...)`` statement in the ``__main__`` guard (None otherwise)."""
    f = ctx.finding
    if f.related is not None or f.from_deployment:
        return None  # the finding is about a deployment file: fixed there
    call = ctx.finding_node(cst.Call)
    if call is None:
        return None
    run = next((r for r in ctx.facts.runs if (r.node.lineno, r.node.col_offset) == (f.line, f.col)), None)
    if run is not None and run.where.scope:
        return _guard_callers(ctx, run.where.scope.split(".")[0])
    expr = ctx.parents.get(call)
    line = ctx.parents.get(expr) if isinstance(expr, cst.Expr) else None
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    if not isinstance(ctx.parents.get(line), cst.Module):
        return None
    inner = line.with_changes(leading_lines=[])
    guard = main_guard(ctx.module, [inner], leading_lines=line.leading_lines)
    return Change(ctx.replace(line, guard), SAFE, 'wrap `app.run(...)` in `if __name__ == "__main__":`')


def _guard_callers(ctx: FixContext, name: str) -> Optional[Change]:
    """Wrap every module-level ``name()`` statement in the guard (None when it is called elsewhere)."""
    calls = [node for node in ast.walk(ctx.tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name]
    sites = []
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and stmt.value in calls:
            sites.append(stmt)
    if not sites or len(sites) != len(calls):
        return None
    mapping = {}
    for stmt in sites:
        line = ctx.node_at(stmt.lineno, stmt.col_offset, cst.SimpleStatementLine)
        if line is None or len(line.body) != 1 or not isinstance(ctx.parents.get(line), cst.Module):
            return None
        mapping[line] = main_guard(ctx.module, [line.with_changes(leading_lines=[])], line.leading_lines)
    return Change(ctx.replace_many(mapping), UNSAFE,
                  f'wrap the module-level `{name}()` call in `if __name__ == "__main__":` (it runs app.run)')
