"""FDP008 blueprint-never-registered: a blueprint with routes that nothing registers on an app.

A blueprint only records its routes; they exist on an app once ``app.register_blueprint(bp)``
runs (https://flask.palletsprojects.com/en/stable/blueprints/#registering-blueprints). A blueprint
no ``register_blueprint`` in the project registers (directly, through a parent blueprint, or in a
loop over a list of blueprints) serves nothing: every URL of it answers 404.

Not reported when some ``register_blueprint`` call takes an argument the index cannot follow
(a parameter, ``getattr``, a call) and the blueprint is passed around as a value anywhere, when
modules are loaded by name at run time, in test files, or in projects that create no app (a
library shipping a blueprint for its users), nor when a comment line of the project registers it
(``# app.register_blueprint(webhook)``: switched off on purpose, not forgotten).

The unsafe fix registers the blueprint where the project's one app is set up (a module-level
``app = Flask(...)`` or an app factory); :func:`register_plan` decides whether there is one and
what is added (the finding is ``fixable`` exactly then), ``fixes/fdp008.py`` writes it with libcst.
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from .. import index as idx
from ..facts import collect
from ..model import Finding, Launch
from ..session import current
from ..sources import decode
from ..walk import IMPORT, is_main_guard
from . import BLUEPRINT_WORDS, ModuleContext, Rule, register
from ..records import FrozenRecord, LazyPattern


@register
class BlueprintNeverRegistered(Rule):
    code = "FDP008"
    name = "blueprint-never-registered"
    summary = "A blueprint with routes is never passed to `register_blueprint`: its URLs answer 404"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "a blueprint with routes that no `register_blueprint` registers: its URLs answer 404"
    )
    fix_safety = "unsafe"
    #: What a module's text must hold for this rule to fire: the blueprints defined here.
    prefilter = BLUEPRINT_WORDS
    reports_in_tests = False
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
(templates or static files only) or whose every view is a placeholder (`pass`, `...` or `raise
NotImplementedError` after an optional docstring: not written yet); and in projects that create no
Flask app (a library that ships a blueprint for its users to register).

Not reported either when a comment line of the project registers the blueprint
(`# app.register_blueprint(webhook)`): it was switched off on purpose, not forgotten; nor when the
blueprint's module cannot be imported because it (or a project module it loads at import) imports a
module of the project that does not exist (`from models.pivot import ...` with no
`models/pivot.py`): a dead module left behind, not a forgotten registration.

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
Unsafe, and offered only when the project sets up exactly one app that can register the
blueprint: one `Flask(...)` (or `APIFlask(...)`) in its non-test modules, bound at module level
(`app = Flask(__name__)`, not under an `if` or the `__main__` guard) or in an app factory (a
top-level function whose last statement is `return app`). The fix edits that module and nothing
else; every other byte of it stays:

- module-level app: the import of the blueprint joins the imports at the top of the module
  (`from blog.admin import admin_bp`), and `app.register_blueprint(admin_bp)` becomes the last
  statement of the module's top-level code (before a trailing `if __name__ == "__main__":` block),
  after every route and setting. When the blueprint's module imports the app's module back (at
  import, directly or through other modules: `from blog import db`), the import goes down there
  too, after the code that sets up the app, as Flask's pattern for packages imports its views
  (`from .admin import admin_bp  # noqa: E402`: pycodestyle's E402 would report an import below
  code);
- app factory: `from .admin import admin_bp` and `app.register_blueprint(admin_bp)` just before the
  factory's `return app`, the import inside the function, as Flask's tutorial writes it (it runs
  when the factory is called, after every module is loaded: no circular import);
- a blueprint defined in the app's own module: the registration alone.

The import is relative when the blueprint's module is in the app module's package (absolute when
that module has a `__main__` guard) and binds the blueprint under its own name, or
`<module>_<name>` (`from .admin import bp as admin_bp`) when the app's module already uses that name.

No fix (the finding stays, not marked fixable) when:
- no module creates an app the fix can register on (the only `Flask(...)` is conditional, nested,
  under the `__main__` guard, or a local of a function that returns something else), or there are
  several apps or factories: which one should serve the blueprint is the author's choice;
- the blueprint's module imports the app's module back and that module is run as `__main__` (a
  deployment file runs `python app.py`, or it has a `__main__` guard): `python app.py` would import
  it a second time, as `app`, with a second app, a circular import no placement avoids;
- another blueprint of the project has the same name (`Blueprint("admin", ...)`): Flask raises
  `ValueError` when it registers the second;
- the blueprint's module (or a project module it loads) imports a module of the project that does
  not exist (`from models.pivot import ...` with no `models/pivot.py`): a dead module left behind,
  which would make the app's module fail to import;
- the app's module calls `app.run()` at import, binds the app somewhere other than directly in its
  body (or the factory's), has no free name for the blueprint, or a new line would be longer than
  flake8's `max-line-length`;
- the app's module is outside the paths given to `fix` (`fix blog/admin.py` edits only that file:
  a line says what to run, `fix blog/admin.py blog/__init__.py`).

Unsafe because the blueprint's URLs, hooks and error handlers start answering in production (check
that they should: a blueprint can be left out on purpose, then say so with a comment line such as
`# app.register_blueprint(admin_bp)`, which this rule reads), and the app's module now imports the
blueprint's module and runs its import-time code. A URL prefix (`url_prefix=`) is not added: the
blueprint's own one applies.

## Options
None.

## References
- [Flask: registering blueprints](https://flask.palletsprojects.com/en/stable/blueprints/#registering-blueprints)
- [Flask: nesting blueprints](https://flask.palletsprojects.com/en/stable/blueprints/#nesting-blueprints)
- [Flask API: `register_blueprint`](https://flask.palletsprojects.com/en/stable/api/#flask.Flask.register_blueprint)
- [Flask tutorial: the application factory](https://flask.palletsprojects.com/en/stable/tutorial/factory/)
- [Flask: large applications as packages](https://flask.palletsprojects.com/en/stable/patterns/packages/)
"""

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
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
            if not routes or all(r.stub for _, r in routes):
                continue  # no route, or only placeholders (``def check(): pass``): not written yet
            if state == "unknown" and (idx.blueprint_referenced(index, module.path, name) or index.dynamic_loading()
                                       or name in _registrations(index)[2]):
                continue
            if idx.string_mentions(index, module.path, name) or name in _disabled(index):
                continue
            if not index.has_app():
                return
            if _broken_import(index, module.path):
                continue  # a dead module (it cannot be imported), not a forgotten registration
            count = len(routes)
            noun = "route" if count == 1 else "routes"
            message = (f"blueprint `{name}` has {count} {noun} but no `register_blueprint` in the project "
                       f"registers it: its URLs answer 404")
            plan = register_plan(index, module.path, name, module.deployment.launches)
            yield module.finding(self, node, message, offers_fix=plan is not None)


#: A comment line that registers a blueprint: ``# app.register_blueprint(webhook)``.
_COMMENTED_REGISTER = LazyPattern(rb"^[ \t]*#[^\n]*register_blueprint\(\s*(?:[\w.]+\.)?(\w+)", re.MULTILINE)


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
    if "fdp008" not in index.memo and _registered_where_named(index, path, name):
        return "registered"
    registered, unknown, _ = _registrations(index)
    if (path, name) in registered:
        return "registered"
    return "unknown" if unknown else "never"


def _registered_where_named(index: idx.ProjectIndex, path: str, name: str) -> bool:
    """True when a ``register_blueprint`` call of a module that has ``name`` as a word registers the
    blueprint ``name`` of ``path``: the answer :func:`_registrations` gives for it when True (the same
    calls, resolved the same way), without scanning and resolving every registering module of the
    project first (the blueprint's own registration names it, most often: ``register_blueprint(views)``
    after ``from .views import views``). False says nothing: the whole set is computed then.

    The modules whose on-disk entry holds the summaries of their calls (:func:`~flake8_flask_deploy.
    index.stored_registers`) are asked first, and without a scan: each summary is resolved again
    through the imports (:func:`~flake8_flask_deploy.index.summary_targets`: what the scan's call
    resolves to). The other modules are then scanned, and leave their summaries for the runs to come."""
    unsummarised = []
    for other in index.mentioning("register_blueprint", name):
        stored = idx.stored_registers(index, other)
        if stored is None:
            unsummarised.append(other)
            continue
        summaries = sorted(stored.calls, key=lambda call: name not in call.words)  # the likely ones first
        if any((path, name) in (idx.summary_targets(index, other, summary) or ()) for summary in summaries):
            return True
    for other in unsummarised:
        scan = index.scan(other)
        if scan is None:
            continue
        idx.remember_registers(index, other, scan)
        calls = sorted(scan.registers, key=lambda call: not _names(call, name))  # the likely ones first
        if any((path, name) in (idx.register_targets(index, other, call) or ()) for call in calls):
            return True
    return False


def _names(call, name: str) -> bool:
    """Whether the argument of the register call ``call`` (or a loop value it stands for) has ``name``."""
    return name in idx.register_words(call)


def _registrations(index: idx.ProjectIndex):
    """Every blueprint some ``register_blueprint`` call of the project registers, whether some call
    could not be followed, and the strings of the registering modules (a blueprint's name among them:
    ``getattr(views, "bp")`` near a register call); computed once per index.

    A module whose on-disk entry holds its registrations (:func:`~flake8_flask_deploy.index.
    stored_registers`) is not scanned: its calls are resolved again from their summaries, and only
    its strings that are identifiers are kept (a blueprint's variable name is one); the other modules
    are scanned, and leave theirs for the runs to come."""
    memo = index.memo.get("fdp008")
    if memo is None:
        registered = set()
        strings: set = set()
        unknown = False
        for other in index.mentioning("register_blueprint"):
            found = _module_registrations(index, other)
            if found is None:
                unknown = True
                continue
            referenced, names, each = found
            unknown = unknown or referenced
            strings |= names
            for targets in each:
                if targets is None:
                    unknown = True
                else:
                    registered.update(targets)
        memo = index.memo["fdp008"] = (registered, unknown, strings)
    return memo


def _module_registrations(index: idx.ProjectIndex, path: str) -> Optional[Tuple[bool, Set[str], list]]:
    """``(register_referenced, its strings, the targets of each register call: [(path, name)] or
    None when unknown)`` of module ``path``: from its stored summary (its strings that are
    identifiers), else from its scan, which leaves one; None when it cannot be parsed."""
    stored = idx.stored_registers(index, path)
    if stored is not None:
        return stored.referenced, stored.names, [idx.summary_targets(index, path, s) for s in stored.calls]
    scan = index.scan(path)
    if scan is None:
        return None
    idx.remember_registers(index, path, scan)
    return scan.register_referenced, scan.strings, [idx.register_targets(index, path, c) for c in scan.registers]


# ---- the unsafe fix: where the blueprint is registered, and when it is not -----------------------
@dataclass(init=False, repr=False, eq=False)
class RegisterPlan(FrozenRecord):
    """Where the FDP008 fix registers a blueprint: the one place of the project that sets up an app.

    Attributes:
        origin: the module that creates the app (``app = Flask(...)`` at module level) or holds the
            app factory; factory: the factory's name, "" for a module-level app; app: the app's
            variable there; local: the blueprint's name there (its own, or ``<module>_<name>`` when
            the module already uses that name); statement: the import to add (``from .admin import
            bp``), None when the blueprint is defined in ``origin``; below_code: a module-level app
            whose blueprint module imports it back (a circular import): the import goes after the
            module's code, with ``# noqa: E402``, instead of joining the imports at the top.
    """

    origin: str
    factory: str
    app: str
    local: str
    statement: Optional[str]
    below_code: bool = False

    def __init__(self, origin: str, factory: str, app: str, local: str, statement: Optional[str],
                 below_code: bool = False) -> None:
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "factory", factory)
        object.__setattr__(self, "app", app)
        object.__setattr__(self, "local", local)
        object.__setattr__(self, "statement", statement)
        object.__setattr__(self, "below_code", below_code)

    @property
    def register(self) -> str:
        """The registration statement (``app.register_blueprint(bp)``)."""
        return f"{self.app}.register_blueprint({self.local})"


#: An app set up somewhere: ``(module path, factory name or "", app variable)``; None for a
#: ``Flask(...)`` the fix could not register on (conditional, nested, under the guard, ...).
AppSetup = Optional[Tuple[str, str, str]]


def register_plan(index: idx.ProjectIndex, path: str, name: str, launches: Sequence[Launch],
                  text: Optional[str] = None) -> Optional[RegisterPlan]:
    """Where and how the fix registers the module-level blueprint ``name`` of module ``path``
    (what is added is :class:`RegisterPlan`'s; where it goes: ``fixes/fdp008.py``), or None.

    The one app of the project: exactly one ``Flask(...)`` (or ``APIFlask(...)``) in its non-test
    modules (:func:`_app_setups`), bound unconditionally at module level outside the ``__main__``
    guard, or in a top-level function that ends with ``return <app>`` (an app factory).

    Refused (None): no such app or several; the app's module does not parse, calls ``run()`` at
    import, or binds the app elsewhere than directly in the module's (or factory's) body; the
    blueprint's module imports the app's module back (at import, directly or through other project
    modules) while that module is run as ``__main__``: a launch runs it (``python app.py``) or it
    has a ``__main__`` guard (it would be imported a second time, as ``app``, with a second app);
    another blueprint of the project has the same literal name (Flask refuses to register two
    blueprints of one name); the blueprint's module, or a project module it loads at import, imports
    a project module that does not exist (a dead module: importing it would break the app's module,
    :func:`_broken_import`); no free name for the blueprint in the app's module; no import form
    resolves back to ``path``.

    Args:
        index: the project index; path: the blueprint's module; name: its variable there;
        launches: the deployment context's launches; text: the app module's source as the fixer
            holds it (default: ``Session.overrides``, else the file).
    Returns:
        RegisterPlan or None. Never raises for bad input.
    """
    setups = _app_setups(index)
    if len(setups) != 1 or setups[0] is None or _name_taken(index, path, name) or _broken_import(index, path):
        return None
    origin, factory, app = setups[0]
    source = _module_text(origin, text)
    if source is None:
        return None
    try:
        tree = ast.parse(source, filename=origin)
        facts = collect(tree, os.path.relpath(origin, index.root))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not _app_in_place(tree, facts, factory, app):
        return None
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
    if origin == path:
        if factory and name in _assigned_in(tree, factory):
            return None
        return RegisterPlan(origin, factory, app, name, None)
    back = not factory and _imports_back(index, path, origin)
    if back and (facts.guards or any(x.script == origin or x.runs_as_main and x.target_path == origin
                                     for x in launches)):
        return None  # ``python app.py``: the blueprint's module would import app.py again, as ``app``
    local = next((n for n in (name, f"{_module_parts(index, path)[-1]}_{name}") if n not in words), None)
    statement = _import_form(index, path, origin, name, local, bool(facts.guards)) if local else None
    if statement is None:
        return None
    return RegisterPlan(origin, factory, app, local, statement, back)  # type: ignore[arg-type]


def _app_setups(index: idx.ProjectIndex) -> List[AppSetup]:
    """Every ``Flask(...)`` of the project's non-test modules as an :data:`AppSetup`; once per index."""
    memo = index.memo.get("fdp008.apps")
    if memo is not None:
        return memo  # type: ignore[return-value]
    out: List[AppSetup] = []
    for other in sorted(set(index.mentioning("Flask")) | set(index.mentioning("APIFlask"))):
        scan = None if index.is_test(other) else index.scan(other)
        if scan is None:
            continue
        facts = scan.facts
        for binding in (b for b in facts.app_bindings if b.kind == "flask"):
            where = binding.where
            if where is None or where.conditional:
                out.append(None)
            elif binding.scope == "":
                out.append((other, "", binding.name) if where.region == IMPORT else None)
            else:
                function = facts.functions.get(binding.scope)
                factory = "." not in binding.scope and function is not None and binding.name in function.returns
                out.append((other, binding.scope, binding.name) if factory else None)
    index.memo["fdp008.apps"] = out
    return out


def _module_text(path: str, text: Optional[str]) -> Optional[str]:
    """``text`` when given, else ``path``'s source as the fixer holds it, else the file decoded as
    Python does; None when it cannot be read or decoded."""
    if text is None:
        text = current().overrides.get(path)
    if text is None:
        try:
            with open(path, "rb") as handle:
                text = decode(handle.read()).text
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            return None
    return text


def _app_in_place(tree: ast.Module, facts, factory: str, app: str) -> bool:
    """True when the module (``tree``, its ``facts``) binds ``app`` with one ``Flask(...)`` statement
    directly in its body (module level) or in the top-level function ``factory``, whose last statement
    is ``return <app>``; and no ``run()`` call of the module runs at import."""
    if any(facts.runs_in_production_import(run.where) for run in facts.runs):
        return False
    flask = [b for b in facts.app_bindings if b.kind == "flask" and b.scope == factory and b.name == app]
    if len(flask) != 1:
        return False
    body: List[ast.stmt] = tree.body
    if factory:
        function = next((s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and s.name == factory), None)
        if function is None:
            return False
        body = function.body
        last = body[-1]
        if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name) and last.value.id == app):
            return False
    elif body and isinstance(body[-1], ast.If) and is_main_guard(body[-1].test) is True:
        body = body[:-1]
    return any(stmt is flask[0].node for stmt in body)


def _assigned_in(tree: ast.Module, factory: str) -> Set[str]:
    """Names the top-level function ``factory`` binds (a local that would hide a module-level name)."""
    function = next(s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and s.name == factory)
    out = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in node.names)
    return out


def _name_taken(index: idx.ProjectIndex, path: str, name: str) -> bool:
    """True when the blueprint's literal name (``Blueprint("admin", ...)``) is also the name of
    another blueprint of the project (Flask raises ``ValueError`` when it registers the second)."""
    scan = index.scan(path)
    own = _blueprint_name(scan.blueprints.get(("", name)) if scan is not None else None)
    if own is None:
        return False
    for other in index.mentioning("Blueprint"):
        other_scan = index.scan(other)
        if other_scan is None or index.is_test(other):
            continue
        for key, node in other_scan.blueprints.items():
            if (other, key) != (path, ("", name)) and _blueprint_name(node) == own:
                return True
    return False


def _blueprint_name(stmt) -> Optional[str]:
    """The literal first argument (or ``name=``) of the ``Blueprint(...)`` call an assignment makes."""
    call = getattr(stmt, "value", None)
    if not isinstance(call, ast.Call):
        return None
    arg = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _broken_import(index: idx.ProjectIndex, path: str) -> bool:
    """True when module ``path``, or a project module it loads at import, imports at import (module
    level, not under an ``if``/``try`` fallback) a module of the project that does not exist: a
    relative import that resolves to no file, or an absolute one whose first name is a package or
    folder of the project but whose module is not in it (``from models.dim_pivo import x`` with no
    ``models/dim_pivo.py``). Registering such a blueprint would make the app's module fail to import."""
    names = {entry.dotted for entry in index.modules.values()}
    prefixes = {dotted.rsplit(".", n)[0] for dotted in names for n in range(dotted.count(".") + 1)}
    seen, todo = {path}, [path]
    while todo:
        module = todo.pop()
        scan = index.scan(module)
        for ref in scan.imports if scan is not None else ():
            if ref.ctx.scope or ref.ctx.guard or ref.ctx.conditional:
                continue
            if ref.level:
                if not index.targets(module, ref):
                    return True
            elif ref.module.split(".")[0] in prefixes and ref.module not in prefixes and \
                    f"{ref.module}.__init__" not in names:
                return True
        for target, ref in index.edges(module):
            if not (ref.ctx.scope or ref.ctx.guard) and target not in seen:
                seen.add(target)
                todo.append(target)
    return False


def _imports_back(index: idx.ProjectIndex, path: str, origin: str) -> bool:
    """True when loading module ``path`` loads ``origin``: an import at module level of ``path``, or
    of a project module it loads that way, reaches it (its packages' ``__init__`` included)."""
    seen, todo = {path}, [path]
    while todo:
        for target, ref in index.edges(todo.pop()):
            if ref.ctx.scope or ref.ctx.guard or target in seen:
                continue
            if target == origin:
                return True
            seen.add(target)
            todo.append(target)
    return False


def _module_parts(index: idx.ProjectIndex, path: str) -> List[str]:
    """The dotted name of module ``path`` as parts (``blog/admin/__init__.py``: ``["blog", "admin"]``)."""
    parts = index.modules[path].dotted.split(".")
    return parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts


def _import_form(index: idx.ProjectIndex, path: str, origin: str, name: str, local: str,
                 has_guard: bool) -> Optional[str]:
    """The import of ``name`` from module ``path`` written in ``origin`` (bound as ``local``):
    relative when ``path`` is in ``origin``'s package and ``origin`` has no ``__main__`` guard
    (``python pkg/app.py`` has no package for a relative import), else absolute; None unless it
    resolves back to ``path`` through the index."""
    if path not in index.modules or origin not in index.modules:
        return None
    parts = _module_parts(index, path)
    package = index.modules[origin].dotted.split(".")[:-1]
    alias = "" if local == name else f" as {local}"
    if package and parts[:len(package)] == package and len(parts) > len(package) and not has_guard:
        module, level = ".".join(parts[len(package):]), 1
    else:
        module, level = ".".join(parts), 0
    if index.resolve_module(origin, module, level) != path:
        return None
    return f"from {'.' * level}{module} import {name}{alias}"
