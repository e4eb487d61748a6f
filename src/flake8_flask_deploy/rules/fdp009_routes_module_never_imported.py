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
``import_string``, ``find_modules``, ``walk_packages``) in or naming their package may load.

The unsafe fix adds ``from . import routes  # noqa: E402,F401`` (or the absolute form) at the end of
the module that defines the app; :func:`route_import` decides whether there is one and what it is
(the finding is ``fixable`` exactly then), ``fixes/fdp009.py`` writes it with libcst.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple, Union

from .. import index as idx
from ..facts import collect, is_main_guard
from ..model import Finding, Launch
from ..session import current
from ..sources import LINE_BREAK, is_noqa
from . import ModuleContext, Rule, register


@register
class RoutesModuleNeverImported(Rule):
    code = "FDP009"
    name = "routes-module-never-imported"
    summary = "A module adds routes to an imported app, but no module imports it: its URLs answer 404"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "a module adds routes to an imported app, but nothing imports it: its URLs answer 404"
    )
    fix_safety = "unsafe"

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
        plan = route_import(index, module.path, ref, what, origin, module.deployment.launches)
        yield module.finding(self, ref.node, message, fixable=plan is not None)


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


# ---- the unsafe fix: what it adds, and when there is none --------------------------------------
#: What the added import carries: pycodestyle's E402 (an import below code) and pyflakes' F401 (an
#: unused name) would report it, and the F401 fixes of ruff and autoflake would delete it.
NOQA_COMMENT = "# noqa: E402,F401"


@dataclass(frozen=True)
class RouteImport:
    """The import the FDP009 fix adds to the module that defines the app (or blueprint).

    Attributes:
        path: the defining module, which gets the import; name: the name the import binds there;
        statement: the line to add, without newline (``from . import routes  # noqa: E402,F401``).
    """

    path: str
    name: str
    statement: str


def route_import(index: idx.ProjectIndex, path: str, ref: idx.ImportRef, what: str, origin: str,
                 launches: Sequence[Launch], text: Union[str, bytes, None] = None) -> Optional[RouteImport]:
    """The import of module ``path`` that the fix adds at the end of ``origin``, or None when it refuses.

    The statement is ``from . import <name>`` when both modules sit in one package, else the absolute
    ``from <package> import <name>`` (``import <name>`` for a top-level module), with the dotted
    names of the project index (``src/`` stripped); the absolute form also when ``origin`` has a
    ``__main__`` guard (``python pkg/app.py`` has no parent package for a relative import). Each
    form must resolve back to ``path`` through the index.

    Refused (None) when ``origin``: is ``path`` itself or a test file; is run as ``__main__`` by a
    launch of the deployment files (``python app.py``, ``python -m blog.app``: the routes module's
    ``from app import app`` would import it a second time, as ``app``, and add the routes to that
    second app); is not the module ``path`` imports the receiver from (a re-export: the import would
    run while the re-exporting package is still half initialised); does not parse; already imports
    ``path`` (any scope); already binds the name at module level (or its package ``__init__`` does:
    ``from pkg import name`` would give that attribute, not the module); calls ``run()`` at import
    (the server starts before the end of the module); registers a blueprint at import when the
    receiver is a blueprint (routes added after ``register_blueprint`` raise in Flask 2.3+); or has
    a ``# noqa`` for FDP009 (bare or naming it) on the last line of the code before the insertion
    point or on the trailing ``__main__`` guard's line.

    Args:
        index: the project index; path: the routes module (the finding's file); ref: its import of
            the receiver; what: ``"the app"``/``"the blueprint"``; origin: the defining module
            (:func:`imported_route_target`); launches: the deployment context's launches;
        text: ``origin``'s source as the fixer holds it; default: ``Session.overrides``, else the file.
    Returns:
        RouteImport or None. Never raises for bad input.
    """
    if origin == path or index.is_test(origin) or origin not in index.modules or path not in index.modules:
        return None
    if any(x.script == origin or x.runs_as_main and x.target_path == origin for x in launches):
        return None
    if index.resolve_module(path, ref.module, ref.level) != origin:
        return None
    text = _origin_text(origin, text)
    if text is None:
        return None
    try:
        tree = ast.parse(text, filename=origin)
        scan = idx.scan_tree(tree, origin)
        facts = collect(tree, os.path.relpath(origin, index.root))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if any(path in index.targets(origin, other) for other in scan.imports):
        return None  # already imported: the fix is done (or the import is elsewhere in the module)
    if any(facts.runs_in_production_import(run.where) for run in facts.runs):
        return None
    if what == "the blueprint" and any(r.ctx.at_import for r in scan.registers):
        return None
    if not _can_insert(tree, text):
        return None
    found = _import_statement(index, path, origin, scan)
    if found is None:
        return None
    name, statement = found
    return RouteImport(origin, name, f"{statement}  {NOQA_COMMENT}")


def _origin_text(origin: str, text: Union[str, bytes, None]) -> Union[str, bytes, None]:
    """``text`` when given, else ``origin``'s source as the fixer holds it (``Session.overrides``),
    else the file's bytes; None when the file cannot be read."""
    if text is None:
        text = current().overrides.get(origin)
    if text is None:
        try:
            with open(origin, "rb") as handle:
                text = handle.read()
        except OSError:
            return None
    return text


def _can_insert(tree: ast.Module, text: Union[str, bytes]) -> bool:
    """True when the module (``tree`` parsed from ``text``) has code before the insertion point (the
    end, or the trailing ``__main__`` guard) and no ``# noqa`` for FDP009 on the last line of that
    code or on the guard's line."""
    body = tree.body
    guard = bool(body) and isinstance(body[-1], ast.If) and is_main_guard(body[-1].test) is True
    before = body[:-1] if guard else body
    if not before:
        return False
    lines = LINE_BREAK.split(text if isinstance(text, str) else text.decode("utf-8", "replace"))
    marked = [getattr(before[-1], "end_lineno", None) or before[-1].lineno] + ([body[-1].lineno] if guard else [])
    return not any(0 < n <= len(lines) and is_noqa(lines[n - 1], "FDP009") for n in marked)


def _import_statement(index: idx.ProjectIndex, path: str, origin: str, scan: idx.ModuleScan
                      ) -> Optional[Tuple[str, str]]:
    """``(name, statement)``: the import of module ``path`` to add to ``origin`` (``scan``: its scan)
    and the name it binds there (see :func:`route_import`), without the comment; None when no form
    resolves back to ``path`` or the name is already bound in ``origin`` or its package ``__init__``."""
    parts = index.modules[path].dotted.split(".")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts:
        return None
    name, package = parts[-1], ".".join(parts[:-1])
    here = ".".join(index.modules[origin].dotted.split(".")[:-1])
    if package and package == here and not scan.has_guard:
        statement, resolved, init = f"from . import {name}", index.resolve_module(origin, name, 1), \
            index.resolve_module(origin, "", 1)
    elif package:
        statement, resolved, init = f"from {package} import {name}", \
            index.resolve_module(origin, f"{package}.{name}", 0), index.resolve_module(origin, package, 0)
    else:
        statement, resolved, init = f"import {name}", index.resolve_module(origin, name, 0), None
    if resolved != path or name in scan.bound.get("", set()):
        return None
    if init is not None and init != origin:
        other = index.scan(init)
        if other is None or name in other.bound.get("", set()):
            return None
    return name, statement
