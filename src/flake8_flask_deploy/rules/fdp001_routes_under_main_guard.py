"""FDP001 routes-under-main-guard: app setup that only runs when the module is executed directly.

A WSGI server (gunicorn, uWSGI, waitress) and ``flask run`` import the module; ``__name__`` is then
the module's name, so the ``if __name__ == "__main__":`` block never runs and every route,
blueprint, hook or config written only there is missing: every URL answers 404.
https://docs.python.org/3/library/__main__.html#idiomatic-usage
https://docs.gunicorn.org/en/stable/run.html#commands
"""
from __future__ import annotations

import ast
import re
from typing import Dict, Iterator, List, Optional, Tuple

from .. import project
from ..facts import DEV_ONLY_CONFIG_KEYS, Registration
from ..model import WSGI_SERVERS, Finding
from . import GUARD_WORDS, ModuleContext, Rule, register


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
    #: What a module's text must hold for this rule to fire: the ``__main__`` guard (every finding is
    #: set-up written under it: :meth:`check` returns at once without ``facts.guards``).
    prefilter = GUARD_WORDS
    docs = """\
## What it does
Reports app set-up that exists only inside `if __name__ == "__main__":` (in any spelling: either
operand order, either quote, the `else` branch of `if __name__ != "__main__":`) in a module whose
app exists at module level: `@app.route` / `@app.get` / ... views, `app.add_url_rule`,
`app.register_blueprint`, `@app.errorhandler`, `@app.before_request` and the other hooks,
`ext.init_app(app)` and `Ext(app)` of a Flask extension, `app.config[...] = ...` and
`app.config.from_*()`. Set-up reached through a function that only the guard calls (a `main()` that
registers the blueprints, a `load_config()` that fills `app.config`) counts too. One finding per
guard, at the first hidden call; the message says how many calls are hidden and what they are.

Set-up that does not take the app is reported too, one finding per call, when a WSGI server of the
project serves the module: a call, directly under the guard, of a project function (of this module
or imported with `from x import f`) that assigns module globals it declares (`global db`) which
other functions of its module read (`db_init()` setting the database client that `db_get()` uses):
under gunicorn the served code never sees what it sets. No fix is offered for it (moving the call
to import time connects at import, in every worker: do it where the app is created).

Development-only statements under the guard are intended and not counted: config keys (`DEBUG`,
`TESTING`, `TEMPLATES_AUTO_RELOAD`, ...), debug toggles, development config objects, literal or
`os.urandom` secret keys, routes that reset the database, seeding (see Fix safety). An app that
itself only exists under the guard (`app = create_app()` inside it) hides nothing from a server.

## Why is this bad?
gunicorn, uWSGI, waitress and `flask run` import the module. `__name__` is then the module's name,
so the guarded block never runs: the served app has none of those routes, blueprints, hooks or
settings and every URL answers 404 (a blog whose `run.py` registered its routes under the guard
answered 404 to everything under `gunicorn run:app`, while `python run.py` worked).

When the project's deployment files run the module only as a script (`CMD ["python", "run.py"]`),
the guard does run in production and this rule stays quiet (FDP004 reports the development server
instead). Without deployment files, the module is assumed to be imported by a WSGI server.

## Example
```python
from server.app import app

if __name__ == "__main__":
    site = Website(app)
    for route in site.routes:
        app.add_url_rule(route, view_func=site.routes[route]["function"])
    app.run(host="127.0.0.1", port=1234)
```

## Use instead
```python
from server.app import app

site = Website(app)
for route in site.routes:
    app.add_url_rule(route, view_func=site.routes[route]["function"])

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=1234)
```

## Fix safety
Mixed. `flake8-flask-deploy fix` moves the statements that set the app up (route decorators,
`add_url_rule`, `register_blueprint`, hooks, extensions, config) out of the `__main__` guard to
module level, just before the guard, in their order and with the comments above them. Statements
they need move with them: the assignments of names they read (such as
`config = load(open("config.json"))`, `site = Website(app)`) and the loops around `add_url_rule`.
What serves only the development server stays in the guard: `app.run(...)`, a `print` of the port,
anything no moved statement needs. Under `if __name__ != "__main__": ... else:` the `else` block is
the one emptied. A `def` or `class` that moves gets the two blank lines PEP 8 asks for at module
level.

Development-only statements are neither counted by this rule nor moved by the fix: they stay under
the guard, where they belong. They are debug toggles (`app.debug = True`, `app.config["DEBUG"]`),
secret keys that are literals (at module level they would be FDP007) or made at each start
(`os.urandom`, `secrets`), development config (`app.config.from_object("config.DevelopmentConfig")`
and the other `from_*` calls naming `dev`, `debug`, `local` or `test`), routes that reset the
database (`/reset-db`, `drop_all`), seeding, and `create_all`/`drop_all` of a development database.
When what production needs reads a name that development-only code binds
(`demo = seed_demo_data()`, then a route built from `demo`), no fix is offered: split it by hand.

- **Safe** when every moved statement is free of side effects at import: registration calls
  (routes, blueprints, extensions bound to the app, production config) and definitions
  (`def`/`class`, imports, assignments of literals): importing the module then does what
  `python app.py` did before `app.run`, without the development-only part.
- **Unsafe** (needs `--unsafe-fixes`) when other statements move: they now run at import, in every
  WSGI worker and in every test that imports the module (reading a file, connecting to a service).
  Read the diff (`fix --diff --unsafe-fixes`) before applying it.

Not fixed: set-up reached through a function that also starts the server
(`def main(): app.register_blueprint(bp); app.run()`), since moving the call would start the server
at import: split the function by hand. Also one-line guards and `elif` chains.

## Options
`--flask-deploy-context=off` ignores deployment files (every module is assumed to be served by a
WSGI server).

## References
- [Python: `__main__` — idiomatic usage](https://docs.python.org/3/library/__main__.html#idiomatic-usage)
- [gunicorn: running, `APP_MODULE`](https://docs.gunicorn.org/en/stable/run.html#commands)
- [Flask: deploying to production](https://flask.palletsprojects.com/en/stable/deploying/)
"""

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
            if not facts.is_app(reg.receiver, reg.where.scope) or development_only(reg.stmt):
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
            offers_fix = not any(r.where.scope in run_scopes for r in regs)
            yield module.finding(self, first.node, message, related=served, offers_fix=offers_fix)
        if served is not None and module.launches and not module.is_script_only():
            yield from self._state_setups(module, served)

    def _state_setups(self, module: ModuleContext, served) -> Iterator[Finding]:
        """Set-up that does not take the app: a call, directly under the guard, of a project
        function that sets module globals (``global db``; ``db = boto3.client(...)``) which other
        functions of its module read (the served handlers' ``db_get()``): a WSGI server skips the
        guard, so the served code finds them unset. Development-only calls (seeding, ``create_all``)
        are left out; one finding per call."""
        for guard in module.facts.guards:
            for stmt in guard.body:
                call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
                if call is None or call.args or call.keywords or not isinstance(call.func, ast.Name) \
                        or development_only(stmt):
                    continue
                found = _globals_set_by(module, call.func.id)
                if found is None:
                    continue
                names, readers = found
                shown = ", ".join(f"`{n}`" for n in names)
                verb = "reads" if len(readers) == 1 else "read"
                message = (f"`{call.func.id}()` runs only under `if __name__ == \"__main__\":` and sets {shown}, which "
                           f"{', '.join(f'`{r}()`' for r in readers[:2])} {verb}: a WSGI server imports this module "
                           "and skips the guard, so the served code never sees what it sets")
                yield module.finding(self, call, message, related=served)


#: Words of a name or string that mark development-only configuration (``DevelopmentConfig``,
#: ``"config.DevConfig"``, ``settings_local.py``, ``TestingConfig``), compared with its words.
DEV_WORDS = frozenset({"dev", "develop", "development", "debug", "local", "test", "testing"})
#: Words of a route path or view name that mark a route resetting the database.
RESET_WORDS = frozenset({"reset", "drop", "wipe", "seed", "init", "create"})
DB_WORDS = frozenset({"db", "database", "tables", "data"})
RESET_DB_WORDS = frozenset({"initdb", "resetdb", "dropdb", "seeddb"})
#: Calls that create or drop tables, or seed a database (Flask-SQLAlchemy's ``create_all``/``drop_all``).
DB_SETUP_CALLS = frozenset({"create_all", "drop_all"})
SECRET_TARGETS = ("SECRET_KEY", "secret_key")


def _globals_set_by(module: ModuleContext, name: str) -> Optional[Tuple[List[str], List[str]]]:
    """``(globals, readers)`` when ``name`` (called in ``module``) is a function of the project,
    defined there or imported with ``from x import name``, that declares module globals it assigns
    (``global db``) which other functions of its module read; None otherwise."""
    path, original = module.path, name
    if name not in module.facts.functions:
        imported = module.facts.imports.get(name)
        if imported is None:
            return None
        source, original, level, _stmt = imported
        path = project.importer_base(module.path, source, level) or ""
    functions = _top_functions(path) if path else {}
    func = functions.get(original)
    if func is None:
        return None
    declared = {n for node in ast.walk(func) if isinstance(node, ast.Global) for n in node.names}
    assigned = [n for node in ast.walk(func) if isinstance(node, (ast.Assign, ast.AnnAssign))
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                for n in ([target.id] if isinstance(target, ast.Name) else []) if n in declared]
    if not assigned:
        return None
    readers = sorted(q for q, f in functions.items() if q != original and any(
        isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in assigned for n in ast.walk(f)))
    return (sorted(set(assigned)), readers) if readers else None


def _top_functions(path: str) -> Dict[str, ast.AST]:
    """The top-level functions of the module file ``path`` by name (``{}`` when it cannot be read or
    parsed; the tree is :func:`~flake8_flask_deploy.project.module_tree`'s)."""
    tree = project.module_tree(path)
    return {s.name: s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))} if tree else {}


def development_only(stmt: ast.stmt) -> Optional[str]:
    """Why a statement under the ``__main__`` guard is development-only, or None.

    Such a statement is intended under the guard: the rule does not count it and the fix leaves it
    there (issue 23: production needs what serves requests, not what sets up a laptop):

    * a debug toggle: ``app.debug = ...``, ``app.config["DEBUG"] = ...`` (and the other keys of
      :data:`~flake8_flask_deploy.facts.DEV_ONLY_CONFIG_KEYS`);
    * a secret key that is a literal (hoisting it is FDP007) or comes from ``os.urandom`` /
      ``secrets`` (a new key at each start: sessions die on every restart and differ per worker);
    * development config: ``app.config.from_object("config.DevelopmentConfig")`` and the other
      ``from_*`` calls whose argument's words include one of :data:`DEV_WORDS`;
    * a route that resets the database (its path or view name has a word of :data:`RESET_WORDS` and
      one of :data:`DB_WORDS`: ``/reset-db``, not ``/reset-password``; or its body calls
      ``drop_all``/``create_all``), seeding (a call of a name with the word ``seed``)
      and ``create_all``/``drop_all`` (Flask-SQLAlchemy: tables of a development database).

    Args:
        stmt: an ``ast`` statement; compound statements are judged by every statement they hold.
    Returns:
        a short reason (``"a debug toggle"``...), or None.
    """
    for node in ast.walk(stmt):
        reason = _dev_statement(node) if isinstance(node, ast.stmt) else _dev_call(node)
        if reason:
            return reason
    return None


def _dev_statement(node: ast.stmt) -> Optional[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for deco in node.decorator_list:
            words = _words(node.name) | {w for a in getattr(deco, "args", []) for w in _words(_text(a))}
            if isinstance(deco, ast.Call) and (words & RESET_WORDS and words & DB_WORDS or words & RESET_DB_WORDS):
                return "a route that resets the database"
        return None
    if not isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        return None
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        key = target.attr if isinstance(target, ast.Attribute) else _text(getattr(target, "slice", None))
        if isinstance(target, ast.Attribute) and key in ("debug", "testing") or key in DEV_ONLY_CONFIG_KEYS:
            return "a debug toggle"
        if key in SECRET_TARGETS and isinstance(target, (ast.Attribute, ast.Subscript)):
            return _dev_secret(node.value)
    return None


def _dev_secret(value: Optional[ast.expr]) -> Optional[str]:
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
        return "a literal secret key (at module level it would be FDP007)"
    calls = {_text(n.func) for n in ast.walk(value) if isinstance(n, ast.Call)} if value is not None else set()
    if any(c in ("os.urandom", "urandom") or c.startswith("secrets.") for c in calls):
        return "a secret key made at each start (os.urandom)"
    return None


def _dev_call(node: ast.AST) -> Optional[str]:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in DB_SETUP_CALLS:
        return f"`{name}` of a development database"
    if "seed" in _words(name):
        return "seeding the database"
    if isinstance(func, ast.Attribute) and name.startswith("from_") and _text(func.value).endswith("config"):
        if any(_words(_text(a)) & DEV_WORDS for a in node.args):
            return "development config"
        if any(k.arg == "SECRET_KEY" and _dev_secret(k.value) for k in node.keywords):
            return _dev_secret(next(k.value for k in node.keywords if k.arg == "SECRET_KEY"))
    return None


def _text(node: Optional[ast.AST]) -> str:
    """A dotted name or a string constant as text ("" otherwise)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_text(node.value)}.{node.attr}"
    return ""


def _words(text: str) -> set:
    """The lower-case words of a name, path or dotted string: ``DevConfig`` -> {dev, config}."""
    return {w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", text)}


def _label(reg: Registration) -> str:
    """A short name for what a registration sets up: ``route``, ``add_url_rule``, ``config``..."""
    if reg.kind in ("route", "config", "extension"):
        return reg.kind
    node = reg.node
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Call):
        func = func.func
    return func.attr if isinstance(func, ast.Attribute) else reg.kind
