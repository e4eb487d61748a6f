"""The data that flows between readers, rules and front ends.

Everything here is a plain, immutable-by-convention dataclass so that facts and findings can be
cached per process and passed to flake8 worker processes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Tuple
from .records import FROM_FACTORY, FrozenRecord, Record

#: Server kinds a :class:`Launch` can start.
WERKZEUG_SCRIPT = "python-script"  # ``python app.py`` / ``python -m pkg.app``: runs the module as __main__
FLASK_RUN = "flask-run"  # ``flask run``: the Werkzeug development server through Flask's CLI
GUNICORN = "gunicorn"
UWSGI = "uwsgi"
WAITRESS = "waitress"
#: ``Launch.serves_with`` of ``python manage.py runserver`` where manage.py is a Flask-Script manager:
#: Flask-Script's ``Server`` command, which runs ``app.run()`` (the Werkzeug development server).
#: https://flask-script.readthedocs.io/en/latest/#the-server-command
FLASK_SCRIPT_SERVER = "Flask-Script runserver"
WSGI_SERVERS = frozenset({GUNICORN, UWSGI, WAITRESS})

#: The code ``check`` reports a Python file it had to analyse but could not parse or decode with
#: (syntax error, bytes invalid in its encoding, nesting too deep for the parser): flake8 says
#: ``E999`` (pyflakes' SyntaxError) and ``E902`` (tokenizer and I/O errors), ruff ``invalid-syntax``
#: and ``E902``; ours is in our own prefix so that ``--select FDP``/``--ignore E999`` keep their meaning.
PARSE_ERROR = "FDP000"
#: Its name (``--statistics``, JSON ``name``).
PARSE_ERROR_NAME = "unparsable-file"


class Spot:
    """Where a node was: its four ``ast`` position attributes, without the node.

    A scan outlives its tree in the per-process cache, and what it refers to stays alive with it: an
    ``ast`` node costs about 400 bytes with its ``__dict__``, an import statement holds its aliases
    and a route decorator its arguments (over 2,000 nodes for mlflow's server modules). Records
    whose node is only ever located (import statements, routes) keep a ``Spot`` instead; rules and
    :class:`~flake8_flask_deploy.rules.ModuleContext`'s ``finding`` read the same attributes.
    """

    __slots__ = ("lineno", "col_offset", "end_lineno", "end_col_offset")

    def __init__(self, node: Any) -> None:
        """``node``: an ``ast`` statement or expression (anything with ``lineno`` and ``col_offset``)."""
        self.lineno: int = node.lineno
        self.col_offset: int = node.col_offset
        self.end_lineno: Optional[int] = getattr(node, "end_lineno", None)
        self.end_col_offset: Optional[int] = getattr(node, "end_col_offset", None)

    def __repr__(self) -> str:
        return f"Spot({self.lineno}:{self.col_offset}-{self.end_lineno}:{self.end_col_offset})"


@dataclass(init=False, repr=False, eq=False)
class Location(FrozenRecord):
    """A place in a file: absolute ``path`` and 1-based ``line`` (``col`` is 0-based, in bytes)."""

    path: str
    line: int
    col: int = 0

    def __init__(self, path: str, line: int, col: int = 0) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "col", col)

    def short(self, root: Optional[str] = None) -> str:
        """Return ``relpath:line`` relative to ``root`` (or the current directory).

        Returns:
            str: e.g. ``"Dockerfile:7"``.
        """
        try:
            rel = os.path.relpath(self.path, root or os.getcwd())
        except ValueError:  # other drive on Windows
            rel = self.path
        if rel.startswith(".." + os.sep) and root is None:
            rel = self.path
        return f"{rel}:{self.line}"


@dataclass(init=False, repr=False, eq=False)
class Bind(FrozenRecord):
    """An address a server listens on.

    ``host`` is ``None`` when the command leaves it to the server's default, ``"?"`` when it comes
    from something we cannot evaluate (``$HOST``), ``"unix"`` for a unix socket.
    ``port`` is a string (it may be ``"$PORT"``) or ``None``.
    """

    host: Optional[str]
    port: Optional[str] = None

    def __init__(self, host: Optional[str], port: Optional[str] = None) -> None:
        object.__setattr__(self, "host", host)
        object.__setattr__(self, "port", port)

    @property
    def is_loopback(self) -> bool:
        """True when ``host`` is a loopback name or address (127.0.0.0/8, ``localhost``, ``::1``)."""
        return is_loopback_host(self.host)


def is_loopback_host(host: Optional[str]) -> bool:
    """Return True for ``localhost``, ``127.x.y.z`` and ``::1`` (with or without brackets).

    Args:
        host: a host string, or None (the caller decides what a missing host means).
    """
    if not host:
        return False
    h = host.strip().strip("[]").lower()
    return h == "localhost" or h == "::1" or h.startswith("127.")


def attr_name(attr: Optional[str]) -> str:
    """The name a served attribute spells (:attr:`Launch.attr`): ``app`` of ``"app"``,
    ``create_app`` of ``"create_app()"`` or ``"create_app('prod')"``; ``""`` for None."""
    return (attr or "").split("(")[0].strip()


@dataclass(init=False, repr=False, eq=False)
class Launch(Record):
    """One way the project is started, read from one deployment file.

    Attributes:
        source: where the command is written (deployment file and line).
        server: one of the server kind constants of this module, or ``"other"``.
        command: the command as written (for messages).
        script: absolute path of the Python file the process runs as ``__main__`` (python-script),
            else None.
        module: dotted module the server imports (``"blog.wsgi"``) or None.
        attr: attribute of ``module`` served (``"app"``, ``"create_app()"``) or None.
        target_path: absolute path of the file of ``module`` when it was found in the project.
        binds: the addresses the server binds, when the command says so.
        env: environment set for the process by the deployment file (ENV, ``environment:``).
        debug: True when the command itself turns on debug (``flask run --debug``).
        container: True for Dockerfile / compose launches.
        exposed: True when the process must accept connections from outside its host or container
            (any container, a Procfile ``web`` process).
        production: False for files whose names say development (``docker-compose.dev.yml``).
        options: server options that matter to rules (``{"reload": "true"}``).
        env_lines: the line of the deployment file that sets each variable of ``env``.
        host_given: the command (or its environment) sets the bind host explicitly.
        kind: the reader that found it (``"dockerfile"``, ``"compose"``, ``"procfile"``, ``"systemd"``,
            ``"supervisor"``, ``"nomad"``, ``"shell"``, ``"gunicorn-config"``, ``"uwsgi-ini"``).
        name: the compose service, supervisor program, systemd unit or Nomad task name, when there is one.
        env_sources: for variables set in another file than ``source`` (``.flaskenv``, a systemd
            ``EnvironmentFile=``, a start script), where each is set.
        via: the files the command was followed through (a start script, a gunicorn config file).
        serves_with: for a python-script launch, the WSGI server the script starts itself
            (``"waitress"`` for ``serve(app, ...)``), else None.
        bind_default: True when ``binds`` is the server's default (no bind written anywhere).
        calls: for a python-script launch, the functions of other project modules its script calls
            when it runs (``(module file, function name)``: ``changedetectionio.main()``): what
            they run, such as an ``app.run()``, runs in this launch.
        image: for a compose service that runs the command of the image it builds (no ``command:``
            of its own), the Dockerfile line of that command: a problem of that command is one
            finding, at the Dockerfile line, with the service as a related location.
        script_args: for a python-script launch, the words after the script on its command line.
        bases: the folders the launch's relative paths and modules are resolved from (WORKDIR
            mapped through COPY, build context, working directory), nearest first: the first is
            its working folder as far as the files tell. For a python-script launch these two are what
            re-deriving the fields its script decides needs
            (:func:`flake8_flask_deploy.deploy.pyserve.python_server_fields`); not compared.
    """

    source: Location
    server: str
    command: str
    script: Optional[str] = None
    module: Optional[str] = None
    attr: Optional[str] = None
    target_path: Optional[str] = None
    binds: Tuple[Bind, ...] = ()
    env: Dict[str, str] = field(default_factory=dict)
    debug: bool = False
    container: bool = False
    exposed: bool = False
    production: bool = True
    options: Dict[str, str] = field(default_factory=dict)
    env_lines: Dict[str, int] = field(default_factory=dict)
    host_given: bool = False
    kind: str = ""
    name: Optional[str] = None
    env_sources: Dict[str, Location] = field(default_factory=dict)
    via: Tuple[Location, ...] = ()
    serves_with: Optional[str] = None
    bind_default: bool = False
    image: Optional[Location] = None
    calls: Tuple[Tuple[str, str], ...] = ()
    script_args: Tuple[str, ...] = field(default=(), compare=False, repr=False)
    bases: Tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __init__(self, source: Location, server: str, command: str, script: Optional[str] = None,
                 module: Optional[str] = None, attr: Optional[str] = None, target_path: Optional[str] = None,
                 binds: Tuple[Bind, ...] = (), env: Dict[str, str] = FROM_FACTORY, debug: bool = False,
                 container: bool = False, exposed: bool = False, production: bool = True,
                 options: Dict[str, str] = FROM_FACTORY, env_lines: Dict[str, int] = FROM_FACTORY,
                 host_given: bool = False, kind: str = "", name: Optional[str] = None,
                 env_sources: Dict[str, Location] = FROM_FACTORY, via: Tuple[Location, ...] = (),
                 serves_with: Optional[str] = None, bind_default: bool = False,
                 image: Optional[Location] = None, calls: Tuple[Tuple[str, str], ...] = (),
                 script_args: Tuple[str, ...] = (), bases: Tuple[str, ...] = ()) -> None:
        self.source = source
        self.server = server
        self.command = command
        self.script = script
        self.module = module
        self.attr = attr
        self.target_path = target_path
        self.binds = binds
        self.env = {} if env is FROM_FACTORY else env
        self.debug = debug
        self.container = container
        self.exposed = exposed
        self.production = production
        self.options = {} if options is FROM_FACTORY else options
        self.env_lines = {} if env_lines is FROM_FACTORY else env_lines
        self.host_given = host_given
        self.kind = kind
        self.name = name
        self.env_sources = {} if env_sources is FROM_FACTORY else env_sources
        self.via = via
        self.serves_with = serves_with
        self.bind_default = bind_default
        self.image = image
        self.calls = calls
        self.script_args = script_args
        self.bases = bases

    def env_location(self, key: str) -> Location:
        """Where the variable ``key`` of ``env`` is set (its own file and line when known)."""
        if key in self.env_sources:
            return self.env_sources[key]
        return Location(self.source.path, self.env_lines.get(key, self.source.line))

    @property
    def runs_as_main(self) -> bool:
        """True when the launch executes its module's ``if __name__ == "__main__":`` block."""
        return self.server == WERKZEUG_SCRIPT

    def describe(self, root: Optional[str] = None) -> str:
        """Return a short description for messages, e.g. ``"Dockerfile:7 runs this file with python"``."""
        where = self.source.short(root)
        if self.server == WERKZEUG_SCRIPT:
            return f"{where} runs this file with python"
        if self.server == FLASK_RUN:
            return f"{where} starts it with `flask run`"
        return f"{where} serves it with {self.server}"


@dataclass(init=False, repr=False, eq=False)
class DeploymentContext(Record):
    """How a project is started: the launches read from its deployment files.

    Attributes:
        root: absolute project root.
        launches: every launch found, production or not.
        files: deployment files that were read.
        warnings: ``(path, message)`` for files that could not be read; never raised.
        proxies: reverse-proxy forwards (nginx ``proxy_pass``/``uwsgi_pass``) found in the project.
        memo: what rules and the engine derive from this context alone (name -> value), kept on the
            context so that it lives exactly as long as the context (not copied by
            ``dataclasses.replace``, not compared).
    """

    root: str
    launches: List[Launch] = field(default_factory=list)
    files: List[str] = field(default_factory=list)
    warnings: List[Tuple[str, str]] = field(default_factory=list)
    proxies: List["Proxy"] = field(default_factory=list)
    memo: Dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __init__(self, root: str, launches: List[Launch] = FROM_FACTORY, files: List[str] = FROM_FACTORY,
                 warnings: List[Tuple[str, str]] = FROM_FACTORY, proxies: List["Proxy"] = FROM_FACTORY) -> None:
        self.root = root
        self.launches = [] if launches is FROM_FACTORY else launches
        self.files = [] if files is FROM_FACTORY else files
        self.warnings = [] if warnings is FROM_FACTORY else warnings
        self.proxies = [] if proxies is FROM_FACTORY else proxies
        self.memo = {}

    @property
    def production_launches(self) -> List[Launch]:
        """Launches that run in production (not from a file named for development)."""
        return [launch for launch in self.launches if launch.production]

    def launches_for(self, path: str) -> List[Launch]:
        """Production launches whose script or served module is the file ``path``.

        Args:
            path: absolute, normalised path of a Python file.
        """
        out = []
        for launch in self.production_launches:
            if path in (launch.script, launch.target_path):
                out.append(launch)
        return out


@dataclass(init=False, repr=False, eq=False)
class Proxy(Record):
    """One reverse-proxy forward: an nginx ``proxy_pass``/``uwsgi_pass`` to an address.

    Attributes:
        source: the ``proxy_pass``/``uwsgi_pass`` line.
        protocol: ``"http"`` (proxy_pass) or ``"uwsgi"`` (uwsgi_pass).
        target: the address as written (``http://localhost:4444``, ``app_server``, ``unix:/run/x.sock``).
        addresses: the ``Bind`` s it forwards to (an upstream block's servers resolved; ``host`` is
            ``"unix"`` with the socket path in ``port`` for unix sockets; empty when unknown).
        upstream: the upstream block's name when ``target`` names one.
        headers: request headers the proxy sets for the app (``proxy_set_header``), lower-case names.
        header_lines: the line of each header in ``headers``.
        listen: the ``listen`` values of the enclosing server block.
        production: False for files named for development.
    """

    source: Location
    protocol: str
    target: str
    addresses: Tuple[Bind, ...] = ()
    upstream: Optional[str] = None
    headers: Tuple[str, ...] = ()
    header_lines: Dict[str, int] = field(default_factory=dict)
    listen: Tuple[str, ...] = ()
    production: bool = True

    def __init__(self, source: Location, protocol: str, target: str, addresses: Tuple[Bind, ...] = (),
                 upstream: Optional[str] = None, headers: Tuple[str, ...] = (),
                 header_lines: Dict[str, int] = FROM_FACTORY, listen: Tuple[str, ...] = (),
                 production: bool = True) -> None:
        self.source = source
        self.protocol = protocol
        self.target = target
        self.addresses = addresses
        self.upstream = upstream
        self.headers = headers
        self.header_lines = {} if header_lines is FROM_FACTORY else header_lines
        self.listen = listen
        self.production = production

    @property
    def forwards_client_info(self) -> bool:
        """True when the proxy passes the client address or scheme in ``X-Forwarded-*``/``X-Real-IP``/``Forwarded``."""
        return any(h.startswith("x-forwarded-") or h in ("x-real-ip", "forwarded") for h in self.headers)


EMPTY_CONTEXT_ROOT = ""


@dataclass(init=False, repr=False, eq=False)
class FixPlan(FrozenRecord):
    """What ``fix`` does about one finding, as the fix planner found it by running the fixers
    without writing (ruff's ``fix`` object of a diagnostic, Fixit's replacement).

    Attributes:
        safety: ``"safe"`` (keeps the program's meaning; applied by plain ``fix``) or ``"unsafe"``
            (may change behaviour; applied with ``--unsafe-fixes``).
        description: what the rewrite does, one line ("switch the command to gunicorn").
        files: the files it edits (normalised absolute paths, the finding's own first when it edits it).
    """

    safety: str
    description: str
    files: Tuple[str, ...] = ()

    def __init__(self, safety: str, description: str, files: Tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "safety", safety)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "files", files)


@dataclass(init=False, repr=False, eq=False)
class Finding(FrozenRecord):
    """One violation of one rule.

    Attributes:
        code: ``"FDP003"``.
        message: the text after the code, one line.
        path: absolute path of the file the finding is reported in.
        line, col: 1-based line and 0-based column of the node (``ast`` columns: UTF-8 bytes).
        end_line, end_col: the end of the node, for the fixer.
        related: the first related location: the deployment file line that makes a Python finding
            one (``Dockerfile:7`` runs this file with python), or the Python line a deployment
            finding concerns (the app its command serves); None when there is none.
        also: the further related locations, after ``related`` (another launch that runs the same
            line); :attr:`related_locations` gives them all.
        offers_fix: the rule's offer, where it makes the finding: True when its fix (or the
            deployment rewrite) is meant to handle a finding of this shape. An input to the fix
            planner, never shown: whether ``fix`` really rewrites it depends on the files the
            rewrite needs, the scope of the run and what the rewrite finds (:attr:`fix`).
        fix: the fix plan, set by the fix planner
            (:func:`~flake8_flask_deploy.fix_safety.plan_fixes`, the fixers run without writing)
            when ``fix`` with ``--unsafe-fixes`` rewrites this finding; None otherwise or when
            not asked (flake8, plain ``check``).
        fixable: True when ``fix`` with this run's settings (``unsafe-fixes``) rewrites it: set
            from :attr:`fix` by the planner, so that it cannot disagree with ``fix``.
        from_deployment: True for a finding a rule found in a deployment file (``check_launch``)
            whose primary location is the Python module it concerns, because its fix is there
            (FDP011: ``ProxyFix`` wraps the app; ``Rule.fixes_mapped_copy``); ``related`` is then
            the deployment line.

    A finding has one primary location (``path``, ``line``), the line a user changes to fix it, and
    is reported once, there (issue 24, "one problem, one finding"): flake8 shows the findings whose
    primary location is a Python file, ``check`` all of them.
    """

    code: str
    message: str
    path: str
    line: int
    col: int = 0
    end_line: Optional[int] = None
    end_col: Optional[int] = None
    related: Optional[Location] = None
    fixable: bool = False
    from_deployment: bool = False
    also: Tuple[Location, ...] = ()
    offers_fix: bool = False
    fix: Optional["FixPlan"] = None

    def __init__(self, code: str, message: str, path: str, line: int, col: int = 0,
                 end_line: Optional[int] = None, end_col: Optional[int] = None,
                 related: Optional[Location] = None, fixable: bool = False, from_deployment: bool = False,
                 also: Tuple[Location, ...] = (), offers_fix: bool = False, fix: Optional["FixPlan"] = None) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "col", col)
        object.__setattr__(self, "end_line", end_line)
        object.__setattr__(self, "end_col", end_col)
        object.__setattr__(self, "related", related)
        object.__setattr__(self, "fixable", fixable)
        object.__setattr__(self, "from_deployment", from_deployment)
        object.__setattr__(self, "also", also)
        object.__setattr__(self, "offers_fix", offers_fix)
        object.__setattr__(self, "fix", fix)

    @property
    def related_locations(self) -> Tuple[Location, ...]:
        """Every related location, ``related`` first then :attr:`also` (empty without ``related``)."""
        return ((self.related,) + tuple(self.also)) if self.related is not None else tuple(self.also)

    @property
    def text(self) -> str:
        """``"FDP003 message"``, the form flake8 prints."""
        return f"{self.code} {self.message}"

    def moved(self, path: str, line: int, col: int = 0, related: Optional[Location] = None) -> "Finding":
        """Return the same finding reported at another location."""
        return replace(self, path=path, line=line, col=col, end_line=None, end_col=None, related=related, also=())
