"""``flake8-flask-deploy fix``: apply the rules' rewrites (libcst), minimally and safely.

Flow per run: deployment files first (unsafe fixes only: ``flask run`` / ``python app.py`` ->
gunicorn, ``--host``/bind changes), then each Python file: analyse it with the engine, apply the
first applicable fix, re-analyse, until no finding has a fix (at most :data:`MAX_PASSES` rounds).
Each fix lives in :mod:`flake8_flask_deploy.fixes` (one module per rule) and says whether it is safe.

A fix may also edit another file than the module of its finding (``Change.edits``; FDP009 adds the
import of the routes module to the module that defines the app). Such an edit starts from that
file's current text in this run (:func:`current_text`: its pending new text if the run changed it,
else the file), must parse, is written with the module (or shown with ``--diff``) with the same
guarantees, and is seen by the rest of the run: the re-analysis of the module (the finding goes),
the other files' fixes, and the file's own turn (it starts from the edited text). The other file
may lie outside the paths given.

Guarantees: the result parses (a fix whose result does not is refused); lines carrying ``# noqa``
(or ``# noqa: FDP00x``) are neither reported nor rewritten; files are written atomically (a temporary
file in the same folder, then :func:`os.replace`) with their encoding (coding cookie, BOM), newline
style and permission bits; a file that does not decode or parse is left untouched and reported, and
one failing file never stops the others.

Exit status (pre-commit relies on it): 0 nothing changed (or would change), 1 a file changed (or
would, with ``--diff``), 2 an error (bad usage, or a file that needed a change could not be written).
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import os
import sys
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from . import config as config_mod
from . import project, sources
from .engine import CONTEXT_AUTO, clear_caches, forget_derived, might_matter
from .fixable import Applied, current_text, fixable_findings, is_selected  # noqa: F401 - the fixer's API
from .model import Finding
from .session import current
from .sources import (  # noqa: F401 - the fixer's API
    Source, decode, encode, iter_python_files, relative_path, write_atomic)

#: Most fix rounds on one file (each round applies one fix and re-analyses).
MAX_PASSES = 50
SAFE = "safe"
UNSAFE = "unsafe"


@dataclass
class FixReport:
    """What a fix run did.

    Attributes:
        applied: fixes applied (or that would be, with ``--diff``).
        changed: path -> (old bytes, new bytes) of every file changed (or that would change).
        unsafe_available: findings that have only an unsafe fix (not applied without --unsafe-fixes).
        warnings: ``(path, message)``: files left untouched (unreadable, undecodable, unparsable).
        errors: ``(path, message)``: files that needed a change that could not be made.
        notes: things the user must do or know (e.g. "gunicorn must be installed").
        covered: ``(path, code, line)`` of deployment findings a rewrite of another code settles.
    """

    applied: List[Applied] = field(default_factory=list)
    changed: Dict[str, Tuple[bytes, bytes]] = field(default_factory=dict)
    unsafe_available: int = 0
    warnings: List[Tuple[str, str]] = field(default_factory=list)
    errors: List[Tuple[str, str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    covered: List[Tuple[str, str, int]] = field(default_factory=list)
    #: normalised path -> key of ``changed`` for the Python files (a file named two ways is one file)
    keys: Dict[str, str] = field(default_factory=dict, repr=False)


def fix_text(text: str, path: str, mode: str = CONTEXT_AUTO, unsafe: bool = False, select: Sequence[str] = (),
             ignore: Sequence[str] = (), others: Optional[Dict[str, str]] = None, disk_text: Optional[str] = None
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
    Returns:
        ``(new_text, applied, unsafe_available, problems)``; ``problems`` lists fixes refused because
        their result did not parse (a bug: please report it).
    Raises:
        SyntaxError, ValueError: ``text`` itself does not parse (with ``ast``) and might hold a
            finding (a text no rule can fire on is returned unchanged without parsing).
    """
    saved: Dict[str, Optional[str]] = {}
    try:
        return _fix_text(text, path, mode, unsafe, select, ignore, others, saved, disk_text)
    finally:
        current().restore(saved)
        if saved:
            forget_derived(saved)


def _fix_text(text: str, path: str, mode: str, unsafe: bool, select: Sequence[str], ignore: Sequence[str],
              others: Optional[Dict[str, str]], saved: Dict[str, Optional[str]], disk_text: Optional[str] = None
              ) -> Tuple[str, List[Applied], int, List[str]]:
    """The rounds of :func:`fix_text` (same arguments and result); ``saved``: normalised path -> what
    ``Session.overrides`` held for each other file an applied fix edited, before this call."""
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
                                             problems)
        if found is None:
            break
        text, item, edits = found
        applied.append(item)
        if edits:
            assert others is not None
            _hold_edits(edits, others, saved)
    return text, applied, unsafe_available, problems


def _first_fix(text: str, path: str, parsed: tuple, findings: List[Finding], unsafe: bool,
               others: Optional[Dict[str, str]], refused: Set[tuple], problems: List[str]
               ) -> Tuple[Optional[Tuple[str, Applied, Dict[str, str]]], int]:
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
        edits = _edits(change)
        if change.edits and others is None:
            continue  # it needs another file, and this caller rewrites one module only
        if change.safety != SAFE and not unsafe:
            unsafe_available += 1
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


def _hold_edits(edits: Dict[str, str], others: Dict[str, str], saved: Dict[str, Optional[str]]) -> None:
    """Let the new texts ``edits`` (normalised path -> text) of other files stand for them in
    ``Session.overrides`` (what each entry held first goes to ``saved``) and in ``others``; the index
    and the facts of other modules then see the edited files."""
    for other, other_text in edits.items():
        saved.setdefault(other, current().overrides.get(other))
        current().overrides[other] = other_text
        others[other] = other_text
    forget_derived(edits)


def _edits(change) -> Dict[str, str]:
    """The edits of ``change`` to other files that change them (normalised path -> new text)."""
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


#: ``(normalised path, code, line)`` of a finding -> ``"safe"``/``"unsafe"``.
_Safeties = Dict[Tuple[str, str, int], str]


def fix_safeties(paths: Sequence[str], mode: str = CONTEXT_AUTO, select: Sequence[str] = (),
                 ignore: Sequence[str] = ()) -> Dict[Tuple[str, str, int], str]:
    """What ``fix`` has a rewrite for, and the safest one: ``{(path, code, line): "safe"|"unsafe"}``.

    Computed without writing anything, in one pass: the deployment-file rewrites (all unsafe) and
    the Python findings they cover (through ``related``), then each Python finding offered to its
    rule's fix on the file as it is. A finding both covered by an unsafe deployment rewrite and
    fixed safely in its module counts as safe. A deployment-file finding whose mapped copy a module
    fix rewrites (FDP011: the nginx line, through the copy's ``related``) gets that fix's safety.
    """
    safeties: _Safeties = {}
    deployment_sites: Set[Tuple[str, str, int]] = set()
    clear_caches()
    if mode != "off":
        deployment_sites = _deployment_safeties(paths, select, ignore, safeties)
    for path in iter_python_files(paths):
        _python_safeties(path, mode, select, ignore, deployment_sites, safeties)
    return safeties


def _note(safeties: _Safeties, key: Tuple[str, str, int], safety: str) -> None:
    """Record ``safety`` for ``key`` in ``safeties`` unless it is already safe (the safest wins)."""
    if safeties.get(key) != SAFE:
        safeties[key] = safety


def _deployment_safeties(paths: Sequence[str], select: Sequence[str], ignore: Sequence[str],
                         safeties: _Safeties) -> Set[Tuple[str, str, int]]:
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
                     deployment_sites: Set[Tuple[str, str, int]], safeties: _Safeties) -> None:
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
        if change is not None and (change.module.code != text or _edits(change)):
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
    from dataclasses import replace

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


# ---- files -------------------------------------------------------------------------------------
def fix_file(path: str, report: FixReport, mode: str, unsafe: bool, select: Sequence[str],
             ignore: Sequence[str]) -> List[str]:
    """Fix one Python file into ``report`` (never raises for bad input; see module docstring).

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
    result = _fix_source(path, source, report, mode, unsafe, select, ignore, others, from_disk)
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


def _fix_source(path: str, source: Source, report: FixReport, mode: str, unsafe: bool, select: Sequence[str],
                ignore: Sequence[str], others: Dict[str, str], from_disk: bool
                ) -> Optional[Tuple[str, List[Applied], int, List[str]]]:
    """:func:`fix_text` on the decoded ``source`` of ``path`` (``from_disk``: it is the file's text);
    None when it could not be fixed: it does not parse or is nested too deeply (a warning in
    ``report``), or a bug of ours (an error)."""
    try:
        return fix_text(source.text, path, mode, unsafe, select, ignore, others, source.text if from_disk else None)
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


def fix_paths(paths: Sequence[str], mode: str = CONTEXT_AUTO, unsafe: bool = False, select: Sequence[str] = (),
              ignore: Sequence[str] = (), write: bool = True) -> FixReport:
    """Fix the deployment files of the projects of ``paths``, then every Python file under ``paths``.

    Args:
        paths: files or folders; mode: ``"auto"``/``"off"``; unsafe: apply unsafe fixes too;
        select/ignore: code prefixes; write: False computes the changes without writing (``--diff``).
    Returns:
        FixReport. Never raises for bad input.
    """

    report = FixReport()
    clear_caches()
    if mode != "off":
        from .fixes import deployment

        try:
            deployment.fix_deployments(paths, report, unsafe, select, ignore, write)
        except Exception as exc:  # a bug of ours: report it, still fix the Python files
            report.errors.append((paths[0] if paths else ".", f"internal error while fixing deployment files "
                                  f"({type(exc).__name__}: {exc})"))
    overlay = {} if write else {p: new for p, (_, new) in report.changed.items()}
    with _deployment_overlay(overlay):
        _fix_python_files(iter_python_files(paths), report, mode, unsafe, select, ignore, write)
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


def _fix_python_files(files: Iterable[str], report: FixReport, mode: str, unsafe: bool, select: Sequence[str],
                      ignore: Sequence[str], write: bool) -> None:
    """Fix ``files`` one by one; each file a fix changed (itself, or another file through
    ``Change.edits``) is written at once (``write``), or, with ``--diff``, its new text stands for the
    file in ``Session.overrides`` until the end of the pass, so that the rest of the run sees the
    project as the fixes leave it, as it would after writing."""
    overrides = current().overrides
    shown: Dict[str, Optional[str]] = {}  # --diff: overrides set here, with what they held before
    try:
        for path in files:
            before, count = dict(report.changed), len(report.applied)
            keys = fix_file(path, report, mode, unsafe, select, ignore)
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


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """A unified diff of two versions of a file (decoded for display)."""
    def text(data: bytes) -> List[str]:
        try:
            return decode(data).text.splitlines(keepends=True)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            return data.decode("utf-8", "replace").splitlines(keepends=True)

    rel = relative_path(path)
    out = difflib.unified_diff(text(old), text(new), f"a/{rel}", f"b/{rel}")
    lines = []
    for line in out:
        lines.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


# ---- command line ------------------------------------------------------------------------------
def run_fix(args: argparse.Namespace) -> int:
    """``fix``: apply (or show with ``--diff``) fixes; returns the exit status (see module docstring)."""
    options = config_mod.load_options(args.paths[0] if args.paths else ".")
    select = config_mod.merge_codes(args.select, options.select)
    ignore = config_mod.merge_codes(args.ignore, options.ignore)
    mode = args.flask_deploy_context or options.context or CONTEXT_AUTO
    unsafe = args.unsafe_fixes if args.unsafe_fixes is not None else bool(options.unsafe_fixes)
    config_mod.configure_engine(options)
    for path in args.paths:
        if not os.path.exists(path):
            print(f"error: {path}: no such file or directory", file=sys.stderr)
            return 2
    report = fix_paths(args.paths, mode, unsafe, select, ignore, write=not args.diff)
    for path, message in sorted(set(options.warnings + report.warnings)):
        print(f"warning: {relative_path(path)}: {message}", file=sys.stderr)
    for path, message in report.errors:
        print(f"error: {relative_path(path)}: {message}", file=sys.stderr)
    info = sys.stderr if args.diff else sys.stdout
    if args.diff:
        for path, (old, new) in report.changed.items():
            sys.stdout.write(unified_diff(path, old, new))
    else:
        for item in report.applied:
            print(f"{relative_path(item.path)}:{item.line}: {item.code} [{item.safety}] {item.description}", file=info)
    for note in report.notes:
        print(f"note: {note}", file=info)
    verb = "Would fix" if args.diff else "Fixed"
    count = len(report.applied)
    if count:
        print(f"{verb} {count} finding{'s' if count != 1 else ''} in {len(report.changed)} "
              f"file{'s' if len(report.changed) != 1 else ''}.", file=info)
    if report.unsafe_available and not unsafe:
        n = report.unsafe_available
        print(f"{n} more fix{'es' if n != 1 else ''} available with --unsafe-fixes.", file=info)
    if report.errors:
        return 2
    return 1 if report.changed else 0


def _codes(value: str) -> List[str]:
    """``--select``/``--ignore``: codes or prefixes of this tool's rules (exit 2 for any other)."""
    return config_mod.command_line_codes(value)


def register_cli(sub: "argparse._SubParsersAction") -> None:
    """Add the ``fix`` subcommand to the CLI's subparsers (see ``cli.SUBCOMMANDS``)."""
    parser = sub.add_parser("fix", help="apply fixes (safe ones unless --unsafe-fixes)",
                            description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    parser.add_argument("--unsafe-fixes", action="store_true", default=None,
                        help="also apply fixes marked unsafe (see each rule's 'Fix safety')")
    parser.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false",
                        help="apply safe fixes only, whatever the configuration says")
    parser.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    parser.add_argument("--select", type=_codes, default=None, help="comma-separated codes or prefixes to fix")
    parser.add_argument("--ignore", type=_codes, default=None, help="comma-separated codes or prefixes to skip")
    parser.add_argument("--flask-deploy-context", choices=("auto", "off"), default=None,
                        help="read deployment files to judge findings (default: auto)")
    parser.set_defaults(func=run_fix)
