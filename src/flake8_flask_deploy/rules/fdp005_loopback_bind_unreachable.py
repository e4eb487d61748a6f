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
from ..deploy.pyserve import waitress_serve
from ..facts import string_value
from ..model import FLASK_RUN, WERKZEUG_SCRIPT, DeploymentContext, Finding, Launch, is_loopback_host
from . import ModuleContext, Rule, launch_finding, register


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

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        exposed = module.script_launches(exposed_only=True)
        if not exposed:
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
                if run.star_kwargs:
                    continue
                host: Optional[str] = None
            else:
                host = string_value(facts.constant_value(run.host))
                if host is None or not is_loopback_host(host):
                    continue
            shown = "127.0.0.1 (Flask's default)" if host is None else host
            yield module.finding(
                self, run.node,
                f"`app.run()` binds {shown}, which is unreachable from outside the "
                f"{'container' if launch.container else 'host'}: clients get \"connection refused\"",
                related=launch, fixable=True,
            )

    def _served(self, module: ModuleContext, launch: Launch) -> Iterator[Finding]:
        """``python wsgi.py`` whose ``waitress.serve(app, host="127.0.0.1")`` binds loopback."""
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
        if not (launch.production and launch.exposed) or launch.server == WERKZEUG_SCRIPT:
            return
        where = "container" if launch.container else "host"
        if launch.server == FLASK_RUN:
            host = launch.binds[0].host if launch.binds else None
            if any(proxied_loopback(b, context) for b in effective_binds(launch) if b.is_loopback):
                return
            if not launch.host_given:
                yield launch_finding(self, launch, f"`flask run` binds 127.0.0.1 without --host or FLASK_RUN_HOST, "
                                     f"which is unreachable from outside the {where}", fixable=True)
            elif is_loopback_host(host):
                yield launch_finding(self, launch, f"`flask run` binds {host}, which is unreachable from outside "
                                     f"the {where}", fixable=True)
            return
        if launch.bind_default:
            return
        for bind in launch.binds:
            if bind.is_loopback and proxied_loopback(bind, context) is None:
                yield launch_finding(self, launch, f"{launch.server} binds {bind.host}"
                                     f"{':' + bind.port if bind.port else ''}, which is unreachable from outside "
                                     f"the {where}", fixable=True)
                return
