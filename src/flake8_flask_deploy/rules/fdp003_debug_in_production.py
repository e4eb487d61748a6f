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

import ast
import os
from dataclasses import replace
from typing import Iterator

from .. import index as idx
from ..facts import is_true, mapping_key
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
    "config-object": "`config.from_object(...)` of a config with `DEBUG = True`",
}


_RUN_KINDS = frozenset({"run-keyword", "run-positional", "use_debugger"})


def _message(kind: str, at_import: bool, as_script: bool, what: str = "") -> str:
    """The consequence of debug mode depends on the server: ``app.run()`` (and so ``python app.py``)
    serves the interactive debugger; a WSGI server never does, but debug mode still propagates
    errors unhandled and reloads templates (``PROPAGATE_EXCEPTIONS``, ``TEMPLATES_AUTO_RELOAD``
    default to it: https://flask.palletsprojects.com/en/stable/config/)."""
    what = what or _WHAT[kind]
    if kind in _RUN_KINDS or as_script:
        return f"{what} serves the interactive Werkzeug debugger in production (remote code execution)"
    return (f"{what} turns on debug mode at import time: under a production WSGI server errors propagate "
            f"unhandled and templates reload on every request, and any `app.run()` serves the debugger")


@register
class DebugInProduction(Rule):
    code = "FDP003"
    name = "debug-in-production"
    summary = "Debug mode (the Werkzeug debugger) is on where production runs the app"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "debug mode (`debug=True`, `app.debug`, `DEBUG` config, `FLASK_DEBUG=1`) where production "
        "runs it: the debugger is remote code execution"
    )
    fix_safety = "safe"

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.is_test_file:
            return
        scripts = module.script_launches()
        side_launcher = module.is_side_launcher() or module.is_demo_module()
        for item in facts.debug_sets:
            if not facts.is_app(item.receiver, item.where.scope):
                continue
            what = ""
            if item.kind == "config-from-object":
                if not is_true(facts.constants.get("DEBUG")):
                    continue
            elif item.kind == "config-object":
                what = _debug_config(module, item)
                if not what:
                    continue
            elif not is_true(facts.constant_value(item.value)):
                continue
            at_import = module.runs_in_production(item.where) and not side_launcher
            as_script = bool(scripts) and facts.is_guarded(item.where) and not item.where.conditional
            if not (at_import or as_script):
                continue
            if item.kind in _RUN_KINDS and at_import and not scripts:
                # an ``app.run()`` that executes on import is FDP004's finding; its fix (the guard)
                # leaves this flag to be judged by how the deployment runs the file
                continue
            yield module.finding(self, item.node, _message(item.kind, at_import, bool(scripts), what),
                                 related=scripts[0] if scripts else None,
                                 fixable=item.kind not in ("config-from-object", "config-object"))

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        if not launch.production or launch.server not in (FLASK_RUN, WERKZEUG_SCRIPT):
            return
        value = launch.env.get("FLASK_DEBUG", "")
        if value.strip().lower() in ("1", "true", "yes", "on"):
            where = launch.env_location("FLASK_DEBUG")  # the .flaskenv / EnvironmentFile / ENV line
            finding = launch_finding(self, launch, f"FLASK_DEBUG={value} serves the interactive Werkzeug debugger "
                                     "in production (remote code execution)", where.line)
            yield replace(finding, path=where.path)
        elif launch.debug:
            yield launch_finding(self, launch, "`flask run --debug` serves the interactive Werkzeug debugger in "
                                 "production (remote code execution)")


def _debug_config(module: ModuleContext, item) -> str:
    """For ``config.from_object(X)`` (``item``, a ``config-object`` debug setting): a description of
    X when X is a config class of the project that sets ``DEBUG = True`` itself, or a project module
    with the constant ``DEBUG = True``, and no later config load of the same app in the same setup
    can override it; ``""`` otherwise (also when X cannot be followed: a mapping looked up by a key
    read at run time is not, since the key chooses the class; ``CONFIGS["dev"]`` is the class under
    that literal key). https://flask.palletsprojects.com/en/stable/config/#DEBUG"""
    if isinstance(item.value, (ast.Subscript, ast.Call)) and mapping_key(item.value) is None:
        return ""
    scan = idx.scan_for(module)
    if scan is None:
        return ""
    if idx.later_config_loads(scan, item.receiver, item.where.scope, item.node.lineno):
        return ""
    index = idx.get_index(idx.root_of(module))
    for path, name in idx.config_targets(index, module.path, item.value, item.where.scope):
        other = index.scan(path)
        if other is None:
            continue
        rel = os.path.relpath(path, index.root).replace(os.sep, "/")
        if name:
            cls = other.classes.get(name)
            if cls is not None and cls.debug:
                return f"`from_object` of config class `{name}` ({rel}:{cls.line}, `DEBUG = True`)"
        elif is_true(other.facts.constants.get("DEBUG")):
            return f"`from_object` of module `{rel}` (`DEBUG = True`)"
    return ""
