"""Turn one command line into a description of the server it starts.

Command lines come from Dockerfile CMD/ENTRYPOINT, compose ``command:``, Procfile entries (and,
later, systemd ``ExecStart=`` and shell scripts). They are split with :mod:`shlex`; shell operators
(``&&``, ``;``, ``|``) separate commands, and the last server-like command wins.

Facts encoded here and their sources:

* gunicorn's command line (``-b/--bind``, ``-c``, ``--chdir``, ``--reload``, ``APP_MODULE``) and its
  default bind ``127.0.0.1:8000`` or ``0.0.0.0:$PORT`` when PORT is set:
  https://docs.gunicorn.org/en/stable/settings.html#bind
* ``flask run`` options ``--host/-h``, ``--port/-p``, ``--debug``, ``--app``, and the variables
  ``FLASK_APP``, ``FLASK_RUN_HOST``, ``FLASK_DEBUG``: https://flask.palletsprojects.com/en/stable/cli/
* ``waitress-serve --listen/--host/--port [--call] MODULE:OBJECT``; waitress binds ``0.0.0.0:8080``
  by default: https://docs.pylonsproject.org/projects/waitress/en/stable/runner.html
* uWSGI's ``--http``, ``--http-socket``, ``--socket``, ``--module``, ``--wsgi-file``, ``--callable``:
  https://uwsgi-docs.readthedocs.io/en/latest/Options.html
"""
from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from ..model import FLASK_RUN, GUNICORN, UWSGI, WAITRESS, WERKZEUG_SCRIPT, Bind
from ..records import FROM_FACTORY, Record

_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON = re.compile(r"^(python|python[23](\.\d+)?|pypy3?)$")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_WRAPPERS = frozenset({"exec", "nohup", "nice", "time", "tini", "dumb-init", "gosu", "su-exec", "--"})
_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "(", ")"})


@dataclass(init=False, repr=False, eq=False)
class ParsedCommand(Record):
    """What a command line starts (see :class:`~flake8_flask_deploy.model.Launch` for fields)."""

    server: str
    argv: List[str]
    script: Optional[str] = None  # path as written, relative to the working directory
    module: Optional[str] = None
    attr: Optional[str] = None
    binds: Tuple[Bind, ...] = ()
    env: Dict[str, str] = field(default_factory=dict)
    debug: bool = False
    host_given: bool = False
    chdir: Optional[str] = None
    options: Dict[str, str] = field(default_factory=dict)

    def __init__(self, server: str, argv: List[str], script: Optional[str] = None,
                 module: Optional[str] = None, attr: Optional[str] = None, binds: Tuple[Bind, ...] = (),
                 env: Dict[str, str] = FROM_FACTORY, debug: bool = False, host_given: bool = False,
                 chdir: Optional[str] = None, options: Dict[str, str] = FROM_FACTORY) -> None:
        self.server = server
        self.argv = argv
        self.script = script
        self.module = module
        self.attr = attr
        self.binds = binds
        self.env = {} if env is FROM_FACTORY else env
        self.debug = debug
        self.host_given = host_given
        self.chdir = chdir
        self.options = {} if options is FROM_FACTORY else options


def split_shell(text: str) -> List[List[str]]:
    """Split a shell command string into simple commands at ``&&``, ``||``, ``;``, ``|``, ``&``.

    Returns:
        a list of argv lists; an unparsable string (unbalanced quotes) gives ``[]``.
    """
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        return []
    commands: List[List[str]] = [[]]
    for token in tokens:
        if token in _OPERATORS or (token and set(token) <= set("&|;()<>")):
            if token and set(token) <= set("<>"):
                commands[-1].append(token)  # a redirection: keep it, the parser ignores its target
                continue
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def parse_command(argv: Sequence[str], env: Optional[Dict[str, str]] = None,
                  groups: Optional[Mapping[str, Optional[str]]] = None,
                  scripts: Optional[Mapping[str, str]] = None) -> Optional[ParsedCommand]:
    """Describe the server the command ``argv`` starts.

    Args:
        argv: the command, already split (exec form), or one element holding a shell string.
        env: the environment the deployment file sets (used for ``$PORT``-less binds and FLASK_*).
        groups: the project's programs that are Flask CLI groups, with the app target each names
            (:func:`~flake8_flask_deploy.deploy.clis.flask_groups`): ``alertad run`` is then read
            as ``flask run`` (``options["cli"]`` holds the program's name).
        scripts: the Python scripts the project installs as commands, by command name, with their
            paths relative to the project root (:func:`~flake8_flask_deploy.deploy.clis.installed_scripts`):
            ``run-batch-client`` then runs that file as ``__main__``, as ``python FILE`` would.
    Returns:
        the last server-like command found (``sh -c`` bodies and ``&&`` chains are looked into),
        or None when no Python server is started.
    """
    env = dict(env or {})
    found: Optional[ParsedCommand] = None
    for simple in _simple_commands(list(argv)):
        parsed = _parse_simple(simple, env, groups or {}, scripts or {})
        if parsed is not None:
            found = parsed
    return found


def _simple_commands(argv: List[str]) -> List[List[str]]:
    head = 0
    while head < len(argv) - 1 and os.path.basename(argv[head]) in _WRAPPERS:
        head += 1  # ``dumb-init -- sh -c "..."``, ``tini -- ...``, ``exec ...``: the wrapper runs the rest
    if head:
        return _simple_commands(argv[head:])
    if len(argv) == 1 and (" " in argv[0] or any(op in argv[0] for op in ("&&", ";"))):
        return [c for sub in split_shell(argv[0]) for c in _simple_commands(sub)]
    if len(argv) >= 3 and os.path.basename(argv[0]) in _SHELLS and argv[1] in ("-c", "-ec", "-ce", "-lc", "-xc"):
        return [c for sub in split_shell(argv[2]) for c in _simple_commands(sub)]
    return [argv]


def _strip_prefix(argv: List[str], env: Dict[str, str]) -> List[str]:
    i = 0
    while i < len(argv):
        word = argv[i]
        if _ENV_ASSIGN.match(word):
            key, _, value = word.partition("=")
            env[key] = value
            i += 1
        elif os.path.basename(word) in _WRAPPERS:
            i += 1
        elif os.path.basename(word) == "env":
            i += 1
            while i < len(argv) and (argv[i].startswith("-") or _ENV_ASSIGN.match(argv[i])):
                if _ENV_ASSIGN.match(argv[i]):
                    key, _, value = argv[i].partition("=")
                    env[key] = value
                i += 1
        elif word in ("poetry", "pipenv", "uv", "pdm", "hatch") and i + 1 < len(argv) and argv[i + 1] == "run":
            i += 2
        else:
            break
    return argv[i:]


def _parse_simple(argv: List[str], env: Dict[str, str], groups: Mapping[str, Optional[str]],
                  scripts: Mapping[str, str]) -> Optional[ParsedCommand]:
    argv = _strip_prefix(argv, env)
    if not argv:
        return None
    prog = os.path.basename(argv[0])
    rest = argv[1:]
    if prog in groups:  # the project's own `flask` command (a FlaskGroup console script)
        target = groups[prog]
        parsed = _parse_flask(argv, (["--app", target] if target else []) + rest, env)
        if parsed is not None:
            parsed.options["cli"] = prog
        return parsed
    if prog in scripts and not os.path.dirname(argv[0]):  # an installed script, found on PATH
        return ParsedCommand(WERKZEUG_SCRIPT, [scripts[prog]] + rest, script=scripts[prog], env=dict(env))
    if _PYTHON.match(prog):
        return _parse_python(argv, rest, env)
    if prog.endswith(".py") and not prog.startswith("-"):
        # a script run directly (``./app.py``, ``uv run main.py``, systemd ``ExecStart=/srv/app.py``):
        # its shebang names the interpreter, and it runs as ``__main__`` as with ``python app.py``
        return ParsedCommand(WERKZEUG_SCRIPT, list(argv), script=argv[0], env=dict(env))
    if prog == "flask":
        return _parse_flask(argv, rest, env)
    if prog == "gunicorn":
        return parse_gunicorn(argv, rest, env)
    if prog in ("waitress-serve", "waitress"):
        return _parse_waitress(argv, rest, env)
    if prog in ("uwsgi", "uwsgi-core"):
        return _parse_uwsgi(argv, rest, env)
    return None


_PY_OPTS_WITH_VALUE = frozenset({"-W", "-X", "-c", "--check-hash-based-pycs"})


def _parse_python(argv: List[str], rest: List[str], env: Dict[str, str]) -> Optional[ParsedCommand]:
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "-m" and i + 1 < len(rest):
            module = rest[i + 1]
            tail = rest[i + 2:]
            if module == "flask":
                return _parse_flask(argv, tail, env)
            if module == "gunicorn":
                return parse_gunicorn(argv, tail, env)
            if module == "waitress":
                return _parse_waitress(argv, tail, env)
            if module in ("pip", "pytest", "unittest", "venv", "http.server", "alembic", "celery"):
                return None
            return ParsedCommand(WERKZEUG_SCRIPT, list(argv), module=module, env=dict(env))
        if word == "-c":
            return None
        if word in _PY_OPTS_WITH_VALUE:
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        if word.endswith(".py"):
            return ParsedCommand(WERKZEUG_SCRIPT, list(argv), script=word, env=dict(env))
        return None
    return None


def split_target(target: str) -> Tuple[Optional[str], Optional[str]]:
    """Split a WSGI target ``module:attr`` (``pkg.wsgi:app``, ``app.py``, ``'app:create_app()'``)
    into ``(module, attr)``; either may be None. https://docs.gunicorn.org/en/stable/run.html"""
    module, _, attr = target.partition(":")
    module = module.strip()
    if module.endswith(".py"):
        module = module[:-3].replace("/", ".")
    if not re.fullmatch(r"[A-Za-z_][\w.-]*", module or ""):  # importlib takes ``my-app`` too
        return None, None
    return module, (attr.strip() or None)


def _parse_flask(argv: List[str], rest: List[str], env: Dict[str, str]) -> Optional[ParsedCommand]:
    app = env.get("FLASK_APP")
    debug = _truthy(env.get("FLASK_DEBUG"))
    i = 0
    while i < len(rest) and rest[i] != "run":
        word = rest[i]
        if word in ("--app", "-A") and i + 1 < len(rest):
            app = rest[i + 1]
            i += 2
            continue
        if word.startswith("--app="):
            app = word.split("=", 1)[1]
        elif word == "--debug":
            debug = True
        elif word == "--no-debug":
            debug = False
        i += 1
    if i >= len(rest):
        return None  # ``flask db upgrade`` and other commands
    host = env.get("FLASK_RUN_HOST")
    port = env.get("FLASK_RUN_PORT")
    host_given = host is not None
    options: Dict[str, str] = {}
    tail = rest[i + 1:]
    j = 0
    while j < len(tail):
        word = tail[j]
        value = tail[j + 1] if j + 1 < len(tail) else None
        if word in ("--host", "-h") and value is not None:
            host, host_given = value, True
            j += 2
            continue
        if word in ("--port", "-p") and value is not None:
            port = value
            j += 2
            continue
        if word.startswith("--host="):
            host, host_given = word.split("=", 1)[1], True
        elif word.startswith("--port="):
            port = word.split("=", 1)[1]
        elif word == "--debug":
            debug = True
        elif word == "--reload":
            options["reload"] = "true"
        j += 1
    module, attr = split_target(app) if app else (None, None)
    if app and module is None:
        module, attr = None, None
    return ParsedCommand(
        FLASK_RUN, list(argv), module=module, attr=attr, binds=(Bind(_host(host) if host_given else None, port),),
        env=dict(env), debug=debug, host_given=host_given, options=options,
    )


_GUNICORN_FLAGS = frozenset(
    {"--reload", "--preload", "-D", "--daemon", "--capture-output", "--enable-stdio-inheritance",
     "--check-config", "--print-config", "--spew", "--no-sendfile", "--reuse-port", "--strip-header-spaces",
     "-R", "--proxy-protocol", "--suppress-ragged-eofs", "--do-handshake-on-connect", "--paste-deploy"}
)


def parse_gunicorn(argv: List[str], rest: List[str], env: Dict[str, str]) -> Optional[ParsedCommand]:
    """The gunicorn command ``argv`` (``rest``: the words after it; ``env``: its environment) as a
    :class:`ParsedCommand` (target, binds, options), or None when it names no target.
    Options: https://docs.gunicorn.org/en/stable/settings.html"""
    binds: List[Bind] = []
    options: Dict[str, str] = {}
    chdir = None
    target = None
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("--") and "=" in word:
            key, _, value = word.partition("=")
            consumed = 1
        elif word.startswith("-") and word not in _GUNICORN_FLAGS:
            if len(word) > 2 and not word.startswith("--"):  # -b0.0.0.0:80
                key, value, consumed = word[:2], word[2:], 1
            else:
                key = word
                value = rest[i + 1] if i + 1 < len(rest) else ""
                consumed = 2
        elif word.startswith("-"):
            key, value, consumed = word, "true", 1
        else:
            target = word
            i += 1
            continue
        i += consumed
        if key in ("-b", "--bind"):
            binds.append(gunicorn_bind(value))
        elif key in ("--chdir",):
            chdir = value
        elif key in ("-c", "--config"):
            options["config"] = value
        elif key in ("--reload",):
            options["reload"] = "true"
        elif key in ("-w", "--workers"):
            options["workers"] = value
    module, attr = split_target(target) if target else (None, None)
    return ParsedCommand(
        GUNICORN, list(argv), module=module, attr=attr or ("application" if module else None), binds=tuple(binds),
        env=dict(env), host_given=bool(binds), chdir=chdir, options=options,
    )


def _parse_waitress(argv: List[str], rest: List[str], env: Dict[str, str]) -> Optional[ParsedCommand]:
    binds: List[Bind] = []
    host = port = None
    target = None
    options: Dict[str, str] = {}
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("--") and "=" in word:
            key, _, value = word.partition("=")
            i += 1
        elif word == "--call":
            options["call"] = "true"
            i += 1
            continue
        elif word.startswith("-"):
            key, value = word, rest[i + 1] if i + 1 < len(rest) else ""
            i += 2
        else:
            target = word
            i += 1
            continue
        if key == "--listen":
            binds.append(parse_bind(value))
        elif key == "--host":
            host = value
        elif key == "--port":
            port = value
    if host is not None or port is not None:
        binds.append(Bind(_host(host) if host is not None else "0.0.0.0", port))
    module, attr = split_target(target) if target else (None, None)
    attr = attr or ("application" if module else None)
    return ParsedCommand(WAITRESS, list(argv), module=module, attr=attr, binds=tuple(binds), env=dict(env),
                         host_given=bool(binds), options=options)


def _parse_uwsgi(argv: List[str], rest: List[str], env: Dict[str, str]) -> Optional[ParsedCommand]:
    binds: List[Bind] = []
    module = attr = script = chdir = None
    options: Dict[str, str] = {}
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("--") and "=" in word:
            key, _, value = word.partition("=")
            i += 1
        elif word.startswith("-") and i + 1 < len(rest) and not rest[i + 1].startswith("-"):
            key, value = word, rest[i + 1]
            i += 2
        else:
            key, value = word, "true"
            i += 1
        if key in ("--http", "--http-socket", "--https", "--socket", "-s", "--uwsgi-socket"):
            binds.append(parse_bind(value))
        elif key in ("--module", "-w", "--wsgi"):
            module, attr = split_target(value)
        elif key == "--callable":
            attr = value
        elif key == "--wsgi-file":
            script = value
        elif key == "--chdir":
            chdir = value
        elif key == "--ini" or (not key.startswith("-") and key.endswith(".ini")):
            options["ini"] = value if key == "--ini" else key
        elif key in ("--py-autoreload", "--python-autoreload", "--touch-reload"):
            if key != "--touch-reload" and value not in ("0", "false"):
                options["reload"] = "true"
    attr = attr or ("application" if module else None)
    return ParsedCommand(UWSGI, list(argv), script=script, module=module, attr=attr,
                         binds=tuple(binds), env=dict(env), host_given=bool(binds), chdir=chdir, options=options)


def _host(host: Optional[str]) -> Optional[str]:
    if host is None:
        return None
    if "$" in host:
        return "?"
    return host


def parse_bind(value: str) -> Bind:
    """Parse a gunicorn/uWSGI/waitress address: ``HOST:PORT``, ``[::1]:80``, ``:8000``, ``unix:/x``."""
    value = value.strip()
    if value.startswith("unix:") or value.startswith("/") or value.endswith(".sock"):
        path = value[5:] if value.startswith("unix:") else value
        return Bind("unix", path or None)  # the socket path is kept in ``port``
    if value.startswith("fd://"):
        return Bind("?", None)
    if value.startswith("["):
        host, _, port = value[1:].partition("]")
        return Bind(_host(host), port.lstrip(":") or None)
    if ":" in value:
        host, _, port = value.rpartition(":")
        return Bind(_host(host) if host else "0.0.0.0", port or None)
    if value.isdigit() or value.startswith("$"):
        return Bind("?", value)
    return Bind(_host(value), None)


def gunicorn_bind(value: str) -> Bind:
    """A gunicorn ``bind``: :func:`parse_bind`, with gunicorn's port 8000 when only a host is given
    (``-b 0.0.0.0``; gunicorn's ``util.parse_address(netloc, default_port='8000')``,
    https://docs.gunicorn.org/en/stable/settings.html#bind)."""
    bind = parse_bind(value)
    if bind.port is None and bind.host not in ("unix", "?"):
        return Bind(bind.host, "8000")
    return bind


def _truthy(value: Optional[str]) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
