"""Build a project's :class:`~flake8_flask_deploy.model.DeploymentContext` from all its deployment files.

Each file is read once (:class:`_Files`), parsed by the reader for its kind, and the commands found
are followed through start scripts, server config files and environment files to the process that
serves the app. Nothing here raises on bad input: a file that cannot be read or parsed becomes a
``(path, message)`` warning.
"""
from __future__ import annotations

import dataclasses
import os
import re
import shlex
from typing import Any, Dict, List, Optional, Tuple, Union

from .. import project, sources
from ..model import (FLASK_RUN, GUNICORN, UWSGI, WAITRESS, WERKZEUG_SCRIPT, WSGI_SERVERS, Bind,
                     DeploymentContext, Launch, Location)
from . import readers
from .kinds import FILE_KINDS, NGINX_DIRS, find_deployment_files, kind_of, reader_for  # noqa: F401 (re-exported)
from .commands import ParsedCommand, gunicorn_bind, parse_command, parse_gunicorn, split_target
from .clis import flask_groups, installed_scripts
from .configs import GunicornConfig, UwsgiConfig, read_dotenv, read_gunicorn_config, read_uwsgi_ini, uwsgi_argv
from .hostfiles import has_supervisor_programs, read_supervisor, read_systemd
from .nginx import looks_like_nginx, read_nginx
from .nomad import looks_like_nomad, read_nomad
from .pyserve import SCRIPT_FIELDS, apply_python_server
from .readers import DeployFileError, RawCommand, is_production_file, read_compose, read_dockerfile, read_procfile
from .shell import ShellScript, expand, read_shell
from ..records import FROM_FACTORY, Record

#: A start script nothing refers to counts as production only when its name says it starts the app.
START_SCRIPT = re.compile(r"(entrypoint|start|boot|serve|server|prod|production|deploy|launch|gunicorn|uwsgi)",
                          re.IGNORECASE)
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
#: What a command that serves the app starts with (see ``commands.parse_command``): a start script
#: whose text names none of these cannot give a launch.
SERVER_PROGRAMS = ("python", "pypy", "flask", "gunicorn", "waitress", "uwsgi")
#: Folders (relative to the project root) whose deployment files are documentation, examples or
#: test data, not how this project runs in production.
NON_PRODUCTION_DIRS = frozenset({"docs", "doc", "examples", "example", "tests", "test", "testing", "testdata",
                                 "samples", "sample", "fixtures",
                                 # named for development, as files are (``readers.DEV_WORDS``):
                                 # ``supervisor/conf.d/DEVELOPMENT/app.conf``, ``deploy/dev/compose.yml``
                                 "dev", "develop", "development", "local", "debug"})


#: ``${FLASK_ENV:-development}``: the default of a compose/shell variable reference.
_DEFAULT_REF = re.compile(r"^\$\{\w+:?-([^}]*)\}$")


def declares_development(env: Dict[str, str]) -> bool:
    """True when the environment a launch gets says it is a development environment:
    ``FLASK_ENV=development`` (also as the default of ``${FLASK_ENV:-development}``), the variable
    Flask before 2.3 read to turn on debug mode and the reloader
    (https://flask.palletsprojects.com/en/2.2.x/config/#ENV). Asked only of launches that run the
    development server (``flask run``, ``python app.py``): a stack that starts the dev server and says
    development is a developer's stack (a compose file next to the production ones, with bind
    mounts), not production; a WSGI server given ``FLASK_ENV=development`` stays production."""
    value = env.get("FLASK_ENV", "").strip().strip("'\"")
    ref = _DEFAULT_REF.match(value)
    if ref:
        value = ref.group(1)
    return value.lower() in ("development", "dev")


def in_non_production_dir(path: str, root: str) -> bool:
    """True when ``path`` lies under a ``docs``/``examples``/``tests``/``development``... folder of the
    project ``root`` (:data:`NON_PRODUCTION_DIRS`, compared without case)."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return False
    parts = rel.split(os.sep)[:-1]
    return not rel.startswith("..") and any(part.lower() in NON_PRODUCTION_DIRS for part in parts)


#: Files that list a project's Python dependencies (see :meth:`_Builder.dotenv_installed`).
#: python-dotenv, or an extra that installs it (``flask[dotenv]``), named in a dependency file.
_NAMES_DOTENV = re.compile(rb"dotenv", re.IGNORECASE)
_LISTS_DEPENDENCIES = re.compile(rb"dependencies|install_requires")


class _Files:
    """Reads each file at most once per context build; remembers failures as warnings."""

    def __init__(self, context: DeploymentContext) -> None:
        self.context = context
        self.texts: Dict[str, Union[str, DeployFileError]] = {}

    def text(self, path: str) -> Optional[str]:
        path = os.path.normpath(path)
        if path not in self.texts:
            try:
                self.texts[path] = readers.read_text(path)
            except DeployFileError as exc:
                self.texts[path] = exc
                self.warn(path, str(exc))
        value = self.texts[path]
        return value if isinstance(value, str) else None

    def warn(self, path: str, message: str) -> None:
        item = (path, message)
        if item not in self.context.warnings:
            self.context.warnings.append(item)


def build_context(root: str) -> DeploymentContext:
    """Read every deployment file of the project at ``root`` into a context (never raises)."""
    return _Builder(root).build()


@dataclasses.dataclass(init=False, repr=False, eq=False)
class ScriptPart(Record):
    """What the scripts of a build's python-script launches decided, kept apart from the rest so
    that an edit of such a script re-derives these fields only (the on-disk cache of the context).

    Attributes:
        launches: ``(launch, its SCRIPT_FIELDS before its script was read)`` for each python-script
            launch of the context, in the order built.
        reads: the files opened only to read those scripts (path -> ``[size, mtime_ns]`` before the
            read, None when missing), the scripts themselves and the modules they reach
            (``Launch.calls``) included.
    """

    launches: List[Tuple[Launch, Dict[str, Any]]] = dataclasses.field(default_factory=list)
    reads: Dict[str, Optional[List[int]]] = dataclasses.field(default_factory=dict)

    def __init__(self, launches: List[Tuple[Launch, Dict[str, Any]]] = FROM_FACTORY,
                 reads: Dict[str, Optional[List[int]]] = FROM_FACTORY) -> None:
        self.launches = [] if launches is FROM_FACTORY else launches
        self.reads = {} if reads is FROM_FACTORY else reads


def build_context_and_scripts(root: str) -> Tuple[DeploymentContext, ScriptPart]:
    """:func:`build_context`, and what the python-script launches' scripts decided in it
    (:class:`ScriptPart`): the files read only for them are recorded apart (never raises)."""
    builder = _Builder(root)
    context = builder.build()
    reads = builder.scripts_part.reads
    for launch, _before in builder.scripts_part.launches:
        # the script and the modules whose functions it reaches: their trees may come from the
        # session's parse cache, unopened during this build
        for path in ([launch.script] if launch.script else []) + [path for path, _name in launch.calls]:
            reads.setdefault(os.path.abspath(path), sources.stat_key(path))
    return context, builder.scripts_part


class _Builder:
    def __init__(self, root: str) -> None:
        self.root = root
        self.context = DeploymentContext(root=root)
        self.files = _Files(self.context)
        self.raws: List[RawCommand] = []
        self.scripts: Dict[str, ShellScript] = {}
        self.gunicorn_configs: Dict[str, Optional[GunicornConfig]] = {}
        self.uwsgi_configs: Dict[str, Optional[UwsgiConfig]] = {}
        self.dotenvs: Dict[str, Tuple[Dict[str, str], Dict[str, int]]] = {}
        self.used: set = set()  # scripts and config files some launch goes through
        self.discovered: List[str] = []
        self._dotenv_installed: Optional[bool] = None
        self.scripts_part = ScriptPart()

    # ---- reading ----------------------------------------------------------------------------
    def build(self) -> DeploymentContext:
        self.discovered = find_deployment_files(self.root)
        for folder in sources.virtualenvs_skipped(self.root):
            self.files.warn(folder, "a virtualenv (pyvenv.cfg, bin/, lib/): its files are not checked")
        for path in self.discovered:
            kind = kind_of(os.path.basename(path), os.path.dirname(path))
            try:
                self.read(path, kind or "")
            except DeployFileError as exc:
                self.files.warn(path, str(exc))
            except Exception as exc:  # a reader bug must not take flake8 down
                self.files.warn(path, f"could not be read ({type(exc).__name__}: {exc})")
        raws = self.combine_compose(self.raws)
        expanded: List[RawCommand] = []
        for raw in raws:
            expanded.extend(self.follow_scripts(raw))
        expanded.extend(self.standalone_scripts())
        self.mark_supervisord(expanded)
        for raw in expanded:
            try:
                launch = self.launch(raw)
            except Exception as exc:  # pragma: no cover - defensive
                self.files.warn(raw.path, f"could not be interpreted ({type(exc).__name__}: {exc})")
                continue
            if launch is not None:
                self.context.launches.append(launch)
        self.standalone_configs()
        for item in list(self.context.launches) + list(self.context.proxies):
            if item.production and in_non_production_dir(item.source.path, self.root):
                item.production = False
        for launch in self.context.launches:
            if launch.production and launch.server in (FLASK_RUN, WERKZEUG_SCRIPT) and declares_development(launch.env):
                launch.production = False
        self.mark_live_code_stacks()
        return self.context

    def mark_live_code_stacks(self) -> None:
        """A development server started by a compose service that bind-mounts its source
        (:func:`~flake8_flask_deploy.deploy.readers.mounts_source`: the container runs the code as it
        is edited) is a developer's stack, not production, when the project is also served in
        production by a WSGI server that is not such a stack (a Procfile's gunicorn, another
        compose file's uWSGI): that other launch is the deployment."""
        mounted = {(raw.path, raw.name) for raw in self.raws if raw.mounts_source}
        if not mounted:
            return

        def live(launch: Launch) -> bool:
            compose = launch.source if launch.kind == "compose" else next(
                (x for x in launch.via if kind_of(os.path.basename(x.path)) == "compose"), None)
            return compose is not None and (compose.path, launch.name) in mounted

        served = any(x.production and (x.server in WSGI_SERVERS or x.serves_with == WAITRESS) and not live(x)
                     for x in self.context.launches)
        if not served:
            return
        for launch in self.context.launches:
            if launch.production and (launch.server in (FLASK_RUN, WERKZEUG_SCRIPT)) and live(launch):
                launch.production = False

    def read(self, path: str, kind: str) -> None:
        if kind == "dockerfile":
            self.note(path)
            unknown: List[str] = []
            self.raws.extend(read_dockerfile(path, unknown))
            for message in unknown:
                self.files.warn(path, message)
        elif kind == "compose":
            self.note(path)
            self.raws.extend(read_compose(path))
        elif kind == "procfile":
            self.note(path)
            self.raws.extend(read_procfile(path))
        elif kind in ("shell", "dotenv"):
            return  # read only when a launch uses it (a start script named like one is always used)
        else:
            text = self.files.text(path)
            if text is None:
                self.note(path)
                return
            if kind == "systemd":
                self.note(path)
                self.raws.extend(read_systemd(path, text, self.root))
            elif kind == "gunicorn-config":
                self.note(path)
                self.gunicorn_configs[path] = self.gunicorn_config(path)
            elif kind == "ini" and "[uwsgi]" in text:
                self.note(path)
                self.uwsgi_configs[path] = self.uwsgi_config(path)
            elif kind in ("ini", "conf") and has_supervisor_programs(text):
                self.note(path)
                self.raws.extend(read_supervisor(path, text, self.root))
            elif kind in ("conf", "nginx") and looks_like_nginx(text):
                self.note(path)
                self.context.proxies.extend(read_nginx(path, text))
            elif kind == "nginx":
                self.note(path)
            elif kind == "nomad" or (kind == "hcl" and looks_like_nomad(text)):
                self.note(path)
                self.raws.extend(read_nomad(path, text, self.root))

    def note(self, path: str) -> None:
        if path not in self.context.files:
            self.context.files.append(path)

    def gunicorn_config(self, path: str) -> Optional[GunicornConfig]:
        if path not in self.gunicorn_configs:
            text = self.files.text(path)
            try:
                self.gunicorn_configs[path] = read_gunicorn_config(text, path) if text is not None else None
            except DeployFileError as exc:
                self.files.warn(path, str(exc))
                self.gunicorn_configs[path] = None
        return self.gunicorn_configs[path]

    def uwsgi_config(self, path: str) -> Optional[UwsgiConfig]:
        if path not in self.uwsgi_configs:
            text = self.files.text(path)
            try:
                self.uwsgi_configs[path] = read_uwsgi_ini(text, path) if text is not None else None
            except DeployFileError as exc:
                self.files.warn(path, str(exc))
                self.uwsgi_configs[path] = None
        return self.uwsgi_configs[path]

    def dotenv(self, path: str) -> Tuple[Dict[str, str], Dict[str, int]]:
        if path not in self.dotenvs:
            text = self.files.text(path)
            values: Dict[str, str] = {}
            lines: Dict[str, int] = {}
            if text is not None:
                values, lines, errors = read_dotenv(text, path)
                for error in errors:
                    self.files.warn(path, error)
            self.dotenvs[path] = (values, lines)
        return self.dotenvs[path]

    def script(self, path: str, env: Dict[str, str]) -> Optional[ShellScript]:
        text = self.files.text(path)
        if text is None:
            return None
        self.note(path)
        return read_shell(text, env)

    # ---- following commands -----------------------------------------------------------------
    def combine_compose(self, raws: List[RawCommand]) -> List[RawCommand]:
        """A compose service without command runs its Dockerfile's CMD with its own environment."""
        dockerfile_raws = {raw.path: raw for raw in raws if raw.kind == "dockerfile"}
        out = []
        for raw in raws:
            if not raw.argv and raw.compose_build:
                dockerfile = os.path.join(raw.compose_build, raw.compose_dockerfile or "Dockerfile")
                base = dockerfile_raws.get(os.path.normpath(dockerfile))
                if base is None:
                    continue
                env = dict(base.env)
                env.update(raw.env)
                env_lines = {k: (raw.env_lines[k] if k in raw.env else base.env_lines.get(k, base.line)) for k in env}
                # what the Dockerfile's ENV sets is located in the Dockerfile, not in the compose file
                env_sources = {k: Location(base.path, base.env_lines.get(k, base.line)) for k in base.env
                               if k not in raw.env}
                raw = RawCommand(raw.path, raw.line, base.argv, env, env_lines, base.bases, True, True,
                                 raw.production, base.entrypoint_script, kind="compose", name=raw.name,
                                 working_dir=raw.working_dir, env_files=raw.env_files, env_sources=env_sources,
                                 image=Location(base.path, base.line), image_packages=base.image_packages)
            out.append(raw)
        return out

    def find_file(self, written: str, bases: Tuple[str, ...]) -> Optional[str]:
        """A file named in a deployment file (absolute container/host path or relative), in the project."""
        if not written or "$" in written:
            return None
        if written.startswith("/"):
            parts = [p for p in written.split("/") if p]
            for n in range(len(parts), 0, -1):
                tail = os.path.join(*parts[-n:])
                for base in bases + (self.root,):
                    candidate = os.path.join(base, tail)
                    if os.path.isfile(candidate):
                        return os.path.normpath(candidate)
            return None
        for base in bases + (self.root,):
            candidate = os.path.join(base, written)
            if os.path.isfile(candidate):
                return os.path.normpath(candidate)
        return None

    def script_of(self, raw: RawCommand) -> Tuple[Optional[str], List[str]]:
        """``(script path, arguments)`` when ``raw`` runs a shell script of the project."""
        if raw.entrypoint_script:
            found = self.find_file(raw.entrypoint_script, raw.bases)
            if found:
                return found, list(raw.argv)
        argv = list(raw.argv)
        if len(argv) == 1 and " " in argv[0]:
            try:
                argv = shlex.split(argv[0])
            except ValueError:
                return None, []
        while argv and argv[0] in ("exec", "tini", "dumb-init", "--", "/tini", "/usr/bin/tini", "/sbin/tini"):
            argv = argv[1:]
        if len(argv) >= 2 and os.path.basename(argv[0]) in _SHELLS and not argv[1].startswith("-"):
            argv = argv[1:]
        if not argv:
            return None, []
        word = argv[0]
        if word.endswith(".sh") or "entrypoint" in os.path.basename(word) or os.path.basename(word) in ("start", "run"):
            found = self.find_file(word, raw.bases)
            if found:
                return found, argv[1:]
        return None, []

    def follow_scripts(self, raw: RawCommand, depth: int = 0) -> List[RawCommand]:
        """Replace a command that runs a start script by what the script runs (``exec "$@"`` hands over
        to the arguments, Docker's entrypoint idiom)."""
        path, args = self.script_of(raw)
        if path is None or depth > 3:
            return [raw]
        self.used.add(path)
        script = self.script(path, raw.env)
        if script is None:
            return [raw]
        env = dict(raw.env)
        env.update(script.env)
        env_lines = dict(raw.env_lines)
        sources = dict(raw.env_sources)
        for key in script.env:
            sources[key] = Location(path, script.env_lines[key])
            env_lines[key] = raw.line
        via = tuple(raw.via) + (Location(raw.path, raw.line),)
        best = _server_command(script, env)
        if best is not None:
            argv, line = best
            new = RawCommand(path, line, argv, env, {k: line for k in env}, raw.bases, raw.container, raw.exposed,
                             raw.production, None, raw.process_type, kind="shell", name=raw.name,
                             env_sources={**sources, **{k: Location(raw.path, raw.env_lines.get(k, raw.line))
                                                        for k in raw.env if k not in script.env}},
                             via=via, working_dir=raw.working_dir, env_files=raw.env_files)
            return self.follow_scripts(new, depth + 1) if new.argv else [new]
        if script.passes_args and args:
            new = RawCommand(raw.path, raw.line, args, env, env_lines, raw.bases, raw.container, raw.exposed,
                             raw.production, None, raw.process_type, kind=raw.kind, name=raw.name,
                             env_sources=sources, via=via + ((Location(path, 1),) if False else ()),
                             working_dir=raw.working_dir, env_files=raw.env_files)
            return [new]
        return [raw]

    def standalone_scripts(self) -> List[RawCommand]:
        """Start scripts no other deployment file runs: production when named like one (``start.sh``)."""
        out = []
        for path in self.discovered:
            if kind_of(os.path.basename(path)) != "shell" or path in self.used:
                continue
            name = os.path.basename(path)
            if not START_SCRIPT.search(name) or not is_production_file(path):
                continue
            folder = os.path.dirname(path)
            text = self.files.text(path)
            if text is None or not any(word in text for word in SERVER_PROGRAMS):
                continue  # no program that could serve the app: not read (bashlex costs most of a second)
            raw = RawCommand(path, 1, [], {}, {}, tuple(dict.fromkeys([folder, self.root])), kind="shell",
                             entrypoint_script=path)
            script = self.script(path, {})
            if script is None:
                continue
            found = _server_command(script, script.env)
            if found is None:
                continue
            raw.argv, raw.line = found
            if not raw.argv:
                continue
            raw.entrypoint_script = None
            raw.env = dict(script.env)
            raw.env_lines = dict(script.env_lines)
            out.append(raw)
        return out

    def mark_supervisord(self, raws: List[RawCommand]) -> None:
        """Programs of a supervisor config that a container runs (``CMD ["supervisord", ...]``) run
        in that container and must be reachable from outside it."""
        runners = [r for r in raws
                   if r.container and any(os.path.basename(w).startswith("supervisord") for w in _words(r.argv)[:3])]
        if not runners:
            return
        for raw in raws:
            if raw.kind == "supervisor":
                raw.container = True
                raw.exposed = True
                raw.production = raw.production and runners[0].production
                raw.via = raw.via + (Location(runners[0].path, runners[0].line),)

    # ---- launches -----------------------------------------------------------------------------
    def launch(self, raw: RawCommand) -> Optional[Launch]:
        if not raw.argv:
            return None
        self.apply_env_files(raw)
        groups = flask_groups(self.root)
        scripts = installed_scripts(self.root)
        parsed = parse_command(raw.argv, raw.env, groups, scripts)
        if parsed is None:
            return None
        if parsed.server in (FLASK_RUN, WERKZEUG_SCRIPT):
            self.apply_dotenv(raw, parsed)
        launch = to_launch(raw, self.root, groups, scripts)
        if launch is None:
            return None
        bases = _bases(raw, parse_command(raw.argv, raw.env) or parsed)
        launch.bases = tuple(bases)
        if launch.server == GUNICORN:
            self.apply_gunicorn(launch, bases)
        elif launch.server == UWSGI:
            self.apply_uwsgi(launch, bases)
        elif launch.server == WERKZEUG_SCRIPT and launch.script:
            args = parsed.argv[parsed.argv.index(parsed.script) + 1:] if parsed.script in parsed.argv else []
            launch.script_args = tuple(args)
            self.scripts_part.launches.append((launch, {name: getattr(launch, name) for name in SCRIPT_FIELDS}))
            with sources.recording_reads(self.root, alone=True) as read:  # apart from the other files' reads
                apply_python_server(launch, self.root, args, bases)
            for path, key in read.items():
                self.scripts_part.reads.setdefault(path, key)
        if launch.module and launch.target_path is None:
            launch.target_path = project.dotted_to_file(self.root, launch.module, bases)
        return launch

    def apply_env_files(self, raw: RawCommand) -> None:
        """systemd ``EnvironmentFile=`` (its variables override ``Environment=``) and compose
        ``env_file:`` (``environment:`` wins over it)."""
        override = raw.kind != "compose"
        for written, line in raw.env_files:
            found = self.find_file(written, raw.bases + ((os.path.dirname(raw.path),) if raw.kind == "compose" else ()))
            if found is None:
                continue
            self.note(found)
            values, lines = self.dotenv(found)
            for key, value in values.items():
                if not override and key in raw.env:
                    continue
                raw.env[key] = value
                raw.env_lines[key] = line
                raw.env_sources[key] = Location(found, lines.get(key, 1))

    def apply_dotenv(self, raw: RawCommand, parsed: ParsedCommand) -> None:
        """``flask run`` and ``app.run()`` load ``.flaskenv`` and ``.env`` from the working folder
        (variables already set win). ``.env`` is usually a local, uncommitted file: only its
        ``FLASK_APP`` is taken. Both are read only when python-dotenv is installed
        (https://flask.palletsprojects.com/en/stable/cli/#environment-variables-from-dotenv): a
        project whose dependency files never name it does not load them (:meth:`dotenv_installed`),
        nor does an image whose ``pip install`` commands name all it installs and not python-dotenv
        (``RawCommand.image_packages``),
        nor does a process started with ``FLASK_SKIP_DOTENV=1``
        (https://flask.palletsprojects.com/en/stable/cli/#disable-dotenv)."""
        skip = raw.env.get("FLASK_SKIP_DOTENV", "").strip().lower() in ("1", "true", "yes", "on")
        in_image = raw.image_packages
        if in_image is None:
            installed = self.dotenv_installed()
        else:
            installed = any(_NAMES_DOTENV.search(p.encode()) for p in in_image)
        if skip or not installed:
            return
        bases = _bases(raw, parsed)
        for name, only in ((".flaskenv", None), (".env", ("FLASK_APP",))):
            for base in bases + (self.root,):
                path = os.path.normpath(os.path.join(base, name))
                if os.path.isfile(path):
                    values, lines = self.dotenv(path)
                    self.note(path)
                    for key, value in values.items():
                        if (only is None or key in only) and key not in raw.env:
                            raw.env[key] = value
                            raw.env_lines[key] = raw.line
                            raw.env_sources[key] = Location(path, lines.get(key, 1))
                    break

    def dotenv_installed(self) -> bool:
        """False when the project has dependency files (``requirements*.txt``/``*.in``,
        ``pyproject.toml``, ``Pipfile``, ``setup.py``, ``setup.cfg``, ``environment.yml``) and none
        names python-dotenv (nor a package that installs it, such as ``flask[dotenv]``); True
        otherwise, when it cannot be told (a ``pyproject.toml`` or setup file that lists no
        dependency does not count)."""
        if self._dotenv_installed is None:
            found, named = False, False
            for name, text in project.dependency_texts(self.root):
                if name.startswith(("pyproject", "setup")) and not _LISTS_DEPENDENCIES.search(text):
                    continue  # a pyproject.toml or setup file that lists no dependency tells nothing
                found = True
                if _NAMES_DOTENV.search(text):
                    named = True
                    break
            self._dotenv_installed = named or not found
        return self._dotenv_installed

    def apply_gunicorn(self, launch: Launch, bases: Tuple[str, ...]) -> None:
        """Config file < ``GUNICORN_CMD_ARGS`` < command line; then gunicorn's default bind."""
        config_path, unknown_config = self.gunicorn_config_path(launch, bases)
        config = self.gunicorn_config(config_path) if config_path else None
        if config_path:
            self.used.add(config_path)
            self.note(config_path)
            launch.via = launch.via + (Location(config_path, 1),)
        if config_path and config is None:
            unknown_config = True
        cli_binds = list(launch.binds)
        binds: List[Bind] = []
        if config is not None:
            binds = _apply_gunicorn_config(launch, config, config_path)
        cmd_args = launch.env.get("GUNICORN_CMD_ARGS")
        if cmd_args:
            try:
                extra = parse_gunicorn(["gunicorn"], shlex.split(cmd_args), {})
            except ValueError:
                extra = None
            if extra is not None:
                binds = list(extra.binds) or binds
                for key, value in extra.options.items():
                    launch.options.setdefault(key, value)
        binds = cli_binds or binds
        if not binds and not unknown_config:
            port = launch.env.get("PORT")
            if port is not None or launch.kind == "procfile":
                binds = [Bind("0.0.0.0", port if port is not None else "$PORT")]
            else:
                binds = [Bind("127.0.0.1", "8000")]
            launch.bind_default = True
        launch.binds = tuple(binds)
        launch.host_given = bool(cli_binds) or launch.host_given or (bool(binds) and not launch.bind_default)

    def gunicorn_config_path(self, launch: Launch, bases: Tuple[str, ...]) -> Tuple[Optional[str], bool]:
        """``(path, unknown)``: the gunicorn config file ``launch`` reads (``-c FILE`` or
        ``-c python:module`` found against ``bases``; without ``-c``, ``gunicorn.conf.py`` in the first
        base or the root), or None; ``unknown`` is True when ``-c`` names a file that is not found."""
        written = launch.options.get("config")
        config_path = None
        unknown_config = False
        if written:
            spec = written[len("python:"):] if written.startswith("python:") else written
            config_path = self.find_file(spec, bases) if not written.startswith("python:") else \
                project.dotted_to_file(self.root, spec, bases)
            unknown_config = config_path is None
        else:
            for base in bases[:1] + (self.root,):
                candidate = os.path.normpath(os.path.join(base, "gunicorn.conf.py"))
                if os.path.isfile(candidate):
                    config_path = candidate
                    break
        return config_path, unknown_config

    def apply_uwsgi(self, launch: Launch, bases: Tuple[str, ...]) -> None:
        """``uwsgi --ini FILE``: the ini's options where the command line sets none."""
        written = launch.options.get("ini")
        if not written:
            return
        path = self.find_file(written.split(":", 1)[0], bases)
        if path is None:
            return
        config = self.uwsgi_config(path)
        self.used.add(path)
        self.note(path)
        launch.via = launch.via + (Location(path, 1),)
        if config is None:
            return
        parsed = parse_command(uwsgi_argv(config), {})
        if parsed is None:
            return
        if not launch.binds:
            launch.binds = parsed.binds
            launch.host_given = bool(parsed.binds)
        if not launch.module and not launch.target_path:
            launch.module, launch.attr = parsed.module, parsed.attr
            launch.options["target_line"] = str(config.lines.get("module", config.lines.get("wsgi-file", 1)))
            launch.options["target_file"] = path
            if "callable" in config.lines:  # the attribute is named on its own line: the one to change for it
                launch.options["attr_line"] = str(config.lines["callable"])
            chdir = config.get("chdir")
            if parsed.script:
                folder_bases = bases
                if chdir:
                    folder_bases = _bases(RawCommand(path, 1, [], working_dir=chdir, bases=bases), parsed)
                launch.target_path = _resolve_script(parsed.script, folder_bases, self.root)
                launch.attr = parsed.attr or "application"
        for key, value in parsed.options.items():
            launch.options.setdefault(key, value)
        for item in config.options.get("env", []):
            key, _, value = item.partition("=")
            if key and key not in launch.env:
                launch.env[key] = value
                launch.env_sources[key] = Location(path, config.lines.get("env", 1))

    def standalone_configs(self) -> None:
        """A gunicorn config with ``wsgi_app`` or a uWSGI ini with a module that no command uses still
        describes how the app is served (started by hand or by a process manager not in the project)."""
        for path, config in self.gunicorn_configs.items():
            if config is None or path in self.used or not config.wsgi_app:
                continue
            raw = RawCommand(path, config.lines.get("wsgi_app", 1), ["gunicorn", "-c", os.path.basename(path)],
                             bases=tuple(dict.fromkeys([os.path.dirname(path), self.root])),
                             production=is_production_file(path), kind="gunicorn-config")
            launch = self.launch(raw)
            if launch is not None:
                self.context.launches.append(launch)
        for path, uconfig in self.uwsgi_configs.items():
            if uconfig is None or path in self.used:
                continue
            if not (uconfig.get("module", "wsgi", "w") or uconfig.get("wsgi-file")):
                continue
            raw = RawCommand(path, uconfig.line, ["uwsgi", "--ini", os.path.basename(path)],
                             bases=tuple(dict.fromkeys([os.path.dirname(path), self.root])),
                             production=is_production_file(path), kind="uwsgi-ini")
            launch = self.launch(raw)
            if launch is not None:
                self.context.launches.append(launch)


def _main_of(path: Optional[str]) -> Optional[str]:
    """The file ``python -m`` runs as ``__main__`` for the module file ``path``: a package's
    ``__main__.py`` (``python -m pkg``, https://docs.python.org/3/library/__main__.html#main-py-in-python-packages),
    else the module itself."""
    if path and os.path.basename(path) == "__init__.py":
        main = os.path.join(os.path.dirname(path), "__main__.py")
        if os.path.isfile(main):
            return sources.normpath(main)
    return path


def to_launch(raw: RawCommand, root: str, groups: Optional[Dict[str, Optional[str]]] = None,
              scripts: Optional[Dict[str, str]] = None) -> Optional[Launch]:
    """Interpret a raw command; None when it starts no Python web server we know. ``groups``: the
    project's Flask CLI programs (:func:`~flake8_flask_deploy.deploy.clis.flask_groups`);
    ``scripts``: the scripts it installs as commands (:func:`~flake8_flask_deploy.deploy.clis.installed_scripts`)."""
    if not raw.argv:
        return None
    parsed = parse_command(raw.argv, raw.env, groups, scripts)
    if parsed is None:
        return None
    bases = _bases(raw, parsed)
    launch = Launch(
        source=_location(raw),
        server=parsed.server,
        command=" ".join(raw.argv),
        module=parsed.module,
        attr=parsed.attr,
        binds=parsed.binds,
        env=parsed.env,
        debug=parsed.debug,
        container=raw.container,
        exposed=raw.exposed,
        production=raw.production,
        options=dict(parsed.options),
        env_lines=dict(raw.env_lines),
        host_given=parsed.host_given,
        kind=raw.kind,
        name=raw.name,
        env_sources=dict(raw.env_sources),
        via=tuple(raw.via),
        image=raw.image,
    )
    if parsed.script and parsed.server != "python-script":
        launch.target_path = _resolve_script(parsed.script, bases, root)  # uWSGI --wsgi-file
        launch.attr = launch.attr or "application"
    elif parsed.script:
        launch.script = _resolve_script(parsed.script, bases, root)
    elif parsed.module:
        launch.target_path = project.dotted_to_file(root, parsed.module, bases)
        if parsed.server == "python-script":
            launch.target_path = launch.script = _main_of(launch.target_path)
    elif parsed.server == "flask-run":
        # Flask's discovery without FLASK_APP: wsgi.py, then app.py in the working directory
        for name in ("wsgi", "app"):
            found = next((project.module_file(b, name) for b in bases if project.module_file(b, name)), None)
            if found:
                launch.module, launch.target_path = name, found
                break
    return launch


def _words(argv: List[str]) -> List[str]:
    if len(argv) != 1:
        return list(argv)
    try:
        return shlex.split(argv[0])
    except ValueError:
        return argv[0].split()


def _server_command(script: ShellScript, env: Dict[str, str]) -> Optional[Tuple[List[str], int]]:
    """The command of a start script that serves the app: the last one that starts a WSGI server or
    ``flask run``, or a ``python file.py`` that the script ``exec`` s or runs last (a ``python
    init_db.py`` before ``exec "$@"`` is set-up, not the server)."""
    best: Optional[Tuple[List[str], int]] = None
    last = len(script.commands) - 1
    for index, (argv, line) in enumerate(script.commands):
        parsed = parse_command(argv, dict(env))
        if parsed is None:
            continue
        final = index == last and not script.passes_args
        if parsed.server != WERKZEUG_SCRIPT or (argv and argv[0] == "exec") or final:
            best = (argv, line)
    return best


def _apply_gunicorn_config(launch: Launch, config: GunicornConfig, config_path: Optional[str]) -> List[Bind]:
    """Set on ``launch`` what its gunicorn ``config`` (read from ``config_path``) sets and the command
    line does not: ``reload``, ``workers``, ``raw_env`` variables, ``wsgi_app``; return the config's
    binds (variables of ``launch.env`` whose values hold no ``$`` expanded)."""
    known = {k: v for k, v in launch.env.items() if "$" not in v}
    binds = [gunicorn_bind(expand(b, known)) for b in config.binds]
    if config.reload and "reload" not in launch.options:
        launch.options["reload"] = "true"
        launch.options["reload_line"] = str(config.lines.get("reload", 1))
        launch.options["reload_file"] = config_path or ""
    if config.workers and "workers" not in launch.options:
        launch.options["workers"] = config.workers
    for item in config.raw_env:
        key, _, value = item.partition("=")
        if key and key not in launch.env:
            launch.env[key] = value
            launch.env_sources[key] = Location(config_path or "", config.lines.get("raw_env", 1))
    if config.wsgi_app and not launch.module:
        module, attr = split_target(config.wsgi_app)
        if module:
            launch.module, launch.attr = module, attr or "application"
            launch.options["target_line"] = str(config.lines.get("wsgi_app", 1))
            launch.options["target_file"] = config_path or ""
    return binds


def _location(raw: RawCommand) -> Location:
    return Location(os.path.abspath(raw.path), raw.line)


def _bases(raw: RawCommand, parsed: ParsedCommand) -> Tuple[str, ...]:
    bases = list(raw.bases)
    for sub in (raw.working_dir, parsed.chdir):
        if sub and not sub.startswith("/"):
            bases = [os.path.normpath(os.path.join(b, sub)) for b in bases] + bases
        elif sub:
            # an absolute container path: try its last parts under each base (``/app/src`` -> ``src``)
            parts = [p for p in sub.split("/") if p]
            for n in range(len(parts) - 1, 0, -1):
                tail = os.path.join(*parts[-n:])
                for b in list(bases):
                    candidate = os.path.join(b, tail)
                    if os.path.isdir(candidate) and candidate not in bases:
                        bases.insert(0, candidate)
    return tuple(bases)


def _resolve_script(script: str, bases: Tuple[str, ...], root: str) -> Optional[str]:
    if script.startswith("/"):
        parts = [p for p in script.split("/") if p]
        for n in range(len(parts), 0, -1):
            tail = os.path.join(*parts[-n:])
            for base in bases + (root,):
                candidate = os.path.join(base, tail)
                if os.path.isfile(candidate):
                    return sources.normpath(candidate)
        return project.find_file_by_suffix(root, parts[-1]) if parts else None
    for base in bases + (root,):
        candidate = os.path.join(base, script)
        if os.path.isfile(candidate):
            return sources.normpath(candidate)
    return project.find_file_by_suffix(root, script)
