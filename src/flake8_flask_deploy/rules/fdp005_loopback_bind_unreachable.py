"""FDP005 loopback-bind-unreachable: a server that must be reachable binds only loopback.

``app.run()`` and ``flask run`` bind ``127.0.0.1`` unless told otherwise
(https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run ,
https://flask.palletsprojects.com/en/stable/cli/#run-the-development-server ), gunicorn binds
``127.0.0.1:8000`` by default (https://docs.gunicorn.org/en/stable/settings.html#bind ). Inside a
container, loopback is the container's own: Docker's port mapping forwards to the container's
external interface, so the client gets "connection refused"
(https://docs.docker.com/engine/network/#published-ports ). A Procfile ``web`` process must listen
on ``0.0.0.0:$PORT`` (https://devcenter.heroku.com/articles/runtime-principles#web-servers ).

A loopback bind is correct when a reverse proxy on the same host (or in the same container) forwards
to that address and port (nginx ``proxy_pass http://localhost:4444`` in front of gunicorn on
``127.0.0.1:4444``): such launches are not reported. Neither is a bind the command leaves to the
server's default (gunicorn without ``--bind``): platforms set ``PORT``, which changes it.
"""
from __future__ import annotations

from typing import Iterator, Optional

from ..deploy.matching import effective_binds, proxied_loopback
from ..facts import dotted_name, string_value
from ..model import (FLASK_RUN, FLASK_SCRIPT_SERVER, WERKZEUG_SCRIPT, DeploymentContext, Finding, Launch,
                     is_loopback_host)
from . import RUN_CALL, ModuleContext, Rule, flask_run_name, launch_finding, register


@register
class LoopbackBindUnreachable(Rule):
    code = "FDP005"
    name = "loopback-bind-unreachable"
    summary = "A server that must be reachable from outside its container or host binds only loopback"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "`app.run()`, `flask run` or gunicorn bind 127.0.0.1 in a container or Procfile: "
        '"connection refused"'
    )
    fix_safety = "unsafe"
    #: What a module's text must hold for this rule to fire: the host of ``app.run()`` (a script a
    #: deployment runs is let through by path).
    prefilter_triggers = (RUN_CALL,)
    docs = """\
## What it does
Reports a server that must accept connections from outside its container or host but binds only
loopback: `app.run()` with no `host` (Flask's default is 127.0.0.1; `host` is also the first
positional argument) or with `127.0.0.1` / `localhost` / `::1`, in a file that a Dockerfile,
compose service or Procfile `web` process runs; `flask run` without `--host` / `-h` or
`FLASK_RUN_HOST`; Flask-Script's `python manage.py runserver` without `-h` (its default is
127.0.0.1 unless the manager registers `Server(host=...)` as `runserver`) or with a loopback `-h`;
`gunicorn -b 127.0.0.1:...` / `localhost:...` in those files. A host held in a constant is followed
to its literal: `HOST = "127.0.0.1"` in the module, or in a project module it imports
(`from settings import HOST`, `settings.HOST`). Not reported when
the host comes from an expression we cannot evaluate or has a non-loopback default
(`os.environ.get("HOST", "0.0.0.0")`), or when `**options` may carry it. A loopback bind is
correct, and not reported, when a reverse proxy of the project (an nginx site) forwards to that
address and port (gunicorn on 127.0.0.1:4444 behind `proxy_pass http://localhost:4444`).
A server's own default bind is not reported unless the command leaves it at loopback where it must
be exposed (`flask run` without `--host`); `waitress.serve(app, host="127.0.0.1")` in a file a
container runs is reported.

## Why is this bad?
Inside a container, 127.0.0.1 is the container's own loopback: Docker's port mapping forwards to
the container's external interface, so every client gets "connection refused", though the same
command works on the developer's machine. A Heroku-style `web` process must listen on `0.0.0.0:$PORT`.

## Example
```dockerfile
CMD ["python", "app.py"]
```
```python
if __name__ == "__main__":
    app.run(port=5000)
```

## Use instead
```python
import os

if __name__ == "__main__":
    app.run(host=os.environ.get("FLASK_RUN_HOST", "0.0.0.0"), port=5000)
```
or better, serve with `gunicorn --bind 0.0.0.0:5000 app:app`.

## Fix safety
Unsafe. The fix makes the server listen on every interface: `app.run()` gets `host="0.0.0.0"` (a
loopback literal, also as the default of `os.environ.get("HOST", "127.0.0.1")`, becomes
`"0.0.0.0"`); `flask run` gets `--host=0.0.0.0`; a loopback gunicorn `--bind` becomes `0.0.0.0`
(a missing one is added as `--bind 0.0.0.0:8000`, gunicorn's default port). That is what a container
needs (Docker forwards published ports to the container's external interface) and what a PaaS `web`
process needs; on a bare host without a firewall it exposes the server to every network the
machine is on, which is why the fix is never applied without `--unsafe-fixes`.

bandit B104 and ruff S104 flag every `"0.0.0.0"` literal, and reading the host from the
environment does not help (`os.environ.get("FLASK_RUN_HOST", "0.0.0.0")` still holds the literal:
both tools flag it; we checked). So the fix writes the decision where reviewers see it, on the
line of the literal (this line fits a `max-line-length` of 100 or more):

```python
app.run(host="0.0.0.0", port=5000)  # container: listen on all interfaces  # noqa: S104  # nosec B104
```

ruff reads `# noqa: S104` anywhere in the comment, bandit reads `# nosec B104`; the test suite
runs both on fixed code. When the line would then be longer than flake8's `max-line-length` (79
unless the `[flake8]` section of `setup.cfg`, `tox.ini` or `.flake8` says otherwise), the reason
goes on a comment line above the statement, and if the line is still too long the call's arguments
are split one per line, the host's line keeping `# noqa: S104  # nosec B104`:

```python
# container: listen on all interfaces
app.run(
    host=os.environ.get("HOST", "0.0.0.0"),  # noqa: S104  # nosec B104
    port=5000,
)
```

semgrep's `avoid_app_run_with_bad_host` and Sonar's S8392 have their own suppressions
(`# nosemgrep`, `# NOSONAR`); add them if you run those tools. A host held in a module constant
assigned once (`HOST = "127.0.0.1"`) is changed where it is set (other readers of `HOST` see the
new value too). Not fixed: a host computed at run time or set in several places. In a
deployment file the `flask run` or gunicorn command is edited in place, also inside a `&&`/`;`
chain or `sh -c "..."` (the rest of the line keeps its bytes); a command split between
`ENTRYPOINT` and `CMD`, or with other shell syntax, is left as it is. `fix PATH` edits a
deployment file outside PATH only with `--deployment`.

## Options
`--flask-deploy-context=off` disables this rule (it needs to know how the app is deployed).

## References
- [Flask: `Flask.run`](https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run)
- [Flask CLI: run the development server](https://flask.palletsprojects.com/en/stable/cli/#run-the-development-server)
- [gunicorn: `bind`](https://docs.gunicorn.org/en/stable/settings.html#bind)
- [Docker: published ports](https://docs.docker.com/engine/network/#published-ports)
- [Heroku: web servers bind to `$PORT`](https://devcenter.heroku.com/articles/runtime-principles#web-servers)
"""

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        exposed = module.script_launches(exposed_only=True)
        if not exposed:
            yield from self._entry_runs(module)
            return
        launch = exposed[0]
        if launch.binds and all(b.is_loopback and proxied_loopback(b, module.deployment) for b in launch.binds):
            return
        if launch.serves_with is not None:
            yield from self._served(module, launch)
            return
        for run in facts.runs:
            if not facts.is_app(run.receiver, run.where.scope) or facts.region_of(run.where) not in ("import", "guard"):
                continue
            if run.host is None:
                if run.star_kwargs or module.default_host(run) is None:
                    continue
                host: Optional[str] = None
            else:
                host = string_value(module.constant_value(run.host))
                if host is None or not is_loopback_host(host):
                    continue
            shown = module.default_host(run) if host is None else host
            yield module.finding(
                self, run.node,
                f"`{_call_text(run)}` binds {shown}, which is unreachable from outside the "
                f"{'container' if launch.container else 'host'}: clients get \"connection refused\"",
                related=launch, offers_fix=True,
            )

    def _entry_runs(self, module: ModuleContext) -> Iterator[Finding]:
        """Runs in a function that an exposed launch's script calls (``main()`` of a thin launcher)."""
        facts = module.facts
        for run in facts.runs:
            launches = module.entry_launches(run.where, exposed_only=True)
            if not launches or not facts.is_app(run.receiver, run.where.scope) or run.star_kwargs:
                continue
            host = None if run.host is None else string_value(module.constant_value(run.host))
            if run.host is not None and (host is None or not is_loopback_host(host)):
                continue
            shown = host or module.default_host(run)
            if not shown:
                continue
            where = "container" if launches[0].container else "host"
            yield module.entry_finding(self, run.node, f"`{_call_text(run)}` binds "
                                       f"{shown}, which is unreachable from outside the {where}: clients get "
                                       "\"connection refused\"", launches, run.where)

    def _served(self, module: ModuleContext, launch: Launch) -> Iterator[Finding]:
        """``python wsgi.py`` whose ``waitress.serve(app, host="127.0.0.1")`` binds loopback."""
        from ..deploy.pyserve import waitress_serve  # deferred: asked only of a script a launch runs

        served = waitress_serve(module.path)
        if served is None:
            return
        binds, line = served
        for bind in binds:
            if bind.is_loopback and proxied_loopback(bind, module.deployment) is None:
                where = "container" if launch.container else "host"
                suffix = f" ({launch.describe(module.root or None)})"
                yield Finding(self.code, f"`serve()` binds {bind.host}, which is unreachable from outside the {where}: "
                                         f"clients get \"connection refused\"{suffix}", module.path, line, 0,
                              related=launch.source)
                return

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        if not (launch.production and launch.exposed):
            return
        where = "container" if launch.container else "host"
        if launch.serves_with == FLASK_SCRIPT_SERVER:
            host = launch.binds[0].host if launch.binds else "127.0.0.1"
            if is_loopback_host(host) and not any(proxied_loopback(b, context) for b in launch.binds):
                given = f"binds {host}" if launch.host_given else "binds 127.0.0.1 without -h/--host"
                yield launch_finding(self, launch, f"`runserver` (Flask-Script) {given}, which is unreachable "
                                     f"from outside the {where}")
            return
        if launch.server == WERKZEUG_SCRIPT:
            return
        if launch.server == FLASK_RUN:
            host = launch.binds[0].host if launch.binds else None
            if any(proxied_loopback(b, context) for b in effective_binds(launch) if b.is_loopback):
                return
            if not launch.host_given:
                yield launch_finding(self, launch, f"{flask_run_name(launch)} binds 127.0.0.1 without --host or "
                                     f"FLASK_RUN_HOST, which is unreachable from outside the {where}", offers_fix=True)
            elif is_loopback_host(host):
                yield launch_finding(self, launch, f"{flask_run_name(launch)} binds {host}, which is unreachable from "
                                     f"outside the {where}", offers_fix=True)
            return
        if launch.bind_default:
            return
        for bind in launch.binds:
            if bind.is_loopback and proxied_loopback(bind, context) is None:
                yield launch_finding(self, launch, f"{launch.server} binds {bind.host}"
                                     f"{':' + bind.port if bind.port else ''}, which is unreachable from outside "
                                     f"the {where}", offers_fix=True)
                return


def _call_text(run) -> str:
    """The run call as the message names it, the callee as written: ``app.run()``,
    ``socketio.run()``, ``self.app.run()`` (``app.run()`` when the callee is not a dotted name)."""
    return f"{dotted_name(run.node.func) or 'app.run'}()"
