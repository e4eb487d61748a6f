"""FDP004 dev-server-in-production: the Werkzeug development server used in production.

Werkzeug's server "is not designed to be particularly efficient, stable, or secure"; production
should use a WSGI server: https://flask.palletsprojects.com/en/stable/deploying/ and
https://werkzeug.palletsprojects.com/en/stable/serving/ . An ``app.run()`` that executes on import
also starts a second server inside every WSGI worker that imports the module: workers hang at boot
or fail with "Address already in use".

A WSGI server run with ``--reload`` (gunicorn, uWSGI ``py-autoreload``) is not the development server:
it serves with its own workers and only restarts them on file changes, so it is not reported here.
The development server has been threaded by default since Flask 1.0
(https://flask.palletsprojects.com/en/stable/changes/#version-1-0-0): what is wrong with it in
production is that it is not built for security or load, and its reloader and debugger are.
"""
from __future__ import annotations

from typing import Iterator

from ..facts import FACTORY, GUARD, IMPORT
from ..model import FLASK_RUN, FLASK_SCRIPT_SERVER, DeploymentContext, Finding, Launch
from . import RUN_CALL, ModuleContext, Rule, flask_run_name, is_simple_command, launch_finding, register


@register
class DevServerInProduction(Rule):
    code = "FDP004"
    name = "dev-server-in-production"
    summary = "The Werkzeug development server (`app.run`, `flask run`) serves production"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "the Werkzeug development server (`app.run`, `flask run`) serves production, or "
        "`app.run()` executes on import"
    )
    fix_safety = "mixed"
    #: What a module's text must hold for this rule to fire: ``app.run()``.
    prefilter_triggers = (RUN_CALL,)
    reports_in_tests = False
    docs = """\
## What it does
Reports the Werkzeug development server used in production:
- `app.run(...)` that executes on import (module level, no `__main__` guard);
- `app.run(...)` in a file that a deployment file runs with `python app.py` / `python -m pkg.app`
  (`python -m pkg` runs `pkg/__main__.py`), at module level or under the guard, in a branch or not,
  or in a function or method of the project that such a script reaches when it runs (a thin
  launcher: `from pkg import main; main()`; a program whose calls build an object whose method
  starts the server: `FlaskAppManager(app).run()` calling `self.app.run()`, or
  `Thread(target=self.app.run, kwargs={...})`), also through a script the project installs as a
  command (setuptools `scripts=`);
- Flask-SocketIO's `socketio.run(app, ..., allow_unsafe_werkzeug=True)` in those places (without that
  argument it serves with eventlet or gevent, or refuses Werkzeug in production, and is not reported
  unless it executes on import). No fix for it: a Socket.IO app needs an async gunicorn worker;
- `flask run` as the command of a Dockerfile, compose service or Procfile process, also through the
  project's own Flask CLI: a console script (`setup.py`/`setup.cfg` entry points, `pyproject.toml`
  scripts) whose function is a `click` group of class `FlaskGroup` (`alertad run` is `flask run`);
- `python manage.py runserver` where `manage.py` runs a Flask-Script `Manager` (made there or in a
  project module it imports; Python 2 managers are read as text): Flask-Script's `runserver` is
  `app.run()`. Other `runserver` commands (Django's) are not Flask's and are not reported.

A WSGI server run with `--reload` (gunicorn's `reload = True`) is not reported: it still serves with
its own workers and only restarts them when files change. Nor is a developer's stack: a launch of the
development server whose environment says `FLASK_ENV=development` (also as the default of
`${FLASK_ENV:-development}`), the usual compose file for working on the code next to the production
Dockerfile.

A module in a demo or documentation folder (`examples/`, `python_examples/`, `docs/`, `demo/`,
`tutorial/`, `samples/`, `snippets/`) that no deployment runs is not judged as imported by a WSGI
server: its `app.run()` on import is a development launcher's.

## Why is this bad?
Werkzeug's server is meant for development: it is not hardened and not built for load (it has
been threaded by default since Flask 1.0, but has no worker management, timeouts or graceful
restarts), and its reloader and debugger are not for production. An `app.run()` that
executes on import also starts a second server inside every WSGI worker that imports the module:
workers hang at boot or fail with "Address already in use".

## Example
```python
app = Flask(__name__)

@app.route("/")
def index():
    return "hi"

app.run(host="0.0.0.0")
```

## Use instead
```python
if __name__ == "__main__":
    app.run(host="0.0.0.0")
```
```dockerfile
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
```

## Fix safety
Mixed.

- **Safe**: an `app.run(...)` statement that runs on import (at module level) is wrapped in
  `if __name__ == "__main__":`. `python app.py` still starts the development server; a WSGI server
  importing the module no longer starts a second server inside its worker.
- **Unsafe**: a deployment file that starts the development server (`CMD ["python", "app.py"]` whose
  module calls `app.run`, `python -m pkg.app`, `flask run` in a Dockerfile, compose `command:`,
  Procfile or start script) is rewritten to `gunicorn --bind 0.0.0.0:PORT module:app`, keeping the
  port (`app.run(port=...)`, `flask run --port`/`FLASK_RUN_PORT`, else 5000; a Procfile `web` process
  gets `$PORT`). Exec form stays exec form, shell form stays shell form. In a compound command
  (`flask db upgrade && flask run`, `sh -c "..."`, `exec python app.py` in an entrypoint script) only
  the command that starts Python changes; everything else keeps its bytes. The rewrite is offered
  only when the deployment still starts afterwards:
  - gunicorn is installed where that deployment installs packages, in the same run: the
    requirements file the Dockerfile stage copies and installs (`pip install -r`), the package list
    of its `pip install`, the `pyproject.toml` dependencies of a `pip install .`, or the
    `requirements.txt` beside a Procfile. When none can be edited safely (nothing installed, a
    requirements file with `--hash` or compiled by pip-compile, a poetry/uv/pipenv/pdm lock, an image
    from elsewhere), there is no fix, and `fix` says what to do
    (`note: Dockerfile:5: FDP004 not fixed: ...`). In a Windows image, where gunicorn does not run,
    the command switches to `waitress-serve --listen=0.0.0.0:PORT module:app` (`--call` for a
    factory) and waitress is installed the same way;
  - the `module:app` written resolves: FDP006's check runs on it (the app exists at import, a
    factory needs no argument), and no package of the module's name shadows it;
  - the command is not split between `ENTRYPOINT` and `CMD`, and holds no shell syntax beyond `&&`/`;`
    lists and `sh -c` (pipes, `||`, subshells, redirections are left to you).
  `fix PATH` edits only files under PATH: when the Dockerfile or the requirements file lies outside,
  the rewrite is left out and the report prints the command that applies it (`--deployment`). It
  is unsafe because the process changes: what the guard did before `app.run` no longer runs (fix
  FDP001 first; `fix` does both in one run), and the development server's options (`threaded=`,
  `ssl_context=`) do not carry over.

- **Unsafe**: `app.run` inside a function called at import (`def main(): ...; app.run()` with
  `main()` at module level): the module-level `main()` call is wrapped in the guard instead, so
  whatever else `main()` does no longer runs at import either (move set-up out of it first).

Not fixed: a function that runs `app.run` called from anywhere but a plain module-level statement,
the deployments above that would not start after the rewrite, and apps that
exist only under the guard (a WSGI server could not find them).

## Options
`--flask-deploy-context=off` reports only `app.run()` on import.

## References
- [Flask: deploying to production](https://flask.palletsprojects.com/en/stable/deploying/)
- [Werkzeug: serving WSGI applications](https://werkzeug.palletsprojects.com/en/stable/serving/)
- [gunicorn: settings (`reload`)](https://docs.gunicorn.org/en/stable/settings.html#reload)
"""

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        scripts = module.script_launches()
        side_launcher = module.is_side_launcher() or module.is_demo_module()
        for run in facts.runs:
            if not facts.is_app(run.receiver, run.where.scope):
                continue
            call = "`socketio.run()`" if run.wrapper == "socketio" else "`app.run()`"
            serves = (f"{call} serves production with the Werkzeug development server, which is not built "
                      "for security or load; serve the app with a WSGI server such as gunicorn")
            if facts.runs_in_production_import(run.where) and not scripts and not side_launcher:
                yield module.finding(
                    self, run.node,
                    f"{call} executes on import: a WSGI server importing this module starts the "
                    "development server inside the import; put it under `if __name__ == \"__main__\":`",
                    offers_fix=True,
                )
            elif not module.serves_with_werkzeug(run):
                continue  # socketio.run() without allow_unsafe_werkzeug: eventlet/gevent, or it refuses;
                # a connexion app not on connexion 2 (uvicorn), or with another ``server``
            elif scripts and facts.region_of(run.where) in (GUARD, IMPORT, FACTORY):
                # run as ``__main__``, the module's code runs, under a branch or not (as under the guard)
                yield module.finding(self, run.node, serves, related=scripts[0], also=scripts[1:],
                                     offers_fix=not run.wrapper)
            elif module.entry_launches(run.where):
                yield module.entry_finding(self, run.node, serves, module.entry_launches(run.where), run.where)

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        if not launch.production:
            return
        if launch.server == FLASK_RUN:
            yield launch_finding(self, launch, f"{flask_run_name(launch)} starts the Werkzeug development server as "
                                 "the production process; serve the app with a WSGI server such as gunicorn",
                                 offers_fix=is_simple_command(launch))
        elif launch.serves_with == FLASK_SCRIPT_SERVER:
            yield launch_finding(self, launch, "`runserver` (Flask-Script) starts the Werkzeug development server "
                                 "as the production process; serve the app with a WSGI server such as gunicorn")
