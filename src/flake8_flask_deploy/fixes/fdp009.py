"""FDP009 fix: import the routes module at the end of the module that defines the app. Unsafe.

The finding is in the routes module (``blog/routes.py``: ``from blog import app`` + ``@app.route``);
the rewrite is in *another* file, the module that defines the app or blueprint the routes go to
(``blog/__init__.py``), as Flask's "large applications as packages" pattern does
(https://flask.palletsprojects.com/en/stable/patterns/packages/)::

    from . import routes  # noqa: E402,F401

The import is the last statement of the module's top-level code (before a trailing
``if __name__ == "__main__":`` block), after one blank line (two after a ``def`` or ``class``, as
pycodestyle wants; none after an import line); every other byte of the file stays as it was. It is
relative when both modules sit in one package, else absolute (``from pkg import routes``,
``import routes``; also when the module has a ``__main__`` guard), with the dotted names of the
project index. ``# noqa: E402,F401`` keeps pycodestyle and pyflakes from reporting it,
and ruff's and autoflake's F401 fixes from deleting it. What the import is and when there is none
is decided by :func:`~flake8_flask_deploy.rules.fdp009_routes_module_never_imported.route_import`
(shared with the rule, which marks the finding fixable exactly then); this module adds the libcst
edit, and gives no rewrite when libcst cannot parse the defining module.

The edit goes to :attr:`Change.edits` (the driver, :mod:`flake8_flask_deploy.fix`, writes it, or
shows it with ``--diff``) and is computed from the defining module's text as this run holds it
(:func:`flake8_flask_deploy.fix.current_text`), so a module fixed earlier in the run keeps its fixes.

Unsafe: every import of the package now runs all of the routes module's import-time code (and what
it imports: database set-up, other side effects), and the circular import it makes (the routes
module imports the app from the module that now imports it) can reveal import-order problems that
were hidden while nothing imported the module.
"""
from __future__ import annotations

import os
from typing import List, Optional

import libcst as cst

from .. import index as idx
from .. import sources
from ..engine import context_for
from ..fixable import current_text
from ..rules import fdp009_routes_module_never_imported as rule
from ..session import current
from . import UNSAFE, Change, FixContext, is_main_guard


def fix(ctx: FixContext) -> Optional[Change]:
    """Return the unsafe rewrite of an FDP009 finding: an edit of the defining module, or None.

    Args:
        ctx: the routes module and the finding (its position is the import of the app or blueprint).
    Returns:
        Change whose ``module`` is the routes module unchanged and whose ``edits`` hold the defining
        module's new text; None when :func:`route_import` refuses, the target found from the
        module is not the finding's, or the defining module cannot be read or parsed by libcst.
    """
    root = sources.find_root(os.path.dirname(ctx.path))
    with current().holding({ctx.path: ctx.text}):  # the index answers about the text being fixed
        index = idx.get_index(root)
        target = rule.imported_route_target(index, ctx.path, idx.scan_tree(ctx.tree, ctx.path))
        if target is None:
            return None
        ref, what, origin, count = target
        if (ref.node.lineno, ref.node.col_offset) != (ctx.finding.line, ctx.finding.col):
            return None
        text = current_text(origin)
        if text is None:
            return None
        plan = rule.route_import(index, ctx.path, ref, what, origin, context_for(ctx.path).launches, text)
    if plan is None:
        return None
    new_text = append_statement(text, plan.statement)
    if new_text is None:
        return None
    rel = os.path.relpath(origin, root).replace(os.sep, "/")
    routes = "its route" if count == 1 else f"its {count} routes"
    description = f"import this module at the end of {rel} (`{plan.statement}`), so that importing {what} adds {routes}"
    return Change(ctx.module, UNSAFE, description, edits={origin: new_text})


def append_statement(text: str, statement: str) -> Optional[str]:
    """``text`` with the one-line ``statement`` added as the last top-level statement, before a
    trailing ``if __name__ == "__main__":`` block, everything else byte for byte.

    The new line takes the module's newline style and one blank line before it (two after a
    function or class definition, none right after an import line: it joins them); the blank lines
    and comments of the guard, and the comments at the end of the file, stay where they are.

    Args:
        text: a module's source; statement: one line of code without its newline.
    Returns:
        The new source, or None when libcst cannot parse ``text`` or there is no statement before
        the insertion point.
    """
    try:
        module = cst.parse_module(text)
        new = cst.parse_statement(statement + module.default_newline, module.config_for_parsing)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    body: List[cst.BaseStatement] = list(module.body)
    at = len(body) - 1 if body and is_main_guard(body[-1]) else len(body)
    if at == 0:
        return None
    previous = body[at - 1]
    if isinstance(previous, (cst.FunctionDef, cst.ClassDef)):
        blank = 2
    elif isinstance(previous, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in previous.body):
        blank = 0  # joins the imports already there (``from . import views  # noqa``)
    else:
        blank = 1
    new = new.with_changes(leading_lines=[cst.EmptyLine() for _ in range(blank)])
    body.insert(at, new)
    return module.with_changes(body=body).code


__all__: List[str] = ["fix", "append_statement"]
