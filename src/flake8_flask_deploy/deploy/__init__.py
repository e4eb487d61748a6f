"""Deployment context: which deployment files a project has and what they start.

:func:`get_context` finds the project's deployment files, reads each once per process (cached per
root), and turns their commands into :class:`~flake8_flask_deploy.model.Launch` objects whose Python
targets are resolved to files of the project. A file that cannot be read becomes a warning.
"""
from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from typing import Callable, List, Optional, Tuple

from .. import project
from ..model import DeploymentContext, Launch, Location
from .commands import ParsedCommand, parse_command
from .readers import DeployFileError, RawCommand, read_compose, read_dockerfile, read_procfile

#: (glob on the file name, reader). Matching is case-sensitive except for Dockerfiles.
READERS: Tuple[Tuple[str, Callable[[str], List[RawCommand]]], ...] = (
    ("Dockerfile", read_dockerfile),
    ("Dockerfile.*", read_dockerfile),
    ("*.Dockerfile", read_dockerfile),
    ("*.dockerfile", read_dockerfile),
    ("docker-compose*.yml", read_compose),
    ("docker-compose*.yaml", read_compose),
    ("compose*.yml", read_compose),
    ("compose*.yaml", read_compose),
    ("Procfile", read_procfile),
)


def reader_for(name: str) -> Optional[Callable[[str], List[RawCommand]]]:
    """The reader for a deployment file name, or None when the name is not one we read."""
    for pattern, reader in READERS:
        if fnmatch.fnmatchcase(name, pattern):
            return reader
    return None


def find_deployment_files(root: str) -> List[str]:
    """Every deployment file under ``root`` (virtualenvs, VCS and build folders skipped), sorted."""
    found = []
    for folder, files in project.walk_project(root):
        for name in files:
            if reader_for(name) is not None:
                found.append(os.path.join(folder, name))
    return found


@lru_cache(maxsize=32)
def get_context(root: str) -> DeploymentContext:
    """Build (once per process) the deployment context of the project at ``root``.

    Args:
        root: absolute project root (see :func:`flake8_flask_deploy.project.find_root`).
    Returns:
        DeploymentContext: never raises; unreadable files are listed in ``warnings``.
    """
    context = DeploymentContext(root=root)
    raws: List[RawCommand] = []
    for path in find_deployment_files(root):
        reader = reader_for(os.path.basename(path))
        assert reader is not None
        context.files.append(path)
        try:
            raws.extend(reader(path))
        except DeployFileError as exc:
            context.warnings.append((path, str(exc)))
        except Exception as exc:  # a reader bug must not take flake8 down
            context.warnings.append((path, f"could not be read ({type(exc).__name__}: {exc})"))
    dockerfile_raws = {raw.path: raw for raw in raws if raw.container and raw.compose_build is None
                       and not raw.path.endswith((".yml", ".yaml"))}
    for raw in raws:
        if not raw.argv and raw.compose_build:
            # a compose service that runs its image's CMD with its own environment
            dockerfile = os.path.join(raw.compose_build, raw.compose_dockerfile or "Dockerfile")
            base = dockerfile_raws.get(os.path.normpath(dockerfile))
            if base is None:
                continue
            env = dict(base.env)
            env.update(raw.env)
            env_lines = {k: (raw.env_lines[k] if k in raw.env else base.env_lines.get(k, base.line)) for k in env}
            raw = RawCommand(raw.path, raw.line, base.argv, env, env_lines, base.bases, True, True,
                             raw.production, base.entrypoint_script)
        launch = to_launch(raw, root)
        if launch is not None:
            context.launches.append(launch)
    return context


def to_launch(raw: RawCommand, root: str) -> Optional[Launch]:
    """Interpret a raw command; None when it starts no Python web server we know."""
    if not raw.argv:
        return None
    parsed = parse_command(raw.argv, raw.env)
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
    )
    if parsed.script:
        launch.script = _resolve_script(parsed.script, bases, root)
    elif parsed.module:
        launch.target_path = project.dotted_to_file(root, parsed.module, bases)
        if parsed.server == "python-script":
            launch.script = launch.target_path
    elif parsed.server == "flask-run":
        # Flask's discovery without FLASK_APP: wsgi.py, then app.py in the working directory
        for name in ("wsgi", "app"):
            found = next((project.module_file(b, name) for b in bases if project.module_file(b, name)), None)
            if found:
                launch.module, launch.target_path = name, found
                break
    return launch


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
                    return project.normpath(candidate)
        return project.find_file_by_suffix(root, parts[-1]) if parts else None
    for base in bases + (root,):
        candidate = os.path.join(base, script)
        if os.path.isfile(candidate):
            return project.normpath(candidate)
    return project.find_file_by_suffix(root, script)


def clear_caches() -> None:
    """Forget every cached context (tests that write files call it)."""
    get_context.cache_clear()
