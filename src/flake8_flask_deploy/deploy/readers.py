"""Readers of deployment files: each returns the commands it finds, never raises.

* Dockerfile (dockerfile-parse): the last stage's ``CMD``/``ENTRYPOINT`` (JSON and shell forms),
  ``ENV``, ``WORKDIR``, ``COPY``. https://docs.docker.com/reference/dockerfile/
* docker-compose (PyYAML ``safe_load``, positions from ``yaml.compose``): each service's
  ``command``, ``entrypoint``, ``environment``, ``working_dir``, ``build``.
  https://docs.docker.com/reference/compose-file/services/
* Procfile: ``<process type>: <command>``; only ``web`` receives HTTP traffic.
  https://devcenter.heroku.com/articles/procfile
"""
from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from ..model import Location
from ..session import current
from .commands import split_shell
from ..records import FROM_FACTORY, Record

#: File-name words that mark a deployment file as development-only.
DEV_WORDS = re.compile(r"(^|[._-])(dev|develop|development|local|test|tests|testing|debug|override|ci)([._-]|$)",
                       re.IGNORECASE)
#: Largest deployment file read, in bytes; larger ones are reported and skipped.
MAX_FILE_BYTES = 2_000_000


@dataclass(init=False, repr=False, eq=False)
class RawCommand(Record):
    """A command found in a deployment file, before it is interpreted.

    Attributes:
        path, line: where it is written (1-based line).
        argv: exec-form argv, or ``[shell string]``.
        env: environment set for it by the file.
        bases: folders (absolute) to resolve relative paths and modules against, most specific first.
        container: runs in a container.
        exposed: must accept connections from outside its host/container.
        production: False when the file's name says it is for development.
        entrypoint_script: a wrapper script the command is passed to (``docker-entrypoint.sh``).
    """

    path: str
    line: int
    argv: List[str]
    env: Dict[str, str] = field(default_factory=dict)
    env_lines: Dict[str, int] = field(default_factory=dict)
    bases: Tuple[str, ...] = ()
    container: bool = False
    exposed: bool = False
    production: bool = True
    entrypoint_script: Optional[str] = None
    process_type: Optional[str] = None
    compose_build: Optional[str] = None
    compose_dockerfile: Optional[str] = None
    working_dir: Optional[str] = None
    kind: str = ""
    name: Optional[str] = None
    env_sources: Dict[str, Location] = field(default_factory=dict)
    via: Tuple[Location, ...] = ()
    env_files: Tuple[Tuple[str, int], ...] = ()  # ``EnvironmentFile=``/``env_file:`` paths as written, with lines
    image: Optional[Location] = None  # a compose service's built image: the Dockerfile line of the command it runs
    mounts_source: bool = False  # a compose service that bind-mounts its build context (live code): see mounts_source()
    image_packages: Optional[Tuple[str, ...]] = None  # what the image's pip installs name, when that is all it has

    def __init__(self, path: str, line: int, argv: List[str], env: Dict[str, str] = FROM_FACTORY,
                 env_lines: Dict[str, int] = FROM_FACTORY, bases: Tuple[str, ...] = (), container: bool = False,
                 exposed: bool = False, production: bool = True, entrypoint_script: Optional[str] = None,
                 process_type: Optional[str] = None, compose_build: Optional[str] = None,
                 compose_dockerfile: Optional[str] = None, working_dir: Optional[str] = None, kind: str = "",
                 name: Optional[str] = None, env_sources: Dict[str, Location] = FROM_FACTORY,
                 via: Tuple[Location, ...] = (), env_files: Tuple[Tuple[str, int], ...] = (),
                 image: Optional[Location] = None, mounts_source: bool = False,
                 image_packages: Optional[Tuple[str, ...]] = None) -> None:
        self.path = path
        self.line = line
        self.argv = argv
        self.env = {} if env is FROM_FACTORY else env
        self.env_lines = {} if env_lines is FROM_FACTORY else env_lines
        self.bases = bases
        self.container = container
        self.exposed = exposed
        self.production = production
        self.entrypoint_script = entrypoint_script
        self.process_type = process_type
        self.compose_build = compose_build
        self.compose_dockerfile = compose_dockerfile
        self.working_dir = working_dir
        self.kind = kind
        self.name = name
        self.env_sources = {} if env_sources is FROM_FACTORY else env_sources
        self.via = via
        self.env_files = env_files
        self.image = image
        self.mounts_source = mounts_source
        self.image_packages = image_packages


class DeployFileError(Exception):
    """A deployment file that cannot be read; the message is shown to the user as a warning."""


def read_text(path: str) -> str:
    """The text of the deployment file ``path``: the fixer's unwritten text when the session holds
    one (``Session.deploy_texts``, ``fix --diff``), else the file, decoded.

    Raises:
        DeployFileError: the file is too large, binary, or cannot be read or decoded (the message
            is the warning shown to the user).
    """
    held = current().deploy_texts.get(os.path.abspath(path))
    if held is not None:
        return held
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise DeployFileError(f"larger than {MAX_FILE_BYTES} bytes, skipped")
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise DeployFileError(f"cannot be read ({exc.strerror or exc})") from exc
    if b"\x00" in data:
        raise DeployFileError("is binary, skipped")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DeployFileError(f"is not UTF-8 ({exc.reason} at byte {exc.start}), skipped") from exc


def is_production_file(path: str) -> bool:
    """False for files named for development (``docker-compose.dev.yml``, ``Dockerfile.local``)."""
    return not DEV_WORDS.search(os.path.basename(path))


# ---- Dockerfile ----------------------------------------------------------------------------------
#: Dockerfile instructions Docker knows (https://docs.docker.com/reference/dockerfile/).
DOCKERFILE_INSTRUCTIONS = frozenset({
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
    "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "COMMENT",
})


def read_dockerfile(path: str, warnings: Optional[List[str]] = None) -> List[RawCommand]:
    """Read the final stage of a Dockerfile.

    Args:
        path: the Dockerfile.
        warnings: when given, receives one message per instruction Docker does not know (the file
            is still read: Docker itself would refuse to build it).
    Returns:
        zero or one :class:`RawCommand` (the CMD, prefixed by the ENTRYPOINT when both are exec form).
    Raises:
        DeployFileError: the file cannot be read or parsed.
    """
    from dockerfile_parse import DockerfileParser

    text = read_text(path)
    try:
        parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
        structure = parser.structure
    except Exception as exc:  # dockerfile-parse raises assorted errors on broken input
        raise DeployFileError(f"does not parse ({exc})") from exc
    bodies = heredoc_lines(structure, text.splitlines())
    structure = [item for item in structure if item["startline"] not in bodies]
    if warnings is not None:
        for item in structure:
            if item["instruction"] not in DOCKERFILE_INSTRUCTIONS:
                warnings.append(f"line {item['startline'] + 1}: unknown instruction {item['instruction']} "
                                f"(docker build rejects it); the rest of the file is read")
    structure = [_without_inline_noqa(item, warnings) for item in structure]
    last_from = max((i for i, item in enumerate(structure) if item["instruction"] == "FROM"), default=0)
    folder = os.path.dirname(os.path.abspath(path))
    stage = _read_stage(structure[last_from:])
    bases = _docker_bases(folder, stage.workdir, stage.copies)
    argv, line, wrapper = _combine(stage.entrypoint, stage.cmd)
    if not argv:
        return []
    return [RawCommand(path, line, argv, stage.env, stage.env_lines, bases, container=True, exposed=True,
                       production=is_production_file(path), entrypoint_script=wrapper, kind="dockerfile",
                       image_packages=tuple(stage.packages) if stage.packages is not None else None)]


#: A BuildKit here-document opener on an instruction's line: ``<<EOF``, ``<<-EOF``, ``<<"EOF"``
#: (https://docs.docker.com/reference/dockerfile/#here-documents).
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][\w.-]*)\2")


def heredoc_lines(structure: List[dict], lines: List[str]) -> Set[int]:
    """The 0-based lines of the Dockerfile ``lines`` that are here-document bodies (and their
    terminators) of its ``RUN``/``COPY``/``ADD`` instructions (``structure``: dockerfile-parse's).
    dockerfile-parse does not know here-documents and reads each such line as an instruction of its
    own (``IF``, ``FI``, ``EOF``): they are dropped, not warned about, and never read as ``ENV`` or
    ``CMD``. A body without its terminator runs to the end of the file, as BuildKit reads it."""
    body: Set[int] = set()
    for item in structure:
        if item["instruction"] not in ("RUN", "COPY", "ADD") or item["startline"] in body:
            continue
        at = item["endline"] + 1
        for dash, _quote, word in _HEREDOC.findall(item["value"]):
            while at < len(lines):
                line = lines[at].rstrip("\r\n")
                body.add(at)
                at += 1
                if (line.lstrip("\t") if dash else line) == word:
                    break
    return body


#: ``# noqa`` (with its codes) after an instruction, where Docker reads it as part of the instruction.
_INLINE_NOQA = re.compile(r"\s+(#\s*noqa\b.*)$", re.IGNORECASE)


def _without_inline_noqa(item: dict, warnings: Optional[List[str]]) -> dict:
    """The dockerfile-parse ``item`` with a ``# noqa`` written after its instruction taken out of its
    ``value``, and a warning for it in ``warnings`` (when given).

    Docker reads a ``#`` that does not start a line as part of the instruction
    (https://docs.docker.com/reference/dockerfile/#format): ``CMD ["flask", "run"]  # noqa`` is no
    longer JSON, so Docker runs the whole text with ``/bin/sh -c`` and the container's command fails.
    Such a ``noqa`` silences nothing (only a comment line directly above the instruction does, see
    :mod:`flake8_flask_deploy.suppress`); the command is read as its author meant it, so that its
    findings are still reported, and the warning says what Docker will do with it.
    """
    value = item.get("value", "")
    match = _INLINE_NOQA.search(value) if item.get("instruction") != "COMMENT" else None
    if match is None:
        return item
    kept = value[:match.start()]
    line, instruction, comment = item["startline"] + 1, item["instruction"], match.group(1).strip()
    if warnings is not None:
        if value.lstrip().startswith("[") and _exec_or_shell(kept) != [kept.strip()]:
            what = ("Docker reads it as part of the instruction: the JSON array no longer parses, so "
                    "Docker runs the whole text with /bin/sh -c and the command fails")
        else:
            what = "Docker reads it as part of the instruction, not as a comment"
        warnings.append(f"line {line}: `{comment}` after {instruction} silences nothing ({what}); write "
                        f"`{comment}` on its own line directly above the instruction")
    return dict(item, value=kept)


@dataclass(init=False, repr=False, eq=False)
class _Stage(Record):
    """What the instructions of a Dockerfile's final stage set up for its command.

    Attributes:
        env: ``ENV`` name -> value; env_lines: name -> line of the ``ENV`` that set it last.
        workdir: the last ``WORKDIR`` (absolute, joined onto the previous ones; ``/`` without one).
        copies: ``(source, destination)`` of each ``COPY``/``ADD``, in order.
        cmd, entrypoint: ``(argv, line)`` of the ``CMD``/``ENTRYPOINT`` in force, or None.
        packages: the packages the stage's ``pip install`` commands name, when they name all it
            installs (an official ``python`` base image, only explicit package lists); None when
            it cannot be told (``-r``, ``.``, a path, another installer, ``COPY --from``, another base).
    """

    env: Dict[str, str] = field(default_factory=dict)
    env_lines: Dict[str, int] = field(default_factory=dict)
    workdir: str = "/"
    copies: List[Tuple[str, str]] = field(default_factory=list)
    cmd: Optional[Tuple[List[str], int]] = None
    entrypoint: Optional[Tuple[List[str], int]] = None
    packages: Optional[List[str]] = field(default_factory=list)

    def __init__(self, env: Dict[str, str] = FROM_FACTORY, env_lines: Dict[str, int] = FROM_FACTORY, workdir: str = "/",
                 copies: List[Tuple[str, str]] = FROM_FACTORY, cmd: Optional[Tuple[List[str], int]] = None,
                 entrypoint: Optional[Tuple[List[str], int]] = None,
                 packages: Optional[List[str]] = FROM_FACTORY) -> None:
        self.env = {} if env is FROM_FACTORY else env
        self.env_lines = {} if env_lines is FROM_FACTORY else env_lines
        self.workdir = workdir
        self.copies = [] if copies is FROM_FACTORY else copies
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.packages = [] if packages is FROM_FACTORY else packages


def _read_stage(items: List[dict]) -> _Stage:
    """The :class:`_Stage` set up by ``items`` (dockerfile-parse ``structure`` entries, in order)."""
    from dockerfile_parse.util import extract_key_values

    stage = _Stage()
    for item in items:
        instruction, value, line = item["instruction"], item["value"], item["startline"] + 1
        if instruction == "FROM" and not _OFFICIAL_PYTHON.match(value):
            stage.packages = None
        elif instruction == "RUN" and stage.packages is not None:
            found = _pip_packages(value)
            stage.packages = None if found is None else stage.packages + found
        elif instruction in ("COPY", "ADD") and "--from" in value:
            stage.packages = None  # a virtualenv or site-packages built in another stage
        if instruction == "ENV":
            try:
                pairs = extract_key_values(env_replace=False, args={}, envs={}, instruction_value=value)
            except Exception:  # malformed ENV: keep going, it only loses that line
                pairs = []
            for key, val in pairs:
                stage.env[key] = val
                stage.env_lines[key] = line
        elif instruction == "WORKDIR":
            stage.workdir = value if value.startswith("/") else os.path.join(stage.workdir, value)
        elif instruction in ("COPY", "ADD"):
            parts = [p for p in _exec_or_shell(value) if not p.startswith("--")]
            if len(parts) >= 2:
                dest = parts[-1]
                for src in parts[:-1]:
                    stage.copies.append((src, dest))
        elif instruction == "CMD":
            stage.cmd = (_exec_or_shell(value), line)
        elif instruction == "ENTRYPOINT":
            stage.entrypoint = (_exec_or_shell(value), line)
            stage.cmd = None  # an ENTRYPOINT resets an inherited CMD
    return stage


#: An official Python base image (``python:3.12-slim``, ``docker.io/library/python``): nothing
#: installed beyond the standard library and pip.
_OFFICIAL_PYTHON = re.compile(r"^\s*(?:--\S+\s+)*(?:docker\.io/)?(?:library/)?python(?::\S+)?(?:\s+AS\s+\S+)?\s*$",
                              re.IGNORECASE)
#: Other installers, whose packages cannot be told from the command (``pipenv install``, ``poetry``).
_INSTALLERS = re.compile(r"\b(?:pipenv|poetry|uv|pdm|conda|mamba|easy_install)\b")


def _pip_packages(value: str) -> Optional[List[str]]:
    """The packages the ``pip install`` commands of one ``RUN`` name (``[]`` without any), or None
    when one installs what cannot be told from it: a requirements file (``-r``), a project (``.``,
    ``-e``, a path), or another installer runs."""
    if _INSTALLERS.search(value):
        return None
    found: List[str] = []
    for argv in split_shell(" ".join(_exec_or_shell(value))):
        words = [os.path.basename(w) for w in argv]
        at = next((i for i, w in enumerate(words[:-1]) if w.startswith("pip") and words[i + 1] == "install"), None)
        if at is None:
            continue
        for word in argv[at + 2:]:
            if word in ("-r", "--requirement", "-e", "--editable", "-c", "--constraint") or word.startswith(
                    ("-r", "--requirement=")) or "/" in word or word.startswith(".") or word.endswith(
                    (".txt", ".whl", ".tar.gz", ".toml")):
                return None
            if not word.startswith("-"):
                found.append(word)
    return found


def _exec_or_shell(value: str) -> List[str]:
    value = value.strip()
    if value.startswith("["):
        try:
            parsed = json.loads(value)
            if isinstance(parsed, list) and all(isinstance(x, str) for x in parsed):
                return parsed
        except ValueError:
            pass
    return [value]


def _combine(entrypoint, cmd) -> Tuple[List[str], int, Optional[str]]:
    if entrypoint and cmd:
        ep, ep_line = entrypoint
        argv, line = cmd
        if len(ep) == 1 and " " not in ep[0] and (ep[0].endswith(".sh") or "entrypoint" in os.path.basename(ep[0])):
            return argv, line, ep[0]  # ``ENTRYPOINT ["./entrypoint.sh"]`` + CMD: the script execs CMD
        if len(ep) >= 1 and os.path.basename(ep[0]) in ("tini", "dumb-init", "/tini"):
            return ep + argv, line, None
        return ep + argv, ep_line, None
    if entrypoint:
        return entrypoint[0], entrypoint[1], None
    if cmd:
        return cmd[0], cmd[1], None
    return [], 0, None


def _docker_bases(folder: str, workdir: str, copies: List[Tuple[str, str]]) -> Tuple[str, ...]:
    """Folders of the build context that end up in WORKDIR (``COPY src/ /app`` with WORKDIR /app)."""
    bases: List[str] = []
    for src, dest in copies:
        dest_abs = dest if dest.startswith("/") else os.path.join(workdir, dest)
        if os.path.normpath(dest_abs) == os.path.normpath(workdir) or dest in (".", "./"):
            candidate = os.path.normpath(os.path.join(folder, src))
            if os.path.isdir(candidate) and candidate not in bases:
                bases.append(candidate)
    if folder not in bases:
        bases.append(folder)
    return tuple(bases)


# ---- docker-compose ------------------------------------------------------------------------------
def read_compose(path: str) -> List[RawCommand]:
    """Read each service of a compose file that sets ``command`` or ``entrypoint`` (or only
    ``environment`` for a service built from a Dockerfile: see :func:`compose_overrides`).

    Raises:
        DeployFileError: invalid YAML or not a compose mapping.
    """
    import yaml

    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise DeployFileError(f"is not valid YAML{where}") from exc
    if data is None:
        return []
    if not isinstance(data, dict):
        raise DeployFileError("is not a compose file (top level is not a mapping)")
    services = data.get("services")
    if services is None and "version" not in data:
        services = {k: v for k, v in data.items() if isinstance(v, dict) and ("image" in v or "build" in v)}
    if not isinstance(services, dict):
        return []
    folder = os.path.dirname(os.path.abspath(path))
    out: List[RawCommand] = []
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        out.append(_compose_service(path, folder, name, service, node, data))
    return out


def _compose_service(path: str, folder: str, name, service: dict, node, data: dict) -> RawCommand:
    """The :class:`RawCommand` of the service ``name`` (its mapping ``service``) of the compose file
    ``path`` (in ``folder``); ``node``/``data``: the file's ``yaml.compose`` node and loaded mapping."""
    env = _compose_env(service.get("environment"))
    build = service.get("build")
    context = build.get("context") if isinstance(build, dict) else build
    bases: List[str] = []
    if isinstance(context, str) and "://" not in context:
        bases.append(os.path.normpath(os.path.join(folder, context)))
    bases.append(folder)
    workdir_rel = service.get("working_dir")
    argv, line_key = _compose_argv(service)
    line = _yaml_line(node, ["services", name, line_key] if "services" in data else [name, line_key]) \
        if line_key else _yaml_line(node, ["services", name] if "services" in data else [name])
    env_lines = {k: _yaml_line(node, (["services", name] if "services" in data else [name]) + ["environment", k])
                 for k in env}
    return RawCommand(
        path, line, argv, env, env_lines, tuple(bases), container=True, exposed=True,
        production=is_production_file(path),
        compose_build=os.path.normpath(os.path.join(folder, context)) if isinstance(context, str) else None,
        compose_dockerfile=build.get("dockerfile") if isinstance(build, dict) else None,
        working_dir=workdir_rel if isinstance(workdir_rel, str) else None,
        kind="compose", name=str(name), env_files=_compose_env_files(service.get("env_file"), node, data, name),
        mounts_source=mounts_source(service, folder, bases[0]),
    )


def mounts_source(service: dict, folder: str, context: str) -> bool:
    """True when the compose ``service`` (of a compose file in ``folder``, built from the folder
    ``context``) bind-mounts its build context, a folder above it or one inside it (``- .:/app``,
    ``- ./flask:/app``, ``type: bind``): the container runs the code as it is being edited, the
    mark of a development stack. Named volumes and absolute host paths do not count.
    https://docs.docker.com/reference/compose-file/services/#volumes"""
    volumes = service.get("volumes")
    if not isinstance(volumes, list):
        return False
    for item in volumes:
        if isinstance(item, str):
            source = item.split(":")[0] if ":" in item else ""
        elif isinstance(item, dict) and item.get("type") == "bind":
            source = str(item.get("source", ""))
        else:
            continue
        for ref in ("${PWD}", "$PWD"):
            if source.startswith(ref):
                source = "." + source[len(ref):]
        if not source.startswith("."):
            continue
        mounted = os.path.normpath(os.path.join(folder, source))
        if mounted == context or context.startswith(mounted + os.sep) or mounted.startswith(context + os.sep):
            return True
    return False


def _compose_argv(service: dict) -> Tuple[List[str], Optional[str]]:
    """``(argv, key)``: the service's ``entrypoint`` then ``command`` (each a string or a list) as one
    argv (joined into one shell string when both are set and the first word holds a space), and the
    first of the two keys that is set (None when neither is)."""
    argv: List[str] = []
    line_key = None
    for key in ("entrypoint", "command"):
        value = service.get(key)
        if isinstance(value, str):
            argv += [value]
            line_key = line_key or key
        elif isinstance(value, list):
            argv += [str(x) for x in value]
            line_key = line_key or key
    if len(argv) > 1 and any(" " in a for a in argv[:1]) and service.get("entrypoint") and service.get("command"):
        argv = [" ".join(argv)]
    return argv, line_key


def _compose_env_files(value, node, data, name) -> Tuple[Tuple[str, int], ...]:
    """``env_file:`` as a string, a list of strings or of ``{path: ...}`` mappings, with its line."""
    items = value if isinstance(value, list) else [value] if value else []
    paths = [item.get("path") if isinstance(item, dict) else item for item in items]
    prefix = ["services", name] if "services" in data else [name]
    line = _yaml_line(node, prefix + ["env_file"])
    return tuple((p, line) for p in paths if isinstance(p, str) and p)


def _compose_env(value) -> Dict[str, str]:
    env: Dict[str, str] = {}
    if isinstance(value, dict):
        for key, val in value.items():
            env[str(key)] = "" if val is None else str(val)
    elif isinstance(value, list):
        for item in value:
            key, _, val = str(item).partition("=")
            env[key] = val
    return env


def _yaml_line(node, keys: List[str]) -> int:
    """1-based line of the value at ``keys`` in a composed YAML node tree (best effort)."""
    import yaml

    current = node
    line = 1
    for key in keys:
        if isinstance(current, yaml.SequenceNode):  # ``- KEY=value`` items of a list
            for item in current.value:
                if str(getattr(item, "value", "")).split("=", 1)[0] == key:
                    line = item.start_mark.line + 1
                    break
            break
        if not isinstance(current, yaml.MappingNode):
            break
        for k, v in current.value:
            if getattr(k, "value", None) == key:
                line = k.start_mark.line + 1
                current = v
                break
        else:
            break
    return line


# ---- Procfile ------------------------------------------------------------------------------------
_PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def read_procfile(path: str) -> List[RawCommand]:
    """Read a Procfile; only the ``web`` process is exposed to HTTP traffic.

    Raises:
        DeployFileError: the file cannot be read.
    """
    text = read_text(path)
    folder = os.path.dirname(os.path.abspath(path))
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PROCFILE_LINE.match(line)
        if not match:
            continue
        kind, command = match.groups()
        if not split_shell(command):
            continue
        out.append(RawCommand(path, number, [command], {}, {}, (folder,), container=False,
                              exposed=kind == "web", production=is_production_file(path), process_type=kind,
                              kind="procfile", name=kind))
    return out
