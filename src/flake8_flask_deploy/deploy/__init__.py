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
from .build import build_context, find_deployment_files, kind_of, reader_for, to_launch

__all__ = ["get_context", "target_names", "to_launch", "find_deployment_files", "kind_of", "reader_for"]


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
    else built, and stored with the files it was read from."""
    if not sources.cache_enabled():
        return build_context(root)
    cached = sources.load_cached(root, "context")
    if cached is not None:
        try:
            return decode_context(cached)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    with sources.recording_reads(root) as read:
        context = build_context(root)
    try:
        value = encode_context(context)
    except TypeError:  # a value the cache cannot hold: not stored
        return context
    value["targets"] = sorted(target_names(context))  # for the pre-filter, which decodes no context
    files: Dict[str, Optional[list]] = dict(read)
    named = list(context.files) + [path for path, _message in context.warnings]
    # a script's text is read for what it starts (``serve(app)``), maybe from an earlier cache of the
    # run; a served module's existence is in the project walk
    named += [x.script for x in context.launches if x.script]
    # so are the modules whose functions a script reaches (their trees may come from the session's
    # parse cache, unopened during this build)
    named += [path for x in context.launches for path, _name in x.calls]
    for path in named:
        path = os.path.abspath(path)
        if path not in files:
            files[path] = sources.stat_key(path)
    sources.store_cached(root, "context", value, files)
    return context


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
