"""The fix driver for one Python file: apply the rules' rewrites (libcst), minimally and safely.

Per file: analyse it with the engine, apply the first applicable fix, re-analyse, until no finding
has a fix (at most :data:`MAX_PASSES` rounds). Each fix lives in :mod:`flake8_flask_deploy.fixes`
(one module per rule) and says whether it is safe. The run over many files (deployment files first)
is :mod:`flake8_flask_deploy.fix_run`; the ``fix`` subcommand is :mod:`flake8_flask_deploy.fix_cli`.

A fix may also edit another file than the module of its finding (``Change.edits``; FDP009 adds the
import of the routes module to the module that defines the app). Such an edit starts from that
file's current text in this run (:func:`current_text`: its pending new text if the run changed it,
else the file), must parse, is written with the module (or shown with ``--diff``) with the same
guarantees, and is seen by the rest of the run: the re-analysis of the module (the finding goes),
the other files' fixes, and the file's own turn (it starts from the edited text). A fix run edits
only the files its :class:`~flake8_flask_deploy.fixable.FixScope` allows (those under the paths
given): a fix that needs another file outside them is not applied, and goes to ``FixReport.outside``
so that the report can say what to run.

Guarantees: the result parses (a fix whose result does not is refused); lines carrying ``# noqa``
(or ``# noqa: FDP00x``) are neither reported nor rewritten; files are written atomically (a temporary
file in the same folder, then :func:`os.replace`) with their encoding (coding cookie, BOM), newline
style and permission bits; a file that does not decode or parse is left untouched and reported, and
one failing file never stops the others.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

from . import project, sources
from .engine import CONTEXT_AUTO, forget_derived, might_matter
from .fixable import (  # noqa: F401 - the fixer's API
    EVERYTHING, Applied, FixScope, current_text, fixable_findings, is_selected)
from .model import Finding
from .session import current
from .sources import (  # noqa: F401 - the fixer's API
    Source, decode, encode, iter_python_files, relative_path, write_atomic)
from .records import FROM_FACTORY, Record

#: Most fix rounds on one file (each round applies one fix and re-analyses).
MAX_PASSES = 50
SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(init=False, repr=False, eq=False)
class FixReport(Record):
    """What a fix run did.

    Attributes:
        applied: fixes applied (or that would be, with ``--diff``).
        changed: path -> (old bytes, new bytes) of every file changed (or that would change).
        unsafe_available: findings that have only an unsafe fix (not applied without --unsafe-fixes).
        warnings: ``(path, message)``: files left untouched (unreadable, undecodable, unparsable).
        errors: ``(path, message)``: files that needed a change that could not be made.
        notes: things the user must do or know (e.g. "gunicorn must be installed").
        covered: ``(path, code, line)`` of deployment findings a rewrite of another code settles.
        outside: ``(path, line, code, files)`` of the fixes not applied because they would edit
            ``files`` (normalised paths) outside the run's :class:`FixScope`.
    """

    applied: List[Applied] = field(default_factory=list)
    changed: Dict[str, Tuple[bytes, bytes]] = field(default_factory=dict)
    unsafe_available: int = 0
    warnings: List[Tuple[str, str]] = field(default_factory=list)
    errors: List[Tuple[str, str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    covered: List[Tuple[str, str, int]] = field(default_factory=list)
    outside: List[Tuple[str, int, str, Tuple[str, ...]]] = field(default_factory=list)
    #: normalised path -> key of ``changed`` for the Python files (a file named two ways is one file)
    keys: Dict[str, str] = field(default_factory=dict, repr=False)

    def __init__(self, applied: List[Applied] = FROM_FACTORY, changed: Dict[str, Tuple[bytes, bytes]] = FROM_FACTORY,
                 unsafe_available: int = 0, warnings: List[Tuple[str, str]] = FROM_FACTORY,
                 errors: List[Tuple[str, str]] = FROM_FACTORY, notes: List[str] = FROM_FACTORY,
                 covered: List[Tuple[str, str, int]] = FROM_FACTORY,
                 outside: List[Tuple[str, int, str, Tuple[str, ...]]] = FROM_FACTORY,
                 keys: Dict[str, str] = FROM_FACTORY) -> None:
        self.applied = [] if applied is FROM_FACTORY else applied
        self.changed = {} if changed is FROM_FACTORY else changed
        self.unsafe_available = unsafe_available
        self.warnings = [] if warnings is FROM_FACTORY else warnings
        self.errors = [] if errors is FROM_FACTORY else errors
        self.notes = [] if notes is FROM_FACTORY else notes
        self.covered = [] if covered is FROM_FACTORY else covered
        self.outside = [] if outside is FROM_FACTORY else outside
        self.keys = {} if keys is FROM_FACTORY else keys


# ---- one module's text ---------------------------------------------------------------------------
def fix_text(text: str, path: str, mode: str = CONTEXT_AUTO, unsafe: bool = False, select: Sequence[str] = (),
             ignore: Sequence[str] = (), others: Optional[Dict[str, str]] = None, disk_text: Optional[str] = None,
             scope: FixScope = EVERYTHING, outside: Optional[List[Tuple[Finding, Tuple[str, ...]]]] = None
             ) -> Tuple[str, List[Applied], int, List[str]]:
    """Apply every available fix to the module ``text`` (``path`` locates its project).

    Args:
        text: decoded source; path: its file path (need not exist; the project is found from it).
        mode: deployment context mode; unsafe: also apply unsafe fixes; select/ignore: code prefixes.
        others: where fixes that edit other files (``Change.edits``) put those files' new texts
            (normalised path -> text); None: such fixes are not applied (only ``text`` is rewritten).
            While this call runs, each edit stands for its file in ``Session.overrides``, so the
            re-analysis sees it (the FDP009 finding goes); on return the entries are as they were.
        disk_text: the file's text on disk, when the caller read it: while the text being fixed is
            still that, the analysis reads the file as ``check`` does (and caches its scan).
        scope: the files the run may edit; a fix whose edits of other files leave it is not applied
            and, when ``outside`` is a list, ``(finding, those files)`` is appended to it.
    Returns:
        ``(new_text, applied, unsafe_available, problems)``; ``problems`` lists fixes refused because
        their result did not parse (a bug: please report it).
    Raises:
        SyntaxError, ValueError: ``text`` itself does not parse (with ``ast``) and might hold a
            finding (a text no rule can fire on is returned unchanged without parsing).
    """
    saved: Dict[str, Optional[str]] = {}
    try:
        return _fix_text(text, path, mode, unsafe, select, ignore, others, saved, disk_text,
                         (scope, outside if outside is not None else []))
    finally:
        current().restore(saved)
        if saved:
            forget_derived(saved)


def _fix_text(text: str, path: str, mode: str, unsafe: bool, select: Sequence[str], ignore: Sequence[str],
              others: Optional[Dict[str, str]], saved: Dict[str, Optional[str]], disk_text: Optional[str] = None,
              scoped: tuple = (EVERYTHING, [])) -> Tuple[str, List[Applied], int, List[str]]:
    """The rounds of :func:`fix_text` (same arguments and result); ``saved``: normalised path -> what
    ``Session.overrides`` held for each other file an applied fix edited, before this call;
    ``scoped``: ``(scope, outside)`` of :func:`fix_text`."""
    import libcst as cst

    applied: List[Applied] = []
    problems: List[str] = []
    unsafe_available = 0
    norm = sources.normpath(path)
    refused: Set[tuple] = set()
    for _ in range(MAX_PASSES):
        on_disk = text == disk_text and norm not in current().overrides
        findings = fixable_findings(text, path, mode, select, ignore, on_disk)
        if not findings:
            break
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            problems.append(f"libcst cannot parse it ({str(exc).splitlines()[0]}); not fixed")
            break
        tree = ast.parse(text, filename=path)
        facts = project.complete_facts(tree, path)
        found, unsafe_available = _first_fix(text, path, (module, tree, facts), findings, unsafe, others, refused,
                                             problems, scoped)
        if found is None:
            break
        text, item, edits = found
        applied.append(item)
        # what was derived from the project while the module had its previous text (the project
        # index's import graph, the deployment context's answers) is stale now: the next round must
        # see the module as this fix left it, or a finding the fix reveals waits for a second run
        forget_derived([norm])
        if edits:
            assert others is not None
            _hold_edits(edits, others, saved)
    return text, applied, unsafe_available, problems


def _first_fix(text: str, path: str, parsed: tuple, findings: List[Finding], unsafe: bool,
               others: Optional[Dict[str, str]], refused: Set[tuple], problems: List[str],
               scoped: tuple = (EVERYTHING, [])) -> Tuple[Optional[Tuple[str, Applied, Dict[str, str]]], int]:
    """Offer ``findings`` of the module ``text`` (``path``) to their rules' fixes, in order, until one
    applies (see :func:`fix_text` for ``unsafe`` and ``others``).

    Args:
        parsed: ``(libcst module, ast tree, complete facts)`` of ``text``.
        refused: ``(code, line, col, text)`` of the fixes not to try again: a fix that raises or gives
            code that does not parse is added, with a line in ``problems``.
    Returns:
        ``(applied, unsafe_available)``: ``applied`` is ``(new text, Applied, edits of other files)``
        of the first fix that applies, or None; ``unsafe_available`` counts the unsafe fixes skipped
        before it.
    """
    from .fixes import FixContext, module_fix

    norm = sources.normpath(path)
    ctx: Optional[FixContext] = None
    unsafe_available = 0
    for finding in findings:
        fixer = module_fix(finding.code)
        if fixer is None:
            continue
        if ctx is None:
            ctx = FixContext(norm, text, *parsed, finding)
        ctx.finding = finding
        key = (finding.code, finding.line, finding.col, text)
        if key in refused:
            continue
        try:
            change = fixer(ctx)
        except Exception as exc:  # a bug in one fix must not stop the others (please report it)
            refused.add(key)
            problems.append(f"internal error in the {finding.code} fix at line {finding.line} "
                            f"({type(exc).__name__}: {exc}); skipped")
            continue
        if change is None:
            continue
        edits = other_edits(change)
        if change.edits and others is None:
            continue  # it needs another file, and this caller rewrites one module only
        if change.safety != SAFE and not unsafe:
            unsafe_available += 1
            continue
        if _out_of_scope(finding, edits, refused, key, scoped):
            continue
        new_text = change.module.code
        if new_text == text and not edits:
            continue
        bad = _unparsable(new_text, path, edits)
        if bad is not None:
            refused.add(key)
            where = "" if bad == path else " in " + os.path.relpath(bad, sources.find_root(os.path.dirname(norm)))
            problems.append(f"{finding.code} fix at line {finding.line} gave code that does not parse{where}; "
                            f"skipped")
            continue
        item = Applied(norm, finding.code, change.safety, change.description, finding.line, tuple(edits))
        return (new_text, item, edits), unsafe_available
    return None, unsafe_available


def _out_of_scope(finding: Finding, edits: Dict[str, str], refused: Set[tuple], key: tuple, scoped: tuple) -> bool:
    """True when ``edits`` (normalised path -> text) touch files that ``scoped[0]`` (a
    :class:`FixScope`) does not allow; the finding then goes to ``scoped[1]`` with those files, and
    its ``key`` to ``refused`` (it is not tried again in this run)."""
    scope, outside = scoped
    blocked = tuple(scope.outside(edits))
    if not blocked:
        return False
    refused.add(key)
    outside.append((finding, blocked))
    return True


def _hold_edits(edits: Dict[str, str], others: Dict[str, str], saved: Dict[str, Optional[str]]) -> None:
    """Let the new texts ``edits`` (normalised path -> text) of other files stand for them in
    ``Session.overrides`` (what each entry held first goes to ``saved``) and in ``others``; the index
    and the facts of other modules then see the edited files."""
    for other, other_text in edits.items():
        saved.setdefault(other, current().overrides.get(other))
        current().overrides[other] = other_text
        others[other] = other_text
    forget_derived(edits)


def other_edits(change) -> Dict[str, str]:
    """The edits of ``change`` (a :class:`~flake8_flask_deploy.fixes.Change`) to other files that
    change them (normalised path -> new text)."""
    out = {}
    for other, new in change.edits.items():
        other = sources.normpath(other)
        if new != current_text(other):
            out[other] = new
    return out


def _unparsable(text: str, path: str, edits: Dict[str, str]) -> Optional[str]:
    """The first of ``path`` (with ``text``) and the edited files that ``ast`` cannot parse, or None."""
    for name, source in [(path, text)] + list(edits.items()):
        try:
            ast.parse(source, filename=name)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return name
    return None


# ---- one file into the report ----------------------------------------------------------------------
def fix_file(path: str, report: FixReport, mode: str, unsafe: bool, select: Sequence[str],
             ignore: Sequence[str], scope: FixScope = EVERYTHING) -> List[str]:
    """Fix one Python file into ``report`` (never raises for bad input; see module docstring).

    ``scope``: the files the run may edit (a fix that needs another one goes to ``report.outside``).

    The file starts from its new text when this run has already changed it (an edit that a fix of
    another file made: it is in ``report.changed``, and with ``--diff`` not on disk), else from the
    file. The edits of other files (``Change.edits``) go to ``report.changed`` as well, each with the
    bytes the file had before the run as its old side, encoded as that file was read; one that
    cannot be read or encoded is an error, and the fix that made it is not reported as applied.

    Returns:
        the keys of ``report.changed`` this call set: the file's own (as given, or as first
        recorded) and those of the other files it edited (normalised paths). Nothing is written.
    """
    norm = sources.normpath(path)
    key = report.keys.get(norm, path)
    read = _file_bytes(path, key, report, mode)
    if read is None:
        return []
    original, data, from_disk = read
    try:
        source = decode(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        report.warnings.append((path, f"cannot be decoded ({exc}); left untouched"))
        return []
    others: Dict[str, str] = {}
    result = _fix_source(path, source, report, (mode, unsafe, select, ignore, scope), others, from_disk)
    if result is None:
        return []
    new_text, applied, unsafe_available, problems = result
    report.unsafe_available += unsafe_available
    report.warnings.extend((path, p) for p in problems)
    changed: List[str] = []
    if new_text != source.text:
        try:
            new_data = encode(source, new_text)
        except UnicodeEncodeError as exc:
            report.errors.append((path, f"the fixed text cannot be encoded as {source.encoding} ({exc}); not changed"))
            applied = [a for a in applied if a.others]  # the edits of other files stand on their own
        else:
            report.changed[key] = (original, new_data)
            report.keys[norm] = key
            changed.append(key)
    for other, text in others.items():
        other_key = _record_edit(report, other, text)
        if other_key is None:
            applied = [a for a in applied if other not in a.others]
        else:
            changed.append(other_key)
    report.applied.extend(applied)
    return changed


def _file_bytes(path: str, key: str, report: FixReport, mode: str) -> Optional[Tuple[bytes, bytes, bool]]:
    """``(original, data, from_disk)`` of the Python file ``path`` (``key``: its key in
    ``report.changed``): its bytes before the run, and the bytes to fix: its new bytes when the run
    has changed it (``from_disk`` False), else the file's. None when it cannot be read (a warning in
    ``report``) or no rule can fire on it."""
    if key in report.changed:
        original, data = report.changed[key]
        return original, data, False
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        report.warnings.append((path, f"cannot be read ({exc.strerror or exc}); left untouched"))
        return None
    if not might_matter(data, path, mode):
        return None  # no rule can fire on it: neither decoded nor parsed (as in ``check``)
    return data, data, True


def _fix_source(path: str, source: Source, report: FixReport, options: tuple, others: Dict[str, str],
                from_disk: bool) -> Optional[Tuple[str, List[Applied], int, List[str]]]:
    """:func:`fix_text` on the decoded ``source`` of ``path`` (``from_disk``: it is the file's text;
    ``options``: ``(mode, unsafe, select, ignore, scope)``); None when it could not be fixed: it does
    not parse or is nested too deeply (a warning in ``report``), or a bug of ours (an error). The
    fixes left out because they need files outside the scope go to ``report.outside``."""
    mode, unsafe, select, ignore, scope = options
    outside: List[Tuple[Finding, Tuple[str, ...]]] = []
    try:
        return fix_text(source.text, path, mode, unsafe, select, ignore, others, source.text if from_disk else None,
                        scope, outside)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        report.warnings.append((path, f"does not parse ({getattr(exc, 'msg', exc)}"
                                      f"{', line %s' % line if line else ''}); left untouched"))
        return None
    except RecursionError:
        report.warnings.append((path, "is nested too deeply to analyse; left untouched"))
        return None
    except Exception as exc:  # a bug of ours: report it, keep going with the other files
        report.errors.append((path, f"internal error ({type(exc).__name__}: {exc}); left untouched"))
        return None
    finally:
        seen = {(p, line, code) for p, line, code, _ in report.outside}
        for finding, files in outside:
            if (sources.normpath(path), finding.line, finding.code) not in seen:
                seen.add((sources.normpath(path), finding.line, finding.code))
                report.outside.append((sources.normpath(path), finding.line, finding.code, files))


def _record_edit(report: FixReport, path: str, text: str) -> Optional[str]:
    """Put the new ``text`` of another file (normalised ``path``) in ``report.changed``, encoded as the
    file is (its current bytes in this run); return its key, or None after recording an error."""
    key = report.keys.get(path, path)
    if key in report.changed:
        original, data = report.changed[key]
    else:
        try:
            with open(path, "rb") as handle:
                original = data = handle.read()
        except OSError as exc:
            report.errors.append((path, f"cannot be read ({exc.strerror or exc}); not changed"))
            return None
    try:
        new_data = encode(decode(data), text)
    except (SyntaxError, UnicodeError, LookupError) as exc:
        report.errors.append((path, f"the edited text cannot be encoded as the file is ({exc}); not changed"))
        return None
    report.changed[key] = (original, new_data)
    report.keys[path] = key
    return key
