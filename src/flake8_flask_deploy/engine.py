"""The one engine behind the flake8 plugin, the CLI and the pre-commit hooks.

``analyze_module`` lints one module from its ``ast`` tree (flake8 already parsed it);
``deployment_findings`` gives the findings located in deployment files (computed once per
deployment context).
"""
from __future__ import annotations

import ast
import os
import re
from typing import Iterable, List, Optional, Sequence

from . import project
from .deploy import get_context
from .facts import collect
from .model import DeploymentContext, Finding, Location
from .rules import ModuleContext, all_rules

#: A module that matches none of these cannot hold a finding (the cheap test before any walk).
PREFILTER = re.compile(r"[Ff]lask|\bapp\b|\bapplication\b|_app\b")

CONTEXT_AUTO = "auto"
CONTEXT_OFF = "off"


def might_matter(source: str) -> bool:
    """True when ``source`` mentions Flask or an app; False means no rule can fire on it."""
    return PREFILTER.search(source) is not None


def context_for(path: str, mode: str = CONTEXT_AUTO) -> DeploymentContext:
    """The deployment context of the project holding ``path`` (empty when ``mode`` is ``off``)."""
    root = project.find_root(os.path.dirname(path))
    if mode == CONTEXT_OFF:
        return DeploymentContext(root=root)
    return get_context(root)


def analyze_module(tree: ast.Module, filename: str, mode: str = CONTEXT_AUTO,
                   select: Optional[Sequence[str]] = None) -> List[Finding]:
    """Lint one module.

    Args:
        tree: the module's ``ast``.
        filename: its path as given (relative paths are taken from the current directory; for stdin
            this is ``--stdin-display-name``).
        mode: ``"auto"`` reads the project's deployment files; ``"off"`` ignores them.
        select: codes or prefixes to keep (None keeps all).
    Returns:
        findings sorted by position, one per (code, line, column).
    Raises:
        RecursionError: for pathologically nested trees (callers turn it into a skip).
    """
    path = project.normpath(filename)
    facts = collect(tree, filename)
    facts.accept_imported_apps(project.resolve_imported_apps(facts, path))
    context = context_for(path, mode)
    module = ModuleContext(path, facts, context, context.launches_for(path))
    findings: List[Finding] = []
    for rule in all_rules():
        findings.extend(rule.check(module))
    findings.extend(_mapped_launch_findings(module))
    return _filter(_dedupe(findings), select)


def _mapped_launch_findings(module: ModuleContext) -> Iterable[Finding]:
    """Deployment-file findings whose launch targets this module, re-located onto the app
    definition (or line 1) with the deployment location as ``related``."""
    for finding, launch in launch_findings(module.deployment):
        if module.path not in (launch.target_path, launch.script):
            continue
        node = module.facts.app_definition(launch.attr)
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        where = Location(finding.path, finding.line).short(module.root or None)
        yield Finding(finding.code, f"{finding.message} ({where})", module.path, line, col,
                      related=Location(finding.path, finding.line), from_deployment=True)


_LAUNCH_CACHE: dict = {}  # id(context) -> (context, [(finding, launch)])


def launch_findings(context: DeploymentContext):
    """``[(finding, launch)]`` for every rule's :meth:`check_launch` over the context, cached."""
    key = id(context)
    cached = _LAUNCH_CACHE.get(key)
    if cached is not None and cached[0] is context:
        return cached[1]
    out = []
    for launch in context.launches:
        for rule in all_rules():
            for finding in rule.check_launch(launch, context):
                out.append((finding, launch))
    _LAUNCH_CACHE[key] = (context, out)
    return out


def deployment_findings(context: DeploymentContext) -> List[Finding]:
    """Findings located in the deployment files of ``context`` (for the CLI)."""
    return _dedupe([finding for finding, _ in launch_findings(context)])


def _dedupe(findings: List[Finding]) -> List[Finding]:
    seen = set()
    out = []
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.col, f.code)):
        key = (finding.code, finding.path, finding.line, finding.col)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _filter(findings: List[Finding], select: Optional[Sequence[str]]) -> List[Finding]:
    if not select:
        return findings
    return [f for f in findings if any(f.code.startswith(s) for s in select)]


def clear_caches() -> None:
    """Forget every per-process cache (roots, files, contexts). Tests that write files call it."""
    from . import deploy

    project.clear_caches()
    deploy.clear_caches()
    _LAUNCH_CACHE.clear()
