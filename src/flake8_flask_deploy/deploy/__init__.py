"""Deployment context: which deployment files a project has and what they start.

:func:`get_context` finds the project's deployment files (Dockerfile, compose, Procfile, systemd
units, supervisor programs, start scripts, gunicorn and uWSGI configs, ``.flaskenv``, nginx sites),
reads each once per session (cached per root), and turns their commands into
:class:`~flake8_flask_deploy.model.Launch` objects whose Python targets are resolved to files of the
project, plus the reverse proxies in front of them. A file that cannot be read becomes a warning.
See ``docs/deployment-context.md``.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, Optional

from .. import sources
from ..model import Bind, DeploymentContext, Launch, Location, Proxy
from ..session import PROJECT, current
from .kinds import find_deployment_files, kind_of, reader_for

__all__ = ["get_context", "target_names", "to_launch", "find_deployment_files", "kind_of", "reader_for"]


def __getattr__(name: str) -> Any:
    """``to_launch``, ``build_context`` and the builder's other names, imported when first asked for:
    a run whose contexts come from the on-disk cache imports neither the builder nor its readers
    (PyYAML, bashlex, crossplane, dotenv are imported by the readers where used)."""
    if name.startswith("__") or name == "build":  # ``build``: the import system asks before importing it
        raise AttributeError(name)
    from . import build  # deferred: a warm run needs no builder (tests/test_architecture.py)

    try:
        return getattr(build, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def get_context(root: str) -> DeploymentContext:
    """Build (once per session) the deployment context of the project at ``root``.

    Kept in a :data:`~flake8_flask_deploy.session.PROJECT` cache that survives leaving the project
    (``check`` reads the contexts again after the modules) and is dropped when files change.

    Args:
        root: absolute project root (see :func:`flake8_flask_deploy.sources.find_root`).
    Returns:
        DeploymentContext: never raises; unreadable files are listed in ``warnings``.
    """
    store = current().cache("deploy.contexts", PROJECT, keep_on_leave=True)
    found = store.get(root)
    if found is None:
        found = store[root] = _cached_or_built(root)
    return found


def _cached_or_built(root: str) -> DeploymentContext:
    """The context from the project's on-disk cache when it is fresh (``sources.load_cached``: every
    file read to build it unchanged, no file added or removed in the project walk, the same tool),
    else built, and stored with the files it was read from.

    The scripts of python-script launches are kept apart (``value["scripts"]``: their own files and,
    per launch, the fields their text decides, before and after): when only such a script changed,
    those fields are derived again (:func:`~flake8_flask_deploy.deploy.pyserve.python_server_fields`);
    the same values keep the cached context (the editor's save of ``manage.py``), other values make
    a whole build."""
    if sources.cache_enabled():
        cached = sources.load_cached(root, "context")
        if cached is not None:
            try:
                context = decode_context(cached)
                if _scripts_fresh(root, cached, context):
                    return context
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                pass
    from .build import build_context_and_scripts  # deferred: a warm run needs no builder (tests/test_architecture.py)

    if not sources.cache_enabled():
        return build_context_and_scripts(root)[0]
    with sources.recording_reads(root) as read:
        context, scripts = build_context_and_scripts(root)
    try:
        value = encode_context(context)
        value["scripts"] = {"files": _inside(root, scripts.reads), "launches": [
            [_index_of(context, launch), _encode(before), _encode({n: getattr(launch, n) for n in before})]
            for launch, before in scripts.launches]}
    except (TypeError, ValueError):  # a value the cache cannot hold: not stored
        return context
    value["targets"] = sorted(target_names(context))  # for the pre-filter, which decodes no context
    files: Dict[str, Optional[list]] = dict(read)
    named = list(context.files) + [path for path, _message in context.warnings]
    for path in named:
        path = os.path.abspath(path)
        if path not in files:
            files[path] = sources.stat_key(path)
    sources.store_cached(root, "context", value, files)
    return context


def _index_of(context: DeploymentContext, launch: Launch) -> int:
    """The position of ``launch`` (this object) among the context's launches.

    Raises:
        ValueError: it is not one of them.
    """
    for i, item in enumerate(context.launches):
        if item is launch:
            return i
    raise ValueError("launch not in the context")


def _inside(root: str, files: Dict[str, Optional[list]]) -> Dict[str, Optional[list]]:
    """The entries of ``files`` under ``root`` (outside the cache folder), as ``store_cached`` keeps them."""
    folder = os.path.join(root, sources.CACHE_DIR)
    return {p: k for p, k in files.items() if p.startswith(root + os.sep) and not p.startswith(folder + os.sep)}


def _scripts_fresh(root: str, cached: Dict[str, Any], context: DeploymentContext) -> bool:
    """Whether the scripts part of the cached ``context`` holds: every file read only for the scripts
    has its stamp; else, when only the scripts themselves changed, each python-script launch's fields
    are derived again and found equal to the cached ones (the entry is then stored with the new
    stamps). False when another file changed or a field differs: the context is built again."""
    scripts = cached["scripts"]
    files: Dict[str, Optional[list]] = scripts["files"]
    stale = [path for path, key in files.items() if sources.stat_key(path) != key]
    if not stale:
        return True
    launches = scripts["launches"]
    if not set(stale) <= {os.path.abspath(context.launches[i].script or "") for i, _b, _a in launches}:
        return False
    from .pyserve import python_server_fields  # deferred (not the builder): only when a served script changed

    with sources.recording_reads(root, alone=True) as read:
        for index, before, after in launches:
            probe = dataclasses.replace(context.launches[index], **_decode(before))
            if python_server_fields(probe, root) != _decode(after):
                return False
    fresh = dict(files)
    fresh.update(read)
    for path in stale:
        if path not in read:
            fresh[path] = sources.stat_key(path)
    value = dict(cached)
    value["scripts"] = dict(scripts, files=_inside(root, fresh))
    sources.replace_cached_value(root, "context", cached, value)
    return True


def target_names(context: DeploymentContext) -> frozenset:
    """The file names of the scripts and modules the production launches of ``context`` run or serve,
    and of the modules whose functions their scripts reach (``Launch.calls``: an ``app.run`` there is
    the launch's server whatever words the module holds); a module of another name is none of them:
    ``engine.might_matter``, and the pre-filter from the ``targets`` the on-disk cache keeps beside
    the context."""
    return frozenset(os.path.basename(p) for x in context.production_launches
                     for p in (x.script, x.target_path) + tuple(f for f, _name in x.calls) if p)


#: The classes a cached context holds, by name.
_CLASSES = {cls.__name__: cls for cls in (Location, Bind, Launch, Proxy)}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"()": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"{}": [[_encode(k), _encode(v)] for k, v in value.items()]}
    cls = type(value)
    if _CLASSES.get(cls.__name__) is cls:
        out = {"@": cls.__name__}
        out.update((f.name, _encode(getattr(value, f.name))) for f in dataclasses.fields(value))
        return out
    raise TypeError(f"cannot cache a {cls.__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "()" in value:
            return tuple(_decode(v) for v in value["()"])
        if "{}" in value:
            return {_decode(k): _decode(v) for k, v in value["{}"]}
        fields = {k: _decode(v) for k, v in value.items() if k != "@"}
        return _CLASSES[value["@"]](**fields)
    return value


def encode_context(context: DeploymentContext) -> Dict[str, Any]:
    """``context`` as plain JSON data (its ``memo`` left out).

    Raises:
        TypeError: it holds a value of a class the cache does not know.
    """
    return {"root": context.root, "launches": _encode(context.launches), "files": _encode(context.files),
            "warnings": _encode(context.warnings), "proxies": _encode(context.proxies)}


def decode_context(data: Dict[str, Any]) -> DeploymentContext:
    """The context :func:`encode_context` gave ``data`` for (equal to it, with an empty ``memo``)."""
    return DeploymentContext(root=data["root"], launches=_decode(data["launches"]), files=_decode(data["files"]),
                             warnings=_decode(data["warnings"]), proxies=_decode(data["proxies"]))
