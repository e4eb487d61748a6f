"""The one engine behind the flake8 plugin, the CLI and the pre-commit hooks.

``analyze_module`` lints one module from its ``ast`` tree (flake8 already parsed it);
``deployment_findings`` gives the findings located in deployment files (computed once per
deployment context). What a run remembers lives in its :class:`~flake8_flask_deploy.session.Session`.
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from . import index, project, sources
from .deploy import get_context, target_names
from .facts import ModuleFacts, with_methods
from .model import WERKZEUG_SCRIPT, DeploymentContext, Finding, Launch, Location
from .prefilter import CONTEXT_OFF, TextTest, is_test_module, may_be_launched
from .records import FROM_FACTORY
from .rules import ModuleContext, all_rules, get_rule
from .session import code_selected, current, set_rule_filter  # noqa: F401 (set_rule_filter: the CLI's)

CONTEXT_AUTO = "auto"


class _OptionSource(Location):
    """Where an option-made launch comes from: shown as the option's name, no file line."""

    def short(self, root: Optional[str] = None) -> str:
        return self.path


def _entrypoint_launch(spec: str, root: str) -> Optional[Launch]:
    source = _OptionSource("flask-deploy-entrypoints", 0)
    if spec.endswith(".py") or "/" in spec or os.sep in spec:
        path = os.path.join(root, spec)
        script = sources.normpath(path) if os.path.isfile(path) else project.find_file_by_suffix(root, spec)
        return Launch(source, WERKZEUG_SCRIPT, f"python {spec}", script=script) if script else None
    module, _, attr = spec.partition(":")
    target = project.dotted_to_file(root, module.strip())
    return Launch(source, "a WSGI server", spec, module=module.strip(), attr=attr.strip() or None,
                  target_path=target) if target else None


def _with_options(context: DeploymentContext) -> DeploymentContext:
    """``context`` plus the launches of the session's ``entrypoints`` option (the same object when
    there are none; the merged context is kept in ``context.memo``)."""
    entrypoints = current().options.entrypoints
    if not entrypoints:
        return context
    key = ("engine.with_options", entrypoints)
    merged = context.memo.get(key)
    if merged is None:
        extra = [x for x in (_entrypoint_launch(s, context.root) for s in entrypoints) if x is not None]
        merged = context.memo[key] = replace(context, launches=list(context.launches) + extra)
    return merged


@dataclass(init=False, repr=False, eq=False)
class _AssumedProductionContext(ModuleContext):
    """``--flask-deploy-assume-production``: the module's ``__main__`` run is one more production
    launch; whether the module is *only* run as a script is still decided by the real launches."""

    declared: List[Launch] = field(default_factory=list)

    def __init__(self, path: str, facts: ModuleFacts, deployment: DeploymentContext,
                 launches: List[Launch] = FROM_FACTORY, tree: Optional[ast.Module] = None,
                 source: Optional[str] = None, declared: List[Launch] = FROM_FACTORY) -> None:
        super().__init__(path, facts, deployment, launches, tree, source)
        self.declared = [] if declared is FROM_FACTORY else declared

    def is_script_only(self) -> bool:
        return bool(self.declared) and all(x.runs_as_main for x in self.declared)


#: The text test of every rule, built once (registering the rules) when the engine is imported. A
#: module that passes none of it cannot hold a finding: the cheap test before any walk, unless a
#: deployment file runs or serves the module (see :func:`might_matter`).
TEXT_TEST = TextTest(all_rules())


def __getattr__(name: str) -> re.Pattern:
    """``PREFILTER``: the same question as :data:`TEXT_TEST`, as a regex (tests hold it and
    :func:`might_matter` to each other): the creation of an app, a ``name.run(`` call, the
    ``__main__`` guard, a debug setting, a secret key, a blueprint, a route, as the rules declare them
    (of a module that is no test module). Compiled on first use (no lint asks it). Raises AttributeError for
    any other name."""
    if name == "PREFILTER":
        return TEXT_TEST.pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def might_matter(source: Union[str, bytes], filename: Optional[str] = None, mode: str = CONTEXT_AUTO) -> bool:
    """The cheap test before any walk: False means no rule can fire on this module.

    Args:
        source: the module's text, or its raw bytes (the CLI tests them before decoding and parsing:
            every word looked for is ASCII, and Python source is in an ASCII-compatible encoding).
        filename: its path; when given (and ``mode`` is not ``off``), a module that a deployment
            file runs or serves always matters (deployment findings are mapped onto it).
    Returns:
        True when some rule may fire (:data:`TEXT_TEST`, the same answer as :data:`PREFILTER`; for a
        test module, given by ``filename``, the test of the rules that report in test modules; or an
        app name of the options, or a launch target).
    """
    if TEXT_TEST(source, filename is not None and is_test_module(filename)):
        return True
    app_names = current().options.app_names
    if app_names:
        text = source.decode("utf-8", "replace") if isinstance(source, (bytes, bytearray)) else source
        if any(re.search(rf"\b{re.escape(name)}\b", text) for name in app_names):
            return True
    if filename is None or mode == CONTEXT_OFF:
        return False
    if not may_be_launched(filename):
        return False  # no deployment file names it: no context is built for it
    # most modules are no launch target: decide from the folder (resolved once per folder) and the
    # file name before resolving the file's own path
    context = context_of_file(filename, mode)
    names = _target_names(context)
    if not names or os.path.basename(filename) not in names and not os.path.islink(filename):
        return False
    path = sources.normpath(filename)
    return bool(context_for(path, mode).launches_for(path))


def _target_names(context: DeploymentContext) -> frozenset:
    """File names of the scripts and modules the production launches of ``context`` run or serve
    (kept in ``context.memo``)."""
    names = context.memo.get("engine.target_names")
    if names is None:
        names = context.memo["engine.target_names"] = target_names(context)
    return names


def context_of_file(filename: str, mode: str = CONTEXT_AUTO) -> DeploymentContext:
    """The deployment context of the project holding ``filename`` (any path: its folder is
    resolved, once per folder, not the file itself; see :func:`context_for`)."""
    folder = sources.normpath(os.path.dirname(os.path.abspath(filename)))
    return context_for(os.path.join(folder, os.path.basename(filename)), mode)


def context_for(path: str, mode: str = CONTEXT_AUTO) -> DeploymentContext:
    """The deployment context of the project holding ``path`` (empty when ``mode`` is ``off``)."""
    root = sources.find_root(os.path.dirname(path))
    if mode == CONTEXT_OFF:
        return _with_options(DeploymentContext(root=root))
    return _with_options(get_context(root))


#: Most projects whose caches a session keeps at once (``Session.projects_kept`` starts at one and
#: grows by one each time a dropped root comes back).
MAX_PROJECTS_KEPT = 8


def enter_project(root: str) -> None:
    """Note that the run is about to lint a module of the project ``root`` (normalised).

    flake8 and ``check`` hand a process the files of one project after another (a folder is walked
    depth first), so when a module of another project comes, the caches of the project left behind
    (its index, the scans, imports and facts of its files) are dropped: a process linting several
    projects holds one project's caches at a time, not the sum of them. A root that comes back
    after it was dropped is rebuilt (the findings never change, only the cost), and from then on
    one more project is kept, so files of a few projects given interleaved do not rebuild each time.
    Deployment contexts are kept (``check`` reads them again after the modules). The bookkeeping
    (``recent_roots``, ``left_roots``, ``projects_kept``) is the session's.
    """
    session = current()
    recent = session.recent_roots
    if recent and recent[-1] == root:
        return
    if root in recent:
        recent.remove(root)
    elif root in session.left_roots:
        session.projects_kept = min(session.projects_kept + 1, MAX_PROJECTS_KEPT)
    recent.append(root)
    while len(recent) > session.projects_kept:
        left = recent.pop(0)
        session.left_roots.add(left)
        session.forget_project(left, recent)


def analyze_module(tree: ast.Module, filename: str, mode: str = CONTEXT_AUTO,
                   select: Optional[Sequence[str]] = None, source: Optional[str] = None) -> List[Finding]:
    """Lint one module.

    Args:
        tree: the module's ``ast``.
        filename: its path as given (relative paths are taken from the current directory; for stdin
            this is ``--stdin-display-name``).
        mode: ``"auto"`` reads the project's deployment files; ``"off"`` ignores them.
        select: codes or prefixes to keep (None keeps all).
        source: the text ``tree`` was parsed from, when the caller has it (``ModuleContext.source``:
            when it is the file on disk, what the rules learn of the tree is kept for other runs).
    Returns:
        findings sorted by position, one per (code, line, column).
    Raises:
        RecursionError: for pathologically nested trees (callers turn it into a skip).
    """
    path = sources.normpath(filename)
    root = sources.find_root(os.path.dirname(path))
    enter_project(root)
    inside = sources.path_inside(path, root, filename)  # test-module detection: the path inside the project
    facts = project.complete_facts(tree, path, inside)
    options = current().options
    context = context_for(path, mode)
    methods = {name for launch in context.production_launches if launch.runs_as_main
               for where, name in launch.calls if where == path and "." in name}
    if methods:  # methods a program reaches (``FlaskAppManager(app).run()``): their ``self.app.run()``
        facts = with_methods(facts, tree, methods)
    module = ModuleContext(path, facts, context, context.launches_for(path), tree, source)
    if options.assume_production and facts.guards:
        assumed = Launch(_OptionSource("flask-deploy-assume-production", 0), WERKZEUG_SCRIPT, "python", script=path)
        module = _AssumedProductionContext(path, facts, context, module.launches + [assumed], tree, source,
                                           declared=module.launches)
    findings: List[Finding] = []
    try:
        for rule in active_rules():
            if rule.reports_in_tests or not facts.is_test_file:
                findings.extend(rule.check(module))
        index.keep_linted(module)  # what other runs asked of this module, when its text is the file's
    finally:
        current().module_done()  # what the rules shared about this module (its tree's scan) goes
    # a launch made by an option has no file line to show the finding at
    findings = [replace(f, related=None) if isinstance(f.related, _OptionSource) else f for f in findings]
    findings.extend(_mapped_launch_findings(module))
    return _filter(_dedupe(findings), select)


def _mapped_launch_findings(module: ModuleContext) -> Iterable[Finding]:
    """The deployment-file findings whose fix is in this module (:func:`reported_on_module`: FDP011),
    located at its app definition (or line 1) with the deployment line as ``related``: their one
    place (:func:`deployment_findings` leaves them out)."""
    for finding, launch in _module_launch_findings(module):
        if not reported_on_module(finding, launch):
            continue
        node = module.facts.app_definition(launch.attr)
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        where = Location(finding.path, finding.line).short(module.root or None)
        yield Finding(finding.code, f"{finding.message} ({where})", module.path, line, col,
                      related=Location(finding.path, finding.line), offers_fix=finding.offers_fix,
                      from_deployment=True)


def _module_launch_findings(module: ModuleContext) -> List[Tuple[Finding, Launch]]:
    """:func:`launch_findings` of the production launches that run or serve this module, of the rules
    whose fix is in the module (``Rule.fixes_mapped_copy``): the ones :func:`reported_on_module`
    can keep. Computed for them only unless a run already holds every rule's (``check`` does):
    an editor's run on one module has no use for the other rules' deployment findings."""
    context = module.deployment
    launches = [x for x in context.launches if x.production and _launch_target(x) == module.path]
    if not launches:
        return []
    session = current()
    cached = context.memo.get(_launch_findings_key())
    if cached is not None and not session.overrides:
        return [(f, x) for f, x in cached if any(x is y for y in launches)]
    return _checked(context, launches, [r for r in active_rules() if r.fixes_mapped_copy])


def _launch_target(launch: Launch) -> Optional[str]:
    """The Python file ``launch`` runs or serves, when it is one of the project's files."""
    target = launch.script or launch.target_path
    return target if target and os.path.isfile(target) else None


def reported_on_module(finding: Finding, launch: Launch) -> bool:
    """True when ``finding`` (of :meth:`~flake8_flask_deploy.rules.Rule.check_launch` on ``launch``)
    is reported on the module the launch serves, not at its deployment line: its rule's fix is in
    the module (``Rule.fixes_mapped_copy``, FDP011), and the launch is a production launch of a
    project file (the engine lints that module whatever its text: :func:`might_matter`)."""
    rule = get_rule(finding.code)
    return bool(rule is not None and rule.fixes_mapped_copy and launch.production and _launch_target(launch))


def _app_location(launch: Launch) -> Optional[Location]:
    """Where the module ``launch`` runs or serves defines its app (``Flask(...)``, the imported app,
    the factory's ``def``; line 1 when none is found), or None when the target is not a project
    file or cannot be parsed: the related location of a deployment-file finding."""
    target = _launch_target(launch)
    if target is None:
        return None
    try:
        tree = ast.parse(current().read_bytes(target), filename=target)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    node = project.complete_facts(tree, target).app_definition(launch.attr)
    return Location(target, getattr(node, "lineno", 1), getattr(node, "col_offset", 0))


def active_rules():
    """The registered rules that :func:`set_rule_filter` lets run (:func:`code_selected`), sorted by code."""
    session = current()
    select, ignore = session.select, session.ignore
    rules = all_rules()
    if not select and not ignore:
        return rules
    return [r for r in rules if code_selected(r.code, select, ignore)]


def launch_findings(context: DeploymentContext):
    """``[(finding, launch)]`` for every rule's :meth:`check_launch` over the context, without the
    findings a comment in their file silences (:mod:`~flake8_flask_deploy.suppress`: so neither
    ``check``, nor flake8 on the module (FDP011), nor the fixer see them), kept in
    ``context.memo`` per rule filter (not while the fixer holds a file's text, ``Session.overrides``:
    FDP011 reads the project's sources)."""
    session = current()
    key = _launch_findings_key()
    cached = context.memo.get(key)
    if cached is not None and not session.overrides:
        return cached
    out = _checked(context, context.launches, active_rules())
    if not session.overrides:
        context.memo[key] = out
    return out


def _launch_findings_key() -> tuple:
    """The ``context.memo`` key of :func:`launch_findings` under the session's rule filter."""
    session = current()
    return ("engine.launch_findings", session.select, session.ignore)


def _checked(context: DeploymentContext, launches: Sequence[Launch], rules) -> List[Tuple[Finding, Launch]]:
    """``[(finding, launch)]`` of each rule's :meth:`check_launch` over ``launches``, in that order,
    without the findings a comment in their file silences."""
    out = []
    from .suppress import Suppressions  # deferred: a run on a module no launch serves reads no comments

    suppressions = Suppressions()
    for launch in launches:
        for rule in rules:
            out.extend((f, launch) for f in rule.check_launch(launch, context) if not suppressions.silenced(f))
    return out


def deployment_findings(context: DeploymentContext) -> List[Finding]:
    """The findings whose primary location is a deployment file of ``context`` (for the CLI): those
    of every rule's :meth:`~flake8_flask_deploy.rules.Rule.check_launch` but the ones reported on
    the module (:func:`reported_on_module`), each with the app definition of the module its launch
    runs or serves as ``related`` (named at the end of the message: ``(blog/__init__.py:4)``).
    Kept in ``context.memo`` (not while the fixer holds a file's text)."""
    session = current()
    key = ("engine.deployment_findings", session.select, session.ignore)
    cached = context.memo.get(key)
    if cached is not None and not session.overrides:
        return cached
    places = {}
    found = []
    for finding, launch in launch_findings(context):
        if reported_on_module(finding, launch):
            continue
        place = (_launch_target(launch), launch.attr)
        if place not in places:
            places[place] = _app_location(launch) if place[0] else None
        where = places[place]
        if where is not None:
            shown = where.short(context.root or None)
            finding = replace(finding, message=f"{finding.message} ({shown})", related=where)
        found.append((finding, launch))
    out = _dedupe(_onto_images(found))
    if not session.overrides:
        context.memo[key] = out
    return out


def _onto_images(found: List[Tuple[Finding, Launch]]) -> List[Finding]:
    """The findings of ``(finding, launch)`` pairs, where a finding of a compose service that runs
    its built image's command (``Launch.image``) and says what the same finding at that Dockerfile
    line says is not repeated: the service becomes a related location of the Dockerfile's finding
    (one problem, one finding, at the line its fix changes)."""
    by_place = {(f.code, f.path, f.line): i for i, (f, _) in enumerate(found)}
    out: List[Optional[Finding]] = [f for f, _ in found]
    for i, (finding, launch) in enumerate(found):
        j = by_place.get((finding.code, launch.image.path, launch.image.line)) if launch.image else None
        if j is None or j == i or out[j] is None or out[j].message != finding.message:  # type: ignore[union-attr]
            continue
        kept = out[j]
        extra = Location(finding.path, finding.line)
        if kept.related is None:  # type: ignore[union-attr]
            out[j] = replace(kept, related=extra)  # type: ignore[arg-type]
        else:
            out[j] = replace(kept, also=tuple(kept.also) + (extra,))  # type: ignore[union-attr,arg-type]
        out[i] = None
    return [f for f in out if f is not None]


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
    """Forget every cache of the current session (roots, files, contexts, the projects kept); its
    options, rule filter and the fixer's texts stay. Tests that write files call it."""
    current().clear()


def forget_derived(changed: Iterable[str] = ()) -> None:
    """Forget what is derived from more than one file, after the fixer changed some files' text
    (on disk, or in ``Session.overrides`` for ``--diff``); keep the per-file caches of the others.

    Args:
        changed: normalised paths of the files whose text changed: their own per-file entries are
            dropped too (a rewrite within one tick of the file system's clock may keep size and mtime).

    See :meth:`flake8_flask_deploy.session.Session.forget`: the project indexes, the deployment
    contexts (and with them what was derived from each, in ``context.memo``), the inference budget
    and answers go; the scans, imports and facts of single files, keyed by ``(size, mtime_ns)`` and
    bypassed for a path the fixer holds a text for, stay, and so do the project roots and file lists
    (a fix edits files, it never creates or deletes one). Clearing everything after each fix
    re-parsed every module of the project for each fixed file.
    """
    current().forget(changed)
