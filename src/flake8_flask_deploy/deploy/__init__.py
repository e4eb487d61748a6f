"""Deployment context: which deployment files a project has and what they start.

:func:`get_context` finds the project's deployment files (Dockerfile, compose, Procfile, systemd
units, supervisor programs, start scripts, gunicorn and uWSGI configs, ``.flaskenv``, nginx sites),
reads each once per session (cached per root), and turns their commands into
:class:`~flake8_flask_deploy.model.Launch` objects whose Python targets are resolved to files of the
project, plus the reverse proxies in front of them. A file that cannot be read becomes a warning.
See ``docs/deployment-context.md``.
"""
from __future__ import annotations

from ..model import DeploymentContext
from ..session import PROJECT, current
from .build import build_context, find_deployment_files, kind_of, reader_for, to_launch

__all__ = ["get_context", "to_launch", "find_deployment_files", "kind_of", "reader_for"]


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
        found = store[root] = build_context(root)
    return found
