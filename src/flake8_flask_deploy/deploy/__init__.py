"""Deployment context: which deployment files a project has and what they start.

:func:`get_context` finds the project's deployment files (Dockerfile, compose, Procfile, systemd
units, supervisor programs, start scripts, gunicorn and uWSGI configs, ``.flaskenv``, nginx sites),
reads each once per process (cached per root), and turns their commands into
:class:`~flake8_flask_deploy.model.Launch` objects whose Python targets are resolved to files of the
project, plus the reverse proxies in front of them. A file that cannot be read becomes a warning.
See ``docs/deployment-context.md``.
"""
from __future__ import annotations

from functools import lru_cache

from ..model import DeploymentContext
from .build import build_context, find_deployment_files, kind_of, reader_for, to_launch
from .pyserve import waitress_serve

__all__ = ["get_context", "clear_caches", "to_launch", "find_deployment_files", "kind_of", "reader_for"]


@lru_cache(maxsize=32)
def get_context(root: str) -> DeploymentContext:
    """Build (once per process) the deployment context of the project at ``root``.

    Args:
        root: absolute project root (see :func:`flake8_flask_deploy.project.find_root`).
    Returns:
        DeploymentContext: never raises; unreadable files are listed in ``warnings``.
    """
    return build_context(root)


def clear_caches() -> None:
    """Forget every cached context (tests that write files call it)."""
    get_context.cache_clear()
    waitress_serve.cache_clear()
