"""A fix run over paths: the deployment files of their projects, then every Python file under them.

Scope: a run edits only the files under the paths it is given, and, with ``deployment`` (``fix
--deployment``, ``fix-deployment = true``), the deployment and dependency files of their projects too
(:class:`~flake8_flask_deploy.fixable.FixScope`). A fix that needs another file is not applied, and
``FixReport.outside`` says which and why (``fix_cli`` prints what to run).

Flow per run: deployment files first (unsafe fixes only: ``flask run`` / ``python app.py`` ->
gunicorn, ``--host``/bind changes; :mod:`flake8_flask_deploy.fixes.deployment`), then each Python
file in turn (:func:`flake8_flask_deploy.fix.fix_file`). Each file a fix changed is written at once,
or, with ``--diff``, held in the session so that the rest of the run sees the project as the fixes
leave it, as it would after writing. Nothing here raises for bad input: problems go to the
:class:`~flake8_flask_deploy.fix.FixReport`.
"""
from __future__ import annotations

import contextlib
import os
from typing import Dict, Iterable, Iterator, Optional, Sequence

from . import sources
from .engine import CONTEXT_AUTO, clear_caches, forget_derived
from .fix import FixReport, fix_file
from .fixable import FixScope
from .session import current
from .sources import decode, iter_python_files, write_atomic


def fix_paths(paths: Sequence[str], mode: str = CONTEXT_AUTO, unsafe: bool = False, select: Sequence[str] = (),
              ignore: Sequence[str] = (), write: bool = True, deployment: bool = False) -> FixReport:
    """Fix the deployment files of the projects of ``paths``, then every Python file under ``paths``.

    Args:
        paths: files or folders; mode: ``"auto"``/``"off"``; unsafe: apply unsafe fixes too;
        select/ignore: code prefixes; write: False computes the changes without writing (``--diff``).
        deployment: the deployment and dependency files of the projects may be edited even when they
            are not under ``paths`` (else a rewrite that needs one is left out, in ``report.outside``).
    Returns:
        FixReport. Never raises for bad input.
    """

    report = FixReport()
    scope = FixScope.of(paths, deployment)
    clear_caches()
    if mode != "off":
        from .fixes import deployment as deployment_fixes

        try:
            deployment_fixes.fix_deployments(paths, report, unsafe, select, ignore, write, scope)
        except Exception as exc:  # a bug of ours: report it, still fix the Python files
            report.errors.append((paths[0] if paths else ".", f"internal error while fixing deployment files "
                                  f"({type(exc).__name__}: {exc})"))
    overlay = {} if write else {p: new for p, (_, new) in report.changed.items()}
    with _deployment_overlay(overlay):
        _fix_python_files(iter_python_files(paths), report, (mode, unsafe, select, ignore, scope), write)
    return report


@contextlib.contextmanager
def _deployment_overlay(files: Dict[str, bytes]) -> Iterator[None]:
    """With ``--diff`` nothing is written, yet the Python fixes must see the deployment files as the
    deployment fixes left them: while active, the deployment readers read ``files`` (path -> new
    bytes) instead of the disk."""
    if not files:
        yield
        return
    held = current().deploy_texts
    saved = dict(held)
    held.update({os.path.abspath(p): data.decode("utf-8-sig") for p, data in files.items()})
    forget_derived()
    try:
        yield
    finally:
        held.clear()
        held.update(saved)
        forget_derived()


def _fix_python_files(files: Iterable[str], report: FixReport, options: tuple, write: bool) -> None:
    """Fix ``files`` one by one (``options``: ``(mode, unsafe, select, ignore, scope)``); each file a
    fix changed (itself, or another file through ``Change.edits``) is written at once (``write``),
    or, with ``--diff``, its new text stands for the file in ``Session.overrides`` until the end of
    the pass, so that the rest of the run sees the project as the fixes leave it, as it would after
    writing."""
    overrides = current().overrides
    shown: Dict[str, Optional[str]] = {}  # --diff: overrides set here, with what they held before
    try:
        for path in files:
            before, count = dict(report.changed), len(report.applied)
            keys = fix_file(path, report, *options)
            for key in keys:
                norm = sources.normpath(key)
                old, new = report.changed[key]
                if not write:
                    shown.setdefault(norm, overrides.get(norm))
                    overrides[norm] = decode(new).text
                    continue
                try:
                    write_atomic(key, new)
                except OSError as exc:
                    report.errors.append((key, f"cannot be written ({exc.strerror or exc}); not changed"))
                    if key in before:
                        report.changed[key] = before[key]
                    else:
                        del report.changed[key]
                    # the fixes of this file that needed it are not applied (those of other files stay)
                    own = norm == sources.normpath(path)
                    report.applied[count:] = [a for a in report.applied[count:] if norm not in a.others
                                              and not (own and a.path == norm and not a.others)]
            if keys:
                forget_derived(sources.normpath(key) for key in keys)  # others' facts may depend on these
    finally:
        current().restore(shown)
        if shown:
            forget_derived(shown)
