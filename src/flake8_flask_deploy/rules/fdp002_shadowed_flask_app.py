"""FDP002 shadowed-flask-app: ``X = Flask(...)`` rebinds a name that already held the app.

Routes registered after the rebinding attach to the new, unserved instance; the served app (the
imported one, or the first one) never gets them: 404. Flask's pattern for large applications
imports the one app everywhere: https://flask.palletsprojects.com/en/stable/patterns/packages/
"""
from __future__ import annotations

from typing import Iterator

from ..model import Finding
from . import ModuleContext, Rule, register


@register
class ShadowedFlaskApp(Rule):
    code = "FDP002"
    name = "shadowed-flask-app"
    summary = "A second `Flask(...)` rebinds a name that already holds the imported or created app"
    fix_safety = "mixed"

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        for stmt, name, kind, previous in module.facts.shadowing:
            if kind == "import":
                what = f"the app imported on line {previous.lineno}"
            else:
                what = f"the app created on line {previous.lineno}"
            message = (
                f"`{name} = Flask(...)` replaces {what}; routes registered on `{name}` from here on go "
                f"to an app that is never served (404)"
            )
            yield module.finding(self, stmt, message, fixable=True)
