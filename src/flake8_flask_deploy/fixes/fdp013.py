"""FDP013 fix: keep a side-effect route import from F401 fixes. Safe.

Appends ``  # noqa: F401`` to the line of the import (``# noqa: E402,F401`` when module-level code
precedes it, where pycodestyle's E402 fires too); nothing else of the file changes, and the code is
the same code (a comment). Flake8, ruff, autoflake and pycln then leave the import alone
(https://docs.astral.sh/ruff/linter/#error-suppression).

Not fixed (None): an import spread over several lines (ruff reads a ``noqa`` on the line of each
name), a line that already has a comment (it is not rewritten: the comment may say why the import
is there), an import followed by another statement on its line.
"""
from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from ..rules.fdp013_unprotected_route_import import noqa_comment
from . import SAFE, Change, FixContext


def fix(ctx: FixContext) -> Optional[Change]:
    """Return the safe rewrite of an FDP013 finding, or None (see module docstring)."""
    f = ctx.finding
    node: Optional[Union[cst.Import, cst.ImportFrom]] = ctx.finding_node(cst.Import) or ctx.finding_node(
        cst.ImportFrom)
    if node is None:
        return None
    line = ctx.parents.get(node)
    if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) or line.body[-1] is not node:
        return None
    start, end = ctx.span(node)
    if start != end or ctx.span(line)[0] != start:
        return None
    trailing = line.trailing_whitespace
    if trailing.comment is not None:
        return None
    stmt = next((s for s in ctx.tree.body if getattr(s, "lineno", None) == f.line
                 and getattr(s, "col_offset", None) == f.col), None)
    comment = noqa_comment(ctx.tree, stmt) if stmt is not None else "# noqa: F401"
    new_trailing = trailing.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment))
    module = ctx.replace(line, line.with_changes(trailing_whitespace=new_trailing))
    return Change(module, SAFE, f"mark the import `{comment}` so F401 fixes keep it (it registers routes)")
