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
from typing import Iterator, List, Optional, Tuple

from .. import index as idx
from ..facts import is_true, mapping_key
from ..model import FLASK_RUN, FLASK_SCRIPT_SERVER, WERKZEUG_SCRIPT, DeploymentContext, Finding, Launch, Location
from . import (APP_CREATION, DEBUG_SETTING, FACTORY_WORDS, RUN_CALL, ModuleContext, Rule, flask_run_name,
               launch_finding, register)

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
#: Settings of ``DEBUG`` itself (any value): a later one decides over a loaded config's.
_SETTING_KINDS = frozenset({"attribute", "config-item", "config-update"})


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
    #: A security issue: the debugger runs code typed into the browser. 7.5 (high) and the CWEs are
    #: those of CodeQL's ``py/flask-debug`` query (https://codeql.github.com/codeql-query-help/python/py-flask-debug/).
    security_severity = "7.5"
    cwe = ("CWE-215", "CWE-489")
    #: What a module's text must hold for this rule to fire: debug settings, ``run(debug=...)``, and
    #: ``config.from_object(X)`` on an app created or built here.
    prefilter = FACTORY_WORDS
    prefilter_triggers = (DEBUG_SETTING, RUN_CALL, APP_CREATION)
    reports_in_tests = False
    docs = """\
## What it does
Reports debug mode turned on where production executes it: `app.run(debug=True)`,
`use_debugger=True`, the positional `app.run("0.0.0.0", 8080, True)`, `app.debug = True`,
`app.config["DEBUG"] = True`, `app.config.update(DEBUG=True)` / `from_mapping(DEBUG=True)` (keyword
or dict), a module constant `DEBUG = True` passed as `debug=DEBUG` (also a literal constant of a
project module it imports: `debug=settings.DEBUG`, `from settings import DEBUG`) or loaded with
`app.config.from_object(__name__)`; and in deployment files, `FLASK_DEBUG=1` or `flask run --debug`
for a process that runs the development server.

"Where production executes it" means: at import time (module level, a function the module calls
at import, or an app factory), or anywhere in a file that a deployment file runs directly
(`python app.py`). Receivers must be Flask apps: `job.run(debug=True)` is not reported. Statements
under an `if` on the environment, test modules, and CLI commands are not reported.

A module in a demo or documentation folder (`examples/`, `python_examples/`, `docs/`, `demo/`,
`tutorial/`, `samples/`, `snippets/`) that no deployment runs is not judged as imported by a WSGI
server: it is a snippet or a development launcher.

Also reported: `app.config.from_object(X)` where X is a config class of the project that sets
`DEBUG = True` itself (or a project module with the constant `DEBUG = True`), loaded unconditionally
where production imports the app, with no later config load of the same app that may override it
(a later `from_envvar`, a `DEBUG` setting, or a `from_object` of a config that assigns `DEBUG` does;
one that sets only `SECRET_KEY` does not). The finding is at the `from_object` line,
with the config's `DEBUG = True` line as its related location.
A class chosen from a mapping by a literal key (`CONFIGS["dev"]`, `CONFIGS.get("dev")`, with
`CONFIGS = {"dev": DevConfig}` or `dict(dev=DevConfig)`) is judged; one chosen by a key read at run
time (`CONFIGS[os.environ["ENV"]]`) is not. A config returned by a project function is followed
when every `return` of the function gives the same one (`from_object(set_environment_config())`
with `return "config.DefaultConfig"`); a function that returns one of several chooses at run time.
A factory's parameter (`def create_app(config): app.config.from_object(config)`) is what its callers
outside tests and the `__main__` guard pass (`create_app(config.DevConfig)`), when they all pass the
same config. A key read from the environment (`CONFIGS[os.getenv("FLASK_CONFIG", "dev")]`, directly,
through a module constant or a factory parameter its callers bind to the read) is the value the
production launches serving the app give the variable (its default where they set none), when they
all give one: `export FLASK_CONFIG=development` in the start script loads the development class,
and the finding names that line. A later `from_pyfile("config.py")` overrides only when a copy of the
file in the project (beside the module or in an `instance` folder) assigns `DEBUG`, or none is found.

## Why is this bad?
When the development server runs with debug on (`app.run(debug=True)`, `python app.py` with
`app.debug = True`, `flask run --debug`, `FLASK_DEBUG=1`), an unhandled exception serves the
interactive Werkzeug debugger, which executes arbitrary Python for anyone who can reach it (remote
code execution); the reloader also restarts the process on file changes. Under a WSGI server
(gunicorn, uWSGI) the debugger is never served, but `DEBUG = True` still makes errors propagate
unhandled and templates reload on every request, and it turns the debugger on for any `app.run()`.

An `app.run(debug=True)` that executes on import is reported once, as FDP004; once it is under the
`__main__` guard, its `debug=True` is judged by how the deployment runs the file. A factory that only
the module's own `__main__` guard calls builds a development app and is judged the same way, unless
a deployment serves it (`gunicorn "app:create_app()"`).

bandit B201, ruff S201 and semgrep flag every `app.run(debug=True)`, even under the `__main__`
guard of a module that gunicorn serves, where it never runs in production; their users silence them
with `# nosec`. This rule reads the deployment files instead: the guarded line is reported only when
a deployment file runs that file with `python`.

## Example
```dockerfile
CMD ["python", "app.py"]
```
```python
if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
```

## Use instead
```python
if __name__ == "__main__":
    app.run(host="0.0.0.0")  # FLASK_DEBUG=1 in a developer's shell turns debug on locally
```
and serve production with a WSGI server (see FDP004).

## Fix safety
Safe. The fix turns debug mode off where production runs it, and nothing else:

- `app.run(debug=True)` / `use_debugger=True`: the keyword is dropped; Flask then reads
  `FLASK_DEBUG` from the environment, so `FLASK_DEBUG=1 python app.py` (or `flask run --debug`) still
  gives the debugger in development. A positional debug argument (`app.run(host, port, True)`) is
  dropped, or replaced by `None` when arguments follow it.
- `app.debug = True` and `app.config["DEBUG"] = True`: the statement is deleted (in a block that
  would be left empty, it becomes `pass`).
- `app.config.update(DEBUG=True)` / `from_mapping({"DEBUG": True, ...})`: the `DEBUG` key is dropped.

Not fixed: `app.config.from_object(__name__)` reading a module constant `DEBUG = True` (the finding
is not marked fixable), and debug switched on by a deployment file (`FLASK_DEBUG=1`,
`flask run --debug`): change that file.

## Options
`--flask-deploy-context=off` judges only import-time code.

## References
- [Flask: debugging application errors](https://flask.palletsprojects.com/en/stable/debugging/)
- [Werkzeug: debugger PIN and security](https://werkzeug.palletsprojects.com/en/stable/debug/)
- [Flask: `DEBUG` and `FLASK_DEBUG`](https://flask.palletsprojects.com/en/stable/config/#DEBUG)
"""

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        scripts = module.script_launches()
        side_launcher = module.is_side_launcher() or module.is_demo_module()
        for item in facts.debug_sets:
            if not facts.is_app(item.receiver, item.where.scope):
                continue
            what, config_lines = "", []
            if item.kind == "config-from-object":
                if not is_true(facts.constants.get("DEBUG")):
                    continue
            elif item.kind == "config-object":
                found = _debug_config(module, item)
                if found is None:
                    continue
                what, config_lines = found
            elif not is_true(module.constant_value(item.value)):
                continue
            at_import = module.runs_in_production(item.where) and not side_launcher
            as_script = bool(scripts) and facts.is_guarded(item.where) and not item.where.conditional
            entry = module.entry_launches(item.where) if item.kind in _RUN_KINDS and not (at_import or as_script) \
                and (not item.where.conditional or _sole_run(facts, item)) else []
            if entry:
                yield module.entry_finding(self, item.node, _message(item.kind, False, True, what), entry, item.where,
                                           offers_fix=True)
                continue
            if not (at_import or as_script):
                continue
            if item.kind in _RUN_KINDS and at_import and not scripts:
                # an ``app.run()`` that executes on import is FDP004's finding; its fix (the guard)
                # leaves this flag to be judged by how the deployment runs the file
                continue
            finding = module.finding(self, item.node, _message(item.kind, at_import, bool(scripts), what),
                                     related=scripts[0] if scripts else None, also=scripts[1:],
                                     offers_fix=item.kind not in ("config-from-object", "config-object"))
            for place in config_lines:  # the config's ``DEBUG = True``, the deployment line that chose it
                finding = _with_related(finding, place)
            yield finding

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
            command = "`runserver` (Flask-Script) with debug on" if launch.serves_with == FLASK_SCRIPT_SERVER else \
                flask_run_name(launch, "--debug")
            yield launch_finding(self, launch, f"{command} serves the interactive Werkzeug debugger in "
                                 "production (remote code execution)")


def _with_related(finding: Finding, place: Location) -> Finding:
    """``finding`` with ``place`` among its related locations (first when it has none)."""
    if finding.related is None:
        return replace(finding, related=place)
    return replace(finding, also=finding.also + (place,))


def _debug_config(module: ModuleContext, item) -> Optional[Tuple[str, List[Location]]]:
    """For ``config.from_object(X)`` (``item``, a ``config-object`` debug setting): what turns debug
    on, and where (the ``DEBUG = True`` line, then the deployment line that chose the config, if
    any), when X is a config class of the project that sets ``DEBUG = True`` itself, or a project
    module with the constant ``DEBUG = True``, and no later config load of the same app in the same
    setup can override it (one that sets only ``SECRET_KEY``, a ``from_object`` of a config or a
    ``from_pyfile`` of a project file that assigns no ``DEBUG``, cannot); None otherwise (also when
    X cannot be followed: see :func:`_chosen`). https://flask.palletsprojects.com/en/stable/config/#DEBUG"""
    index = idx.get_index(idx.root_of(module))
    if isinstance(item.value, ast.Constant) and isinstance(item.value.value, str) and not any(
            _may_set_debug(index, module, path) for path, _ in idx.config_targets(index, module.path, item.value, "")):
        return None  # ``from_object("config.Dev")`` names its targets: none can set DEBUG (no scan of this module)
    scan = idx.scan_for(module)
    if scan is None:
        return None
    if _overridden(index, module.path, scan, item) or any(
            d.receiver == item.receiver and d.where.scope == item.where.scope and d.kind in _SETTING_KINDS
            and d.node.lineno > item.node.lineno for d in module.facts.debug_sets):
        return None
    chosen = _chosen(module, index, item)
    if chosen is None:
        return None
    targets, how, places = chosen
    loaded = f"loaded by `{item.receiver}.config.from_object({_source(item.value)})`{how}"
    for path, name in targets:
        if not _may_set_debug(index, module, path):
            continue
        other = index.scan(path)
        if other is None:
            continue
        rel = os.path.relpath(path, index.root).replace(os.sep, "/")
        if name:
            cls = other.classes.get(name)
            if cls is not None and cls.debug:
                return (f"`DEBUG = True` of config class `{name}` ({rel}:{cls.debug_line}), {loaded},",
                        [Location(path, cls.debug_line)] + places)
        elif is_true(other.facts.constants.get("DEBUG")):
            line = getattr(other.facts.constants["DEBUG"], "lineno", 1)
            return f"`DEBUG = True` in {rel}:{line}, {loaded},", [Location(path, line)] + places
    return None


def _may_set_debug(index: idx.ProjectIndex, module: ModuleContext, path: str) -> bool:
    """False when the config module ``path`` (a ``from_object`` target) cannot set ``DEBUG = True``,
    as its module constant or in a class of its own: its text has no name ``DEBUG`` (asked of the
    index, which stores the answer under the module's stamp; the module is then never parsed). The
    linted module itself is asked of its tree (an editor's buffer may differ from the file)."""
    return path == module.path or path not in index.modules or index.mentions(path, "DEBUG")


def _chosen(module: ModuleContext, index: idx.ProjectIndex, item) -> Optional[Tuple[list, str, List[Location]]]:
    """What ``from_object(X)`` loads with no choice left: ``(targets, how it was chosen, the
    deployment lines that chose it)``. A mapping looked up by a key read at run time is a choice,
    unless the key is an environment variable that every production launch serving the app gives
    one value (:func:`_env_chosen`); ``CONFIGS["dev"]`` is the class under that literal key;
    ``pick_config()`` what the project function returns when it has one return value; a factory's
    parameter what its callers pass, when they all pass one config."""
    value, scope = item.value, item.where.scope
    if isinstance(value, (ast.Subscript, ast.Call)) and mapping_key(value) is None:
        returned = idx.returned_values(index, module.path, value, scope)
        if returned is None:
            return _env_chosen(module, index, item)
        if len({ast.dump(v) for _, v in returned}) != 1:
            return None  # a function that returns one of several configs
    targets = idx.config_targets(index, module.path, value, scope)
    if isinstance(value, ast.Name) and idx.parameter_of(index, module.path, scope, value.id):
        if len(targets) != 1:
            return None  # the factory's callers pass different configs: each caller chooses
        return targets, f" with the `{value.id}` its callers pass", []
    return targets, "", []


def _env_chosen(module: ModuleContext, index: idx.ProjectIndex, item) -> Optional[Tuple[list, str, List[Location]]]:
    """``CONFIGS[os.getenv("FLASK_CONFIG", "dev")]`` (directly, through a module constant or a
    factory parameter its callers bind to the read): the config under the value that the production
    launches serving this app give the variable (its default where they set none), when they all
    give one; None without such launches (the environment is unknown)."""
    key = idx.mapping_lookup_key(item.value)
    read = idx.env_read(index, module.path, key, item.where.scope) if key is not None else None
    if read is None:
        return None
    var, default = read
    launches = [x for x in module.deployment.production_launches
                if (x.target_path or x.script) and idx.imports_transitively(index, x.target_path or x.script,
                                                                            module.path)]
    values = {x.env.get(var, default) for x in launches}
    if len(values) != 1 or None in values:
        return None
    chosen = values.pop()
    places = list(dict.fromkeys(x.env_location(var) for x in launches if var in x.env))
    said = f" ({places[0].short(module.root or None)})" if places else " (its default: no deployment sets it)"
    targets = idx.mapping_targets(index, module.path, item.value, item.where.scope, chosen)  # type: ignore[arg-type]
    return targets, f" with {var}={chosen}{said}", places


def _overridden(index: idx.ProjectIndex, path: str, scan: idx.ModuleScan, item) -> bool:
    """A later config load of the same app in the same setup that may set ``DEBUG``."""
    for load in idx.later_config_loads(scan, item.receiver, item.where.scope, item.node.lineno):
        if load.key is not None and load.key != "DEBUG":
            continue
        if load.method == "from_pyfile" and not idx.pyfile_may_set(index, path, load.arg, "DEBUG"):
            continue
        if load.method == "from_object":
            targets = idx.config_targets(index, path, load.arg, load.ctx.scope)
            if targets and not any(idx.config_may_set(index, target, "DEBUG") for target in targets):
                continue
        return True
    return False


def _source(expr: Optional[ast.expr]) -> str:
    """The text of a short expression (``default``, ``config_by_name["dev"]``), ``...`` when long."""
    try:
        text = ast.unparse(expr) if expr is not None else ""
    except Exception:  # pragma: no cover - unparse handles every parsed expression
        text = ""
    return text if text and len(text) <= 60 else "..."


def _sole_run(facts, item) -> bool:
    """True when the run whose debug flag ``item`` is, is the only ``run()`` of its function: a
    condition around it then decides whether the server starts, not whether it starts with the
    debugger (``if serve_http: Thread(target=app.run, kwargs={"debug": True}).start()``), unlike
    ``if dev: app.run(debug=True) else: app.run()``."""
    return sum(1 for run in facts.runs if run.where.scope == item.where.scope) == 1
