"""FDP002 shadowed-flask-app: ``X = Flask(...)`` rebinds a name that already held the app.

When the name was imported, routes registered after the rebinding attach to the new instance,
which is never served: 404. When the name held an app created earlier in the module, the later app
is the one a server gets, and everything registered on the first one is lost (reported only when
something was registered on it). Test modules, which build a fresh app per case, are not checked.
Flask's pattern for large applications imports the one app everywhere:
https://flask.palletsprojects.com/en/stable/patterns/packages/
"""
from __future__ import annotations

import os
from typing import Iterator

from .. import index as idx
from ..model import Finding
from . import ModuleContext, Rule, register


@register
class ShadowedFlaskApp(Rule):
    code = "FDP002"
    name = "shadowed-flask-app"
    summary = "A second `Flask(...)` rebinds a name that already holds the imported or created app"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "a second `app = Flask(__name__)` rebinds the imported app; routes go to an instance that "
        "is never served"
    )
    fix_safety = "mixed"

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.is_test_file:
            return  # tests build a fresh app per case on purpose
        for stmt, name, kind, previous in facts.shadowing:
            if kind == "import":
                message = (
                    f"`{name} = Flask(...)` replaces the app imported on line {previous.lineno}; routes "
                    f"registered on `{name}` from here on go to an app that is never served (404)"
                )
            else:
                # the later app is the one a server gets; only set-up done on the first one is lost
                lost = [r for r in facts.registrations
                        if r.receiver == name and previous.lineno < r.node.lineno < stmt.lineno]
                if not lost:
                    continue
                message = (
                    f"`{name} = Flask(...)` replaces the app created on line {previous.lineno}; the "
                    f"{len(lost)} set-up call{'s' if len(lost) != 1 else ''} made on it since (from line "
                    f"{lost[0].node.lineno}) are lost to the served app (404)"
                )
            yield module.finding(self, stmt, message, fixable=True)
        yield from self._across_modules(module)

    def _across_modules(self, module: ModuleContext) -> Iterator[Finding]:
        """Seed 000 across files: ``blog/__init__.py`` creates the served app and imports
        ``blog/routes.py`` for its routes, which creates an app of its own (project index)."""
        facts = module.facts
        if facts.guards or not any(b.kind == "flask" for b in facts.module_app_bindings()):
            return
        # only a module of a package can be imported by its package for routes; a lone app.py never
        # needs the project index built
        folder, base = os.path.split(module.path)
        if base == "__init__.py" or not os.path.isfile(os.path.join(folder, "__init__.py")):
            return
        if not any(r.kind == "route" for r in facts.registrations):
            return
        root = idx.root_of(module)
        for shadow in idx.cross_module_shadowing(idx.get_index(root), module.path):
            other = os.path.relpath(shadow.other_path, root)
            yield module.finding(
                self, shadow.node,
                f"`{shadow.name} = Flask(...)` creates a second app: {other} creates the served app (line "
                f"{shadow.other_line}) and imports this module for its routes (line {shadow.import_line}); "
                f"routes here go to an app that is never served (404)",
            )
