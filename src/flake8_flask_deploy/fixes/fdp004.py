"""FDP004 fixes.

* An ``app.run(...)`` that executes on import (a module-level statement): wrap it in
  ``if __name__ == "__main__":``. Safe: ``python app.py`` still starts the development server, and a
  WSGI server importing the module no longer starts a second server inside its worker.
* A deployment file that starts the development server (``python app.py`` whose module calls
  ``app.run``, or ``flask run``): rewrite the command to ``gunicorn --bind 0.0.0.0:PORT module:app``
  keeping the port (see :mod:`flake8_flask_deploy.fixes.deployment`). Unsafe: gunicorn must be
  installed in the image (added to ``requirements.txt`` when that file exists), and what the guard
  did before ``app.run`` no longer runs.

Not fixed: ``app.run`` inside a function that runs at import (``main()`` called at module level),
inside a compound statement, or sharing its line with other statements.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from . import SAFE, Change, FixContext, main_guard


def fix(ctx: FixContext) -> Optional[Change]:
    """Wrap a module-level ``app.run(...)`` statement in the ``__main__`` guard (None otherwise)."""
    f = ctx.finding
    if f.related is not None or f.from_deployment:
        return None  # the finding is about a deployment file: fixed there
    call = ctx.finding_node(cst.Call)
    if call is None:
        return None
    expr = ctx.parents.get(call)
    line = ctx.parents.get(expr) if isinstance(expr, cst.Expr) else None
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    if not isinstance(ctx.parents.get(line), cst.Module):
        return None
    inner = line.with_changes(leading_lines=[])
    guard = main_guard(ctx.module, [inner], leading_lines=line.leading_lines)
    return Change(ctx.replace(line, guard), SAFE, 'wrap `app.run(...)` in `if __name__ == "__main__":`')
