"""FDP006 wsgi-target-not-found: the ``module:attribute`` a server is told to serve is not there.

gunicorn, uWSGI, waitress and ``flask --app``/``FLASK_APP`` import the module and look the attribute
up on it. When the module is not in the project, or the attribute is only created under
``if __name__ == "__main__":`` (the import skips it) or has another name, the server fails at boot
("Failed to find attribute 'app' in 'wsgi'", uWSGI's "no python application found"). gunicorn's
default attribute is ``application``. A factory named without a call (``mod:create_app``) is served
as if it were the WSGI app: every request calls ``create_app(environ, start_response)`` and fails.

* gunicorn ``$(MODULE_NAME):$(VARIABLE_NAME)``, call syntax since 20.1:
  https://docs.gunicorn.org/en/stable/run.html#commands
* uWSGI ``module``/``callable`` (default ``application``):
  https://uwsgi-docs.readthedocs.io/en/latest/Options.html#callable
* waitress ``--call``: https://docs.pylonsproject.org/projects/waitress/en/stable/runner.html
* Flask's discovery (a factory named without call is called):
  https://flask.palletsprojects.com/en/stable/cli/#application-discovery
"""
from __future__ import annotations

import ast
import importlib.util
import os
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Set, Tuple

from .. import project, sources
from ..walk import is_main_guard
from ..model import (FLASK_RUN, GUNICORN, UWSGI, WAITRESS, WSGI_SERVERS, DeploymentContext, Finding, Launch, Location,
                     attr_name)
from ..session import FILE, current
from . import Rule, register
from ..records import FROM_FACTORY, Record


@dataclass(init=False, repr=False, eq=False)
class ModuleNames(Record):
    """Names a module binds at import time, and names it binds only under the ``__main__`` guard."""

    at_import: Set[str] = field(default_factory=set)
    guard_only: Set[str] = field(default_factory=set)
    functions: Dict[str, ast.AST] = field(default_factory=dict)
    dynamic: bool = False  # ``from x import *``, a module ``__getattr__``, ``globals()[...] =``

    def __init__(self, at_import: Set[str] = FROM_FACTORY, guard_only: Set[str] = FROM_FACTORY,
                 functions: Dict[str, ast.AST] = FROM_FACTORY, dynamic: bool = False) -> None:
        self.at_import = set() if at_import is FROM_FACTORY else at_import
        self.guard_only = set() if guard_only is FROM_FACTORY else guard_only
        self.functions = {} if functions is FROM_FACTORY else functions
        self.dynamic = dynamic


def module_names(path: str) -> Optional[ModuleNames]:
    """Parse ``path`` (never executed) and list its module-level names; None when it cannot be read.

    Cached for the session per (path, modification time)."""
    cache: Dict[Tuple[str, float], Optional[ModuleNames]] = current().cache("fdp006.names", FILE)
    try:
        key = (path, os.path.getmtime(path))
    except OSError:
        return None
    if key in cache:
        return cache[key]
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        cache[key] = None
        return None
    names = ModuleNames()
    guarded: Set[str] = set()
    for stmt in tree.body:
        kind = is_main_guard(stmt.test) if isinstance(stmt, ast.If) else None
        if isinstance(stmt, ast.If) and kind is not None:
            main, other = (stmt.body, stmt.orelse) if kind else (stmt.orelse, stmt.body)
            _bind_names(main, guarded, {}, names)
            _bind_names(other, names.at_import, names.functions, names)
        else:
            _bind_names([stmt], names.at_import, names.functions, names)
    names.guard_only = guarded - names.at_import
    if "__getattr__" in names.functions:
        names.dynamic = True
    cache[key] = names
    return names


def _bind_names(stmts, out: Set[str], functions: Dict[str, ast.AST], names: ModuleNames) -> None:
    work = list(stmts)
    while work:
        node = work.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            if not isinstance(node, ast.ClassDef):
                functions[node.name] = node
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                out.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    names.dynamic = True
                out.add(alias.asname or alias.name)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "setattr"):
            names.dynamic = True
        work.extend(ast.iter_child_nodes(node))


def _required_positional(func: ast.AST) -> int:
    args = getattr(func, "args", None)
    if args is None:
        return 0
    positional = list(args.posonlyargs) + list(args.args)
    return len(positional) - len(args.defaults)


@register
class WsgiTargetNotFound(Rule):
    code = "FDP006"
    name = "wsgi-target-not-found"
    summary = "The `module:attribute` a server is told to serve is missing, guarded, or an uncalled factory"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "the `module:app` a server is told to serve is missing, only under the guard, or an "
        "uncalled factory"
    )
    fix_safety = "unsafe"
    docs = """\
## What it does
Checks the `module:attribute` that a deployment file tells a server to serve: gunicorn's
`APP_MODULE` (command line or `wsgi_app` in a gunicorn config), uWSGI's `module`/`callable`
(`--module`, `.ini`), `waitress-serve MODULE:OBJECT`, `flask --app` and `FLASK_APP` (also from
`.flaskenv`). It reports, at the line that names the target:

- a module that is not in the project (and is not an installed module);
- a package named from inside itself: the server's working folder (a container's `WORKDIR`, with
  the package folder copied there) is the package `pkg` it is told to import (`gunicorn pkg:app`
  run in `pkg/`); Python looks for `pkg` in that folder, not at it, so the import fails. Not
  reported when `PYTHONPATH`, `--pythonpath`, `--chdir` or a config file may point elsewhere;
- an attribute that the module does not bind at import time: defined only under
  `if __name__ == "__main__":`, or named differently (gunicorn's and uWSGI's default attribute is
  `application`, not `app`);
- a factory function named without a call (`blog:create_app`) for gunicorn, uWSGI, or waitress
  without `--call`. (`flask --app blog:create_app` is fine: Flask calls it.)
- a uWSGI `.ini` value with a comment after it (`module = wsgi:app ; noqa`): uWSGI has no inline
  comments and looks for a callable named `app ; noqa`. Put the comment on its own line above.

flake8 shows the finding on the served module's app definition; `flake8-flask-deploy check` shows it
at the deployment file's line.

The message says what the server does: gunicorn, waitress and `flask run` stop at boot; uWSGI
starts anyway unless `need-app` is set (the default from uWSGI 2.1), logs "no python application
found" and answers every request with 500. A factory is suggested (`did you mean
`app:create_app()`?`) only when gunicorn can call it without arguments.

## Why is this bad?
The server imports the module and looks the name up: when it is missing, the server stops at boot
(`Failed to find attribute 'app' in 'wsgi'`, uWSGI's `no python application found`). `python app.py`
works, so it is only seen on the server. A factory served uncalled is worse: gunicorn boots, and every
request calls `create_app(environ, start_response)`, which fails with a `TypeError`: every URL answers
500.

## Example
```
# Procfile
web: gunicorn blog:create_app
```
```python
# blog/__init__.py
def create_app():
    app = Flask(__name__)
    ...
    return app
```

## Use instead
```
web: gunicorn "blog:create_app()"
```

## Fix safety
Unsafe (`fix --unsafe-fixes`; it edits a deployment file, so only with that file among the paths or
with `--deployment`): it changes what production serves. When the right target is known, the fix
rewrites the `module:attribute` where the finding is (the command, a gunicorn config's `wsgi_app`,
`FLASK_APP`, a uWSGI `callable` line), and nothing else:
- a factory gunicorn serves uncalled: `blog:create_app` becomes `"blog:create_app()"` (quoted where a
  shell would read the parentheses);
- a missing attribute when the module has exactly one candidate, the one the message names: one app
  bound at import (`wsgi:app` becomes `wsgi:application`), or, with none and gunicorn, one factory it
  can call without arguments.

The new target must pass this rule's check. No fix when the module binds several apps (which one is
served is the developer's choice), when the name exists only under the `__main__` guard, when the
module is missing, for waitress or uWSGI factories (`--call`, a wsgi module), or when the target is
not written whole on the line.

## Options
`--flask-deploy-context=off` disables this rule. Modules that bind names dynamically (`from x import
*`, a module `__getattr__`, `globals()[...] =`) are not judged, nor projects without Python files
(the code comes from an image or a package), nor targets written with `$VARIABLES`.

## References
- [gunicorn: running, `$(MODULE_NAME):$(VARIABLE_NAME)` and the call syntax](https://docs.gunicorn.org/en/stable/run.html#commands)
- [gunicorn: `wsgi_app`](https://docs.gunicorn.org/en/stable/settings.html#wsgi-app)
- [uWSGI: `callable`](https://uwsgi-docs.readthedocs.io/en/latest/Options.html#callable)
- [waitress-serve: `--call`](https://docs.pylonsproject.org/projects/waitress/en/stable/runner.html)
- [Flask: application discovery](https://flask.palletsprojects.com/en/stable/cli/#application-discovery)
"""  # noqa: E501

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        if not launch.production or not launch.module:
            return
        if launch.server not in WSGI_SERVERS and launch.server != FLASK_RUN:
            return
        module, attr = launch.module, launch.attr
        where = self._where(launch)
        server = "flask" if launch.server == FLASK_RUN else launch.server
        target = f"{module}:{attr}" if attr else module
        inside = _inside_package(launch, module)
        if inside:
            yield self._finding(where, f"`{target}`: {server} runs inside the package folder `{inside}` (its "
                                       f"working folder), where `{module.split('.')[0]}` cannot be imported by "
                                       f"its own name; the server fails at boot: start it from the parent "
                                       f"folder or name the module relative to this one")
            return
        if launch.target_path is None:
            if _missing_module(context.root, module):
                yield self._finding(where, f"`{target}`: {server} cannot import `{module}`, there is no such "
                                           f"module in the project; the server fails at boot")
            return
        if not attr:
            return  # ``FLASK_APP=blog``: Flask looks for app, application, create_app, make_app
        base = attr_name(attr)
        called = "(" in attr
        if launch.server == UWSGI and _inline_comment(attr):
            yield self._finding(where, f"`{target}`: uWSGI reads the whole value, the comment after it included (its "
                                       f".ini files have no inline comments), and finds no callable `{attr}`; "
                                       f"{_fails(launch.server, server)}; write the comment on its own line above")
            return
        if not base.isidentifier():
            return
        names = module_names(launch.target_path)
        if names is None or names.dynamic:
            return
        rel = os.path.relpath(launch.target_path, context.root) if context.root else launch.target_path
        if base in names.at_import:
            function = names.functions.get(base)
            factory_unsupported = launch.server in (GUNICORN, UWSGI) or (
                launch.server == WAITRESS and launch.options.get("call") != "true")
            if function is not None and not called and factory_unsupported and _required_positional(function) == 0:
                fix = f"`{module}:{base}()`" if launch.server == GUNICORN else (
                    "`--call`" if launch.server == WAITRESS else f"`{base} = {base}()` in a wsgi module")
                yield self._finding(where, f"`{target}` names the factory function `{base}()` without calling it: "
                                           f"{server} serves the function itself and every request fails with a "
                                           f"TypeError (500); use {fix}", launch.server == GUNICORN)
            return
        if base in names.guard_only:
            yield self._finding(where, f"`{target}`: `{base}` is only created under `if __name__ == \"__main__\":` "
                                       f"in {rel}, which {server} does not run; the server cannot find it at boot")
            return
        hint = _hint(names, launch, module)
        if launch.options.get("attr_line") and launch.options.get("target_file"):
            # uWSGI's ``callable = my_app`` names the missing attribute: that line is the one to change
            where = Location(launch.options["target_file"], int(launch.options["attr_line"]))
        yield self._finding(where, f"`{target}`: {rel} has no module-level `{base}`; {_fails(launch.server, server)}"
                                   f"{hint}", len(candidate_targets(launch, names)) == 1)

    def _where(self, launch: Launch) -> Location:
        if launch.options.get("target_file"):
            return Location(launch.options["target_file"], int(launch.options.get("target_line", "1") or 1))
        if launch.server == FLASK_RUN and "FLASK_APP" in launch.env and "--app" not in launch.command \
                and " -A " not in f" {launch.command} ":
            return launch.env_location("FLASK_APP")
        return launch.source

    def _finding(self, where: Location, message: str, offers_fix: bool = False) -> Finding:
        return Finding(self.code, message, where.path, where.line, 0, offers_fix=offers_fix)


def _inline_comment(value: str) -> bool:
    """True when an ``.ini`` value holds `` ;`` or `` #``: text meant as a comment, which uWSGI reads as
    part of the value ("Lines starting with a semicolon or a hash are ignored as comments",
    https://uwsgi-docs.readthedocs.io/en/latest/Configuration.html#ini-files; inline comments "are not
    supported", https://github.com/unbit/uwsgi/issues/2573)."""
    return " ;" in value or " #" in value or "\t;" in value or "\t#" in value


def _fails(kind: str, server: str) -> str:
    """What the server does without its app: gunicorn, waitress and ``flask run`` stop at boot; uWSGI
    starts anyway unless ``need-app`` is set (the default from uWSGI 2.1), logs "no python application
    found" and answers every request with 500 (https://uwsgi-docs.readthedocs.io/en/latest/Options.html#need-app)."""
    if kind == UWSGI:
        return ("uWSGI finds no app (\"no python application found\"): it stops at boot with `need-app`, "
                "else every request answers 500")
    return f"{server} fails at boot"


def _hint(names: ModuleNames, launch: Launch, module: str) -> str:
    found = candidate_targets(launch, names)
    return f" (did you mean `{found[0]}`?)" if found else ""


def candidate_targets(launch: Launch, names: Optional[ModuleNames] = None) -> List[str]:
    """The ``module:attr`` targets the server of ``launch`` could serve from the module it names
    (``launch.target_path``): each app its module binds at import, or, when there is none and the
    server is gunicorn, each factory gunicorn can call without arguments (``module:create_app()``).
    The message suggests the first; FDP006's fix rewrites the target only when there is exactly one.

    Args:
        names: the module's :class:`ModuleNames` (read from ``launch.target_path`` when None).
    Returns:
        the candidates, in the module's order; empty when the module cannot be read.
    """
    path = launch.target_path
    names = names if names is not None else (module_names(path) if path else None)
    facts = project.facts_of_file(path) if path else None
    if facts is None or names is None or not launch.module:
        return []
    apps = list(dict.fromkeys(b.name for b in facts.app_bindings if b.scope == "" and b.name in names.at_import))
    if apps:
        return [f"{launch.module}:{name}" for name in apps]
    factories = [q for q, region in facts.function_regions.items() if region == "factory" and "." not in q
                 and q in names.functions and _required_positional(names.functions[q]) == 0]
    if launch.server != GUNICORN:  # only a factory gunicorn can call without arguments
        return []
    return [f"{launch.module}:{name}()" for name in factories]


def uncalled_factory(launch: Launch) -> Optional[str]:
    """``module:factory()`` when gunicorn is told to serve the factory function ``module:factory``
    itself (FDP006's message says to call it), else None."""
    if launch.server != GUNICORN or not launch.module or not launch.attr or "(" in launch.attr:
        return None
    names = module_names(launch.target_path) if launch.target_path else None
    function = names.functions.get(launch.attr) if names is not None and launch.attr in names.at_import else None
    if function is None or _required_positional(function) != 0:
        return None
    return f"{launch.module}:{launch.attr}()"


def _inside_package(launch: Launch, dotted: str) -> Optional[str]:
    """The project-relative name of the launch's working folder when that folder is the package
    ``dotted`` names (``gunicorn fact-bounty-flask:app`` run in ``fact-bounty-flask/``, an
    ``__init__.py`` there and no module of that name inside): Python looks for modules *in* the
    working folder, never for the folder itself, so the import fails
    (https://docs.python.org/3/library/sys_path_init.html). None when the folder is not known that
    well: nothing but the files' folders to go by, ``PYTHONPATH`` set, or the server told to look
    elsewhere (``--pythonpath``, ``--chdir``, a config file)."""
    if launch.server not in WSGI_SERVERS or not launch.bases or not launch.container:
        return None
    if "PYTHONPATH" in launch.env or "config" in launch.options or "--pythonpath" in launch.command \
            or "--chdir" in launch.command or "chdir" in launch.command.split():
        return None
    folder, top = launch.bases[0], dotted.split(".")[0]
    if os.path.basename(folder) != top or not os.path.isfile(os.path.join(folder, "__init__.py")):
        return None
    if os.path.exists(os.path.join(folder, top + ".py")) or os.path.isdir(os.path.join(folder, top)):
        return None
    return os.path.basename(folder)


def _missing_module(root: str, dotted: str) -> bool:
    """True only when no file of the project could be ``dotted`` and it is not an installed module."""
    if not root or "$" in dotted or "{" in dotted:
        return False
    files = sources.python_files(root)
    if not files:
        return False  # a repository of deployment files only: the code comes from elsewhere
    rel = dotted.replace(".", os.sep)
    for candidate in (rel + ".py", os.path.join(rel, "__init__.py")):
        if any(p == candidate or p.endswith(os.sep + candidate) for p in files):
            return False
    top = dotted.split(".")[0]
    if "." not in dotted and any(os.sep + top + os.sep in os.sep + os.path.dirname(p) + os.sep for p in files):
        return False  # a namespace package folder
    if "." in dotted and any(p == os.path.join(top, "__init__.py") for p in files):
        return True  # the package is the project's, the submodule is not there
    try:
        if importlib.util.find_spec(top) is not None:
            return False
    except (ImportError, ValueError):
        return False
    return True
