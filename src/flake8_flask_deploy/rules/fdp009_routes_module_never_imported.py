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
from ..facts import collect
from ..walk import is_main_guard
from ..model import Finding, Launch
from ..session import current
from ..sources import LINE_BREAK, is_noqa
from . import ROUTE_DECORATOR, ROUTE_WORDS, ModuleContext, Rule, register
from ..records import FrozenRecord


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
    #: What a module's text must hold for this rule to fire: routes added to an app or blueprint
    #: imported from another module.
    prefilter = ROUTE_WORDS
    prefilter_triggers = (ROUTE_DECORATOR,)
    reports_in_tests = False
    docs = """\
## What it does
Reports a module that adds routes at import time to an app or blueprint imported from another
project module (`from blog import app` + `@app.route(...)`), when no module of the project imports
it (imports inside functions and from any module count; imports from test files do not). The
finding is on the line that imports the app.

Not reported for test files; scripts (a `__main__` guard or a `run()` call); files named like
entry points (`wsgi.py`, `app.py`, `run.py`, `manage.py`, ...); modules a deployment file starts;
modules named in a non-Python project file (Dockerfile, Procfile, `.flaskenv`, Makefile, shell
scripts, `setup.cfg`, tox.ini) or in a string of the code; modules that a loader by name
(`import_module`, `import_string`, `find_modules`, `walk_packages`) in their package, or naming it,
may load; and receivers the index cannot prove to be a
Flask app or blueprint (astroid is asked when the `ast` cannot tell).

## Why is this bad?
Route decorators run when their module is imported. A WSGI server (and `flask run`) imports the
module that holds the app — `blog/__init__.py` — and nothing more. If nothing imports
`blog/routes.py`, its `@app.route` lines never run and every one of its URLs answers 404: the
routes are never loaded into the app instance. Flask's pattern for larger applications puts
`import blog.views` at the *end* of the package `__init__.py`, after `app` exists, so that the
circular import works.

That import is a side effect: pyflakes and ruff report it as unused (`F401`), and ruff's *safe*
fix for F401 deletes `import views` in a plain module (in an `__init__.py` it is unsafe or a
re-export suggestion, depending on the version) — which recreates exactly this bug. Keep such
imports with `# noqa: E402,F401`, or better, turn the module into a blueprint that the app
registers explicitly. A side-effect route import that is still there but has no `noqa` is reported
by [FDP013](FDP013.md) (unprotected-route-import) before the next `ruff check --fix` deletes it;
its safe fix adds the comment.

## Example
```python
# blog/__init__.py
from flask import Flask

app = Flask(__name__)

# blog/routes.py
from blog import app

@app.route("/")
def home(): ...
```

## Use instead
```python
# blog/__init__.py
from flask import Flask

app = Flask(__name__)

from blog import routes  # noqa: E402,F401  (registers the routes; do not remove)
```

## Fix safety
Unsafe: applied by `flake8-flask-deploy fix --unsafe-fixes` only, and `check --show-fixes` (and the
`fixable` field of `--format json`) marks the finding as fixable only with `--unsafe-fixes`. The
finding is in the routes module; the fix edits **another file**, the module that defines the app
or blueprint the routes go to (the one named in the message), as Flask's pattern for packages
does. It adds, as the last statement of that module's top-level code (before a trailing
`if __name__ == "__main__":` block):
```python
from . import routes  # noqa: E402,F401
```
- relative (`from . import routes`) when both modules sit in one package; otherwise absolute,
  `from <package> import <module>` (`import routes` for a top-level module), with the module's
  dotted name in the project (`src/` left out); absolute also when the defining module has a
  `__main__` guard, since `python pkg/app.py` has no parent package for a relative import;
- one blank line before it (two after a `def` or `class`, none right after another import line);
  everything else in the file keeps its bytes, encoding, newlines and permissions;
- the report shows it on the finding's line: `blog/routes.py:1: FDP009 [unsafe] import this module
  at the end of blog/__init__.py (...)`; `fix --diff` shows the defining module's diff (with that
  file's own fixes of the same run in one diff), and the edited file counts in "in N files". `fix`
  edits only files under the paths it is given: when that module lies outside them (the pre-commit
  hook given only `blog/routes.py`), the fix is left out and the report prints the command that
  applies it (`flake8-flask-deploy fix --unsafe-fixes blog/routes.py blog/__init__.py`).

It is unsafe because:
- importing the module runs all of its import-time code, and what it imports, wherever the package
  is imported: workers, `flask` CLI commands, tests, scripts; database connections or other side
  effects at import start happening there too;
- it makes a circular import (the routes module imports the app from the module that now imports
  it). At the end of the module the app exists, so the pattern works, but import-order problems
  that stayed hidden while nothing imported the module can now surface (a name the routes module
  imports from a package that is still half initialised);
- the `# noqa: E402,F401` is what keeps it: without it pyflakes and ruff report the import as unused
  and their F401 fixes delete it, which brings the 404s back ([FDP013](FDP013.md) reports such an
  import without the comment).

No fix when the defining module:
- is run as a script by a deployment file (`python app.py`, `python -m blog.app`, production or
  development): the routes module's `from app import app` would then import it a second time, as
  module `app`, and the routes would go to that second app, not the one the script serves. Serve
  the app with a WSGI server, or import the routes in the script yourself;
- is not the module the routes module imports the app from (`from blog import app` where
  `blog/__init__.py` re-exports the app of `blog/core.py`): an import at the end of `core.py`
  would run while `blog` is half initialised, and `from blog import app` would fail;
- already imports the routes module, or already binds its name (`routes = ...`; for
  `from pkg import routes`, also in `pkg/__init__.py`: the import would return that attribute);
- calls `run()` at import (the import would come after the server stops), or, for a blueprint,
  registers a blueprint at import (a route added to a registered blueprint raises
  `AssertionError` in Flask 2.3 and later);
- is a test file, does not parse (`ast` and libcst), or has `# noqa` (bare, or naming FDP009) on
  the last line before the insertion point or on the trailing guard's line.

A module in the middle of such a cycle, or a deployment the fix cannot see, is yours to check:
after `fix`, import the app once (`python -c "import wsgi"`) and list its `app.url_map`.

## Options
None.

## References
- [Flask: large applications as packages](https://flask.palletsprojects.com/en/stable/patterns/packages/)
- [ruff: unused-import (F401) and its fix safety](https://docs.astral.sh/ruff/rules/unused-import/)
- [pyflakes](https://github.com/PyCQA/pyflakes)
"""

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.guards or module.launches:
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
        yield module.finding(self, ref.node, message, offers_fix=plan is not None)


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
        kind = idx.binding_kind(index, origin, attr)  # kept in the module's on-disk entry
        if kind is not None:
            return ref, f"the {kind}", origin, count
        other = index.scan(origin)
        if other is None:
            continue
        nodes: List = [b.node for b in other.facts.app_bindings if b.scope == "" and b.name == attr]
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


@dataclass(init=False, repr=False, eq=False)
class RouteImport(FrozenRecord):
    """The import the FDP009 fix adds to the module that defines the app (or blueprint).

    Attributes:
        path: the defining module, which gets the import; name: the name the import binds there;
        statement: the line to add, without newline (``from . import routes  # noqa: E402,F401``).
    """

    path: str
    name: str
    statement: str

    def __init__(self, path: str, name: str, statement: str) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "statement", statement)


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
