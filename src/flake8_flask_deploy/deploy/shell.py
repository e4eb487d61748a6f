"""Reader of shell start scripts (``start.sh``, ``docker-entrypoint.sh``, ``entrypoint``).

A script with compound commands (``if``, ``for``, ``while``, ``case``, functions, ``{ }`` groups) is
parsed with bashlex (a port of bash's own parser); a simpler one, or one bashlex cannot parse, is
read line by line with :mod:`shlex`. What is taken from it:

* every simple command in order, looking into ``&&``/``||``/``;`` lists, pipelines, ``if``/``for``
  bodies and ``{ ...; }`` groups (function bodies are skipped: they run only when called);
* variable assignments (``PORT=8000``, ``export FLASK_DEBUG=1``), used to expand ``$PORT``,
  ``${HOST:-0.0.0.0}`` in later commands; exported ones are the started process's environment;
* ``case`` branches named for development (``dev_server)``, ``debug)``) are left out, their commands
  and exports alike: an entrypoint chooses one branch per container, and those are not production's;
* whether the script hands over to its arguments (``exec "$@"``), the Docker entrypoint idiom:
  https://docs.docker.com/reference/dockerfile/#entrypoint ,
  https://github.com/docker-library/official-images#consistency
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .commands import split_shell
from ..records import FROM_FACTORY, Record

_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
#: Shell syntax that needs bash's grammar; a script without it is read line by line with shlex (bashlex's
#: import builds its parser tables and costs most of a second).
_COMPOUND = re.compile(r"(^|[\s;&|])(if|then|elif|else|fi|for|while|until|do|done|case|esac|function|select)"
                       r"(?=[\s;]|$)|\(\)|(^|\s)[{}](\s|$)", re.MULTILINE)
#: ``> app.log``, ``2>&1``, ``>> log``, ``< in``, ``&> all``: dropped before splitting a line.
_REDIRECT = re.compile(r"(?:(?<=\s)|^)(?:\d*|&)(?:>>?|<)(?:&\d+|\s*[^\s;&|<>]+)")
#: ``case`` statements of the line reader: the opening line, a branch's pattern (``dev_server)``,
#: ``web|server)``, with or without a command after it) and the end.
_CASE = re.compile(r"^case\s.+\s+in$")
_BRANCH = re.compile(r"^\(?\s*([^()\s;]+(?:\s*\|\s*[^()\s;]+)*)\s*\)\s*(.*)$")
#: A ``case`` branch named for development (``dev_server)``, ``debug)``, ``test)``, ``local)``): what it
#: runs and exports is not production's (an entrypoint's ``dev_server`` branch sets ``FLASK_DEBUG=1``
#: for itself only).
_DEV_BRANCH = re.compile(r"dev|debug|test|local", re.IGNORECASE)
_PARAM = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(init=False, repr=False, eq=False)
class ShellScript(Record):
    """What a start script runs.

    Attributes:
        commands: ``(argv, line)`` of each simple command, variables expanded where known.
        env: variables the script exports (``export K=V``), with ``env_lines``.
        passes_args: True when the script runs its arguments (``exec "$@"``).
        parser: ``"bashlex"`` or ``"shlex"`` (the fallback).
    """

    commands: List[Tuple[List[str], int]] = field(default_factory=list)
    env: Dict[str, str] = field(default_factory=dict)
    env_lines: Dict[str, int] = field(default_factory=dict)
    passes_args: bool = False
    parser: str = "bashlex"

    def __init__(self, commands: List[Tuple[List[str], int]] = FROM_FACTORY, env: Dict[str, str] = FROM_FACTORY,
                 env_lines: Dict[str, int] = FROM_FACTORY, passes_args: bool = False, parser: str = "bashlex") -> None:
        self.commands = [] if commands is FROM_FACTORY else commands
        self.env = {} if env is FROM_FACTORY else env
        self.env_lines = {} if env_lines is FROM_FACTORY else env_lines
        self.passes_args = passes_args
        self.parser = parser


def expand(word: str, variables: Dict[str, str]) -> str:
    """Expand ``$NAME``, ``${NAME}``, ``${NAME:-default}`` and ``${NAME-default}`` from ``variables``;
    an unknown variable without default stays as written."""
    def sub(match: "re.Match[str]") -> str:
        name = match.group(1) or match.group(4)
        if name in variables:
            value = variables[name]
            if match.group(2) and match.group(2).startswith(":") and value == "":
                return match.group(3) or ""
            return value
        if match.group(2):
            return match.group(3) or ""
        return match.group(0)

    return _PARAM.sub(sub, word)


def read_shell(text: str, env: Optional[Dict[str, str]] = None) -> ShellScript:
    """Read a shell script (never raises).

    Args:
        text: the script.
        env: variables known from outside (the Dockerfile's ``ENV``), used for expansion only.
    """
    variables = dict(env or {})
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    if not _COMPOUND.search(code):
        return _read_lines(text, variables)
    script = ShellScript()
    try:
        import bashlex

        parts = bashlex.parse(text)
    except Exception:  # bashlex raises its own errors and assorted ones on unsupported syntax
        return _read_lines(text, variables)
    offsets = _line_offsets(text)
    for part in parts:
        _walk(part, script, variables, offsets)
    return script


def _line_offsets(text: str) -> List[int]:
    starts = [0]
    for i, char in enumerate(text):
        if char == "\n":
            starts.append(i + 1)
    return starts


def _line_of(pos: int, offsets: List[int]) -> int:
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _walk(node, script: ShellScript, variables: Dict[str, str], offsets: List[int]) -> None:
    kind = getattr(node, "kind", "")
    if kind == "command":
        _command(node, script, variables, offsets)
    elif kind == "function":
        return
    for child in _children(node):
        _walk(child, script, variables, offsets)


def _children(node) -> list:
    kind = getattr(node, "kind", "")
    if kind == "command":
        return []
    out = list(getattr(node, "parts", None) or [])
    for attr in ("list",):
        value = getattr(node, attr, None)
        if isinstance(value, list):
            out.extend(value)
    kinds = ("command", "list", "pipeline", "compound", "if", "for", "while", "until")
    return [c for c in out if getattr(c, "kind", "") in kinds]


def _command(node, script: ShellScript, variables: Dict[str, str], offsets: List[int]) -> None:
    words: List[str] = []
    assigns: List[Tuple[str, str]] = []
    for part in node.parts:
        if part.kind == "assignment" and not words:
            match = _ASSIGN.match(part.word)
            if match:
                assigns.append((match.group(1), expand(match.group(2), variables)))
        elif part.kind == "word":
            words.append(part.word)
    line = _line_of(node.pos[0], offsets)
    _record(words, assigns, line, script, variables)


def _record(words: List[str], assigns: List[Tuple[str, str]], line: int, script: ShellScript,
            variables: Dict[str, str]) -> None:
    if not words:
        for key, value in assigns:  # ``PORT=8000`` alone: a shell variable
            variables[key] = value
        return
    if words[0] in ("export", "declare", "typeset", "readonly") and len(words) > 1:
        for word in words[1:]:
            match = _ASSIGN.match(word)
            if match:
                value = expand(match.group(2), variables)
                variables[match.group(1)] = value
                script.env[match.group(1)] = value
                script.env_lines[match.group(1)] = line
            elif word in variables and not word.startswith("-"):
                script.env[word] = variables[word]
                script.env_lines[word] = line
        return
    if words[0] in ("exec", "") and any(w in ("$@", "$*", "${@}") for w in words[1:2]):
        script.passes_args = True
        return
    if words[0] in ("$@", "${@}"):
        script.passes_args = True
        return
    argv = [f"{k}={v}" for k, v in assigns] + [expand(w, variables) for w in words]
    script.commands.append((argv, line))


def _read_lines(text: str, variables: Dict[str, str]) -> ShellScript:
    """The fallback for scripts bashlex rejects: one command line per (continued) line."""
    script = ShellScript(parser="shlex")
    pending, start = "", 0
    in_case, dev_branch = False, False
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        line = (pending + raw).strip()
        pending = ""
        if not line or line.startswith("#"):
            continue
        if _CASE.match(line):
            in_case, dev_branch = True, False
            continue
        if in_case:
            if line == "esac":
                in_case, dev_branch = False, False
                continue
            branch = _BRANCH.match(line) if not line.startswith(("if ", "[", "for ", "while ")) else None
            if branch is not None and not branch.group(1).startswith(("$", "\"")):
                dev_branch = _DEV_BRANCH.search(branch.group(1)) is not None
                line = branch.group(2).strip()
            ends = line.endswith(";;")
            line = line[:-2].strip() if ends else line
            skip = dev_branch
            if ends:
                dev_branch = False
            if skip or not line:
                continue
        line = _REDIRECT.sub(" ", line)
        for argv in split_shell(line):
            assigns = []
            while argv and _ASSIGN.match(argv[0]):
                match = _ASSIGN.match(argv.pop(0))
                assert match is not None
                assigns.append((match.group(1), expand(match.group(2), variables)))
            if argv and argv[0] in ("if", "then", "else", "elif", "do", "while", "until", "for", "fi", "done"):
                argv = argv[1:]
            _record(argv, assigns, start, script, variables)
    return script
