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
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .. import project, sources
from ..deploy import get_context
from ..deploy.commands import parse_command, split_shell
from ..engine import clear_caches, launch_findings
from ..facts import string_value
from ..fixable import EVERYTHING, Applied, FixScope, fixable_findings, is_selected
from ..model import FLASK_RUN, GUNICORN, WERKZEUG_SCRIPT, Finding, Launch, is_loopback_host
from ..rules import get_rule
from ..rules.fdp006_wsgi_target_not_found import module_names
from ..sources import decode, write_atomic
from .install import NoInstall, plan_install, runs_on_windows
from .shellsplice import server_segment, splice
from ..records import FROM_FACTORY, Record

ALL = "0.0.0.0"  # noqa: S104  # nosec B104
_SAFE_WORD = re.compile(r"^[\w@%+=:,./${}-]+$")
_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(init=False, repr=False, eq=False)
class CommandSite(Record):
    """Where a command is written: lines ``start``..``end`` (0-based, inclusive) of ``lines``, and
    how to write a new argv back in the same form (``render(argv) -> replacement line``)."""

    argv: List[str]
    start: int
    end: int
    render: Callable[[List[str]], Optional[str]]
    shell: bool

    def __init__(self, argv: List[str], start: int, end: int, render: Callable[[List[str]], Optional[str]],
                 shell: bool) -> None:
        self.argv = argv
        self.start = start
        self.end = end
        self.render = render
        self.shell = shell


def _quote(word: str) -> str:
    return word if _SAFE_WORD.match(word) else shlex.quote(word)


def _shell_join(argv: Sequence[str]) -> str:
    return " ".join(_quote(w) for w in argv)


def _split_lines(text: str) -> List[str]:
    return text.splitlines(keepends=True)


def _newline_of(line: str) -> str:
    return line[len(line.rstrip("\r\n")):] or "\n"


def _starts_server(argv: List[str]) -> bool:
    """True when the simple command ``argv`` starts a Python server or script (what a rewrite edits)."""
    return parse_command(argv) is not None


def _compound_site(text: str, start: int, end: int, put: Callable[[str], str]) -> Optional[CommandSite]:
    """The site of the command that starts Python inside the shell command line ``text`` (a ``&&``/
    ``;`` list, ``sh -c "..."``): only that command is rewritten, the rest of ``text`` keeps its
    bytes (:mod:`~flake8_flask_deploy.fixes.shellsplice`); ``put(new text)`` gives the new line(s)
    ``start``..``end``. None when ``text`` holds shell syntax that module does not handle."""
    found = server_segment(text, _starts_server)
    if found is None:
        return None

    def render(new: List[str]) -> Optional[str]:
        spliced = splice(found, new)
        return None if spliced is None else put(spliced)

    return CommandSite(found.segment.argv, start, end, render, True)


def _is_shell_c(argv: List[str]) -> bool:
    return len(argv) >= 3 and os.path.basename(argv[0]) in ("sh", "bash", "dash", "ash") and argv[1].startswith("-") \
        and argv[1].endswith("c")


def _exec_site(argv: List[str], start: int, end: int, put: Callable[[List[str]], str]) -> Optional[CommandSite]:
    """The site of an exec-form command (a JSON or YAML list): the list itself when it is one simple
    command, the command inside its script for ``["sh", "-c", "script"]``; ``put(argv)`` renders the
    whole new list."""
    if not _is_shell_c(argv):
        return CommandSite(argv, start, end, put, False)
    return _compound_site(argv[2], start, end, lambda script: put(argv[:2] + [script] + argv[3:]))


def _shell_site(text: str, start: int, end: int, put: Callable[[str], str], multiline: bool = False
                ) -> Optional[CommandSite]:
    """The site of a shell-form command ``text``: one simple command is re-rendered from its argv
    (it may span lines); anything else is spliced (:func:`_compound_site`, one line only)."""
    commands = split_shell(text)
    if len(commands) == 1 and not _is_shell_c(commands[0]) and multiline:
        return CommandSite(commands[0], start, end, lambda new: put(_shell_join(new)), True)
    if multiline:
        return None
    return _compound_site(text, start, end, put)


def _split_entrypoint(structure: List[dict], item: dict) -> bool:
    """True when the ``CMD``/``ENTRYPOINT`` ``item`` is half of a command split between the two in
    its stage: an ENTRYPOINT with a CMD (its arguments), or a CMD whose ENTRYPOINT is not a wrapper
    that runs it (a start script, tini, dumb-init). Docker runs ENTRYPOINT + CMD as one command:
    https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact"""
    stage_start = max((i["startline"] for i in structure if i["instruction"] == "FROM"
                       and i["startline"] <= item["startline"]), default=-1)
    stage = [i for i in structure if i["startline"] > stage_start]
    stage = stage[:next((n for n, i in enumerate(stage) if i["instruction"] == "FROM"), len(stage))]
    other = "CMD" if item["instruction"] == "ENTRYPOINT" else "ENTRYPOINT"
    partner = [i for i in stage if i["instruction"] == other]
    if not partner:
        return False
    if item["instruction"] == "ENTRYPOINT":
        return True
    words = split_shell(partner[-1]["value"].strip().strip("[]").replace('"', " ").replace(",", " "))
    first = os.path.basename(words[0][0]) if words and words[0] else ""
    return not (first.endswith(".sh") or "entrypoint" in first or first in ("tini", "dumb-init", "--"))


def _dockerfile_site(text: str, line: int) -> Optional[CommandSite]:
    import io

    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    lines = _split_lines(text)
    structure = parser.structure
    for item in structure:
        if item["startline"] + 1 != line or item["instruction"] not in ("CMD", "ENTRYPOINT"):
            continue
        if _split_entrypoint(structure, item):
            return None
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
            return _exec_site(argv, item["startline"], item["endline"],
                              lambda new: f"{keyword} {json.dumps(new)}{newline}")
        return _shell_site(value, item["startline"], item["endline"], lambda new: f"{keyword} {new}{newline}",
                           item["endline"] != item["startline"])
    return None


_PROCFILE = re.compile(r"^(\s*[A-Za-z0-9_-]+\s*:[ \t]*)(.*?)([ \t]*(?:\r\n|\r|\n)?)$")


def _procfile_site(text: str, line: int) -> Optional[CommandSite]:
    lines = _split_lines(text)
    if not 0 < line <= len(lines):
        return None
    match = _PROCFILE.match(lines[line - 1])
    if not match:
        return None
    head, tail = match.group(1), match.group(3)
    return _shell_site(match.group(2), line - 1, line - 1, lambda new: f"{head}{new}{tail}")


_COMPOSE = re.compile(r"^(\s*(?:-\s+)?(?:command|entrypoint)\s*:[ \t]*)(\S.*?)([ \t]*(?:\r\n|\r|\n)?)$")


def _compose_value(line_text: str) -> Optional[Tuple[object, str, str]]:
    """``(value, head, tail)`` of a compose ``command:``/``entrypoint:`` written on one line (a
    YAML string or flow list), or None (a block scalar, an anchor, something not understood)."""
    import yaml

    match = _COMPOSE.match(line_text)
    if not match or match.group(2).startswith(("|", ">", "#", "&", "*", "!")):
        return None
    raw, tail = match.group(2), match.group(3)
    if not raw.startswith(("'", '"', "[")):
        comment = re.search(r"[ \t]+#", raw)  # a plain scalar ends where a comment starts
        if comment:
            raw, tail = raw[:comment.start()], raw[comment.start():] + tail
    try:
        value = yaml.safe_load(raw)
        if yaml.safe_load(match.group(2)) != value:
            return None  # a quoted value followed by something we do not understand
    except yaml.YAMLError:
        return None
    return value, match.group(1), tail


def _compose_site(text: str, line: int) -> Optional[CommandSite]:
    import yaml

    lines = _split_lines(text)
    if not 0 < line <= len(lines):
        return None
    found = _compose_value(lines[line - 1])
    if found is None:
        return None
    value, head, tail = found
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return _exec_site(value, line - 1, line - 1, lambda new: f"{head}{json.dumps(new)}{tail}")
    if not isinstance(value, str):
        return None

    def put(joined: str) -> str:
        try:
            plain_ok = yaml.safe_load(joined) == joined
        except yaml.YAMLError:
            plain_ok = False
        return f"{head}{joined if plain_ok else json.dumps(joined)}{tail}"

    return _shell_site(value, line - 1, line - 1, put)


_SCRIPT_LINE = re.compile(r"^([ \t]*)(.*?)([ \t]*(?:\r\n|\r|\n)?)$")


def _script_site(text: str, line: int) -> Optional[CommandSite]:
    """The command at ``line`` of a start script: that one line, spliced (a line that continues on
    the next one, or is inside a compound command that spans lines, gives None)."""
    lines = _split_lines(text)
    if not 0 < line <= len(lines) or lines[line - 1].rstrip("\r\n").endswith("\\"):
        return None
    match = _SCRIPT_LINE.match(lines[line - 1])
    if not match:
        return None
    head, tail = match.group(1), match.group(3)
    return _compound_site(match.group(2), line - 1, line - 1, lambda new: f"{head}{new}{tail}")


def command_site(path: str, text: str, line: int) -> Optional[CommandSite]:
    """Find the command written at ``line`` of the deployment file ``path`` (None if not editable).

    The site's ``argv`` is the simple command that starts Python; its ``render(new argv)`` gives the
    new line(s), with everything else on them as written (None when the new words cannot be written
    there)."""
    name = os.path.basename(path)
    if name == "Procfile":
        return _procfile_site(text, line)
    if name.endswith((".yml", ".yaml")):
        return _compose_site(text, line)
    if "ockerfile" in name:
        return _dockerfile_site(text, line)
    if name.endswith(".sh") or "entrypoint" in name or name in ("start", "run", "boot"):
        return _script_site(text, line)
    return None


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


def waitress_argv(argv: List[str], target: str, port: str) -> Optional[List[str]]:
    """``argv`` rewritten to start waitress on ``0.0.0.0:port`` serving ``target``: ``module:attr``,
    or ``module:factory()`` as ``--call module:factory`` (a factory called with arguments cannot
    be; None). https://docs.pylonsproject.org/projects/waitress/en/stable/runner.html"""
    keep = argv[:_prefix_len(argv)]
    new = keep + ["waitress-serve", f"--listen={ALL}:{port}"]
    if "(" in target:
        if not target.endswith("()"):
            return None
        return new + ["--call", target[:-2]]
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
@dataclass(init=False, repr=False, eq=False)
class DeployFix(Record):
    """One planned rewrite: ``path``/``line`` of the command, rule ``code``, new lines, description;
    ``finding``: the finding a ``"target"``/``"upstream"`` rewrite fixes (FDP006, FDP012)."""

    path: str
    line: int
    code: str
    kind: str  # "gunicorn", "host", "target" (FDP006) or "upstream" (FDP012)
    launch: Launch
    description: str = ""
    note: str = ""
    finding: Optional[Finding] = None

    def __init__(self, path: str, line: int, code: str, kind: str, launch: Launch, description: str = "",
                 note: str = "", finding: Optional[Finding] = None) -> None:
        self.path = path
        self.line = line
        self.code = code
        self.kind = kind
        self.launch = launch
        self.description = description
        self.note = note
        self.finding = finding


#: Rewrites of one value written on the finding's line (not of a command): kind -> rule code, each
#: done by ``fixes/<code>.py``'s ``rewrite(text, finding, launch, context)``.
TEXT_REWRITES = {"target": "FDP006", "upstream": "FDP012"}


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
        # one finding names every launch that runs the file (``related``, then ``also``)
        if (launch.source.path, launch.source.line) not in {(p.path, p.line) for p in finding.related_locations}:
            continue
        tree = ast.parse(text)
        facts = project.complete_facts(tree, path)
        run = next((r for r in facts.runs if (r.node.lineno, r.node.col_offset) == (finding.line, finding.col)), None)
        if run is None or run.wrapper is not None:
            return None  # a Socket.IO app needs an async worker (eventlet, gevent), not plain gunicorn
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


def _plans(context, select: Sequence[str], ignore: Sequence[str]
           ) -> Tuple[Dict[tuple, DeployFix], Dict[Tuple[str, int], set], Dict[Tuple[str, int], tuple]]:
    """``(plans, codes_at, script_runs)`` of one deployment context: the command rewrite planned at
    each ``(file, line)`` and the value rewrite (:data:`TEXT_REWRITES`) at each ``(file, line, code)``,
    the codes found at each command, and the ``(run, facts)`` of each ``python app.py`` launch."""
    plans: Dict[tuple, DeployFix] = {}
    codes_at: Dict[Tuple[str, int], set] = {}
    for finding, launch in launch_findings(context):
        if not is_selected(finding.code, select, ignore):
            continue
        kind = next((k for k, code in TEXT_REWRITES.items() if code == finding.code), None)
        if kind is not None:
            plans.setdefault((finding.path, finding.line, finding.code),
                             DeployFix(finding.path, finding.line, finding.code, kind, launch, finding=finding))
            continue
        if not finding.offers_fix and finding.code != "FDP004":
            continue  # FDP004's flag says "one simple command"; the fixer also rewrites chains (shellsplice)
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
    return plans, codes_at, script_runs


@dataclass(init=False, repr=False, eq=False)
class _Run(Record):
    """One :func:`fix_deployments` call: its options, and the new texts of the files it edits.

    Attributes:
        texts: path -> new text of each file changed so far (deployment files, requirements,
            pyproject.toml); written (or only recorded, ``--diff``) by :meth:`finish`.
        context: the deployment context of the root being fixed; script_runs: see :func:`_plans`.
    """

    report: object
    unsafe: bool
    write: bool
    scope: FixScope
    context: object = None
    script_runs: Dict[Tuple[str, int], tuple] = field(default_factory=dict)
    texts: Dict[str, str] = field(default_factory=dict)
    originals: Dict[str, bytes] = field(default_factory=dict)

    def __init__(self, report: object, unsafe: bool, write: bool, scope: FixScope, context: object = None,
                 script_runs: Dict[Tuple[str, int], tuple] = FROM_FACTORY, texts: Dict[str, str] = FROM_FACTORY,
                 originals: Dict[str, bytes] = FROM_FACTORY) -> None:
        self.report = report
        self.unsafe = unsafe
        self.write = write
        self.scope = scope
        self.context = context
        self.script_runs = {} if script_runs is FROM_FACTORY else script_runs
        self.texts = {} if texts is FROM_FACTORY else texts
        self.originals = {} if originals is FROM_FACTORY else originals

    def text(self, path: str) -> Optional[str]:
        """The text of ``path`` as this run holds it (None when it cannot be read as UTF-8)."""
        if path in self.texts:
            return self.texts[path]
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
        self.originals[path] = data
        return text

    def finish(self) -> List[str]:
        """Write (``write``) every changed file atomically, keeping its BOM, and record it in
        ``report.changed``; return the paths that could not be written (an error each)."""
        failed = []
        for path, text in self.texts.items():
            old = self.originals[path]
            new = ("\ufeff" if old.startswith(b"\xef\xbb\xbf") else "").encode("utf-8") + text.encode("utf-8")
            if new == old:
                continue
            if self.write:
                try:
                    write_atomic(path, new)
                except OSError as exc:
                    self.report.errors.append((path, f"cannot be written ({exc.strerror or exc}); not changed"))
                    failed.append(path)
                    continue
            original = self.report.changed.get(path, (old, None))[0]
            self.report.changed[path] = (original, new)
        return failed


def fix_deployments(paths: Sequence[str], report, unsafe: bool, select: Sequence[str], ignore: Sequence[str],
                    write: bool, scope: FixScope = EVERYTHING) -> None:
    """Plan and apply (``write``) the deployment-file fixes of the projects holding ``paths``.

    Results go into ``report`` (a :class:`~flake8_flask_deploy.fix.FixReport`): applied fixes,
    changed files (old and new bytes), notes, errors; unsafe fixes not applied are counted. A
    rewrite that would edit a file ``scope`` does not allow (the command's file, or the file that
    installs gunicorn) is not applied and goes to ``report.outside``.
    """
    roots = []
    for path in paths:
        norm = sources.normpath(path)
        root = sources.find_root(norm if os.path.isdir(norm) else os.path.dirname(norm))
        if root not in roots:
            roots.append(root)
    for root in roots:
        context = get_context(root)
        plans, codes_at, script_runs = _plans(context, select, ignore)
        run = _Run(report, unsafe, write, scope, context, script_runs)
        by_file: Dict[str, List[DeployFix]] = {}
        for plan in plans.values():
            by_file.setdefault(plan.path, []).append(plan)
        applied: List[Applied] = []
        for path, file_plans in sorted(by_file.items()):
            applied += _apply_file(path, sorted(file_plans, key=lambda p: -p.line), run)
        failed = run.finish()
        applied = [a for a in applied if a.path not in failed and not set(a.others) & set(failed)]
        report.applied.extend(applied)
        for item in applied:
            # a gunicorn rewrite also settles the loopback finding of the same command
            for code in codes_at.get((item.path, item.line), set()) - {item.code}:
                report.covered.append((item.path, code, item.line))
        if write and run.texts:
            clear_caches()


def _skip(run: _Run, plan: DeployFix, reason: str) -> None:
    """Say in the report why the rewrite ``plan`` is not offered (only when unsafe fixes are on:
    otherwise the report counts the unsafe fixes it has, and this is not one)."""
    if run.unsafe:
        rel = os.path.relpath(plan.path, run.context.root) if run.context.root else plan.path
        run.report.notes.append(f"{rel}:{plan.line}: {plan.code} not fixed: {reason}")


def _apply_file(path: str, plans: List[DeployFix], run: _Run) -> List[Applied]:
    """Apply ``plans`` (bottom-up, so line numbers stay valid) to the deployment file ``path`` in
    ``run.texts``: each rewrite with the edits that install its server, when every file it edits is
    in scope; return the fixes applied (their ``others``: every file each one edits)."""
    text = run.text(path)
    if text is None:
        run.report.warnings.append((path, "cannot be read as UTF-8; left untouched"))
        return []
    applied = []
    for plan in plans:
        edits = _text_rewrite(path, text, plan, run) if plan.kind in TEXT_REWRITES else _command_rewrite(
            path, text, plan, run)
        if edits is None:
            continue
        if not run.unsafe:
            run.report.unsafe_available += 1
            continue
        outside = run.scope.outside(edits)
        if outside:
            run.report.outside.append((path, plan.line, plan.code, tuple(outside)))
            continue
        run.texts.update(edits)
        text = edits[path]
        for other in edits:
            run.text(other)  # keeps the original bytes of each edited file for the report
        applied.append(Applied(path, plan.code, "unsafe", plan.description, plan.line,
                               tuple(p for p in edits if p != path)))
        if plan.note:
            run.report.notes.append(plan.note)
    return list(reversed(applied))


def _text_rewrite(path: str, text: str, plan: DeployFix, run: _Run) -> Optional[Dict[str, str]]:
    """The edit of a ``"target"``/``"upstream"`` plan: ``{path: new text}`` from the rule's fix
    module (``fixes/fdp006.py``, ``fixes/fdp012.py``), or None when it has no rewrite."""
    import importlib

    module = importlib.import_module(f"{__package__}.{TEXT_REWRITES[plan.kind].lower()}")
    done = module.rewrite(text, plan.finding, plan.launch, run.context)
    if done is None:
        return None
    plan.description = done[1]
    return {path: done[0]}


def _command_rewrite(path: str, text: str, plan: DeployFix, run: _Run) -> Optional[Dict[str, str]]:
    """The edits of a command rewrite (``"gunicorn"``/``"host"``) at ``plan.line``: see
    :func:`_rewrite`; None (and a note for a gunicorn switch) when the command cannot be edited."""
    site = command_site(path, text, plan.line)
    if site is None:
        if plan.kind == "gunicorn":
            _skip(run, plan, "the command is not one that can be rewritten in place (shell syntax beyond "
                             "`&&`/`;` lists and `sh -c`, or ENTRYPOINT and CMD split it): change it by hand")
        return None
    return _rewrite(path, text, plan, site, run)


def _rewrite(path: str, text: str, plan: DeployFix, site: CommandSite, run: _Run) -> Optional[Dict[str, str]]:
    """The edits of one rewrite: ``{path: new text}`` of the command's file and of the files that
    install the new server; None when there is no rewrite or it would not leave a deployment that
    starts (the reason goes to the report)."""
    procfile = os.path.basename(path) == "Procfile"
    windows = plan.kind == "gunicorn" and runs_on_windows(plan.launch, lambda other: text if other == path
                                                          else run.text(other))
    rewrite = _new_argv(plan, site, run.script_runs, procfile, windows)
    if rewrite is None or rewrite.argv == site.argv:
        return None
    line = site.render(rewrite.argv)
    if line is None:
        _skip(run, plan, "the new command cannot be written inside the quotes of this one: change it by hand")
        return None
    if rewrite.target is not None:
        problem = _target_problem(plan.launch, rewrite.target, rewrite.chdir, run.context)
        if problem:
            _skip(run, plan, f"{rewrite.package} could not serve `{rewrite.target}` ({problem})")
            return None
    lines = _split_lines(text)
    lines[site.start:site.end + 1] = [line]
    new_text = "".join(lines)
    edits = {path: new_text}
    if rewrite.package:
        def text_of(other: str) -> Optional[str]:
            return new_text if other == path else run.text(other)

        try:
            install = plan_install(plan.launch, rewrite.package, text_of, run.context.root)
        except NoInstall as exc:
            _skip(run, plan, f"{rewrite.package} would not be installed: {exc}")
            return None
        edits.update(install.edits)
        plan.note = install.note
    return edits


@dataclass(init=False, repr=False, eq=False)
class _NewCommand(Record):
    """A rewritten command: its ``argv``; for a switch to a WSGI server, the ``package`` to install,
    the ``target`` (``module:attr``) it serves and its ``--chdir``."""

    argv: List[str]
    package: Optional[str] = None
    target: Optional[str] = None
    chdir: Optional[str] = None

    def __init__(self, argv: List[str], package: Optional[str] = None, target: Optional[str] = None,
                 chdir: Optional[str] = None) -> None:
        self.argv = argv
        self.package = package
        self.target = target
        self.chdir = chdir


def _new_argv(plan: DeployFix, site: CommandSite, script_runs: Dict[Tuple[str, int], tuple], procfile: bool,
              windows: bool = False) -> Optional[_NewCommand]:
    """The rewritten command of ``site`` for ``plan`` (None when there is none), setting
    ``plan.description``. ``script_runs``: ``(path, line)`` -> ``(run, facts)`` of the ``python
    app.py`` launches; procfile: the file is a Procfile (the port is ``$PORT``); windows: the launch
    runs in a Windows image (the switch is to waitress, not gunicorn)."""
    launch = plan.launch
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
        if not (target and port):
            return None
        if windows:  # gunicorn does not run on Windows: waitress does (it has no --chdir)
            argv = waitress_argv(site.argv, target, port) if not chdir else None
            plan.description = f"start {target} with waitress-serve on {ALL}:{port} instead of the development server"
            return None if argv is None else _NewCommand(argv, "waitress", target, chdir)
        plan.description = f"start {target} with gunicorn on {ALL}:{port} instead of the development server"
        return _NewCommand(gunicorn_argv(site.argv, target, port, chdir), "gunicorn", target, chdir)
    if launch.server == FLASK_RUN:
        plan.description = f"make `flask run` listen on {ALL} (all interfaces)"
        argv = flask_host_argv(site.argv)
    else:
        plan.description = f"make gunicorn bind {ALL} (all interfaces)"
        argv = gunicorn_bind_argv(site.argv)
    return None if argv is None else _NewCommand(argv)


def _target_problem(launch: Launch, target: str, chdir: Optional[str], context) -> Optional[str]:
    """Why gunicorn would not find ``target`` (``module:attr``) for ``launch``, or None: FDP006's
    check on the new command (:class:`~flake8_flask_deploy.rules.fdp006_wsgi_target_not_found.
    WsgiTargetNotFound`), and a package folder of the module's name beside it (Python imports the
    package, not the file: https://docs.python.org/3/reference/import.html#regular-packages)."""
    module, _, attr = target.partition(":")
    path = launch.script if launch.server == WERKZEUG_SCRIPT else launch.target_path
    if path is None:
        return f"{module} is not a module of the project"
    top = module.split(".")[0]
    base = os.path.dirname(path)
    for _ in module.split(".")[1:]:
        base = os.path.dirname(base)
    shadow = os.path.join(base, top)
    if os.path.isdir(shadow) and os.path.isfile(os.path.join(shadow, "__init__.py")) and \
            not path.startswith(shadow + os.sep):
        return f"the package {top}/ would be imported instead of {os.path.basename(path)}"
    if attr.endswith("()") and _required_arguments(path, attr[:-2]):
        return f"{attr[:-2]}() needs arguments, and gunicorn calls it with none"
    new = replace(launch, server=GUNICORN, module=module, attr=attr, target_path=path, script=None, options={},
                  binds=(), via=())
    rule = get_rule("FDP006")
    findings = list(rule.check_launch(new, context)) if rule is not None else []
    return findings[0].message if findings else None


def _required_arguments(path: str, name: str) -> int:
    """How many positional arguments without a default the module-level function ``name`` of the
    file ``path`` takes (0 when it is not found): gunicorn's ``module:factory()`` calls it with none
    (https://docs.gunicorn.org/en/stable/run.html)."""
    names = module_names(path)
    func = names.functions.get(name) if names is not None else None
    args = getattr(func, "args", None)
    if args is None:
        return 0
    return len(list(args.posonlyargs) + list(args.args)) - len(args.defaults)
