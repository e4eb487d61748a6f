"""Reader of HashiCorp Nomad job specifications (``*.nomad``, ``*.nomad.hcl``, ``*.hcl`` with a ``job``).

A job holds groups, a group holds tasks; each task of the ``docker``/``podman`` driver (runs in a
container) or the ``exec``/``raw_exec`` driver (runs on the client host) whose ``config`` sets
``command`` (with ``args``; a docker ``entrypoint`` comes first) is one command. A docker task with
only an ``image`` runs the image's own command: not one of ours. The task's ``env`` block is its
environment; a ``service`` or a ``network { port ... }`` (in the group, or in the task's
``resources`` as older jobs write it) or a docker ``ports``/``port_map`` means the task serves a port
to other hosts (``exposed``). https://developer.hashicorp.com/nomad/docs/job-specification ,
https://developer.hashicorp.com/nomad/docs/drivers/docker#command ,
https://developer.hashicorp.com/nomad/docs/drivers/raw_exec

Parsed with python-hcl2 (https://github.com/amplify-education/python-hcl2), imported here, when a
project has such a file (its import and first parse cost about a second). Its output shape varies
between versions (strings with or without their quotes, ``__comments__`` keys): read leniently. It
gives no line numbers in its plain output: the lines of ``command``/``args``/``env`` are found by
searching the text from the task's ``task "name" {`` line.
"""
from __future__ import annotations

import json
import os
import re
from typing import Dict, Iterator, List, Optional, Tuple

from .readers import DeployFileError, RawCommand, is_production_file

#: A top-level ``job "name" {`` block: what makes a ``*.hcl`` file a Nomad job.
_JOB = re.compile(r'^job\s+"[^"\n]*"\s*\{', re.MULTILINE)
#: Task drivers whose command runs in a container, and those that run it on the host.
CONTAINER_DRIVERS = frozenset({"docker", "podman"})
HOST_DRIVERS = frozenset({"exec", "raw_exec"})


def looks_like_nomad(text: str) -> bool:
    """True when ``text`` has a top-level ``job "name" {`` block (a Nomad job, not an agent config,
    a Packer template or a Terragrunt file, which share the ``.hcl`` suffix)."""
    return _JOB.search(text) is not None


def read_nomad(path: str, text: str, root: str) -> List[RawCommand]:
    """Read the tasks of the Nomad job file ``path`` (its ``text``; ``root``: the project root).

    Returns:
        one :class:`RawCommand` per task that sets a command (``kind="nomad"``, ``name``: the task
        name), located at its ``args`` line when it has one (the script, module and options are
        written there), else at its ``command`` line.
    Raises:
        DeployFileError: the file is not valid HCL (the message names the line when the parser does).
    """
    import hcl2

    try:
        data = hcl2.loads(text)
    except Exception as exc:  # lark's UnexpectedInput and assorted errors of the transformer
        line = getattr(exc, "line", None)
        where = f" at line {line}" if isinstance(line, int) and line > 0 else ""
        raise DeployFileError(f"is not valid HCL{where}, skipped") from exc
    if not isinstance(data, dict):
        return []
    lines = text.splitlines()
    folder = os.path.dirname(os.path.abspath(path))
    bases = tuple(dict.fromkeys([folder, root]))
    out: List[RawCommand] = []
    for job_name, job in _labelled(data.get("job")):
        job_at = _find(lines, _block_start("job", job_name), 0) or 0
        for group_name, group in _labelled(job.get("group")):
            group_at = _find(lines, _block_start("group", group_name), job_at) or job_at
            group_serves = _serves(group)
            for task_name, task in _labelled(group.get("task")):
                task_at = _find(lines, _block_start("task", task_name), group_at) or group_at
                raw = _task_command(path, task, lines, task_at, group_serves or _serves(task))
                if raw is not None:
                    raw.bases = bases
                    raw.name = task_name
                    out.append(raw)
    return out


def _task_command(path: str, task: dict, lines: List[str], task_at: int, serves: bool) -> Optional[RawCommand]:
    """The :class:`RawCommand` of one task (its mapping ``task``, whose block starts at the 0-based
    line ``task_at`` of the file's ``lines``), or None when its driver is not one we read or it sets
    no command. ``serves``: its group or itself declares a port or a service."""
    driver = _text(task.get("driver"))
    if driver not in CONTAINER_DRIVERS and driver not in HOST_DRIVERS:
        return None
    config = next(iter(_blocks(task.get("config"))), {})
    command = _text(config.get("command"))
    if not command:
        return None  # a docker task without command runs its image's CMD
    argv = _words(config.get("entrypoint")) if driver in CONTAINER_DRIVERS else []
    argv += [command] + _words(config.get("args"))
    config_at = _find(lines, re.compile(r"^\s*config\s*=?\s*\{"), task_at) or task_at
    key = "args" if "args" in config else "command"
    found = _find(lines, _attribute(key), config_at)
    line = (found if found is not None else config_at) + 1
    env: Dict[str, str] = {}
    env_lines: Dict[str, int] = {}
    env_at = _find(lines, re.compile(r"^\s*env\s*=?\s*\{"), task_at)
    for block in _blocks(task.get("env")):
        for name, value in block.items():
            name = _unquote(name)
            if name.startswith("__") and name.endswith("__"):
                continue  # python-hcl2's ``__comments__``, ``__is_block__``, ``__start_line__``
            env[name] = _text(value)
            found = _find(lines, _attribute(name), env_at) if env_at is not None else None
            env_lines[name] = line if found is None else found + 1
    workdir = _text(config.get("work_dir")) if driver in CONTAINER_DRIVERS else ""
    container = driver in CONTAINER_DRIVERS
    return RawCommand(path, line, argv, env, env_lines, container=container,
                      exposed=serves or bool(container and (config.get("ports") or config.get("port_map"))),
                      production=is_production_file(path), working_dir=workdir or None, kind="nomad")


def _serves(block: dict) -> bool:
    """True when a group or task mapping declares a ``service``, or a ``network`` with a ``port``
    (directly, or in ``resources``)."""
    if list(_blocks(block.get("service"))):
        return True
    networks = list(_blocks(block.get("network")))
    for resources in _blocks(block.get("resources")):
        networks += list(_blocks(resources.get("network")))
    return any(network.get("port") or network.get("reserved_ports") or network.get("dynamic_ports")
               for network in networks)


def _blocks(value) -> Iterator[dict]:
    """The bodies of a block that may be written once or repeated (``config {}``: a list of mappings
    in python-hcl2's output, or a mapping for an ``x = { ... }`` attribute)."""
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item


def _labelled(value) -> Iterator[Tuple[str, dict]]:
    """``(label, body)`` of each labelled block (``job "x" {}``: ``[{'"x"': {...}}]``)."""
    for item in _blocks(value):
        for label, body in item.items():
            if isinstance(label, str) and not label.startswith("__") and isinstance(body, dict):
                yield _unquote(label), body


def _unquote(value: str) -> str:
    """A string as python-hcl2 gives it, without the quotes newer versions keep (``'"flask"'``)."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            loaded = json.loads(value)
            return loaded if isinstance(loaded, str) else value[1:-1]
        except ValueError:
            return value[1:-1]
    return value


def _text(value) -> str:
    """A scalar attribute value as text (``"1"`` for ``1``, ``"true"`` for ``true``; ``""`` for a
    list, a mapping or nothing)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return _unquote(value)
    return ""


def _words(value) -> List[str]:
    """A list attribute (``args = ["-b", "0.0.0.0:80"]``) as words; a single string is one word."""
    if isinstance(value, list):
        return [_text(item) for item in value if isinstance(item, (str, int, float, bool))]
    text = _text(value)
    return [text] if text else []


def _block_start(kind: str, label: str) -> "re.Pattern[str]":
    """The first line of a ``kind "label" {`` block (the label quoted or not)."""
    return re.compile(rf'^\s*{kind}\s+"?{re.escape(label)}"?\s*\{{')


def _attribute(name: str) -> "re.Pattern[str]":
    """A line that sets ``name =`` (the name quoted or not; a commented-out line does not match)."""
    return re.compile(rf'^\s*"?{re.escape(name)}"?\s*=')


def _find(lines: List[str], pattern: "re.Pattern[str]", start: int) -> Optional[int]:
    """The 0-based index of the first of ``lines`` from ``start`` on that ``pattern`` matches, or None."""
    for index in range(start, len(lines)):
        if pattern.match(lines[index]):
            return index
    return None
