"""FDP005 fixes: make a server that must be reachable listen on every interface. Unsafe.

* ``app.run(...)`` without a host: add ``host="0.0.0.0"``; with a loopback literal (also as the
  default of ``os.environ.get("HOST", "127.0.0.1")``, or held by a module constant assigned once,
  ``HOST = "127.0.0.1"``): replace it by ``"0.0.0.0"``.
* ``flask run`` in a deployment file: add ``--host=0.0.0.0``; a loopback gunicorn bind becomes
  ``0.0.0.0`` (see :mod:`flake8_flask_deploy.fixes.deployment`).

Unsafe because it exposes the server on every interface of its host; that is right inside a
container (Docker forwards published ports to the container's external interface) and for a PaaS
``web`` process, not on a bare host without a firewall.

Bandit B104 and ruff S104 flag every ``"0.0.0.0"`` literal (an environment-variable default too), so
the fix writes the decision down where reviewers see it: the line gets
``# container: listen on all interfaces  # noqa: S104  # nosec B104`` (both tools honour these
comments; ruff reads ``# noqa`` anywhere in the comment, bandit reads ``# nosec <test id>``).
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..model import is_loopback_host
from . import UNSAFE, Change, FixContext

ALL_INTERFACES = "0.0.0.0"  # the value the fix writes  # noqa: S104  # nosec B104
REASON = "container: listen on all interfaces"
SUPPRESS = f"# {REASON}  # noqa: S104  # nosec B104"


def fix(ctx: FixContext) -> Optional[Change]:
    """Return the unsafe rewrite of an FDP005 finding on ``app.run(...)``, or None."""
    f = ctx.finding
    if f.from_deployment:
        return None
    call = ctx.finding_node(cst.Call)
    if call is None or any(a.star for a in call.args):
        return None
    host = next((a for a in call.args if a.keyword is not None and a.keyword.value == "host"), None)
    if host is None and call.args and call.args[0].keyword is None:
        host = call.args[0]
    if host is None:
        return _add_host(ctx, call)
    target = _loopback_literal(host.value)
    if target is None and isinstance(host.value, cst.Name):
        target = _constant_literal(ctx, host.value.value)
    if target is None:
        return None
    quote = target.quote
    new_string = target.with_changes(value=f"{target.prefix}{quote}{ALL_INTERFACES}{quote}")
    start, _ = ctx.span(target)
    mapping = {target: new_string}
    _comment_line(ctx, start, mapping)
    return Change(ctx.replace_many(mapping), UNSAFE, f'bind app.run() to "{ALL_INTERFACES}" (all interfaces)')


def _constant_literal(ctx: FixContext, name: str) -> Optional[cst.SimpleString]:
    """The loopback literal of a module constant ``NAME = "127.0.0.1"`` assigned once."""
    import ast

    assigns = [s for s in ctx.tree.body if isinstance(s, ast.Assign) and len(s.targets) == 1
               and isinstance(s.targets[0], ast.Name) and s.targets[0].id == name]
    if len(assigns) != 1:
        return None
    value = assigns[0].value
    literal = ctx.node_at(value.lineno, value.col_offset, cst.SimpleString)
    return _loopback_literal(literal) if literal is not None else None


def _loopback_literal(expr: cst.BaseExpression) -> Optional[cst.SimpleString]:
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return expr if isinstance(value, str) and is_loopback_host(value) else None
    if isinstance(expr, cst.Call) and len(expr.args) == 2 and all(a.keyword is None for a in expr.args):
        func = expr.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if name in ("get", "getenv"):
            return _loopback_literal(expr.args[1].value)
    return None


def _add_host(ctx: FixContext, call: cst.Call) -> Optional[Change]:
    value = cst.SimpleString(f'"{ALL_INTERFACES}"')
    before = call.whitespace_before_args
    mapping: dict = {}
    if not call.args:
        arg = cst.Arg(keyword=cst.Name("host"), value=value, equal=_no_space_equal())
        new_call = call.with_changes(args=[arg])
        start, _ = ctx.span(call)
        mapping[call] = new_call
        if ctx.span(call)[1] != start:
            return None
        _comment_line(ctx, start, mapping)
    elif isinstance(before, cst.ParenthesizedWhitespace):
        comma = cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(SUPPRESS)),
            empty_lines=[], indent=True, last_line=before.last_line))
        arg = cst.Arg(keyword=cst.Name("host"), value=value, equal=_no_space_equal(), comma=comma)
        mapping[call] = call.with_changes(args=[arg] + list(call.args))
    else:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        arg = cst.Arg(keyword=cst.Name("host"), value=value, equal=_no_space_equal(), comma=comma)
        mapping[call] = call.with_changes(args=[arg] + list(call.args))
        start, _ = ctx.span(call)
        _comment_line(ctx, start, mapping)
    return Change(ctx.replace_many(mapping), UNSAFE, f'add host="{ALL_INTERFACES}" to app.run() (all interfaces)')


def _no_space_equal() -> cst.AssignEqual:
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def _comment_line(ctx: FixContext, line_no: int, mapping: dict) -> None:
    """Add the S104/B104 suppression comment to the statement line that starts on ``line_no``."""
    for node, rng in ctx.positions.items():
        if isinstance(node, cst.SimpleStatementLine) and rng.start.line == line_no == rng.end.line:
            mapping[node] = lambda updated: updated.with_changes(
                trailing_whitespace=_with_comment(updated.trailing_whitespace))
            return


def _with_comment(ws: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
    if ws.comment is None:
        return ws.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(SUPPRESS))
    if "S104" in ws.comment.value:
        return ws
    return ws.with_changes(comment=cst.Comment(f"{ws.comment.value}  {SUPPRESS}"))
