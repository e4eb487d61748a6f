"""Which findings ``fix`` has a rewrite for, and how safe it is, computed without writing anything:
what ``check --show-fixes`` (and the JSON/SARIF ``fixable`` fields) mark.

The deployment-file rewrites run as in a fix run (:func:`~flake8_flask_deploy.fixes.deployment.fix_deployments`
with nothing written), and each Python finding is offered to its rule's fix
(:func:`~flake8_flask_deploy.fixes.module_fix`) on the file as it is, so what ``check`` calls
fixable is what ``fix`` rewrites.

Scope: the marks follow the :class:`~flake8_flask_deploy.fixable.FixScope` that ``fix`` would have
with the same paths and options (``check app.py`` marks what ``fix app.py`` changes): a Python fix
that would edit another file outside the paths, and a deployment rewrite of a file outside them
without ``fix-deployment = true``, are not marked (as ``ruff check --fix`` marks only what it would
change in the files it is given). The scope is passed, or recorded by ``check`` in
``Session.fix_scope``; without either, everything may be edited.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from typing import Dict, List, Optional, Sequence, Set, Tuple

from . import project, sources
from .engine import CONTEXT_AUTO, clear_caches
from .fix import SAFE, UNSAFE, FixReport, other_edits
from .fixable import EVERYTHING, FixScope, fixable_findings
from .model import Finding
from .session import current
from .sources import decode, iter_python_files

#: ``(normalised path, code, line)`` of a finding -> ``"safe"``/``"unsafe"``.
Safeties = Dict[Tuple[str, str, int], str]


def fix_safeties(paths: Sequence[str], mode: str = CONTEXT_AUTO, select: Sequence[str] = (),
                 ignore: Sequence[str] = (), scope: Optional[FixScope] = None) -> Dict[Tuple[str, str, int], str]:
    """What ``fix`` has a rewrite for, and the safest one: ``{(path, code, line): "safe"|"unsafe"}``.

    Computed without writing anything, in one pass: the deployment-file rewrites (all unsafe) and
    the Python findings they cover (through ``related``), then each Python finding offered to its
    rule's fix on the file as it is. A finding both covered by an unsafe deployment rewrite and
    fixed safely in its module counts as safe. A deployment-file finding whose mapped copy a module
    fix rewrites (FDP011: the nginx line, through the copy's ``related``) gets that fix's safety.

    Args:
        paths: the files (or folders) whose findings are asked about; their projects' deployment
            files are planned too.
        scope: the files ``fix`` may edit (:class:`FixScope`); None: :func:`run_scope`. A rewrite
            that would edit a file outside it is not counted, as ``fix`` does not apply it.
    """
    safeties: Safeties = {}
    deployment_sites: Set[Tuple[str, str, int]] = set()
    scope = scope if scope is not None else run_scope()
    clear_caches()
    if mode != "off":
        deployment_sites = _deployment_safeties(paths, select, ignore, safeties, scope)
    for path in iter_python_files(paths):
        if scope.under_paths(path):
            _python_safeties(path, (mode, select, ignore, scope), deployment_sites, safeties)
    return safeties


def run_scope() -> FixScope:
    """The scope of ``fix`` with the paths and ``fix-deployment`` option of this run
    (``Session.fix_scope``, set by ``check``), or :data:`~flake8_flask_deploy.fixable.EVERYTHING`."""
    held = current().fix_scope
    if held is None:
        return EVERYTHING
    paths, deployment = held
    return FixScope.of(paths or ["."], deployment)


def _note(safeties: Safeties, key: Tuple[str, str, int], safety: str) -> None:
    """Record ``safety`` for ``key`` in ``safeties`` unless it is already safe (the safest wins)."""
    if safeties.get(key) != SAFE:
        safeties[key] = safety


def _deployment_safeties(paths: Sequence[str], select: Sequence[str], ignore: Sequence[str],
                         safeties: Safeties, scope: FixScope = EVERYTHING) -> Set[Tuple[str, str, int]]:
    """Note as unsafe in ``safeties`` the deployment findings that the deployment-file rewrites of the
    projects of ``paths`` fix or settle within ``scope`` (computed, not written); return their keys."""
    from .fixes import deployment

    report = FixReport()
    deployment_sites = set()
    deployment.fix_deployments(paths, report, True, select, ignore, False, scope)
    done = [(item.path, item.code, item.line) for item in report.applied] + report.covered
    for path, code, line in done:
        key = (sources.normpath(path), code, line)
        _note(safeties, key, UNSAFE)
        deployment_sites.add(key)
    return deployment_sites


def _python_safeties(path: str, options: tuple, deployment_sites: Set[Tuple[str, str, int]],
                     safeties: Safeties) -> None:
    """Note in ``safeties`` the safety of the fix of each finding of the Python file ``path`` that
    its rule's fix rewrites (``options``: ``(mode, select, ignore, scope)``; a fix that edits another
    file outside ``scope`` does not count), and unsafe for each one a deployment rewrite covers (its
    ``related`` line is in ``deployment_sites``). A file that cannot be read or parsed is skipped."""
    import libcst as cst

    from .fixes import FixContext, module_fix

    mode, select, ignore, scope = options
    try:
        with open(path, "rb") as handle:
            text = decode(handle.read()).text
        findings = fixable_findings(text, path, mode, select, ignore)
        if not findings:
            return
        module = cst.parse_module(text)
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError, LookupError, cst.ParserSyntaxError,
            RecursionError):
        return
    norm = sources.normpath(path)
    facts = project.complete_facts(tree, path)
    ctx = FixContext(norm, text, module, tree, facts, findings[0])
    for finding in findings:
        key = (norm, finding.code, finding.line)
        if finding.related is not None and (sources.normpath(finding.related.path), finding.code,
                                            finding.related.line) in deployment_sites:
            _note(safeties, key, UNSAFE)
        fixer = module_fix(finding.code)
        if fixer is None:
            continue
        ctx.finding = finding
        try:
            change = fixer(ctx)
        except Exception:  # pragma: no cover - a fixer bug must not break check
            change = None
        edits = other_edits(change) if change is not None else {}
        if change is not None and (change.module.code != text or edits) and not scope.outside(edits):
            _note(safeties, key, change.safety)
            if finding.from_deployment and finding.related is not None:
                # the deployment-file line the mapped copy stands for is fixed by the same rewrite
                _note(safeties, (sources.normpath(finding.related.path), finding.code, finding.related.line),
                      change.safety)


def available_fixes(paths: Sequence[str], mode: str = CONTEXT_AUTO, unsafe: bool = True,
                    select: Sequence[str] = (), ignore: Sequence[str] = (), scope: Optional[FixScope] = None) -> set:
    """``{(path, code, line)}`` of the findings ``fix`` rewrites (``unsafe`` False: safe fixes only);
    see :func:`fix_safeties`."""
    found = fix_safeties(paths, mode, select, ignore, scope)
    return {key for key, safety in found.items() if unsafe or safety == SAFE}


def mark_fixable(findings: Sequence[Finding], paths: Sequence[str], mode: str = CONTEXT_AUTO,
                 unsafe: bool = True, safeties: Optional[Dict[Tuple[str, str, int], str]] = None,
                 scope: Optional[FixScope] = None) -> List[Finding]:
    """``findings`` with ``fixable`` set exactly when ``fix`` (with ``unsafe``, within ``scope``: see
    :func:`fix_safeties`) rewrites them; a finding shown at a deployment line for a Python finding
    counts when that Python finding does. Pass ``safeties`` (from :func:`fix_safeties`) to mark
    several times from one computation."""
    if safeties is None:
        safeties = fix_safeties(paths, mode, scope=scope)
    keys = {key for key, safety in safeties.items() if unsafe or safety == SAFE}
    out = []
    for f in findings:
        key = (sources.normpath(f.path), f.code, f.line)
        fixable = key in keys
        if not fixable and f.related is not None:
            fixable = (sources.normpath(f.related.path), f.code, f.related.line) in keys
        out.append(replace(f, fixable=fixable))
    return out
