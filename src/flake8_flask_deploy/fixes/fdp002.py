"""FDP002 fix: delete the ``X = Flask(...)`` that shadows the app.

* ``X`` was imported (``from blog import app`` then ``app = Flask(__name__)``): deleting the new
  instance makes every later route bind to the imported, served app. Safe.
* ``X`` already held a ``Flask(...)`` created in this module: the later one is deleted, so later
  routes join the first app. Unsafe: the second call may carry different arguments
  (``static_folder=``, ``template_folder=``) that the first app then lacks.

When that was the last use of ``Flask`` in the module, ``Flask`` is also dropped from its
``from flask import ...`` line (the line goes when nothing else is imported on it, and stays when it
carries a comment), so the fix does not trade our finding for an unused-import one (F401).

Not fixed: chained or tuple targets (``app = application = Flask(...)``).
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from . import SAFE, UNSAFE, Change, FixContext, merge_leading_lines, remove_from_sequence


def fix(ctx: FixContext) -> Optional[Change]:
    """Return the rewrite of an FDP002 finding, or None."""
    f = ctx.finding
    kind = None
    for stmt, _name, k, _prev in ctx.facts.shadowing:
        if stmt.lineno == f.line and stmt.col_offset == f.col:
            kind = k
            break
    if kind is None:
        return None
    line = ctx.node_at(f.line, f.col, cst.SimpleStatementLine)
    assign = None
    if line is not None:
        assign = line.body[0]
    else:  # ``if x: app = Flask(...)`` on one line
        assign = ctx.node_at(f.line, f.col, cst.Assign)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 \
            or not isinstance(assign.targets[0].target, cst.Name):
        return None
    module = ctx.remove_statement(assign)
    if module is None:
        return None
    ctor = assign.value.func if isinstance(assign.value, cst.Call) else None
    if isinstance(ctor, cst.Name):
        module = _drop_unused_flask_import(module, ctor.value)
    name = assign.targets[0].target.value
    if kind == "import":
        return Change(module, SAFE, f"delete `{name} = Flask(...)` so routes bind to the imported app")
    return Change(module, UNSAFE, f"delete the second `{name} = Flask(...)` so routes bind to the first app "
                  "(its arguments are lost)")


def _drop_unused_flask_import(module: cst.Module, name: str) -> cst.Module:
    """Remove ``name`` from a module-level ``from flask import ...`` when nothing reads it any more."""
    import ast

    try:
        tree = ast.parse(module.code)
    except SyntaxError:  # pragma: no cover - the caller checks the result parses anyway
        return module
    if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(tree)):
        return module
    body = list(module.body)
    for index, line in enumerate(body):
        if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
            continue
        stmt = line.body[0]
        if not (isinstance(stmt, cst.ImportFrom) and isinstance(stmt.module, cst.Name)
                and stmt.module.value == "flask" and not stmt.relative and not isinstance(stmt.names, cst.ImportStar)):
            continue
        alias = next((a for a in stmt.names if isinstance(a.name, cst.Name) and a.name.value == name
                      and a.asname is None), None)
        if alias is None:
            continue
        if line.trailing_whitespace.comment is not None:
            return module
        names = remove_from_sequence(list(stmt.names), alias)
        if names:
            if stmt.rpar is None:  # without parentheses a trailing comma is a syntax error
                names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            body[index] = line.with_changes(body=[stmt.with_changes(names=names)])
        else:
            del body[index]
            if index < len(body):
                merged = merge_leading_lines(line.leading_lines, body[index].leading_lines, top=index == 0)
                body[index] = body[index].with_changes(leading_lines=merged)
        return module.with_changes(body=body)
    return module
