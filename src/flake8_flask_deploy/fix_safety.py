"""Which findings ``fix`` has a rewrite for, and how safe it is, computed without writing anything:
what ``check --show-fixes`` (and the JSON/SARIF ``fixable`` fields) mark.

The deployment-file rewrites run as in a fix run (:func:`~flake8_flask_deploy.fixes.deployment.fix_deployments`
with nothing written), and each Python finding is offered to its rule's fix
(:func:`~flake8_flask_deploy.fixes.module_fix`) on the file as it is, so what ``check`` calls
fixable is what ``fix`` rewrites.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from typing import Dict, List, Optional, Sequence, Set, Tuple

from . import project, sources
from .engine import CONTEXT_AUTO, clear_caches
from .fix import SAFE, UNSAFE, FixReport, other_edits
from .fixable import fixable_findings
from .model import Finding
from .sources import decode, iter_python_files

#: ``(normalised path, code, line)`` of a finding -> ``"safe"``/``"unsafe"``.
Safeties = Dict[Tuple[str, str, int], str]


def fix_safeties(paths: Sequence[str], mode: str = CONTEXT_AUTO, select: Sequence[str] = (),
                 ignore: Sequence[str] = ()) -> Dict[Tuple[str, str, int], str]:
    """What ``fix`` has a rewrite for, and the safest one: ``{(path, code, line): "safe"|"unsafe"}``.

    Computed without writing anything, in one pass: the deployment-file rewrites (all unsafe) and
    the Python findings they cover (through ``related``), then each Python finding offered to its
    rule's fix on the file as it is. A finding both covered by an unsafe deployment rewrite and
    fixed safely in its module counts as safe. A deployment-file finding whose mapped copy a module
    fix rewrites (FDP011: the nginx line, through the copy's ``related``) gets that fix's safety.
    """
    safeties: Safeties = {}
    deployment_sites: Set[Tuple[str, str, int]] = set()
    clear_caches()
    if mode != "off":
        deployment_sites = _deployment_safeties(paths, select, ignore, safeties)
    for path in iter_python_files(paths):
        _python_safeties(path, mode, select, ignore, deployment_sites, safeties)
    return safeties


def _note(safeties: Safeties, key: Tuple[str, str, int], safety: str) -> None:
    """Record ``safety`` for ``key`` in ``safeties`` unless it is already safe (the safest wins)."""
    if safeties.get(key) != SAFE:
        safeties[key] = safety


def _deployment_safeties(paths: Sequence[str], select: Sequence[str], ignore: Sequence[str],
                         safeties: Safeties) -> Set[Tuple[str, str, int]]:
    """Note as unsafe in ``safeties`` the deployment findings that the deployment-file rewrites of the
    projects of ``paths`` fix or settle (computed, not written); return their keys."""
    from .fixes import deployment

    report = FixReport()
    deployment_sites = set()
    deployment.fix_deployments(paths, report, True, select, ignore, write=False)
    done = [(item.path, item.code, item.line) for item in report.applied] + report.covered
    for path, code, line in done:
        key = (sources.normpath(path), code, line)
        _note(safeties, key, UNSAFE)
        deployment_sites.add(key)
    return deployment_sites


def _python_safeties(path: str, mode: str, select: Sequence[str], ignore: Sequence[str],
                     deployment_sites: Set[Tuple[str, str, int]], safeties: Safeties) -> None:
    """Note in ``safeties`` the safety of the fix of each finding of the Python file ``path`` that
    its rule's fix rewrites, and unsafe for each one a deployment rewrite covers (its ``related``
    line is in ``deployment_sites``). A file that cannot be read or parsed is skipped."""
    import libcst as cst

    from .fixes import FixContext, module_fix

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
        if change is not None and (change.module.code != text or other_edits(change)):
            _note(safeties, key, change.safety)
            if finding.from_deployment and finding.related is not None:
                # the deployment-file line the mapped copy stands for is fixed by the same rewrite
                _note(safeties, (sources.normpath(finding.related.path), finding.code, finding.related.line),
                      change.safety)


def available_fixes(paths: Sequence[str], mode: str = CONTEXT_AUTO, unsafe: bool = True,
                    select: Sequence[str] = (), ignore: Sequence[str] = ()) -> set:
    """``{(path, code, line)}`` of the findings ``fix`` rewrites (``unsafe`` False: safe fixes only);
    see :func:`fix_safeties`."""
    return {key for key, safety in fix_safeties(paths, mode, select, ignore).items() if unsafe or safety == SAFE}


def mark_fixable(findings: Sequence[Finding], paths: Sequence[str], mode: str = CONTEXT_AUTO,
                 unsafe: bool = True, safeties: Optional[Dict[Tuple[str, str, int], str]] = None) -> List[Finding]:
    """``findings`` with ``fixable`` set exactly when ``fix`` (with ``unsafe``) rewrites them; a
    finding shown at a deployment line for a Python finding counts when that Python finding does.
    Pass ``safeties`` (from :func:`fix_safeties`) to mark several times from one computation."""
    if safeties is None:
        safeties = fix_safeties(paths, mode)
    keys = {key for key, safety in safeties.items() if unsafe or safety == SAFE}
    out = []
    for f in findings:
        key = (sources.normpath(f.path), f.code, f.line)
        fixable = key in keys
        if not fixable and f.related is not None:
            fixable = (sources.normpath(f.related.path), f.code, f.related.line) in keys
        out.append(replace(f, fixable=fixable))
    return out
