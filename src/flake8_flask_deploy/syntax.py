"""Whether a Python file parses: the ``FDP000`` finding (flake8's ``E999``) of ``check``.

``check`` parses with :func:`parse` every module it analyses. A module the rules' text test rules out
(no app, route, guard, debug or secret word: most of a code base) is never analysed, but its syntax
error must still be reported: :func:`syntax_finding` answers for it at a fraction of a parse, and
:class:`Verdicts` remembers, in the project's on-disk cache (``.flake8-flask-deploy-cache/syntax.json``),
the files found sound, so that a run where they have not changed pays a ``stat`` for them.

The cheap test is :func:`symtable.symtable`: CPython's own parser builds its C syntax tree and the
symbol table, without the Python ``ast`` objects :func:`ast.parse` makes nor the bytecode ``compile``
makes (on CTFd's 275 modules that the text test rules out: 72 ms, against 122 ms for ``ast.parse`` and
100-109 ms for ``compile``; benchmarks/RESULTS.md). It rejects a little more than ``ast.parse`` does
(``nonlocal`` at module level, a duplicate argument name, ``import *`` in a function: errors of the
symbol table), so a file it rejects is parsed with ``ast.parse``, and only what that rejects is
reported, with its message, line and column: what ``check`` says of an analysed module, and flake8's
``E999``.
"""
from __future__ import annotations

import ast
import os
import symtable
import sys
from typing import Any, Dict, List, Optional, Tuple

from . import sources
from .model import PARSE_ERROR, Finding
from .session import FILE, PROJECT, current

#: The interpreter whose grammar judged a file: a verdict of another one is not used (``match``,
#: f-string quotes, ``type`` statements are valid in some versions only).
PYTHON = "%s-%d.%d.%d" % (sys.implementation.name, *sys.version_info[:3])
#: The name of the per-file entries in the on-disk cache (``syntax.json``).
CACHE_NAME = "syntax"


def parse(data: bytes, path: str) -> Tuple[Optional[ast.Module], Optional[Finding]]:
    """Parse Python source bytes (coding cookie and BOM honoured) with :func:`ast.parse`.

    Args:
        data: the file's bytes.
        path: its path, for messages and the finding.
    Returns:
        ``(tree, None)``, or ``(None, finding)``: a :data:`~flake8_flask_deploy.model.PARSE_ERROR`
        finding at the place Python gives (flake8's ``E999`` is at the same line and column) for a
        syntax error, bytes that do not decode (null bytes, an unknown codec) or a file nested too
        deeply for the parser. Never raises for bad input.
    """
    try:
        return ast.parse(data, filename=path), None
    except SyntaxError as exc:
        text = exc.msg or "invalid syntax"
        if "codec can't decode" in text or "unicode error" in text:
            message = f"cannot be decoded ({text.replace('(unicode error) ', '')}); not analysed"
        else:
            message = f"SyntaxError: {text}; not analysed"
        line, col = exc.lineno or 1, max((exc.offset or 1) - 1, 0)
    except (ValueError, UnicodeDecodeError) as exc:  # null bytes, an unknown codec
        message, line, col = f"cannot be decoded ({exc}); not analysed", 1, 0
    except (RecursionError, MemoryError):  # CPython's parser stack overflows as a MemoryError
        message, line, col = "is nested too deeply for Python's parser; not analysed", 1, 0
    return None, Finding(PARSE_ERROR, message, path, line, col)


def syntax_finding(data: bytes, path: str) -> Optional[Finding]:
    """The :data:`~flake8_flask_deploy.model.PARSE_ERROR` finding of a module, or None when it parses,
    at a fraction of :func:`parse`'s cost when it does (see the module's doc).

    Args:
        data: the file's bytes.
        path: its path.
    Returns:
        what :func:`parse` returns as its finding: None exactly when ``ast.parse`` accepts ``data``.
        Never raises for bad input.
    """
    try:
        symtable.symtable(data, path, "exec")  # type: ignore[arg-type]  # bytes: decoded as compile does
        return None
    except Exception:  # any failure (RecursionError, MemoryError included) is judged by ast.parse
        return parse(data, path)[1]


def note_parsed(path: str, stamp: Optional[List[int]]) -> None:
    """Record that ``ast.parse`` accepted the file ``path`` (normalised) as it was at ``stamp``
    (``[size, mtime_ns]``, taken before it was read): the project index parses many modules the text
    test rules out (to follow their imports), and ``check`` then need not test them again in this run
    (:func:`parsed_already`)."""
    if stamp is not None:
        current().cache("syntax.parsed", FILE)[path] = stamp


def parsed_already(path: str, stamp: Optional[List[int]]) -> bool:
    """True when :func:`note_parsed` recorded ``path`` (normalised) with this ``stamp`` in this run."""
    return stamp is not None and current().cache("syntax.parsed", FILE).get(path) == stamp


class Verdicts:
    """The files of one project found sound, as the on-disk cache holds them: path -> ``[[size,
    mtime_ns], python]`` (:func:`sources.load_entries`: written by the same tool, else empty); an entry
    stands only while its file has that stamp and for the same interpreter (:data:`PYTHON`). What a
    run learns is written once, when the run ends (``Session.on_close``)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.entries: Dict[str, Any] = sources.load_entries(root, CACHE_NAME)
        self.learnt: List[Tuple[str, List[int]]] = []  # since the last :func:`drain_learnt`
        self.changed = False
        current().on_close(self.write)

    def sound(self, path: str, stamp: Optional[List[int]]) -> bool:
        """True when ``path`` was found sound by this interpreter with this ``stamp``."""
        return stamp is not None and self.entries.get(path) == [stamp, PYTHON]

    def learn(self, path: str, stamp: Optional[List[int]]) -> None:
        """Record that ``path``, as it was at ``stamp`` (taken before it was read), parses."""
        if stamp is not None and self.entries.get(path) != [stamp, PYTHON]:
            self.entries[path] = [stamp, PYTHON]
            self.learnt.append((path, stamp))
            self.changed = True

    def write(self) -> None:
        """Store the entries (of the project's Python files that are still there), if any changed."""
        if not self.changed:
            return
        self.changed = False
        there = {os.path.join(self.root, rel) for rel in sources.python_files(self.root)}
        sources.store_entries(self.root, CACHE_NAME, {p: e for p, e in self.entries.items() if p in there})


def verdicts_for(path: str) -> Optional[Verdicts]:
    """The :class:`Verdicts` of the project holding ``path`` (a normalised path: paths are their
    keys), read once per run; None when the run uses no on-disk cache or the file is in no project
    (no cache folder is written for it)."""
    if not sources.cache_enabled():
        return None
    root = sources.find_root(os.path.dirname(path))
    store = current().cache("syntax.verdicts", PROJECT, keep_on_leave=True)
    found = store.get(root)
    if found is None:
        found = store[root] = Verdicts(root) if sources.is_project_root(root) else False
    return found or None


def drain_learnt() -> List[Tuple[str, List[int]]]:
    """``[(path, stamp)]``: the files this process's :class:`Verdicts` learnt to be sound since the
    last call (a ``check -j`` worker returns them to the parent, whose :func:`learn` records them for
    the cache: workers end without closing their session, so they write nothing)."""
    out: List[Tuple[str, List[int]]] = []
    for verdicts in current().cache("syntax.verdicts", PROJECT, keep_on_leave=True).values():
        if verdicts:
            out.extend(verdicts.learnt)
            verdicts.learnt = []
    return out


def learn(learnt: List[Tuple[str, List[int]]]) -> None:
    """Record in this process's :class:`Verdicts` what :func:`drain_learnt` gave in a worker."""
    for path, stamp in learnt:
        verdicts = verdicts_for(path)
        if verdicts is not None:
            verdicts.learn(path, stamp)
