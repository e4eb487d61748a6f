"""What a fix run considers, below the fixes themselves: the findings of a module that ``fix``
would rewrite (selected, not ``# noqa``; see :func:`fixable_findings`) and the text of a file as the
run holds it (:func:`current_text`). The fixes (``fixes/``) and the fix driver (``fix.py``) both
build on it.
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from . import sources
from .deploy.build import kind_of
from .engine import CONTEXT_AUTO, analyze_module, might_matter
from .model import Finding
from .rules import all_rules
from .session import current
from .sources import LINE_BREAK, decode, is_noqa
from .records import FrozenRecord, Record

#: Codes whose deployment-file findings the engine reports on the served module, because their
#: module fix rewrites them there (``Finding.from_deployment``): the rules that say so
#: (``Rule.fixes_mapped_copy``, FDP011). The other deployment findings stay at their deployment line
#: and are left to the deployment-file rewrites of :mod:`flake8_flask_deploy.fixes.deployment`
#: (FDP004, FDP005); the engine no longer maps them onto the module.
MAPPED_FINDINGS = frozenset(rule.code for rule in all_rules() if rule.fixes_mapped_copy)


@dataclass(init=False, repr=False, eq=False)
class Applied(Record):
    """One applied fix: ``path``, ``code``, ``safety``, ``description``, ``line`` of the finding, and
    ``others``: the normalised paths of the other files it edited (``Change.edits``)."""

    path: str
    code: str
    safety: str
    description: str
    line: int
    others: Tuple[str, ...] = ()

    def __init__(self, path: str, code: str, safety: str, description: str, line: int,
                 others: Tuple[str, ...] = ()) -> None:
        self.path = path
        self.code = code
        self.safety = safety
        self.description = description
        self.line = line
        self.others = others


#: Files that say how the project is deployed or what it installs, besides the deployment files the
#: readers know (:func:`~flake8_flask_deploy.deploy.build.kind_of`): the ones a deployment rewrite may
#: edit to install the new server (``requirements*.txt``, ``pyproject.toml``).
_DEPENDENCY_FILE = re.compile(r"^(?:requirements[^/]*\.txt|pyproject\.toml)$")


@dataclass(init=False, repr=False, eq=False)
class FixScope(FrozenRecord):
    """Which files a fix run may edit: those under ``paths``, and with ``deployment`` also the
    deployment files of their projects (Dockerfiles, compose files, Procfiles, start scripts and the
    dependency files a deployment rewrite installs its server with: ``requirements*.txt``,
    ``pyproject.toml``).

    ``fix app.py`` (the pre-commit hook gives the staged files) edits ``app.py`` only; ``fix .``
    edits anything under the current folder; ``fix --deployment app.py`` (or ``fix-deployment = true``
    in ``[tool.flake8-flask-deploy]``) also the Dockerfile that runs it.

    Attributes:
        paths: normalised absolute paths (files or folders) given to ``fix``; empty: everything.
        deployment: True when the deployment files of the projects may be edited too.
    """

    paths: Tuple[str, ...] = ()
    deployment: bool = False

    def __init__(self, paths: Tuple[str, ...] = (), deployment: bool = False) -> None:
        object.__setattr__(self, "paths", paths)
        object.__setattr__(self, "deployment", deployment)

    @classmethod
    def of(cls, paths: Iterable[str], deployment: bool = False) -> "FixScope":
        """The scope of ``fix PATH...`` (paths as given on the command line)."""
        return cls(tuple(sources.normpath(p) for p in paths), deployment)

    def under_paths(self, path: str) -> bool:
        """True when the file ``path`` lies under one of ``paths`` (or no paths restrict the run)."""
        if not self.paths:
            return True
        norm = sources.normpath(path)
        return any(norm == p or norm.startswith(p.rstrip(os.sep) + os.sep) for p in self.paths)

    def allows(self, path: str) -> bool:
        """True when the run may edit ``path``: under ``paths``, or a deployment or dependency file
        (see the class docstring) when ``deployment`` is set."""
        if self.under_paths(path):
            return True
        if not self.deployment:
            return False
        name = os.path.basename(path)
        return kind_of(name, os.path.dirname(path)) is not None or bool(_DEPENDENCY_FILE.match(name))

    def outside(self, files: Iterable[str]) -> List[str]:
        """The files of ``files`` the run may not edit (see :meth:`allows`), in order."""
        return [f for f in files if not self.allows(f)]


#: Everything may be edited: ``check --show-fixes`` asks what ``fix`` does on the whole project.
EVERYTHING = FixScope()


def current_text(path: str) -> Optional[str]:
    """The text of a Python file as this fix run holds it: the text in ``Session.overrides`` (the
    module being fixed, a pending edit of another file, or with ``--diff`` every file the run has
    changed), else the file decoded as Python does (:func:`decode`).

    Args:
        path: absolute, normalised path.
    Returns:
        The text, or None when the file cannot be read or decoded.
    """
    held = current().overrides.get(path)
    if held is not None:
        return held
    try:
        with open(path, "rb") as handle:
            return decode(handle.read()).text
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """True when ``code`` passes ``--select`` (empty: all) and ``--ignore`` (code prefixes)."""
    if select and not any(code.startswith(s) for s in select):
        return False
    return not any(code.startswith(s) for s in ignore)


def _noqa(lines: List[str], finding: Finding) -> bool:
    line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
    return is_noqa(line, finding.code)


def fixable_findings(text: str, path: str, mode: str = CONTEXT_AUTO, select: Sequence[str] = (),
                     ignore: Sequence[str] = (), on_disk: bool = False) -> List[Finding]:
    """Findings of the module ``text`` that ``fix`` would consider (selected, not ``# noqa``).

    ``text`` stands for the file in ``Session.overrides`` while it is analysed, unless ``on_disk``
    says it is the file's text on disk (then the file's scan is cached as ``check`` caches it).

    A deployment-file finding reported on the module (``from_deployment``) is kept only for the
    codes of :data:`MAPPED_FINDINGS` (FDP011: the module fix adds ``ProxyFix``; the engine reports
    no other), the others being the deployment-file rewrites' (FDP004, FDP005).

    Raises:
        SyntaxError, ValueError: ``text`` does not parse (only asked of a text that passes
            :func:`~flake8_flask_deploy.engine.might_matter`: one no rule can fire on is not parsed).
    """
    if not might_matter(text, path, mode):
        return []  # no rule can fire: not even parsed (``check`` tests that it parses; nothing to fix here)
    tree = ast.parse(text, filename=path)
    lines = LINE_BREAK.split(text)
    norm = sources.normpath(path)
    if on_disk:
        found = analyze_module(tree, path, mode)
    else:
        with current().holding({norm: text}):  # the project index sees the text being fixed, not the file
            found = analyze_module(tree, path, mode)
    return [f for f in found if is_selected(f.code, select, ignore) and not _noqa(lines, f)
            and (not f.from_deployment or f.code in MAPPED_FINDINGS)]
