"""WSGI servers started from Python code: a script run with ``python wsgi.py`` that calls
``waitress.serve(app, host=..., port=...)`` (or ``listen="HOST:PORT"``) serves with waitress, not
with the Werkzeug development server. https://docs.pylonsproject.org/projects/waitress/en/stable/usage.html
(waitress's defaults: ``0.0.0.0:8080``, https://docs.pylonsproject.org/projects/waitress/en/stable/arguments.html ).

A script that is a Flask-Script manager (``from flask_script import Manager``) run with its
``runserver`` command (``python manage.py runserver -h 0.0.0.0``) serves with Flask-Script's
``Server`` command, that is ``app.run()``: the Werkzeug development server, on ``127.0.0.1:5000``
unless ``-h``/``-p`` (or the ``Server(host=..., port=...)`` the manager registers) say otherwise, with
the debugger when ``-d`` is given. https://flask-script.readthedocs.io/en/latest/#the-server-command
(Flask-Script frees ``-h`` for the host: its help is ``-?``.) Flask-Script went with Python 2, so
such a manager may not parse as Python 3: its text is searched for the import and the ``Server``
arguments when :mod:`ast` cannot read it.

The script is parsed with :mod:`ast` (never executed), once per session (a cache dropped with the
deployment contexts, when files change).
"""
from __future__ import annotations

import ast
import dataclasses
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .. import project, sources
from ..facts import string_value
from ..model import FLASK_SCRIPT_SERVER, WAITRESS, Bind, Launch
from ..session import PROJECT, current
from .commands import parse_bind
from .reach import reached_calls
from ..records import FrozenRecord


def waitress_serve(path: str) -> Optional[Tuple[Tuple[Bind, ...], int]]:
    """The binds of the first ``serve(...)`` call imported from waitress in the file ``path``.

    Returns:
        ``(binds, line)``, or None when the file has no such call (or cannot be parsed). A bind whose
        value is not a literal has host or port ``"?"``.
    """
    store = current().cache("deploy.waitress_serve", PROJECT)
    if path not in store:
        store[path] = _waitress_serve(path)
    return store[path]


def _waitress_serve(path: str) -> Optional[Tuple[Tuple[Bind, ...], int]]:
    tree = project.module_tree(path)
    if tree is None:
        return None
    names = {"waitress.serve"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "waitress":
            for alias in node.names:
                if alias.name == "serve":
                    names.add(alias.asname or "serve")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "waitress" and alias.asname:
                    names.add(f"{alias.asname}.serve")
    if names == {"waitress.serve"} and "waitress" not in {getattr(n, "id", None) for n in ast.walk(tree)}:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _dotted(node.func) in names:
            return _binds(node), node.lineno
    return None


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _binds(call: ast.Call) -> Tuple[Bind, ...]:
    kwargs = {k.arg: k.value for k in call.keywords if k.arg}
    if any(k.arg is None for k in call.keywords):
        return (Bind("?", "?"),)
    listen = kwargs.get("listen")
    if listen is not None:
        value = _const(listen)
        if value is None:
            return (Bind("?", "?"),)
        return tuple(parse_bind(v) for v in value.split())
    host = kwargs.get("host")
    port = kwargs.get("port")
    out: List[Bind] = [Bind(_const(host) or "?" if host is not None else "0.0.0.0",
                            (_const(port) or "?") if port is not None else "8080")]
    return tuple(out)


def _const(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return str(node.value)
    return None


@dataclass(init=False, repr=False, eq=False)
class ScriptServer(FrozenRecord):
    """The development server a management script starts: ``binds``, whether the command (or the
    script's ``Server(...)``) names the host (``host_given``), and whether it turns the debugger on
    (``debug``: ``-d``/``--debug``)."""

    binds: Tuple[Bind, ...]
    host_given: bool
    debug: bool

    def __init__(self, binds: Tuple[Bind, ...], host_given: bool, debug: bool) -> None:
        object.__setattr__(self, "binds", binds)
        object.__setattr__(self, "host_given", host_given)
        object.__setattr__(self, "debug", debug)


_FLASK_SCRIPT_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+flask(?:_script|\.ext\.script)[ \t.]|import[ \t]+flask_script\b)", re.MULTILINE)
_OWN_RUNSERVER = re.compile(r"^[ \t]*def[ \t]+runserver[ \t]*\(", re.MULTILINE)
_RUNSERVER_CALL = re.compile(r"add_command\(\s*['\"]runserver['\"]\s*,\s*Server\(([^)]*)\)")
_KEYWORD = re.compile(r"\b(host|port)\s*=\s*(?:['\"]([^'\"]*)['\"]|(\d+))")
_OPTIONS = {"-h": "host", "--host": "host", "-p": "port", "--port": "port"}


def flask_script_server(path: str, args: Sequence[str],
                        resolve: Callable[[str], Optional[str]] = lambda module: None) -> Optional[ScriptServer]:
    """What ``python <path> <args>`` serves when ``path`` is a Flask-Script manager and ``args``
    run its ``runserver`` command; None otherwise (another command, not a Flask-Script manager, a
    file that cannot be read). The manager may be made in a project module the script imports
    (``from open_event import manager``): ``resolve`` maps a dotted module name to its file in the
    project (None when it is not there). See the module docstring for the defaults and options."""
    command = next((a for a in args if not a.startswith("-")), None)
    if command != "runserver":
        return None
    store = current().cache("deploy.flask_script", PROJECT)
    if path not in store:
        store[path] = _server_defaults(path, resolve)
    defaults = store[path]
    if defaults is None:
        return None
    if "custom" in defaults:
        return None  # the project's own runserver does something we cannot read
    values = dict(defaults)
    host_given = "host" in values
    debug = values.pop("debug", "") == "true"
    words = list(args)
    words = words[words.index("runserver") + 1:]
    for i, word in enumerate(words):
        name, _, inline = word.partition("=")
        if name in _OPTIONS and (inline or i + 1 < len(words)):
            values[_OPTIONS[name]] = inline or words[i + 1]
            host_given = host_given or _OPTIONS[name] == "host"
        elif word in ("-d", "--debug"):
            debug = True
        elif word in ("-D", "--no-debug"):
            debug = False
    bind = Bind(values.get("host", "127.0.0.1"), values.get("port", "5000"))
    return ScriptServer((bind,), host_given, debug)


_IMPORTED = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))", re.MULTILINE)


def _server_defaults(path: str, resolve: Callable[[str], Optional[str]]) -> Optional[Dict[str, str]]:
    """``{"host"?, "port"?}`` given to the ``Server(...)`` of the Flask-Script manager run by the
    script ``path`` (a literal value; ``"?"`` for another expression), ``{}`` without one; None when
    neither ``path`` nor a project module it imports (``resolve``) imports Flask-Script, or
    ``path`` cannot be read."""
    text = _read(path)
    if text is None:
        return None
    texts = [(path, text)]
    for found in _IMPORTED.finditer(text):
        module = found.group(1) or found.group(2)
        other = resolve(module) if not module.startswith("flask") else None
        other_text = _read(other) if other and other != path else None
        if other and other_text is not None:
            texts.append((other, other_text))
    if not any(_FLASK_SCRIPT_IMPORT.search(t) for _, t in texts):
        return None
    for source, text in texts:
        found = _server_call(source, text)
        if found is not None:
            return found
    return {}


def _read(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return None


def _server_call(path: str, text: str) -> Optional[Dict[str, str]]:
    """What the Python file ``path`` (its ``text``) makes of ``runserver``: the host/port keywords of the
    ``Server(...)`` it registers as ``runserver`` (``manager.add_command("runserver",
    Server(host=...))``), or of the ``app.run(...)`` a ``runserver`` command of its own calls
    (``@manager.command def runserver(): app.run(host="0.0.0.0", debug=True)``: ``"debug"`` is
    then ``"true"``), ``{"custom": "?"}`` for a ``runserver`` of its own that starts something else
    or cannot be read; None when it does not touch ``runserver``. Python 2 sources are read from
    their text as written."""
    tree = project.module_tree(path)
    if tree is None:
        if _OWN_RUNSERVER.search(text):
            return {"custom": "?"}
        found = _RUNSERVER_CALL.search(text)
        if found is None:
            return None
        return {name: quoted or number for name, quoted, number in _KEYWORD.findall(found.group(1))}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "runserver" \
                and node.decorator_list:
            return _own_runserver(node)
        if not (isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "add_command"
                and len(node.args) == 2 and _const(node.args[0]) == "runserver"):
            continue
        server = node.args[1]
        if isinstance(server, ast.Call) and _dotted(server.func).split(".")[-1] == "Server":
            kwargs = {k.arg: k.value for k in server.keywords if k.arg in ("host", "port")}
            return {name: (_const(value) or "?") for name, value in kwargs.items()}
        return {"custom": "?"}
    return None


def _own_runserver(func: ast.AST) -> Dict[str, str]:
    """The bind and debug of the one ``X.run(...)`` call of a project's own ``runserver`` command,
    ``{"custom": "?"}`` without exactly one (another server, or none we can read)."""
    runs = [n for n in ast.walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == "run"]
    if len(runs) != 1 or any(k.arg is None for k in runs[0].keywords):
        return {"custom": "?"}
    run = runs[0]
    given = dict(zip(("host", "port", "debug"), run.args))
    given.update({k.arg: k.value for k in run.keywords if k.arg in ("host", "port", "debug")})
    out = {name: (_const(value) or "?") for name, value in given.items() if name in ("host", "port")}
    debug = given.get("debug")
    if isinstance(debug, ast.Constant) and debug.value is True:
        out["debug"] = "true"
    return out


def entry_calls(path: str, resolve: Callable[[str], Optional[str]]) -> Tuple[Tuple[str, str], ...]:
    """The functions and methods of the project that the script ``path`` reaches when it runs as
    ``__main__`` (:func:`~flake8_flask_deploy.deploy.reach.reached_calls`: ``((file, qualified
    name), ...)``), kept for the session. ``resolve`` maps a dotted module name to its file in the
    project (None when it is not there).

    A thin launcher (``python ./changedetection.py`` calling ``changedetectionio.main()``) runs what
    that function runs: its ``app.run()`` is the launch's server; so does a program whose calls build
    an object whose method starts it (``FlaskAppManager(app).run()`` -> ``self.app.run()``)."""
    store = current().cache("deploy.entry_calls", PROJECT)
    if path not in store:
        store[path] = reached_calls(path, resolve)
    return store[path]


#: The fields of a python-script launch that its script's text decides (``serve(app)``, a Flask-Script
#: manager, the functions it calls, ``app.run()``'s address; :func:`apply_python_server`): an edit of
#: the script re-derives only these (``deploy._scripts_fresh``, the on-disk cache), without the builder.
SCRIPT_FIELDS = ("serves_with", "binds", "host_given", "debug", "calls", "bind_default")


def python_server_fields(launch: Launch, root: str) -> Dict[str, Any]:
    """The :data:`SCRIPT_FIELDS` of the python-script ``launch`` of the project ``root`` as its script
    decides them now, computed as a build does (same function, from the launch's ``script``,
    ``script_args`` and ``bases``); ``launch`` itself is not changed.

    Args:
        launch: a python-script launch (``script`` set), its SCRIPT_FIELDS as they were before its
            script was read (see :class:`ScriptPart`).
        root: the absolute project root.
    Returns:
        ``{field name: value}`` for every name of SCRIPT_FIELDS. Never raises on a bad script (it
        parses as the builder does).
    """
    probe = dataclasses.replace(launch)
    if probe.script:
        apply_python_server(probe, root, probe.script_args, probe.bases)
    return {name: getattr(probe, name) for name in SCRIPT_FIELDS}


def apply_python_server(launch: Launch, root: str, args: Sequence[str] = (), bases: Tuple[str, ...] = ()) -> None:
    """``python wsgi.py`` where the script calls ``waitress.serve(app, ...)``: served by waitress;
    ``python manage.py runserver ...`` with a Flask-Script manager (``args``: the words after the
    script): served by Flask-Script's development server, at the address its options give;
    otherwise the address its ``app.run(...)`` binds, when literal."""
    assert launch.script is not None
    served = waitress_serve(launch.script)
    if served is not None:
        launch.serves_with = WAITRESS
        launch.binds = served[0]
        launch.host_given = True
        return
    folders = (os.path.dirname(launch.script),) + tuple(bases)

    def resolve(module: str) -> Optional[str]:
        return project.dotted_to_file(root, module, folders)

    managed = flask_script_server(launch.script, args, resolve)
    if managed is not None:
        launch.serves_with = FLASK_SCRIPT_SERVER
        launch.binds = managed.binds
        launch.host_given = managed.host_given
        launch.debug = launch.debug or managed.debug
        return
    launch.calls = tuple((sources.normpath(f), name) for f, name in entry_calls(launch.script, resolve))
    facts = project.facts_of_file(launch.script)
    if facts is None:
        return
    runs = [r for r in facts.runs if facts.region_of(r.where) in ("import", "guard")
            and facts.is_app(r.receiver, r.where.scope)]
    if len(runs) != 1 or runs[0].star_kwargs:
        return
    run = runs[0]
    host = "127.0.0.1" if run.host is None else string_value(facts.constant_value(run.host))
    port_node = facts.constant_value(run.port) if run.port is not None else None
    if run.port is None:
        port: Optional[str] = "5000"
    elif port_node is not None and hasattr(port_node, "value") and isinstance(port_node.value, int):
        port = str(port_node.value)
    else:
        port = string_value(port_node)
    if host is None or port is None:
        return
    launch.binds = (Bind(host, port),)
    launch.bind_default = run.host is None and run.port is None
