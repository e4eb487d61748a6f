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

from ..model import FLASK_RUN, DeploymentContext, Finding, Launch
from . import ModuleContext, Rule, is_simple_command, launch_finding, register


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

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.is_test_file:
            return
        scripts = module.script_launches()
        side_launcher = module.is_side_launcher() or module.is_demo_module()
        for run in facts.runs:
            if not facts.is_app(run.receiver, run.where.scope):
                continue
            if facts.runs_in_production_import(run.where) and not scripts and not side_launcher:
                yield module.finding(
                    self, run.node,
                    "`app.run()` executes on import: a WSGI server importing this module starts the "
                    "development server inside the import; put it under `if __name__ == \"__main__\":`",
                    fixable=True,
                )
            elif scripts and (facts.is_guarded(run.where) or facts.runs_in_production_import(run.where)):
                yield module.finding(
                    self, run.node,
                    "`app.run()` serves production with the Werkzeug development server, which is not built "
                    "for security or load; serve the app with a WSGI server such as gunicorn",
                    related=scripts[0], fixable=True,
                )

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        if not launch.production:
            return
        if launch.server == FLASK_RUN:
            yield launch_finding(self, launch, "`flask run` starts the Werkzeug development server as the "
                                 "production process; serve the app with a WSGI server such as gunicorn",
                                 fixable=is_simple_command(launch))
