"""FDP002 fix: delete the ``X = Flask(...)`` that shadows the app.

* ``X`` was imported (``from blog import app`` then ``app = Flask(__name__)``): deleting the new
  instance makes every later route bind to the imported, served app. Safe.
* ``X`` already held a ``Flask(...)`` created in this module: the later one is deleted, so later
  routes join the first app. Unsafe: the second call may carry different arguments
  (``static_folder=``, ``template_folder=``) that the first app then lacks.

Not fixed: chained or tuple targets (``app = application = Flask(...)``).
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from . import SAFE, UNSAFE, Change, FixContext


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
    name = assign.targets[0].target.value
    if kind == "import":
        return Change(module, SAFE, f"delete `{name} = Flask(...)` so routes bind to the imported app")
    return Change(module, UNSAFE, f"delete the second `{name} = Flask(...)` so routes bind to the first app "
                  "(its arguments are lost)")
