"""FDP008 blueprint-never-registered: a blueprint with routes that nothing registers on an app.

A blueprint only records its routes; they exist on an app once ``app.register_blueprint(bp)``
runs (https://flask.palletsprojects.com/en/stable/blueprints/#registering-blueprints). A blueprint
no ``register_blueprint`` in the project registers (directly, through a parent blueprint, or in a
loop over a list of blueprints) serves nothing: every URL of it answers 404.

Not reported when some ``register_blueprint`` call takes an argument the index cannot follow
(a parameter, ``getattr``, a call) and the blueprint is passed around as a value anywhere, when
modules are loaded by name at run time, in test files, or in projects that create no app (a
library shipping a blueprint for its users), nor when a comment line of the project registers it
(``# app.register_blueprint(webhook)``: switched off on purpose, not forgotten). No fix: where to
register is the author's choice.
"""
from __future__ import annotations

import re
from typing import Iterator, Set

from .. import index as idx
from ..model import Finding
from . import BLUEPRINT_WORDS, ModuleContext, Rule, register


@register
class BlueprintNeverRegistered(Rule):
    code = "FDP008"
    name = "blueprint-never-registered"
    summary = "A blueprint with routes is never passed to `register_blueprint`: its URLs answer 404"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "a blueprint with routes that no `register_blueprint` registers: its URLs answer 404"
    )
    fix_safety = None
    #: What a module's text must hold for this rule to fire: the blueprints defined here.
    prefilter = BLUEPRINT_WORDS
    docs = """\
## What it does
Reports a module-level `Blueprint(...)` (`flask.Blueprint`, flask-smorest's `Blueprint`,
APIFlask's `APIBlueprint`) that has routes — in its own module or in a module that imports it
(`from app.main import bp` + `@bp.route`) — when no `register_blueprint` call in the project
registers it. The project index follows:
- `app.register_blueprint(bp)`, `register_blueprint(blueprint=...)`, aliases
  (`from .views import bp as views_bp`), module attributes (`views.bp`, `import pkg.views`);
- calls inside app factories and with function-level imports;
- loops over a literal list or tuple, or over a module constant holding one
  (`for bp in BLUEPRINTS:`, `for bp, prefix in [(a, "/a")]:`, `for m in (views, api): ...(m.bp)`);
- nested blueprints (`parent.register_blueprint(child)`).

Not reported when some `register_blueprint` call takes an argument the index cannot follow (a
parameter of a helper, `getattr(...)`, a call) and the blueprint is used as a value somewhere
(passed, listed, returned); when a module loads modules by name (`importlib`, `import_string`,
`find_modules`) or a string names the blueprint; in test files; for a blueprint without routes
(templates or static files only); and in projects that create no Flask app (a library that ships a
blueprint for its users to register).

Not reported either when a comment line of the project registers the blueprint
(`# app.register_blueprint(webhook)`): it was switched off on purpose, not forgotten.

## Why is this bad?
A blueprint only records routes. They are added to an app when `register_blueprint` runs; until
then the app has no such URL rule and every URL of the blueprint answers 404 — in development and
in production, with no error or warning at start-up.

## Example
```python
# app/admin.py
from flask import Blueprint

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

@admin_bp.route("/")
def dashboard(): ...

# app/__init__.py
def create_app():
    app = Flask(__name__)
    from app.main import bp as main_bp
    app.register_blueprint(main_bp)   # admin_bp is forgotten
    return app
```

## Use instead
```python
def create_app():
    app = Flask(__name__)
    from app.main import bp as main_bp
    from app.admin import admin_bp
    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp)
    return app
```

## Fix safety
No fix. Where the blueprint belongs (which app or parent blueprint, which URL prefix, before or
after which extensions) is the author's decision.

## Options
None.

## References
- [Flask: registering blueprints](https://flask.palletsprojects.com/en/stable/blueprints/#registering-blueprints)
- [Flask: nesting blueprints](https://flask.palletsprojects.com/en/stable/blueprints/#nesting-blueprints)
- [Flask API: `Flask.register_blueprint`](https://flask.palletsprojects.com/en/stable/api/#flask.Flask.register_blueprint)
"""  # noqa: E501

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.is_test_file:
            return
        if not any(name in ("Blueprint", "APIBlueprint") for _, name, _, _ in facts.imports.values()) and \
                not facts.flask_module_names:
            return
        scan = idx.scan_for(module)
        if scan is None or not scan.blueprints:
            return
        index = None
        for name, node in idx.iter_blueprints(scan):
            index = index or idx.get_index(idx.root_of(module))
            state = _registration(index, module.path, name)  # memoized per index: the cheap question first
            if state == "registered":
                continue
            routes = [(p, r) for p, r in idx.blueprint_routes(index, module.path, name) if not index.is_test(p)]
            if not routes:
                continue
            if state == "unknown" and (idx.blueprint_referenced(index, module.path, name) or index.dynamic_loading()
                                       or name in _registrations(index)[2]):
                continue
            if idx.string_mentions(index, module.path, name) or name in _disabled(index):
                continue
            if not index.has_app():
                return
            count = len(routes)
            noun = "route" if count == 1 else "routes"
            message = (f"blueprint `{name}` has {count} {noun} but no `register_blueprint` in the project "
                       f"registers it: its URLs answer 404")
            yield module.finding(self, node, message)


#: A comment line that registers a blueprint: ``# app.register_blueprint(webhook)``.
_COMMENTED_REGISTER = re.compile(rb"^[ \t]*#[^\n]*register_blueprint\(\s*(?:[\w.]+\.)?(\w+)", re.MULTILINE)


def _disabled(index: idx.ProjectIndex) -> Set[str]:
    """Names of the blueprints a comment line of the project registers (switched off on purpose);
    computed once per index from the modules that mention ``register_blueprint``."""
    memo = index.memo.get("fdp008.disabled")
    if memo is None:
        memo = index.memo["fdp008.disabled"] = {
            match.group(1).decode("ascii", "replace") for path in index.mentioning("register_blueprint")
            for match in _COMMENTED_REGISTER.finditer(idx.module_bytes(path))}
    return memo  # type: ignore[return-value]


def _registration(index: idx.ProjectIndex, path: str, name: str) -> str:
    """``"registered"``, ``"unknown"`` (some call we cannot follow) or ``"never"``."""
    registered, unknown, _ = _registrations(index)
    if (path, name) in registered:
        return "registered"
    return "unknown" if unknown else "never"


def _registrations(index: idx.ProjectIndex):
    """Every blueprint some ``register_blueprint`` call of the project registers, and whether some
    call could not be followed; computed once per index."""
    memo = index.memo.get("fdp008")
    if memo is None:
        registered = set()
        strings: set = set()  # ``getattr(views, "bp")`` near a register call names the blueprint
        unknown = False
        for other in index.mentioning("register_blueprint"):
            scan = index.scan(other)
            if scan is None:
                unknown = True
                continue
            if scan.register_referenced:
                unknown = True
            strings |= scan.strings
            for call in scan.registers:
                targets = idx.register_targets(index, other, call)
                if targets is None:
                    unknown = True
                else:
                    registered.update(targets)
        memo = index.memo["fdp008"] = (registered, unknown, strings)
    return memo
