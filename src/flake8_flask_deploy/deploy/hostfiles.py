"""Readers of host process managers: systemd units and supervisor programs.

* systemd ``*.service``: ``[Service]`` ``ExecStart=`` (prefixes ``-@:+!`` dropped, the last one kept),
  ``Environment=`` (quoted ``KEY=VALUE`` words, repeatable), ``EnvironmentFile=`` (``-`` prefix:
  optional), ``WorkingDirectory=``; lines ending in ``\\`` continue.
  https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#ExecStart= ,
  https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#Environment=
* supervisor ``[program:x]``: ``command=``, ``directory=``, ``environment=KEY="val",KEY2="val"``.
  http://supervisord.org/configuration.html#program-x-section-settings

Both are read with :mod:`configparser` in a lenient mode (duplicate keys kept, no interpolation).
A unit or program runs on a host; it is not ``exposed`` (a loopback bind there is usually behind
a reverse proxy), unless a container runs supervisord (decided by the caller).
"""
from __future__ import annotations

import os
import shlex
from typing import Dict, List, Tuple

from .configs import key_lines, parse_ini
from .readers import RawCommand, is_production_file
from .shell import expand


def _join_continuations(text: str) -> str:
    """Join systemd's backslash-continued lines, keeping line count (continued lines become empty)."""
    out: List[str] = []
    pending = ""
    blanks = 0
    for raw in text.splitlines():
        piece = raw.strip() if pending else raw
        if raw.rstrip().endswith("\\"):
            pending += piece.rstrip()[:-1].rstrip() + " "
            blanks += 1
            continue
        out.append(pending + piece)
        out.extend([""] * blanks)
        pending, blanks = "", 0
    if pending:
        out.append(pending)
    return "\n".join(out)


def _env_words(value: str) -> Dict[str, str]:
    env: Dict[str, str] = {}
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    for word in words:
        key, sep, val = word.partition("=")
        if sep and key:
            env[key] = val
    return env


def read_systemd(path: str, text: str, root: str) -> List[RawCommand]:
    """Read the ``[Service]`` section of a systemd unit.

    Returns:
        zero or one :class:`RawCommand` (``kind="systemd"``, ``name`` the unit name).
    Raises:
        DeployFileError: not an ini-like file.
    """
    joined = _join_continuations(text)
    parser = parse_ini(joined, multi=True)
    if not parser.has_section("Service"):
        return []
    positions = key_lines(joined)
    section = parser["Service"]
    exec_values = [v.strip() for v in (section.get("ExecStart") or "").split("\n")]
    exec_lines = positions.get(("Service", "ExecStart"), [])
    command, line = "", 0
    for value, number in zip(exec_values, exec_lines or [1] * len(exec_values)):
        if value:
            command, line = value.lstrip("-@:+!"), number
        else:
            command, line = "", 0  # ``ExecStart=`` resets the list
    if not command:
        return []
    env: Dict[str, str] = {}
    env_lines: Dict[str, int] = {}
    for value, number in zip((section.get("Environment") or "").split("\n"),
                             positions.get(("Service", "Environment"), [])):
        for key, val in _env_words(value).items():
            env[key] = val
            env_lines[key] = number
    env_files: List[Tuple[str, int]] = []
    for value, number in zip((section.get("EnvironmentFile") or "").split("\n"),
                             positions.get(("Service", "EnvironmentFile"), [])):
        value = value.strip().lstrip("-")
        if value:
            env_files.append((value, number))
    command = expand(command, env)  # systemd substitutes ${VAR} and $VAR from Environment=
    workdir = (section.get("WorkingDirectory") or "").split("\n")[-1].strip().lstrip("-") or None
    if workdir == "~":
        workdir = None
    folder = os.path.dirname(os.path.abspath(path))
    bases = tuple(dict.fromkeys([root, folder]))
    return [RawCommand(path, line, [command], env, env_lines, bases, container=False, exposed=False,
                       production=is_production_file(path), working_dir=workdir, kind="systemd",
                       name=os.path.basename(path), env_files=tuple(env_files))]


def _supervisor_env(value: str) -> Dict[str, str]:
    lexer = shlex.shlex(value, posix=True)
    lexer.whitespace = "\t\n\r ,"
    lexer.whitespace_split = True
    env: Dict[str, str] = {}
    try:
        for word in lexer:
            key, sep, val = word.partition("=")
            if sep and key:
                env[key.strip()] = val
    except ValueError:
        pass
    return env


def has_supervisor_programs(text: str) -> bool:
    """True when an ini text has a ``[program:x]`` section (the cheap test before parsing)."""
    return "[program:" in text


def read_supervisor(path: str, text: str, root: str) -> List[RawCommand]:
    """Read each ``[program:x]`` section of a supervisor config.

    Raises:
        DeployFileError: not a valid ini file.
    """
    parser = parse_ini(text)
    positions = key_lines(text)
    folder = os.path.dirname(os.path.abspath(path))
    out: List[RawCommand] = []
    for name in parser.sections():
        if not name.startswith("program:"):
            continue
        section = parser[name]
        command = (section.get("command") or "").replace("\n", " ").strip()
        if not command:
            continue
        env = _supervisor_env(section.get("environment") or "")
        env_line = (positions.get((name, "environment")) or [0])[-1]
        line = (positions.get((name, "command")) or [1])[-1]
        workdir = (section.get("directory") or "").strip() or None
        bases = tuple(dict.fromkeys([root, folder]))
        out.append(RawCommand(path, line, [command], env, {k: env_line for k in env}, bases,
                              container=False, exposed=False, production=is_production_file(path),
                              working_dir=workdir, kind="supervisor", name=name.split(":", 1)[1]))
    return out
