"""Fixes located in deployment files (Dockerfile ``CMD``/``ENTRYPOINT``, compose ``command:``,
Procfile entries). All are unsafe: they change how production starts.

* FDP004: a command that starts the Werkzeug development server (``python app.py`` whose module
  calls ``app.run``, ``python -m pkg.app``, ``flask run``) becomes
  ``gunicorn --bind 0.0.0.0:PORT module:app``, keeping the port (``app.run(port=...)``,
  ``flask run --port``/``FLASK_RUN_PORT``, else Flask's 5000; a Procfile ``web`` process gets
  ``$PORT``, which Heroku sets: https://devcenter.heroku.com/articles/runtime-principles#web-servers ).
  gunicorn must be installed: it is added to ``requirements.txt`` when that file exists (beside the
  deployment file, else at the project root), and the report says so.
  gunicorn's command line: https://docs.gunicorn.org/en/stable/run.html
* FDP005: ``flask run`` gets ``--host=0.0.0.0`` (or its loopback ``--host`` becomes ``0.0.0.0``); a
  loopback gunicorn ``--bind`` becomes ``0.0.0.0`` (a missing one is added).

The command is rewritten only when it is written on its own: one simple command (no ``&&``,
``;``, pipes, ``sh -c``), not split between ``ENTRYPOINT`` and ``CMD``, and (compose) on the line of
its key. Exec form stays exec form (JSON), shell form stays shell form. Everything else in the
file keeps its bytes.
"""
from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .. import project, sources
from ..deploy import get_context
from ..deploy.commands import parse_command, split_shell
from ..engine import clear_caches, launch_findings
from ..facts import string_value
from ..fixable import Applied, fixable_findings, is_selected
from ..model import FLASK_RUN, GUNICORN, WERKZEUG_SCRIPT, Launch, is_loopback_host
from ..sources import decode, write_atomic

ALL = "0.0.0.0"  # noqa: S104  # nosec B104
_SAFE_WORD = re.compile(r"^[\w@%+=:,./${}-]+$")
_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass
class CommandSite:
    """Where a command is written: lines ``start``..``end`` (0-based, inclusive) of ``lines``, and
    how to write a new argv back in the same form (``render(argv) -> replacement line``)."""

    argv: List[str]
    start: int
    end: int
    render: Callable[[List[str]], str]
    shell: bool


def _quote(word: str) -> str:
    return word if _SAFE_WORD.match(word) else shlex.quote(word)


def _shell_join(argv: Sequence[str]) -> str:
    return " ".join(_quote(w) for w in argv)


def _split_lines(text: str) -> List[str]:
    return text.splitlines(keepends=True)


def _newline_of(line: str) -> str:
    return line[len(line.rstrip("\r\n")):] or "\n"


def _dockerfile_site(text: str, line: int) -> Optional[CommandSite]:
    import io

    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    lines = _split_lines(text)
    for item in parser.structure:
        if item["startline"] + 1 != line or item["instruction"] not in ("CMD", "ENTRYPOINT"):
            continue
        keyword = item["content"].lstrip().split(None, 1)[0]
        value = item["value"].strip()
        newline = _newline_of(lines[item["endline"]])
        if value.startswith("["):
            try:
                argv = json.loads(value)
            except ValueError:
                return None
            if not isinstance(argv, list) or not all(isinstance(x, str) for x in argv):
                return None
            return CommandSite(argv, item["startline"], item["endline"],
                               lambda new: f"{keyword} {json.dumps(new)}{newline}", False)
        commands = split_shell(value)
        if len(commands) != 1:
            return None
        return CommandSite(commands[0], item["startline"], item["endline"],
                           lambda new: f"{keyword} {_shell_join(new)}{newline}", True)
    return None


_PROCFILE = re.compile(r"^(\s*[A-Za-z0-9_-]+\s*:[ \t]*)(.*?)([ \t]*(?:\r\n|\r|\n)?)$")


def _procfile_site(text: str, line: int) -> Optional[CommandSite]:
    lines = _split_lines(text)
    if not 0 < line <= len(lines):
        return None
    match = _PROCFILE.match(lines[line - 1])
    if not match:
        return None
    commands = split_shell(match.group(2))
    if len(commands) != 1:
        return None
    head, tail = match.group(1), match.group(3)
    return CommandSite(commands[0], line - 1, line - 1, lambda new: f"{head}{_shell_join(new)}{tail}", True)


_COMPOSE = re.compile(r"^(\s*(?:-\s+)?(?:command|entrypoint)\s*:[ \t]*)(\S.*?)([ \t]*(?:\r\n|\r|\n)?)$")


def _compose_site(text: str, line: int) -> Optional[CommandSite]:
    import yaml

    lines = _split_lines(text)
    if not 0 < line <= len(lines):
        return None
    match = _COMPOSE.match(lines[line - 1])
    if not match or match.group(2).startswith(("|", ">", "#", "&", "*", "!")):
        return None
    raw, tail = match.group(2), match.group(3)
    if not raw.startswith(("'", '"', "[")):
        comment = re.search(r"[ \t]+#", raw)  # a plain scalar ends where a comment starts
        if comment:
            raw, tail = raw[:comment.start()], raw[comment.start():] + tail
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return None
    if yaml.safe_load(match.group(2)) != value:
        return None  # a quoted value followed by something we do not understand
    head = match.group(1)
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return CommandSite(value, line - 1, line - 1, lambda new: f"{head}{json.dumps(new)}{tail}", False)
    if isinstance(value, str):
        commands = split_shell(value)
        if len(commands) != 1:
            return None

        def render(new: List[str]) -> str:
            joined = _shell_join(new)
            try:
                plain_ok = yaml.safe_load(joined) == joined
            except yaml.YAMLError:
                plain_ok = False
            return f"{head}{joined if plain_ok else json.dumps(joined)}{tail}"

        return CommandSite(commands[0], line - 1, line - 1, render, True)
    return None


def command_site(path: str, text: str, line: int) -> Optional[CommandSite]:
    """Find the command written at ``line`` of the deployment file ``path`` (None if not editable)."""
    name = os.path.basename(path)
    if name == "Procfile":
        return _procfile_site(text, line)
    if name.endswith((".yml", ".yaml")):
        return _compose_site(text, line)
    return _dockerfile_site(text, line)


# ---- argv rewrites ------------------------------------------------------------------------------
def _prefix_len(argv: List[str]) -> int:
    """Leading ``VAR=value`` words and ``exec`` kept in front of a rewritten command."""
    i = 0
    while i < len(argv) and (_ENV_ASSIGN.match(argv[i]) or argv[i] == "exec"):
        i += 1
    return i


def gunicorn_argv(argv: List[str], target: str, port: str, chdir: Optional[str]) -> List[str]:
    """``argv`` rewritten to start gunicorn on ``0.0.0.0:port`` serving ``target`` (``module:attr``)."""
    keep = argv[:_prefix_len(argv)]
    new = keep + ["gunicorn", "--bind", f"{ALL}:{port}"]
    if chdir:
        new += ["--chdir", chdir]
    return new + [target]


def flask_host_argv(argv: List[str]) -> Optional[List[str]]:
    """``flask run`` argv with its host set to 0.0.0.0 (None when ``run`` is not found)."""
    if "run" not in argv:
        return None
    new = list(argv)
    for i, word in enumerate(new):
        if word.startswith("--host="):
            new[i] = f"--host={ALL}"
            return new
        if word in ("--host", "-h") and i + 1 < len(new):
            new[i + 1] = ALL
            return new
    index = new.index("run")
    return new[:index + 1] + [f"--host={ALL}"] + new[index + 1:]


def gunicorn_bind_argv(argv: List[str]) -> Optional[List[str]]:
    """gunicorn argv whose loopback binds now bind 0.0.0.0 (None when nothing can be changed)."""
    new = list(argv)
    changed = False

    def swap(value: str) -> str:
        host, sep, port = value.rpartition(":")
        if sep and is_loopback_host(host):
            return f"{ALL}:{port}"
        if not sep and is_loopback_host(value):
            return ALL
        return value

    seen_bind = False
    for i, word in enumerate(new):
        if word in ("-b", "--bind") and i + 1 < len(new):
            seen_bind = True
            fixed = swap(new[i + 1])
            changed |= fixed != new[i + 1]
            new[i + 1] = fixed
        elif word.startswith("--bind="):
            seen_bind = True
            fixed = "--bind=" + swap(word[7:])
            changed |= fixed != word
            new[i] = fixed
        elif word.startswith("-b") and len(word) > 2:
            seen_bind = True
            fixed = "-b" + swap(word[2:])
            changed |= fixed != word
            new[i] = fixed
        elif word in ("-c", "--config") or word.startswith("--config="):
            return None  # the bind may come from the config file
    if not seen_bind:
        index = next((i for i, w in enumerate(new) if os.path.basename(w) == "gunicorn" or w == "gunicorn"), None)
        if index is None:
            return None
        return new[:index + 1] + ["--bind", f"{ALL}:8000"] + new[index + 1:]
    return new if changed else None


# ---- planning ------------------------------------------------------------------------------------
@dataclass
class DeployFix:
    """One planned rewrite: ``path``/``line`` of the command, rule ``code``, new lines, description."""

    path: str
    line: int
    code: str
    kind: str  # "gunicorn" or "host"
    launch: Launch
    description: str = ""


def _script_target(launch: Launch, site_argv: List[str], run_receiver: str, port: str
                   ) -> Optional[Tuple[str, Optional[str]]]:
    parsed = parse_command(site_argv)
    if parsed is None or parsed.server != WERKZEUG_SCRIPT:
        return None
    if parsed.module:
        return f"{parsed.module}:{run_receiver}", None
    script = parsed.script or ""
    folder, name = os.path.split(os.path.normpath(script))
    module = name[:-3] if name.endswith(".py") else name
    if not re.fullmatch(r"[A-Za-z_]\w*", module):
        return None
    return f"{module}:{run_receiver}", (folder or None)


def _port_of_run(run, facts, launch: Launch, procfile: bool) -> Optional[str]:
    import ast

    if procfile:
        return "$PORT"
    expr = facts.constant_value(run.port)
    if expr is None:
        return "5000"
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
        return str(expr.value)
    if isinstance(expr, ast.Call) and getattr(expr.func, "id", "") == "int" and len(expr.args) == 1:
        expr = expr.args[0]
    if isinstance(expr, ast.Call) and len(expr.args) >= 1 and isinstance(expr.args[0], ast.Constant):
        var = expr.args[0].value
        if isinstance(var, str) and var in launch.env and launch.env[var].isdigit():
            return launch.env[var]
    default = string_value(expr) if not isinstance(expr, ast.Constant) else None
    if default is None and isinstance(expr, ast.Call) and len(expr.args) >= 2:
        arg = expr.args[1]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, int):
            default = str(arg.value)
    if default and default.isdigit():
        return default
    return None


def _script_plan(launch: Launch, select, ignore, mode_select) -> Optional[Tuple[object, object]]:
    """The FDP004 finding on the module a ``python`` launch runs, with its RunCall."""

    import ast

    path = launch.script
    if not path or not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as handle:
            text = decode(handle.read()).text
        findings = fixable_findings(text, path, "auto", select, ignore)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError, LookupError):
        return None
    for finding in findings:
        if finding.code != "FDP004" or finding.related is None:
            continue
        if (finding.related.path, finding.related.line) != (launch.source.path, launch.source.line):
            continue
        tree = ast.parse(text)
        facts = project.complete_facts(tree, path)
        run = next((r for r in facts.runs if (r.node.lineno, r.node.col_offset) == (finding.line, finding.col)), None)
        if run is None:
            return None
        if run.receiver not in {b.name for b in facts.module_app_bindings()} and not any(
                b.name == run.receiver and b.kind == "import" and b.scope == "" for b in facts.app_bindings):
            return None  # the app exists only under the guard: a WSGI server would not find it
        return run, facts
    return None


def _flask_target(launch: Launch) -> Optional[str]:
    if not launch.module:
        return None
    attr = launch.attr
    if not attr and launch.target_path:
        facts = project.facts_of_file(launch.target_path)
        if facts is not None:
            names = [b.name for b in facts.module_app_bindings()]
            attr = next((n for n in ("app", "application") if n in names), None) or (names[0] if names else None)
            if attr is None:
                attr = next((f"{n}()" for n in ("create_app", "make_app") if n in facts.functions), None)
    return f"{launch.module}:{attr or 'app'}"


def _flask_port(launch: Launch, site_argv: List[str], shell: bool, procfile: bool) -> Optional[str]:
    if procfile:
        return "$PORT"
    port = None
    for i, word in enumerate(site_argv):
        if word in ("--port", "-p") and i + 1 < len(site_argv):
            port = site_argv[i + 1]
        elif word.startswith("--port="):
            port = word[7:]
    port = port or launch.env.get("FLASK_RUN_PORT") or "5000"
    if "$" in port and not shell:
        return None
    return port


def fix_deployments(paths: Sequence[str], report, unsafe: bool, select: Sequence[str], ignore: Sequence[str],
                    write: bool) -> None:
    """Plan and apply (``write``) the deployment-file fixes of the projects holding ``paths``.

    Results go into ``report`` (a :class:`~flake8_flask_deploy.fix.FixReport`): applied fixes,
    changed files (old and new bytes), notes, errors; unsafe fixes not applied are counted.
    """

    roots = []
    for path in paths:
        norm = sources.normpath(path)
        root = sources.find_root(norm if os.path.isdir(norm) else os.path.dirname(norm))
        if root not in roots:
            roots.append(root)
    for root in roots:
        context = get_context(root)
        plans: Dict[Tuple[str, int], DeployFix] = {}
        codes_at: Dict[Tuple[str, int], set] = {}
        for finding, launch in launch_findings(context):
            if not is_selected(finding.code, select, ignore) or not finding.fixable:
                continue
            key = (launch.source.path, launch.source.line)
            codes_at.setdefault(key, set()).add(finding.code)
            if finding.code == "FDP004" and launch.server == FLASK_RUN:
                plans[key] = DeployFix(launch.source.path, launch.source.line, "FDP004", "gunicorn", launch)
            elif finding.code == "FDP005" and launch.server in (FLASK_RUN, GUNICORN) and key not in plans:
                plans[key] = DeployFix(launch.source.path, launch.source.line, "FDP005", "host", launch)
        script_runs = {}
        if is_selected("FDP004", select, ignore):
            for launch in context.production_launches:
                if launch.server != WERKZEUG_SCRIPT:
                    continue
                found = _script_plan(launch, select, ignore, None)
                if found is not None:
                    key = (launch.source.path, launch.source.line)
                    plans[key] = DeployFix(launch.source.path, launch.source.line, "FDP004", "gunicorn", launch)
                    script_runs[key] = found
        by_file: Dict[str, List[DeployFix]] = {}
        for plan in plans.values():
            by_file.setdefault(plan.path, []).append(plan)
        for path, file_plans in sorted(by_file.items()):
            _apply_file(path, sorted(file_plans, key=lambda p: -p.line), script_runs, report, unsafe, write,
                        Applied, write_atomic)
        for item in list(report.applied):
            # a gunicorn rewrite also settles the loopback finding of the same command
            for code in codes_at.get((item.path, item.line), set()) - {item.code}:
                report.covered.append((item.path, code, item.line))
        if write and any(p in report.changed for p in by_file):
            clear_caches()


def _apply_file(path, plans, script_runs, report, unsafe, write, Applied, write_atomic) -> None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        report.warnings.append((path, f"cannot be read ({exc}); left untouched"))
        return
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = _split_lines(text)
    applied = []
    needs_gunicorn = False
    procfile = os.path.basename(path) == "Procfile"
    for plan in plans:  # bottom-up, so line numbers stay valid
        site = command_site(path, "".join(lines), plan.line)
        if site is None:
            continue
        new_argv, gunicorn = _new_argv(plan, site, script_runs, procfile)
        needs_gunicorn = needs_gunicorn or gunicorn
        if new_argv is None or new_argv == site.argv:
            continue
        if not unsafe:
            report.unsafe_available += 1
            continue
        lines[site.start:site.end + 1] = [site.render(new_argv)]
        applied.append(Applied(path, plan.code, "unsafe", plan.description, plan.line))
    if not applied:
        return
    new_data = ("\ufeff" if bom else "").encode("utf-8") + "".join(lines).encode("utf-8")
    if write:
        try:
            write_atomic(path, new_data)
        except OSError as exc:
            report.errors.append((path, f"cannot be written ({exc.strerror or exc}); not changed"))
            return
    report.changed[path] = (data, new_data)
    report.applied.extend(reversed(applied))
    if needs_gunicorn:
        _require_gunicorn(path, report, write, write_atomic)


def _new_argv(plan: DeployFix, site: CommandSite, script_runs: Dict[Tuple[str, int], tuple], procfile: bool
              ) -> Tuple[Optional[List[str]], bool]:
    """``(argv, gunicorn)``: the rewritten argv of the command ``site`` for ``plan`` (None when there
    is none), setting ``plan.description``; ``gunicorn`` is True when it starts gunicorn instead of the
    development server. ``script_runs``: ``(path, line)`` -> ``(run, facts)`` of the ``python app.py``
    launches; procfile: the file is a Procfile (the port is ``$PORT``)."""
    launch = plan.launch
    new_argv = None
    needs_gunicorn = False
    if plan.kind == "gunicorn":
        if launch.server == FLASK_RUN:
            target = _flask_target(launch)
            port = _flask_port(launch, site.argv, site.shell, procfile)
            chdir = None
        else:
            run, facts = script_runs[(plan.path, plan.line)]
            port = _port_of_run(run, facts, launch, procfile)
            if port is not None and "$" in port and not site.shell:
                port = None
            found = _script_target(launch, site.argv, run.receiver, port or "")
            target, chdir = found if found else (None, None)
        if target and port:
            new_argv = gunicorn_argv(site.argv, target, port, chdir)
            plan.description = f"start {target} with gunicorn on {ALL}:{port} instead of the development server"
            needs_gunicorn = True
    elif launch.server == FLASK_RUN:
        new_argv = flask_host_argv(site.argv)
        plan.description = f"make `flask run` listen on {ALL} (all interfaces)"
    else:
        new_argv = gunicorn_bind_argv(site.argv)
        plan.description = f"make gunicorn bind {ALL} (all interfaces)"
    return new_argv, needs_gunicorn


_GUNICORN_REQ = re.compile(r"^\s*gunicorn\b", re.IGNORECASE | re.MULTILINE)


def _require_gunicorn(deploy_path: str, report, write: bool, write_atomic) -> None:
    folder = os.path.dirname(deploy_path)
    root = sources.find_root(folder)
    for candidate in (os.path.join(folder, "requirements.txt"), os.path.join(root, "requirements.txt")):
        if os.path.isfile(candidate):
            break
    else:
        report.notes.append("gunicorn must be installed where the app runs (no requirements.txt found): "
                            "add it to your dependencies")
        return
    old = report.changed.get(candidate, (None, None))[1]
    if old is None:
        with open(candidate, "rb") as handle:
            old = handle.read()
    text = old.decode("utf-8", "replace")
    if _GUNICORN_REQ.search(text):
        report.notes.append(f"gunicorn is already in {os.path.relpath(candidate)}")
        return
    newline = "\r\n" if "\r\n" in text else "\n"
    sep = "" if not text or text.endswith(("\n", "\r")) else newline
    new = old + f"{sep}gunicorn{newline}".encode("utf-8")
    if write:
        try:
            write_atomic(candidate, new)
        except OSError as exc:
            report.errors.append((candidate, f"cannot be written ({exc.strerror or exc}); add gunicorn by hand"))
            return
    original = report.changed.get(candidate, (old, None))[0]
    report.changed[candidate] = (original, new)
    report.notes.append(f"added gunicorn to {os.path.relpath(candidate)} (the new command needs it)")
