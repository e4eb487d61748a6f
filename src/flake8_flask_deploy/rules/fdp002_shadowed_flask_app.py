"""FDP002 shadowed-flask-app: ``X = Flask(...)`` rebinds a name that already held the app.

When the name was imported, routes registered after the rebinding attach to the new instance,
which is never served: 404 (or, in the module that is the entry point, the new instance is served
without what the imported app had). When the name held an app created earlier in the module, the later app
is the one a server gets, and everything registered on the first one is lost (reported only when
something was registered on it). Test modules, which build a fresh app per case, are not checked.
Flask's pattern for large applications imports the one app everywhere:
https://flask.palletsprojects.com/en/stable/patterns/packages/
"""
from __future__ import annotations

import os
from typing import Iterator

from .. import index as idx
from ..model import Finding, attr_name
from . import APP_CREATION, ModuleContext, Rule, register


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
    #: What a module's text must hold for this rule to fire: ``X = Flask(...)`` (every finding is
    #: an app created here: ``facts.shadowing`` and :meth:`_across_modules` start from one).
    prefilter_triggers = (APP_CREATION,)
    reports_in_tests = False
    docs = """\
## What it does
Reports `X = Flask(...)` where `X` was imported into the module (`from blog import app`), or was
bound to another `Flask(...)` in the same scope on the same code path and set-up (routes, hooks,
config) was already registered on that first app. `flask.Flask`,
`import flask as f; f.Flask`, `from flask import Flask as F` and local subclasses of `Flask` are
recognised. Not reported: the fallback `try: from local import app / except ImportError: app =
Flask(__name__)`, one binding per branch of an `if`, two apps with different names (a
`DispatcherMiddleware` set-up), an app created inside a factory function, a re-created app on which
nothing had been registered yet, and test modules (which build a fresh app per test on purpose).

## Why is this bad?
When the name was imported, the served app is the imported one: every route registered after the
rebinding attaches to the new instance, which no server ever sees, and those URLs answer 404. When
the name held an app created earlier in the module, the server gets the last one, and every route
registered on the first is lost. A typical case: a blog's `routes.py` imports `app` from the
package and then creates two more, registering routes on each. When the module that rebinds the name
is itself what runs (`python app.py` calling `app.run()` below the rebinding, or a deployment serving
its `app` with a WSGI server, as `gunicorn wsgi:app`), it is the other way round: the new, empty app
is served and everything registered on the imported one answers 404; the message then names what
serves it.

## Example
```python
from flask import Flask, render_template
from blog import app, db

app = Flask(__name__)

@app.route("/")
def home():
    return render_template("home.html")
```

## Use instead
```python
from flask import render_template
from blog import app, db

@app.route("/")
def home():
    return render_template("home.html")
```

## Fix safety
Mixed. The fix deletes the shadowing `app = Flask(...)` line (comments above it stay, attached to
the next statement).

- **Safe** when the name was imported (`from blog import app` then `app = Flask(__name__)`): every
  later route then binds to the imported app, the one the server serves.
- **Unsafe** when the earlier app was created in the same module: the later `Flask(...)` is
  deleted and later routes join the first app, but arguments the second call had
  (`static_folder=`, `template_folder=`, `instance_relative_config=`) are lost; move them to the
  first call if they matter.

When that was the last use of `Flask` in the module, the fix also drops `Flask` from its
`from flask import ...` line (the whole line when nothing else is imported on it; a line carrying a
comment is left alone), so it does not trade this finding for an unused import (F401).

Not fixed: chained or tuple targets (`app = application = Flask(...)`).

## Options
None.

## References
- [Flask: large applications as packages](https://flask.palletsprojects.com/en/stable/patterns/packages/)
- [Flask: application factories](https://flask.palletsprojects.com/en/stable/patterns/appfactories/)
"""

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        for stmt, name, kind, previous in facts.shadowing:
            if kind == "import":
                server = _serves_new_app(module, name, stmt)
                if server:  # this module is the entry point: the new app is served, the imported one not
                    message = (
                        f"`{name} = Flask(...)` replaces the app imported on line {previous.lineno}; {server} "
                        f"serves this new app, not the imported one: what was registered on that answers 404"
                    )
                else:
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
            yield module.finding(self, stmt, message, offers_fix=True)
        yield from self._across_modules(module)

    def _across_modules(self, module: ModuleContext) -> Iterator[Finding]:
        """The shadowed app across files: ``blog/__init__.py`` creates the served app and imports
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


def _serves_new_app(module: ModuleContext, name: str, stmt) -> str:
    """How this module serves the app ``name`` is rebound to at ``stmt``, as a message names it, or
    "" when nothing here serves it (the imported app is the served one): a ``name.run()`` of this
    module after the rebinding (``python app.py`` runs it), or a deployment serving this module's
    ``name`` with a WSGI server (``gunicorn app:app``)."""
    for run in module.facts.runs:
        if run.receiver == name and run.node.lineno > stmt.lineno and not run.where.scope:
            return f"`{name}.run()` on line {run.node.lineno}"
    for launch in module.launches:
        if not launch.runs_as_main and attr_name(launch.attr) == name:
            return launch.source.short(module.root or None)
    return ""
