"""FDP003 debug-in-production: debug mode on where production executes it.

With debug on, an unhandled error serves the interactive Werkzeug debugger, which runs arbitrary
Python for whoever reaches it (remote code execution), and the reloader restarts the process on file
changes. https://flask.palletsprojects.com/en/stable/debugging/ ,
https://werkzeug.palletsprojects.com/en/stable/debug/#debugger-pin ,
``FLASK_DEBUG`` is read by ``flask run`` and ``app.run``: https://flask.palletsprojects.com/en/stable/config/#DEBUG

Unlike bandit B201 / ruff S201, ``app.run(debug=True)`` under the ``__main__`` guard of a module
that production serves through a WSGI server is not a finding: production never runs that line.
"""
from __future__ import annotations

from typing import Iterator

from ..facts import is_true
from ..model import FLASK_RUN, WERKZEUG_SCRIPT, DeploymentContext, Finding, Launch
from . import ModuleContext, Rule, launch_finding, register

_WHAT = {
    "run-keyword": "`debug=True`",
    "run-positional": "debug (third positional argument of run())",
    "use_debugger": "`use_debugger=True`",
    "attribute": "`.debug = True`",
    "config-item": "`config[\"DEBUG\"] = True`",
    "config-update": "`DEBUG=True` in the config",
    "config-from-object": "module constant `DEBUG = True` loaded by `config.from_object(__name__)`",
}


@register
class DebugInProduction(Rule):
    code = "FDP003"
    name = "debug-in-production"
    summary = "Debug mode (the Werkzeug debugger) is on where production runs the app"
    fix_safety = "safe"

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.is_test_file:
            return
        scripts = module.script_launches()
        side_launcher = module.is_side_launcher()
        for item in facts.debug_sets:
            if not facts.is_app(item.receiver, item.where.scope):
                continue
            if item.kind == "config-from-object":
                if not is_true(facts.constants.get("DEBUG")):
                    continue
            elif not is_true(facts.constant_value(item.value)):
                continue
            what = _WHAT[item.kind]
            fixable = item.kind != "config-from-object"
            if facts.runs_in_production_import(item.where) and not side_launcher:
                message = (f"{what} turns on debug mode at import time: a production server importing "
                           f"this module serves the interactive debugger (remote code execution)")
                yield module.finding(self, item.node, message, related=scripts[0] if scripts else None,
                                     fixable=fixable)
            elif facts.is_guarded(item.where) and not item.where.conditional and scripts:
                message = (f"{what} turns on debug mode in production: the interactive debugger "
                           f"allows remote code execution")
                yield module.finding(self, item.node, message, related=scripts[0], fixable=fixable)

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        if not launch.production or launch.server not in (FLASK_RUN, WERKZEUG_SCRIPT):
            return
        value = launch.env.get("FLASK_DEBUG", "")
        if value.strip().lower() in ("1", "true", "yes", "on"):
            line = launch.env_lines.get("FLASK_DEBUG", launch.source.line)
            yield launch_finding(self, launch, f"FLASK_DEBUG={value} turns on debug mode in production: the "
                                 "interactive debugger allows remote code execution", line)
        elif launch.debug:
            yield launch_finding(self, launch, "`flask run --debug` turns on debug mode in production: the "
                                 "interactive debugger allows remote code execution")
