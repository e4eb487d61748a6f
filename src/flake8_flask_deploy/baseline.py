"""Baselines: ``check --write-baseline FILE`` records today's findings, ``check --baseline FILE``
reports only the findings that are not in it, so a project adopts the tool without fixing every old
finding first.

A finding is keyed by its code, its path (relative to the baseline file's folder, ``/``-separated)
and a fingerprint of the text of its line with whitespace normalised, never by its line number: lines
added or removed elsewhere in the file do not bring a baselined finding back; editing its line does.
The same key may occur several times (two identical lines): the baseline silences as many findings of
a key as it recorded.

The file (JSON, UTF-8, sorted so that it diffs well)::

    {
      "tool": "flake8-flask-deploy",
      "version": 1,
      "findings": [
        {"code": "FDP003", "path": "app.py", "fingerprint": "3f6a...", "line": 12, "message": "..."}
      ]
    }

``fingerprint`` is the first 16 hex digits of the SHA-256 of the line's text with each run of
whitespace made one space and both ends stripped; ``line`` and ``message`` are for the reader only.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from typing import Dict, List, Tuple

from .model import Finding
from .sources import LINE_BREAK, decode, write_atomic

TOOL = "flake8-flask-deploy"
VERSION = 1

Key = Tuple[str, str, str]


class BaselineError(Exception):
    """The baseline file cannot be read, is not JSON, or is not of this format (exit 2)."""


def fingerprint(text: str) -> str:
    """The fingerprint of a line's text: 16 hex digits of the SHA-256 of ``" ".join(text.split())``."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _lines(path: str, store: Dict[str, List[str]]) -> List[str]:
    """The lines of ``path`` (Python source decoded as Python does, other files as UTF-8 with
    replacement characters); ``[]`` when it cannot be read. Kept in ``store``."""
    found = store.get(path)
    if found is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        try:
            text = decode(data).text if path.endswith(".py") else data.decode("utf-8", "replace")
        except (SyntaxError, UnicodeDecodeError, LookupError):
            text = data.decode("utf-8", "replace")
        found = store[path] = LINE_BREAK.split(text)
    return found


def _key(finding: Finding, folder: str, store: Dict[str, List[str]]) -> Key:
    lines = _lines(finding.path, store)
    text = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
    rel = os.path.relpath(os.path.realpath(finding.path), folder).replace(os.sep, "/")
    return finding.code, rel, fingerprint(text)


def _folder(baseline_path: str) -> str:
    return os.path.dirname(os.path.realpath(baseline_path))


def write_baseline(baseline_path: str, findings: List[Finding]) -> int:
    """Write ``findings`` to ``baseline_path`` (replaced atomically if it exists).

    Returns:
        the number of findings written.
    Raises:
        OSError: the file cannot be written.
    """
    folder, store = _folder(baseline_path), {}  # type: str, Dict[str, List[str]]
    items = []
    for finding in findings:
        code, path, mark = _key(finding, folder, store)
        items.append({"code": code, "path": path, "fingerprint": mark, "line": finding.line,
                      "message": finding.message})
    items.sort(key=lambda item: (item["path"], item["line"], item["code"], item["fingerprint"]))
    data = (json.dumps({"tool": TOOL, "version": VERSION, "findings": items}, indent=2) + "\n").encode("utf-8")
    if os.path.exists(baseline_path):
        write_atomic(baseline_path, data)
    else:
        with open(baseline_path, "wb") as handle:
            handle.write(data)
    return len(items)


def read_baseline(baseline_path: str) -> "Counter[Key]":
    """The keys a baseline file records, with how many times each.

    Raises:
        BaselineError: unreadable, not JSON, or not this format (the message says which, one line).
    """
    try:
        with open(baseline_path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise BaselineError(f"is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("tool") != TOOL or data.get("version") != VERSION \
            or not isinstance(data.get("findings"), list):
        raise BaselineError(f"is not a {TOOL} baseline (version {VERSION}); write one with --write-baseline")
    keys: "Counter[Key]" = Counter()
    for item in data["findings"]:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("code", "path", "fingerprint")):
            raise BaselineError("holds an entry without a code, path and fingerprint")
        keys[(item["code"], item["path"], item["fingerprint"])] += 1
    return keys


def apply_baseline(baseline_path: str, findings: List[Finding]) -> Tuple[List[Finding], int]:
    """Drop the findings the baseline records.

    Args:
        baseline_path: a file written by :func:`write_baseline`.
        findings: the run's findings, in report order.
    Returns:
        ``(findings not in the baseline, number dropped)``.
    Raises:
        BaselineError: see :func:`read_baseline`.
    """
    left = read_baseline(baseline_path)
    folder, store = _folder(baseline_path), {}  # type: str, Dict[str, List[str]]
    kept = []
    for finding in findings:
        key = _key(finding, folder, store)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(finding)
    return kept, len(findings) - len(kept)
