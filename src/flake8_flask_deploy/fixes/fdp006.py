"""FDP006 fix: rewrite the ``module:attr`` a deployment file tells a server to serve, when the right
target is known. Unsafe: it changes what production serves.

* a factory gunicorn is told to serve uncalled (``gunicorn blog:create_app``): ``blog:create_app()``
  (gunicorn's call syntax, since 20.1: https://docs.gunicorn.org/en/stable/run.html#commands);
* a missing attribute when the module has exactly one candidate (one app bound at import, or with
  none and gunicorn, one factory it can call without arguments:
  :func:`~flake8_flask_deploy.rules.fdp006_wsgi_target_not_found.candidate_targets`):
  ``wsgi:app`` -> ``wsgi:application``.

Only the target is rewritten, at the line of the finding (the command, a gunicorn config's
``wsgi_app``, ``FLASK_APP``, a uWSGI ``callable`` line), where it must be written once, whole;
everything else keeps its bytes. A target holding ``()`` gets double quotes unless it is already
inside quotes (a shell would read the parentheses). The new target must pass FDP006's own check.
No fix for a module with several apps (which one is served is the developer's choice), a target only
under the ``__main__`` guard, a module that is not there, or a ``$VARIABLE``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional, Tuple

from ..model import Finding, Launch
from ..rules import get_rule
from ..rules.fdp006_wsgi_target_not_found import candidate_targets, uncalled_factory
from ..sources import LINE_BREAK

#: Characters a target may hold that a shell word needs no quotes for.
_PLAIN = re.compile(r"^[\w.:]+$")


def new_target(launch: Launch) -> Optional[str]:
    """The one ``module:attr`` that fixes the FDP006 finding of ``launch``, or None."""
    called = uncalled_factory(launch)
    if called is not None:
        return called
    found = candidate_targets(launch)
    return found[0] if len(found) == 1 else None


def rewrite(text: str, finding: Finding, launch: Launch, context) -> Optional[Tuple[str, str]]:
    """``(new text, description)`` of the deployment file ``text`` with the target of ``launch``
    rewritten at ``finding.line`` (see the module docstring), or None when there is no such fix."""
    target = new_target(launch)
    if target is None or not launch.module or not launch.attr:
        return None
    new_attr = target.split(":", 1)[1]
    rule = get_rule("FDP006")
    if rule is None or list(rule.check_launch(replace(launch, attr=new_attr), context)):
        return None  # the new target would be reported too
    lines = text.splitlines(keepends=True)
    if not 0 < finding.line <= len(lines):
        return None
    attr_only = launch.options.get("attr_line") == str(finding.line)
    old = launch.attr if attr_only else f"{launch.module}:{launch.attr}"
    line = _replace_once(lines[finding.line - 1], old, new_attr if attr_only else target)
    if line is None:
        return None
    lines[finding.line - 1] = line
    return "".join(lines), f"serve `{target}` instead of `{launch.module}:{launch.attr}`"


def _replace_once(line: str, old: str, new: str) -> Optional[str]:
    """``line`` with the one whole occurrence of ``old`` replaced by ``new`` (quoted when it needs it
    and is not inside quotes), or None when ``old`` is not there exactly once."""
    body = LINE_BREAK.split(line)[0]
    found = list(re.finditer(r"(?<![\w.:])" + re.escape(old) + r"(?![\w.:(])", body))
    if len(found) != 1:
        return None
    start, end = found[0].span()
    if not _PLAIN.match(new) and (start == 0 or body[start - 1] not in "\"'"):
        new = f'"{new}"'
    return line[:start] + new + line[end:]
