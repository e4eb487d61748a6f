"""FDP009 routes-module-never-imported: a module adds routes to an app (or blueprint) imported from
another module, and no module of the project imports it.

Decorators run when their module is imported. ``from blog import app`` + ``@app.route(...)`` in
``blog/routes.py`` adds routes only once something imports ``blog.routes``; Flask's pattern for
larger applications imports the views module at the end of the package ``__init__``
(https://flask.palletsprojects.com/en/stable/patterns/packages/). With no import, the server (which
imports only the package) serves an app without those routes: 404.

Not reported for test files, scripts (a ``__main__`` guard or a ``run()`` call), modules the
deployment starts or names (Dockerfile, Procfile, .flaskenv, Makefile, ...), modules named by a
string in the code (loaded by name), or modules a loader by name (``import_module``,
``import_string``, ``find_modules``, ``walk_packages``) in or naming their package may load. The
unsafe fix (adding ``from . import routes  # noqa: E402,F401`` at the end of the package
``__init__``) belongs to the fixer.
"""
from __future__ import annotations

import os
from typing import Iterator, List, Optional, Tuple

from .. import index as idx
from ..model import Finding
from . import ModuleContext, Rule, register


@register
class RoutesModuleNeverImported(Rule):
    code = "FDP009"
    name = "routes-module-never-imported"
    summary = "A module adds routes to an imported app, but no module imports it: its URLs answer 404"
    fix_safety = None  # the unsafe rewrite is planned (docs page: Fix safety); none ships yet

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.is_test_file or facts.guards or module.launches:
            return
        if os.path.basename(module.path) in idx.ENTRY_NAMES:
            return
        imported = {b.name for b in facts.import_candidates}
        if not any(r.kind in ("route", "setup") and r.receiver in imported for r in facts.registrations):
            return
        scan = idx.scan_for(module)
        if scan is None or scan.has_run or scan.has_guard:
            return
        index = idx.get_index(idx.root_of(module))
        target = imported_route_target(index, module.path, scan)
        if target is None:
            return
        ref, what, origin, count = target
        if index.importers(module.path):
            return
        if idx.string_mentions(index, module.path, "") or index.dynamic_loading_near(module.path):
            return
        if idx.deployment_mentions(index, module.path):
            return
        rel = os.path.relpath(origin, index.root)
        noun = "route" if count == 1 else "routes"
        verb = "is" if count == 1 else "are"
        message = (f"{count} {noun} on {what} `{ref.local}` from {rel} {verb} added only when this module is "
                   f"imported, and no module of the project imports it: its URLs answer 404")
        yield module.finding(self, ref.node, message, fixable=False)


def imported_route_target(index: idx.ProjectIndex, path: str, scan: idx.ModuleScan
                          ) -> Optional[Tuple[idx.ImportRef, str, str, int]]:
    """The app or blueprint, imported from another project module, to which module ``path`` adds
    routes when it is imported (route decorators or ``add_url_rule`` at module level, unconditional,
    outside the ``__main__`` guard). Shared with FDP013, which asks it about imported modules.

    Args:
        index: the project index; path: the module's path; scan: its :class:`~..index.ModuleScan`.
    Returns:
        ``(import of the receiver, "the app"/"the blueprint", defining path, route count)`` for the
        first such receiver, or None when the module adds no route at import to an app or blueprint
        that the index can prove comes from another module (astroid is asked when the ``ast`` cannot
        tell whether the imported name is a Flask app).
    """
    imports = scan.imports_in("")
    counts: dict = {}
    for route in scan.routes:
        if route.ctx.scope or route.ctx.conditional or route.ctx.guard:
            continue
        ref = imports.get(route.receiver)
        if ref is None or ref.name is None or ref.ctx.scope or ref.ctx.conditional:
            continue
        counts[route.receiver] = counts.get(route.receiver, 0) + 1
    for name, count in counts.items():
        ref = imports[name]
        found = index.resolve_name(path, name, "")
        if found is None or not found[1] or found[0] == path:
            continue
        origin, attr = found
        other = index.scan(origin)
        if other is None:
            continue
        if ("", attr) in other.blueprints:
            return ref, "the blueprint", origin, count
        bindings = [b for b in other.facts.app_bindings if b.scope == "" and b.name == attr]
        if any(b.kind in ("flask", "factory") for b in bindings):
            return ref, "the app", origin, count
        nodes: List = [b.node for b in bindings] or []
        if not nodes:
            continue
        target = getattr(nodes[0], "targets", [None])[0]
        if idx.infer_receiver(index, origin, target) == "Flask":
            return ref, "the app", origin, count
    return None
