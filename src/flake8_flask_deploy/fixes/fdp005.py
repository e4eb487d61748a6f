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
comments; ruff reads ``# noqa`` anywhere in the comment, bandit reads ``# nosec <test id>``, each on
the line of the literal). When that line would then be longer than flake8's ``max-line-length``
(:func:`~flake8_flask_deploy.fixes.max_line_length`, 79 unless configured), the reason goes on a
comment line of its own above the statement and the line keeps ``# noqa: S104  # nosec B104``; when
it is still too long and the call fits on one line, its arguments are split one per line (hanging
indent, trailing comma, as black writes them) and the host's line carries the suppressions. The
first of these layouts that adds no line over the limit (pycodestyle's E501) is the one written.
"""
from __future__ import annotations

from typing import Callable, Dict, Optional

import libcst as cst

from ..model import is_loopback_host
from . import UNSAFE, Change, FixContext

ALL_INTERFACES = "0.0.0.0"  # the value the fix writes  # noqa: S104  # nosec B104
REASON = "container: listen on all interfaces"
SHORT = "# noqa: S104  # nosec B104"
SUPPRESS = f"# {REASON}  {SHORT}"
#: The layouts of the comment, in the order they are tried (see the module docstring): everything on
#: the line; the reason above the statement; that, with the call's arguments one per line.
INLINE, ABOVE, WRAPPED = "inline", "above", "wrapped"
LAYOUTS = (INLINE, ABOVE, WRAPPED)

#: A layout -> the replacements (node -> node or function of the updated node) that write it, or None
#: when the layout does not apply.
Build = Callable[[str], Optional[Dict[cst.CSTNode, object]]]


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
    in_call = target is not None
    if target is None and isinstance(host.value, cst.Name):
        target = _constant_literal(ctx, host.value.value)
    if target is None:
        return None
    quote = target.quote
    new_string = target.with_changes(value=f"{target.prefix}{quote}{ALL_INTERFACES}{quote}")
    start, _ = ctx.span(target)
    index = next(i for i, a in enumerate(call.args) if a is host)

    def build(layout: str) -> Optional[Dict[cst.CSTNode, object]]:
        mapping: Dict[cst.CSTNode, object] = {target: new_string}
        if layout == WRAPPED:
            stmt = _one_line_statement(ctx, call) if in_call else None
            if stmt is None:
                return None
            mapping[call] = lambda updated: _wrapped(updated, index, ctx.module.default_indent)
            _mark(mapping, stmt, None)
        else:
            _comment_line(ctx, start, mapping, layout)
        return mapping

    return Change(_best_layout(ctx, build), UNSAFE, f'bind app.run() to "{ALL_INTERFACES}" (all interfaces)')


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
    """``host="0.0.0.0"`` added as the first argument of ``call`` (``app.run(...)``), or None for a
    call without arguments written over several lines."""
    before = call.whitespace_before_args
    start, end = ctx.span(call)
    if not call.args and start != end:
        return None

    def build(layout: str) -> Optional[Dict[cst.CSTNode, object]]:
        mapping: Dict[cst.CSTNode, object] = {}
        if isinstance(before, cst.ParenthesizedWhitespace):  # already one argument per line
            stmt = ctx.ancestor(call, cst.SimpleStatementLine)
            if layout == WRAPPED or layout == ABOVE and stmt is None:
                return None
            comma = cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
                first_line=_trailing(SUPPRESS if layout == INLINE else SHORT),
                empty_lines=[], indent=True, last_line=before.last_line))
            mapping[call] = call.with_changes(args=[_host_arg(comma)] + list(call.args))
            if layout == ABOVE:
                _mark(mapping, stmt, None)
            return mapping
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if call.args else cst.MaybeSentinel.DEFAULT
        new_call = call.with_changes(args=[_host_arg(comma)] + list(call.args))
        if layout == WRAPPED:
            stmt = _one_line_statement(ctx, call)
            if stmt is None:
                return None
            mapping[call] = _wrapped(new_call, 0, ctx.module.default_indent)
            _mark(mapping, stmt, None)
        else:
            mapping[call] = new_call
            _comment_line(ctx, start, mapping, layout)
        return mapping

    return Change(_best_layout(ctx, build), UNSAFE, f'add host="{ALL_INTERFACES}" to app.run() (all interfaces)')


def _host_arg(comma) -> cst.Arg:
    value = cst.SimpleString(f'"{ALL_INTERFACES}"')
    return cst.Arg(keyword=cst.Name("host"), value=value, equal=_no_space_equal(), comma=comma)


def _no_space_equal() -> cst.AssignEqual:
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


# ---- the comment's layout --------------------------------------------------------------------------
def _best_layout(ctx: FixContext, build: Build) -> cst.Module:
    """The module written with the first of :data:`LAYOUTS` that ``build`` gives and that adds no line
    longer than flake8's ``max-line-length`` (:meth:`FixContext.long_lines`); the last one built
    when none does (a host expression too long for any layout)."""
    limit = ctx.long_lines(ctx.text)
    module = ctx.module
    for layout in LAYOUTS:
        mapping = build(layout)
        if mapping is None:
            continue
        module = ctx.replace_many(mapping)
        if ctx.long_lines(module.code) <= limit:
            break
    return module


def _one_line_statement(ctx: FixContext, node: cst.CSTNode) -> Optional[cst.SimpleStatementLine]:
    """The statement line holding ``node`` when it is written on one line (its call can be split)."""
    stmt = ctx.ancestor(node, cst.SimpleStatementLine)
    if stmt is None:
        return None
    first, last = ctx.span(stmt)
    return stmt if first == last else None


def _comment_line(ctx: FixContext, line_no: int, mapping: dict, layout: str) -> None:
    """Add the S104/B104 suppression comment to the statement line that starts and ends on
    ``line_no`` (nothing when there is none): :data:`SUPPRESS` for :data:`INLINE`, else :data:`SHORT`
    with the reason on a line of its own above the statement."""
    for node, rng in ctx.positions.items():
        if isinstance(node, cst.SimpleStatementLine) and rng.start.line == line_no == rng.end.line:
            _mark(mapping, node, SUPPRESS if layout == INLINE else SHORT, reason=layout != INLINE)
            return


def _mark(mapping: dict, stmt: cst.SimpleStatementLine, comment: Optional[str], reason: bool = True) -> None:
    """Replace ``stmt`` in ``mapping`` by itself with ``comment`` at the end of its line (when given)
    and the comment line ``# container: listen on all interfaces`` above it (when ``reason``)."""
    def edit(updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        if comment is not None:
            updated = updated.with_changes(trailing_whitespace=_with_comment(updated.trailing_whitespace, comment))
        if reason:
            above = cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace(""), comment=cst.Comment(f"# {REASON}"))
            updated = updated.with_changes(leading_lines=list(updated.leading_lines) + [above])
        return updated

    mapping[stmt] = edit


def _trailing(comment: str) -> cst.TrailingWhitespace:
    return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment))


def _with_comment(ws: cst.TrailingWhitespace, comment: str) -> cst.TrailingWhitespace:
    if ws.comment is None:
        return _trailing(comment)
    if "S104" in ws.comment.value:
        return ws
    return ws.with_changes(comment=cst.Comment(f"{ws.comment.value}  {comment}"))


def _wrapped(call: cst.Call, host: int, indent: str) -> cst.Call:
    """``call`` with one argument per line (hanging indent ``indent`` past the statement's, a trailing
    comma, the closing parenthesis on a line of its own) and :data:`SHORT` at the end of the line of
    argument ``host`` (its index)::

        app.run(
            host="0.0.0.0",  # noqa: S104  # nosec B104
            port=5000,
        )
    """
    args = list(call.args)
    out = []
    for i, arg in enumerate(args):
        after = cst.ParenthesizedWhitespace(
            first_line=_trailing(SHORT) if i == host else cst.TrailingWhitespace(), empty_lines=[], indent=True,
            last_line=cst.SimpleWhitespace("" if i == len(args) - 1 else indent))
        out.append(arg.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""),
                                    comma=cst.Comma(whitespace_after=after)))
    opening = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                                          last_line=cst.SimpleWhitespace(indent))
    return call.with_changes(args=out, whitespace_before_args=opening)
