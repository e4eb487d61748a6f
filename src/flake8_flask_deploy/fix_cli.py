"""``flake8-flask-deploy fix``: apply the rules' rewrites (libcst), minimally and safely.

The subcommand: its options (``[tool.flake8-flask-deploy]`` gives the defaults), the run
(:func:`flake8_flask_deploy.fix_run.fix_paths`), and what it prints: the fixes applied, or with
``--diff`` a unified diff of every file that would change (and nothing written), then warnings,
errors and notes, and one line for the fixes left out because they edit files outside the paths
given (with the command that applies them).

Scope: only files under the paths given are edited (the pre-commit hook passes the staged files).
``--deployment`` (or ``fix-deployment = true`` in ``[tool.flake8-flask-deploy]``) also lets the
deployment rewrites edit the project's Dockerfiles, compose files, Procfiles, start scripts and the
requirements/pyproject files that install the new server.

Exit status (pre-commit relies on it): 0 nothing changed (or would change), 1 a file changed (or
would, with ``--diff``), 2 an error (bad usage, or a file that needed a change could not be written).
"""
from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
from typing import List, Sequence

from . import config as config_mod
from .engine import CONTEXT_AUTO
from .fix_run import fix_paths
from .fixable import FixScope
from .sources import decode, relative_path


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


def run_fix(args: argparse.Namespace) -> int:
    """``fix``: apply (or show with ``--diff``) fixes; returns the exit status (see module docstring)."""
    options = config_mod.load_options(args.paths[0] if args.paths else ".")
    select = config_mod.merge_codes(args.select, options.select)
    ignore = config_mod.merge_codes(args.ignore, options.ignore)
    mode = args.flask_deploy_context or options.context or CONTEXT_AUTO
    unsafe = args.unsafe_fixes if args.unsafe_fixes is not None else bool(options.unsafe_fixes)
    deployment = args.deployment if args.deployment is not None else bool(options.fix_deployment)
    config_mod.configure_engine(options)
    for path in args.paths:
        if not os.path.exists(path):
            print(f"error: {path}: no such file or directory", file=sys.stderr)
            return 2
    report = fix_paths(args.paths, mode, unsafe, select, ignore, write=not args.diff, deployment=deployment)
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
    if report.outside:
        print(outside_line(report.outside, args.paths, unsafe), file=info)
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


def outside_line(outside: Sequence[tuple], paths: Sequence[str], unsafe: bool) -> str:
    """The one line that says which fixes were left out because they edit files outside the paths
    given (``FixReport.outside``: ``(path, line, code, files)``), and the command that applies them:
    ``--deployment`` when only deployment or dependency files are outside, else the same paths plus
    the other files (``unsafe``: the run applied unsafe fixes)."""

    files = list(dict.fromkeys(f for _, _, _, blocked in outside for f in blocked))
    deploy_only = all(FixScope((), True).allows(f) and not f.endswith(".py") for f in files)
    command = ["flake8-flask-deploy", "fix"]
    if unsafe:
        command.append("--unsafe-fixes")
    paths = list(paths)
    if deploy_only:
        command.append("--deployment")
    else:
        paths += [relative_path(f) for f in files]
    n = len(outside)
    names = ", ".join(relative_path(f) for f in files)
    return (f"{n} fix{'es' if n != 1 else ''} not applied: {'they edit' if n != 1 else 'it edits'} {names}, "
            f"outside the paths given; to apply: {' '.join(shlex.quote(w) for w in command + paths)}")


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
    parser.add_argument("--deployment", action="store_true", default=None,
                        help="also edit the project's deployment and dependency files (Dockerfile, compose, "
                             "Procfile, requirements) when they are outside the paths given")
    parser.add_argument("--select", type=_codes, default=None, help="comma-separated codes or prefixes to fix")
    parser.add_argument("--ignore", type=_codes, default=None, help="comma-separated codes or prefixes to skip")
    parser.add_argument("--flask-deploy-context", choices=("auto", "off"), default=None,
                        help="read deployment files to judge findings (default: auto)")
    parser.set_defaults(func=run_fix)
