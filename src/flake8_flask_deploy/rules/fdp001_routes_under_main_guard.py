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
from . import (APP_CREATION, FACTORY_WORDS, GUARD_WORDS, ROUTE_DECORATOR, ROUTE_WORDS, SETUP_WORDS, ModuleContext, Rule,
               register)


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
    #: What a module's text must hold for this rule to fire: set-up on an app created, built or
    #: imported here, written under the ``__main__`` guard.
    prefilter = GUARD_WORDS + ROUTE_WORDS + SETUP_WORDS + FACTORY_WORDS
    prefilter_triggers = (APP_CREATION, ROUTE_DECORATOR)
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

Development-only config keys (`DEBUG`, `TESTING`, `TEMPLATES_AUTO_RELOAD`, ...) under the guard are
intended and not counted. An app that itself only exists under the guard (`app = create_app()`
inside it) hides nothing from a server.

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
the one emptied.

- **Safe** when only registrations and definitions move (`def`/`class`, imports, registration
  calls, assignments of literals): importing the module then does what `python app.py` did before
  `app.run`, and nothing else.
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
