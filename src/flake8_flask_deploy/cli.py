"""``flake8-flask-deploy``: check (and fix) a project without going through flake8.

The CLI calls the same engine as the flake8 plugin and adds what flake8 cannot show: findings
located in deployment files (Dockerfile, compose, Procfile) and warnings about files it could not
read. Exit status: 0 no findings, 1 findings, 2 usage or internal error.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import os
import re
import sys
from dataclasses import replace
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import __version__
from .baseline import BaselineError, apply_baseline, write_baseline
from .config import DEFAULT_EXCLUDE, apply_to_check, command_line_codes, is_excluded, load_options, reported_here
from .engine import CONTEXT_AUTO, analyze_module, context_of_file, deployment_findings, might_matter, set_rule_filter
from .fix_safety import fix_safeties, mark_fixable
from .model import Finding
from .output import FORMATS, Report, format_text
from .session import current as current_session, new_session
from . import sources, syntax
from .deploy.build import kind_of
from .sources import decode, is_noqa, iter_python_files, relative_path  # noqa: F401 - is_noqa: the CLI's API


def read_source(path: str) -> Tuple[Optional[bytes], Optional[str]]:
    """Read a file as bytes; return ``(data, None)`` or ``(None, warning)``."""
    try:
        with open(path, "rb") as handle:
            return handle.read(), None
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc}); skipped"


def parse_source(data: bytes, path: str) -> Tuple[Optional[ast.Module], Optional[str], List[str]]:
    """Parse Python source bytes (coding cookie and BOM honoured).

    Returns:
        ``(tree, None, lines)`` or ``(None, problem, [])`` for a file that does not parse or decode.
    """
    tree, problem = _parse(data, path)
    if tree is None:
        return None, problem.message if problem else "", []
    return tree, None, _source_lines(data)


def _source_lines(data: bytes) -> List[str]:
    """The lines of Python source bytes, decoded as Python decodes them (replacement characters if
    that fails)."""
    try:
        text = decode(data).text
    except (SyntaxError, UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", "replace")
    return text.splitlines()


def _parse(data: bytes, path: str) -> Tuple[Optional[ast.Module], Optional[Finding]]:
    """``(tree, None)``, or ``(None, finding)``: a :data:`~flake8_flask_deploy.model.PARSE_ERROR`
    finding at the place Python gives (:func:`flake8_flask_deploy.syntax.parse`)."""
    return syntax.parse(data, path)


def _check_file(job: Tuple[str, str], later: Optional[list] = None
                ) -> Tuple[str, bool, Optional[str], List[Finding]]:
    """Lint one file for :func:`check_paths` (runs in a worker process when ``--jobs`` > 1).

    Args:
        job: ``(path, mode)``.
        later: when given, a module the text test rules out is appended to it and its result is a
            placeholder, for :func:`_check_jobs` to test it once the other files are done.
    Returns:
        ``(path, read, warning or None, module findings not silenced by ``# noqa``)``: ``read`` is
        False when the file could not be read, decoded or parsed; a file that does not parse or
        decode gives one :data:`~flake8_flask_deploy.model.PARSE_ERROR` finding, whether it is
        analysed or not (a module the text test rules out is only checked to parse, see
        :func:`_unanalysed`).
    """
    path, mode = job
    verdicts = syntax.verdicts_for(sources.normpath(path))
    stamp = sources.stat_key(path)  # before the read: a verdict on these bytes is never wrongly fresh
    data, warning = read_source(path)
    if data is None:
        return path, False, warning or "", []
    # the cheap text test first: a module no rule can fire on is not analysed (most of a code base)
    if not might_matter(data, path, mode):
        if later is not None:
            later.append((path, data, verdicts, stamp))
            return path, True, None, []
        return _unanalysed(path, data, verdicts, stamp)
    tree, problem = _parse(data, path)
    if tree is None:
        return path, False, None, [problem] if problem else []
    lines = _source_lines(data)
    try:
        found = analyze_module(tree, path, mode)
    except RecursionError:
        return path, True, "is nested too deeply to analyse; skipped", []
    except Exception as exc:  # a bug of ours: say so, keep checking the other files
        return path, True, (f"{_INTERNAL_ERROR} ({type(exc).__name__}: {exc}); its findings are "
                            "missing: please report it"), []
    kept = []
    for finding in found:
        line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        if not is_noqa(line, finding.code):
            kept.append(finding)
    return path, True, None, kept


def _check_jobs(jobs: List[Tuple[str, str]]) -> List[Tuple[str, bool, Optional[str], List[Finding]]]:
    """:func:`_check_file` over ``jobs``, in order, the modules the text test rules out tested last:
    the project index has parsed many of them by then (to follow their imports), and a module it
    parsed as it is now is not tested again (:func:`_unanalysed`)."""
    later: list = []
    results = [_check_file(job, later) for job in jobs]
    if later:
        done = {path: _unanalysed(path, data, verdicts, stamp) for path, data, verdicts, stamp in later}
        results = [done.get(result[0], result) for result in results]
    return results


def _unanalysed(path: str, data: bytes, verdicts: Optional[syntax.Verdicts], stamp: Optional[List[int]]
                ) -> Tuple[str, bool, Optional[str], List[Finding]]:
    """:func:`_check_file`'s answer for a module the text test rules out: only whether it parses
    (:func:`~flake8_flask_deploy.syntax.syntax_finding`), unless the on-disk cache found it sound
    with the ``stamp`` it has (taken before it was read), or the project index parsed it in this run."""
    key = sources.normpath(path)
    if verdicts is not None and verdicts.sound(key, stamp):
        return path, True, None, []
    if syntax.parsed_already(key, stamp):
        if verdicts is not None:
            verdicts.learn(key, stamp)
        return path, True, None, []
    problem = syntax.syntax_finding(data, path)
    if problem is not None:
        return path, False, None, [problem]
    if verdicts is not None:
        verdicts.learn(key, stamp)
    return path, True, None, []


#: How a warning about a rule that raised on a file begins (such a run exits 2: findings are missing).
_INTERNAL_ERROR = "internal error while checking it"


def _check_files(task: Tuple[List[int], List[Tuple[str, str]]]
                 ) -> Tuple[List[int], List[Tuple[str, bool, Optional[str], List[Finding]]], list]:
    """:func:`_check_file` over one task of :func:`_tasks` (in a worker process): ``(indexes, jobs)``
    in, ``(indexes, results, files found sound)`` out (the pool returns tasks as they finish; the
    parent records the files found sound for the on-disk cache: :func:`~flake8_flask_deploy.syntax.drain_learnt`)."""
    indexes, jobs = task
    results = _check_jobs(jobs)
    return indexes, results, syntax.drain_learnt()


def _tasks(roots: Sequence[str], workers: int) -> List[List[int]]:
    """Cut the files into the tasks a pool of ``workers`` hands out, largest first.

    Args:
        roots: the project root of each file, in the order of the files.
        workers: worker processes (> 1).
    Returns:
        lists of indexes into ``roots``, each in file order; every index is in exactly one list.

    The files of one project stay together, so a worker builds that project's index, scans and
    rule answers once, instead of every worker that gets some of its files building them again
    (``check`` of the six benchmark projects on two cores spent 1 CPU-s, a fifth of its time, on
    such rebuilds when the files were cut into equal chunks). A
    project with more than a fair share of the files (1/``workers`` of them) is cut into pieces of
    1/(4 x ``workers``), as flake8 chunks its pool, so that one project still uses every core.
    """
    by_root: Dict[str, List[int]] = {}
    for i, root in enumerate(roots):
        by_root.setdefault(root, []).append(i)
    share = -(-len(roots) // workers)
    piece = max(len(roots) // (workers * 4), 1)
    tasks: List[List[int]] = []
    for indexes in by_root.values():
        if len(indexes) <= share:
            tasks.append(indexes)
        else:
            tasks.extend(indexes[i:i + piece] for i in range(0, len(indexes), piece))
    tasks.sort(key=len, reverse=True)  # the largest first: the pool's workers finish together
    return tasks


def _map_files(jobs: List[Tuple[str, str]], workers: int) -> Iterable[Tuple[str, bool, Optional[str], List[Finding]]]:
    """Run :func:`_check_file` over ``jobs`` and return the results in the order of ``jobs``: in
    ``workers`` forked processes, each handed whole projects (see :func:`_tasks`), or in this process
    when ``workers`` <= 1, there is one file, ``fork`` is not available (the engine's configuration
    and caches live in this process), or a pool cannot be started."""
    if workers > 1 and len(jobs) > 1 and sys.platform.startswith("linux"):
        import multiprocessing

        # read each root's deployment files once, here: forked workers inherit the per-process caches
        roots = [context_of_file(path, mode).root for path, mode in jobs]
        tasks = _tasks(roots, workers)
        try:
            pool = multiprocessing.get_context("fork").Pool(min(workers, len(tasks)))
        except (OSError, ImportError, NotImplementedError):  # no semaphores (e.g. some sandboxes)
            pool = None
        if pool is not None:
            try:
                results: List[Optional[Tuple[str, bool, Optional[str], List[Finding]]]] = [None] * len(jobs)
                work = [(t, [jobs[i] for i in t]) for t in tasks]
                for task, answers, sound in pool.imap_unordered(_check_files, work):
                    syntax.learn(sound)
                    for i, answer in zip(task, answers):
                        results[i] = answer
                return results  # type: ignore[return-value]
            finally:
                pool.terminate()
                pool.join()
    return _check_jobs(jobs)


def check_paths(paths: Sequence[str], mode: str = CONTEXT_AUTO, select: Sequence[str] = (),
                ignore: Sequence[str] = (), jobs: int = 1, exclude: Sequence[str] = (),
                per_file_ignores: Sequence[Tuple[str, List[str]]] = ()) -> Report:
    """Lint every Python file under ``paths`` and the deployment files of their projects.

    Args:
        paths: files or folders.
        mode: ``"auto"`` or ``"off"`` (deployment context).
        select, ignore: code prefixes to keep / drop.
        jobs: worker processes for the per-file work (1: in this process); findings are the same.
        exclude: flake8 ``exclude`` patterns (:func:`flake8_flask_deploy.config.is_excluded`): such
            files and folders are not linted, and no finding is reported in them.
        per_file_ignores: ``[(pattern, [codes])]``, flake8's ``per-file-ignores``.
    Returns:
        Report: findings sorted by path and line; never raises for bad input.
    """
    report = Report()
    excluded = (lambda path: is_excluded(path, list(exclude))) if exclude else None
    given = _deployment_files_given(paths, mode)
    files = [f for f in iter_python_files(paths, excluded) if sources.normpath(f) not in given]
    files += [f for f in _launched_by(given, mode) if f not in files]
    files += [f for f in _installed_scripts_run(paths, files, mode, excluded) if f not in files]
    report.files = len(files) + len(given)
    set_rule_filter(select, ignore)  # a rule that is not reported is not run (forked workers inherit it)
    try:
        found = _check_into(report, files, mode, jobs)
    finally:
        set_rule_filter()
    if given and len(given) == len(paths):  # ``check Dockerfile``: the problems that file is part of
        found = [f for f in found if sources.normpath(f.path) in given
                 or any(sources.normpath(loc.path) in given for loc in f.related_locations)]
    report.findings = [f for f in found if _reported(f, select, ignore, per_file_ignores)
                       and not (excluded and excluded(f.path))]
    return report


def _deployment_files_given(paths: Sequence[str], mode: str) -> set:
    """The normalised paths among ``paths`` that are deployment files (a Dockerfile, compose file,
    Procfile, ... given by name: :func:`~flake8_flask_deploy.deploy.build.kind_of`); empty with
    ``--flask-deploy-context=off``."""
    if mode == "off":
        return set()
    return {sources.normpath(p) for p in paths if os.path.isfile(p) and not p.endswith(".py")
            and kind_of(os.path.basename(p), os.path.dirname(os.path.abspath(p)))}


def _installed_scripts_run(paths: Sequence[str], files: List[str], mode: str,
                           excluded: Optional[Callable[[str], bool]]) -> List[str]:
    """The scripts without a ``.py`` suffix that production launches run (an installed script,
    ``bin/serve``, run as ``ENTRYPOINT ["serve"]``) under the folders of ``paths``: linted like the
    ``.py`` files found there, although a folder walk does not list them. Read from the deployment
    contexts of the projects of ``files`` (built for the check anyway); none with context ``off``."""
    folders = [os.path.abspath(p) for p in paths if os.path.isdir(p)]
    if mode == "off" or not folders:
        return []
    one_per_root: Dict[str, str] = {}
    for path in [os.path.join(folder, "-") for folder in folders] + files:  # ``-``: a file of the folder
        one_per_root.setdefault(sources.find_root(os.path.dirname(os.path.abspath(path))), path)
    out: List[str] = []
    for path in one_per_root.values():
        for launch in context_of_file(path, mode).production_launches:
            script = launch.script
            if script and not script.endswith(".py") and script not in out \
                    and any(script.startswith(folder + os.sep) for folder in folders) \
                    and not (excluded and excluded(script)):
                out.append(script)
    return out


def _launched_by(given: set, mode: str) -> List[str]:
    """The Python files the production launches written in the deployment files ``given`` run or
    serve: ``check Dockerfile`` judges them too, to report the problems that file is part of
    (``python app.py`` running ``app.run(debug=True)``: the finding is on the Python line)."""
    out: List[str] = []
    for path in sorted(given):
        context = context_of_file(path, mode)
        for launch in context.production_launches:
            where = {sources.normpath(x.path) for x in (launch.source,) + tuple(launch.via)}
            target = launch.script or launch.target_path
            if where & given and target and target not in out:
                out.append(target)
    return out


def _check_into(report: Report, files: List[str], mode: str, jobs: int) -> List[Finding]:
    """Lint ``files`` into ``report`` (its warnings and roots); return every finding, unfiltered:
    the module findings (each at its Python line, the deployment line that makes it one as
    ``related``) and the deployment findings (:func:`~flake8_flask_deploy.engine.deployment_findings`),
    each problem once."""
    contexts: Dict[str, object] = {}
    module_findings: List[Finding] = []
    for path, parsed, warning, found in _map_files([(path, mode) for path in files], jobs):
        if parsed:
            context = context_of_file(path, mode)
            contexts.setdefault(context.root, context)
        if warning is not None:
            report.warnings.append((path, warning))
            report.internal_errors += warning.startswith(_INTERNAL_ERROR)
        module_findings.extend(found)
    deploy: List[Finding] = []
    for context in contexts.values():
        report.roots.append(context.root)  # type: ignore[attr-defined]
        report.warnings.extend(context.warnings)  # type: ignore[attr-defined]
        if mode != "off":
            deploy.extend(deployment_findings(context))  # type: ignore[arg-type]
    report.warnings = sorted(set(report.warnings))
    # one finding per problem, at the line its fix changes (issue 24): a module finding caused by a
    # deployment line names that line as ``related`` and is not repeated there, and a deployment
    # finding is not repeated on the module (already silenced by its own file's comments)
    return _unique(module_findings + deploy)


def _unique(findings: List[Finding]) -> List[Finding]:
    seen = set()
    out = []
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.col, f.code)):
        key = (finding.code, finding.path, finding.line)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _reported(finding: Finding, select: Sequence[str], ignore: Sequence[str],
              per_file_ignores: Sequence[Tuple[str, List[str]]]) -> bool:
    """True when ``finding`` passes ``select``, ``ignore`` and ``per-file-ignores`` as flake8 decides
    (:func:`flake8_flask_deploy.config.reported_here`)."""
    return reported_here(finding.code, finding.path, list(select), list(ignore), list(per_file_ignores))


def _codes(value: str) -> List[str]:
    """``--select``/``--ignore``: codes or prefixes of this tool's rules (exit 2 for any other)."""
    return command_line_codes(value)


def _jobs(value: str) -> int:
    """``--jobs``: ``auto`` (every core, like flake8) or a positive number of processes."""
    if value == "auto":
        return os.cpu_count() or 1
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _patterns(value: str) -> List[str]:
    """``--exclude``/``--extend-exclude``: comma-separated patterns, as flake8 splits them."""
    return [p for p in re.split(r"[,\s]+", value) if p]


def _add_check_arguments(check: argparse.ArgumentParser) -> None:
    """The options of ``check`` (flake8's names where flake8 has the option)."""
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    check.add_argument("--select", type=_codes, default=[], help="comma-separated codes or prefixes to report")
    check.add_argument("--ignore", type=_codes, default=[], help="comma-separated codes or prefixes to skip")
    check.add_argument("--exclude", type=_patterns, default=None, metavar="PATTERNS",
                       help="comma-separated patterns of files and folders not to check, matched as flake8 "
                            "does (default: " + ",".join(DEFAULT_EXCLUDE) + ")")
    check.add_argument("--extend-exclude", type=_patterns, default=None, metavar="PATTERNS",
                       help="patterns to exclude in addition to --exclude")
    check.add_argument("--flask-deploy-context", choices=("auto", "off"), default=None,
                       help="read deployment files to judge findings (default: auto)")
    check.add_argument("--show-fixes", action="store_true", help="mark fixable findings with [*]")
    check.add_argument("--baseline", metavar="FILE", help="report only the findings that FILE does not record")
    check.add_argument("--write-baseline", metavar="FILE", help="record the findings in FILE and exit 0")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="print only the summary line (nothing without findings) and no warning")
    check.add_argument("--statistics", action="store_true", help="count the findings of each code (text format)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour codes and paths: auto (default: on a terminal, unless NO_COLOR is set)")
    check.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the cache in .flake8-flask-deploy-cache/ at each project root")
    check.add_argument("-j", "--jobs", type=_jobs, default="auto",
                       help="processes to lint files with: 'auto' (default: every core) or a number")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flake8-flask-deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check", help="report findings in Python and deployment files")
    _add_check_arguments(check)
    check.set_defaults(func=run_check)
    for spec in SUBCOMMANDS:
        module_name, _, func_name = spec.partition(":")
        module = importlib.import_module(module_name, __package__)
        getattr(module, func_name)(sub)
    return parser


#: Other subcommands: ``"module:function"``; the function gets argparse's subparsers object and adds
#: its parser with ``set_defaults(func=callable(args) -> exit status)``.
SUBCOMMANDS: List[str] = [
    "flake8_flask_deploy.fix_cli:register_cli",
    "flake8_flask_deploy.rule_cli:register_cli",
    "flake8_flask_deploy.deploy.show:register_cli",
]


def _mark_fixable(findings: List[Finding], mode: str, unsafe: bool) -> Tuple[List[Finding], int]:
    """Set ``fixable`` exactly where ``fix`` (with ``unsafe`` as configured) has a rewrite, and count
    the findings only ``--unsafe-fixes`` would rewrite. One fixer pass; only the files with findings
    are offered to it (libcst parses nothing else)."""
    paths = list(dict.fromkeys(f.path for f in findings if f.path.endswith(".py")))
    paths += [f.path for f in findings if not f.path.endswith(".py")][:1] if not paths else []
    try:
        safeties = fix_safeties(paths, mode)
    except (RecursionError, MemoryError):  # a file too deep for libcst: report, just unmarked
        return [replace(f, fixable=False) for f in findings], 0
    marked = mark_fixable(findings, paths, mode, unsafe, safeties)
    if unsafe:
        return marked, 0
    with_unsafe = mark_fixable(findings, paths, mode, True, safeties)
    return marked, sum(1 for a, b in zip(marked, with_unsafe) if b.fixable and not a.fixable)


def use_color(choice: str) -> bool:
    """``--color``: ``always``/``never``, or ``auto``: when standard output is a terminal and the
    ``NO_COLOR`` environment variable is unset or empty (https://no-color.org: a flag wins over it)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stdout
        return False


def _warn(warnings: Sequence[Tuple[str, str]], args: argparse.Namespace) -> None:
    if not getattr(args, "quiet", False):
        for path, message in warnings:
            print(f"warning: {relative_path(path)}: {message}", file=sys.stderr)


def _baseline(args: argparse.Namespace, report: Report) -> Optional[int]:
    """``--write-baseline`` (returns 0 once written) and ``--baseline`` (drops the findings the file
    records from ``report``, returns None); 2 and a one-line error for a file that cannot be written
    or read."""
    if args.write_baseline:
        try:
            count = write_baseline(args.write_baseline, report.findings)
        except OSError as exc:
            print(f"error: {args.write_baseline}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
            return 2
        if not args.quiet:
            print(f"Wrote {count} finding{'s' if count != 1 else ''} to {args.write_baseline}.", file=sys.stderr)
        return 0
    if args.baseline:
        try:
            report.findings, report.baselined = apply_baseline(args.baseline, report.findings)
        except BaselineError as exc:
            print(f"error: {args.baseline}: {exc}", file=sys.stderr)
            return 2
    return None


def run_check(args: argparse.Namespace) -> int:
    """``check``: print findings and warnings; 1 when there are findings (0 with ``--exit-zero``), 2
    for an error (a missing path, a baseline that cannot be read or written)."""
    for path in args.paths:
        if not os.path.exists(path):
            print(f"error: {path}: no such file or directory", file=sys.stderr)
            return 2
    options = apply_to_check(args)
    current_session().disk_cache = not args.no_cache and options.cache is not False
    _warn(options.warnings, args)
    mode = args.flask_deploy_context or CONTEXT_AUTO
    report = check_paths(args.paths, mode, args.select, args.ignore, getattr(args, "jobs", 1), args.exclude,
                         options.per_file_ignores)
    status = _baseline(args, report)
    if status is not None:
        return status
    if report.findings and (args.show_fixes or args.format != "text"):
        # exact marks come from the fixer itself (libcst parses the files with findings); the plain
        # text report keeps to the rules' own flags so that ``check`` never imports libcst
        report.findings, report.hidden_fixes = _mark_fixable(report.findings, mode, bool(options.unsafe_fixes))
    _warn(report.warnings, args)
    if args.format == "text":
        out = format_text(report, args.show_fixes, use_color(args.color), args.quiet, args.statistics)
    else:
        out = FORMATS[args.format](report, args.show_fixes)
    if out:
        print(out)
    if report.internal_errors:
        return 2  # findings are missing: a CI stage must not pass on it
    return 1 if report.findings and not args.exit_zero else 0


def _config_errors(args: argparse.Namespace) -> bool:
    """Print the configuration errors of ``check`` and ``fix`` (an unknown key, a bad value), one line
    each, and say whether there were any (then the command exits 2 without running)."""
    if args.command not in ("check", "fix"):
        return False
    paths = getattr(args, "paths", None) or ["."]
    errors = load_options(paths[0]).errors
    for path, message in errors:
        print(f"error: {relative_path(path)}: {message}", file=sys.stderr)
    return bool(errors)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``flake8-flask-deploy`` command; returns the exit status."""
    new_session()  # one session per run: no cache, option or rule filter of an earlier run in this process
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if _config_errors(args):
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # ``check | head``: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
