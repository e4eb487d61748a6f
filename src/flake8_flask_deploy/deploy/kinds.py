"""Which files of a project are deployment files, and of what kind (:func:`kind_of`).

Light on purpose: the pre-filter, the suppression comments and a warm run whose deployment context
comes from the on-disk cache ask these questions without importing the builder and its readers
(:mod:`flake8_flask_deploy.deploy.build`).
"""
from __future__ import annotations

import fnmatch
import functools
import os
import re
from typing import List, Optional, Tuple

from .. import sources

#: (glob on the file name, kind). Dockerfile names are matched case-sensitively like the others.
FILE_KINDS: Tuple[Tuple[str, str], ...] = (
    ("Dockerfile", "dockerfile"),
    ("dockerfile", "dockerfile"),
    ("Dockerfile.*", "dockerfile"),
    ("Dockerfile-*", "dockerfile"),
    ("*.Dockerfile", "dockerfile"),
    ("*.dockerfile", "dockerfile"),
    ("Containerfile", "dockerfile"),  # Podman/Buildah's name for the same format
    ("Containerfile.*", "dockerfile"),
    ("docker-compose*.yml", "compose"),
    ("docker-compose*.yaml", "compose"),
    ("compose*.yml", "compose"),
    ("compose*.yaml", "compose"),
    ("Procfile", "procfile"),
    ("*.service", "systemd"),
    ("*.nomad", "nomad"),
    ("*.nomad.hcl", "nomad"),
    ("*.hcl", "hcl"),
    ("gunicorn*.py", "gunicorn-config"),
    ("*.ini", "ini"),
    ("*.conf", "conf"),
    ("*.conf.template", "conf"),
    ("*.nginx", "nginx"),
    ("nginx", "conf"),
    ("nginx.conf*", "conf"),
    ("nginx-*.conf", "conf"),
    ("*.sh", "shell"),
    ("docker-entrypoint*", "shell"),
    ("entrypoint", "shell"),
    (".flaskenv", "dotenv"),
    (".env", "dotenv"),
    (".env.*", "dotenv"),
)
#: Folders whose files (any name) may be nginx site configs.
NGINX_DIRS = frozenset({"sites-available", "sites-enabled", "conf.d", "nginx"})


@functools.lru_cache(maxsize=None)
def _file_kinds_re() -> re.Pattern:
    """:data:`FILE_KINDS` as one pattern, one named group per glob in order (the first glob that
    matches wins, as in a loop over them; every project file name is tested against it). Compiled on
    first use: a warm run, whose context comes from the on-disk cache, asks no file's kind."""
    return re.compile("|".join(f"(?P<k{i}>{fnmatch.translate(glob)})" for i, (glob, _) in enumerate(FILE_KINDS)))


def kind_of(name: str, folder: str = "") -> Optional[str]:
    """The kind of deployment file ``name`` is (``"dockerfile"``, ``"systemd"``, ...) or None."""
    match = _file_kinds_re().match(name)
    if match is not None and match.lastgroup is not None:
        kind = FILE_KINDS[int(match.lastgroup[1:])][1]
        if kind == "dotenv" and name.endswith((".example", ".sample", ".template", ".dist")):
            return None
        if kind == "dockerfile" and name.endswith((".md", ".rst", ".txt", ".orig", ".bak")):
            return None  # notes about a Dockerfile, or a copy of one: not built
        return kind
    if os.path.basename(folder) in NGINX_DIRS and "." not in name:
        return "conf"
    return None


def reader_for(name: str):
    """Backwards-compatible: a truthy value when ``name`` is a deployment file name we read."""
    return kind_of(name)


def find_deployment_files(root: str) -> List[str]:
    """Every deployment file under ``root`` (virtualenvs, VCS and build folders skipped), sorted."""
    found = []
    for folder, files in sources.walk_project(root):
        for name in files:
            if kind_of(name, folder) is not None:
                found.append(os.path.join(folder, name))
    return found
