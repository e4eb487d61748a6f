"""FDP001 routes-under-main-guard: app setup that only runs when the module is executed directly.

A WSGI server (gunicorn, uWSGI, waitress) and ``flask run`` import the module; ``__name__`` is then
the module's name, so the ``if __name__ == "__main__":`` block never runs and every route,
blueprint, hook or config written only there is missing: every URL answers 404.
https://docs.python.org/3/library/__main__.html#idiomatic-usage
https://docs.gunicorn.org/en/stable/run.html#commands
"""
from __future__ import annotations

import ast
from typing import Dict, Iterator, List

from ..facts import Registration
from ..model import WSGI_SERVERS, Finding
from . import ModuleContext, Rule, register


@register
class RoutesUnderMainGuard(Rule):
    code = "FDP001"
    name = "routes-under-main-guard"
    summary = "App setup (routes, blueprints, hooks, config) exists only under `if __name__ == \"__main__\":`"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        'routes, blueprints, hooks or config written only under `if __name__ == "__main__":`; '
        "gunicorn imports the module, skips the block, every URL answers 404"
    )
    fix_safety = "mixed"

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if not facts.guards or module.is_script_only():
            return
        module_apps = {b.name for b in facts.module_app_bindings()}
        if not module_apps:
            return
        by_guard: Dict[int, List[Registration]] = {}
        for reg in facts.registrations:
            if reg.receiver not in module_apps or not facts.is_guarded(reg.where):
                continue
            if not facts.is_app(reg.receiver, reg.where.scope):
                continue
            guard = reg.where.guard or facts.function_guards.get(reg.where.scope.split(".")[0])
            if guard is None:
                guard = facts.guards[0]
            by_guard.setdefault(id(guard), []).append(reg)
        served = next((x for x in module.launches if x.server in WSGI_SERVERS or x.server == "flask-run"), None)
        for regs in by_guard.values():
            regs.sort(key=lambda r: (r.node.lineno, r.node.col_offset))
            first = regs[0]
            count = len(regs)
            kinds = ", ".join(dict.fromkeys(_label(r) for r in regs))
            callers = sorted({r.where.scope.split(".")[0] for r in regs if r.where.scope})
            through = f"; through {', '.join(c + '()' for c in callers)}" if callers else ""
            noun = "setup call" if count == 1 else "setup calls"
            message = (
                f"{count} app {noun} ({kinds}{through}) run only under "
                f"`if __name__ == \"__main__\":`; a WSGI server imports this module and skips them, "
                f"so their URLs answer 404"
            )
            # set-up inside a function that also starts the server cannot be moved out on its own
            run_scopes = {r.where.scope for r in facts.runs if r.where.scope}
            fixable = not any(r.where.scope in run_scopes for r in regs)
            yield module.finding(self, first.node, message, related=served, fixable=fixable)


def _label(reg: Registration) -> str:
    """A short name for what a registration sets up: ``route``, ``add_url_rule``, ``config``..."""
    if reg.kind in ("route", "config", "extension"):
        return reg.kind
    node = reg.node
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Call):
        func = func.func
    return func.attr if isinstance(func, ast.Attribute) else reg.kind
