"""Rewrite one simple command inside a shell command line, leaving the rest of the line as written.

A deployment command is often more than the server: ``flask db upgrade && flask run``,
``sh -c "python init_db.py && python app.py"``, ``cd src; exec python app.py``. A rewrite must change
only the simple command that starts Python and keep everything else byte for byte (the migrations
still run first). This module splits a command line into its simple commands with their character
spans (:func:`segments`), finds the one that starts the served process (:func:`server_segment`,
looking into ``sh -c "..."`` once), and writes a new argv in its place (:func:`splice`), quoted for
where it stands (top level, inside ``"..."`` or inside ``'...'``).

Only ``&&`` and ``;`` lists are understood; a comment that ends the line (``# noqa: FDP003``, a
``#`` at the start of a word, 2.3 "Token Recognition") is kept as written. Anything else at the top
level (pipes, ``||``, ``&``, subshells, command substitution, redirections, here-documents,
``if``/``for``/``case``, line continuations inside a word) makes :func:`segments` return None, and
the caller offers no fix.
Shell grammar: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple
from ..records import Record

#: Words that need no quoting anywhere (``0.0.0.0:$PORT`` stays expandable).
SAFE_WORD = re.compile(r"^[\w@%+=:,./${}-]+$")
_KEYWORDS = frozenset({"if", "then", "elif", "else", "fi", "for", "while", "until", "do", "done", "case", "esac",
                       "function", "select", "{", "}", "!", "[[", "]]"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "/bin/sh", "/bin/bash", "/usr/bin/env"})
_DASH_C = frozenset({"-c", "-ec", "-ce", "-lc", "-xc", "-ex"})


@dataclass(init=False, repr=False, eq=False)
class Word(Record):
    """One shell word: its span ``[start, end)`` in the text and its value after quote removal.

    ``quote`` is ``"'"`` or ``'"'`` when the whole word is one quoted string (``"a && b"``), else ``""``."""

    start: int
    end: int
    value: str
    quote: str = ""

    def __init__(self, start: int, end: int, value: str, quote: str = "") -> None:
        self.start = start
        self.end = end
        self.value = value
        self.quote = quote


@dataclass(init=False, repr=False, eq=False)
class Segment(Record):
    """One simple command of a ``&&``/``;`` list: its words (spans in the text they were read from)."""

    words: List[Word]

    def __init__(self, words: List[Word]) -> None:
        self.words = words

    @property
    def argv(self) -> List[str]:
        """The words after quote removal."""
        return [w.value for w in self.words]

    @property
    def span(self) -> Tuple[int, int]:
        """``[start, end)`` of the command in its text (first word to last word)."""
        return self.words[0].start, self.words[-1].end


def _read_word(text: str, i: int) -> Optional[Tuple[Word, int]]:
    """The word starting at ``text[i]`` (not a blank, not an operator) and the index after it; None
    for syntax this module does not handle (command substitution, backquotes, an open quote)."""
    start = i
    parts: List[str] = []
    quotes = []
    while i < len(text) and not text[i].isspace() and text[i] not in ";&|<>()":
        ch = text[i]
        if ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                return None
            parts.append(text[i + 1:end])
            quotes.append(("'", i, end + 1))
            i = end + 1
        elif ch == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                if text[j] in "\\`" or text.startswith("$(", j):
                    return None
                j += 1
            if j >= len(text):
                return None
            parts.append(text[i + 1:j])
            quotes.append(('"', i, j + 1))
            i = j + 1
        elif ch in "\\`" or text.startswith("$(", i):
            return None
        else:
            parts.append(ch)
            i += 1
    whole = quotes[0][0] if len(quotes) == 1 and quotes[0][1] == start and quotes[0][2] == i else ""
    return Word(start, i, "".join(parts), whole), i


def segments(text: str) -> Optional[List[Segment]]:
    """Split ``text`` (one command line, as the shell reads it) into the simple commands of its
    ``&&``/``;`` list, each with the spans of its words. None when it holds anything else (see the
    module docstring), or when a command starts with a shell keyword."""
    out: List[Segment] = [Segment([])]
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " \t":
            i += 1
        elif text.startswith("&&", i) or ch == ";":
            if not out[-1].words:
                return None
            out.append(Segment([]))
            i += 2 if ch == "&" else 1
        elif ch == "#" and not any(c in text[i:] for c in "\r\n"):
            break  # a comment (``# noqa: FDP003``) to the end of the line: kept as it is, not read
        elif ch in "&|<>()\r\n#":
            return None
        else:
            read = _read_word(text, i)
            if read is None:
                return None
            word, i = read
            out[-1].words.append(word)
    if not out[-1].words:
        out.pop()
    if not out or any(s.words[0].value in _KEYWORDS for s in out):
        return None
    return out


def _shell_body(segment: Segment) -> Optional[Word]:
    """The word holding the script of ``sh -c "..."`` (the shell words are plain), else None."""
    words = segment.words
    if len(words) >= 3 and words[0].value in _SHELLS and not words[0].quote and words[1].value in _DASH_C:
        return words[2]
    return None


@dataclass(init=False, repr=False, eq=False)
class Found(Record):
    """The simple command that starts the server: its ``segment``, the ``text`` it was read from,
    and how to put a new text of that whole string back (``wrap``)."""

    segment: Segment
    text: str
    context: str  # "": top level; '"' or "'": inside ``sh -c`` in that quote of the outer text
    wrap: Callable[[str], Optional[str]]

    def __init__(self, segment: Segment, text: str, context: str, wrap: Callable[[str], Optional[str]]) -> None:
        self.segment = segment
        self.text = text
        self.context = context
        self.wrap = wrap


def server_segment(text: str, is_server: Callable[[List[str]], bool], depth: int = 0) -> Optional[Found]:
    """The last simple command of ``text`` for which ``is_server(argv)`` is True, looking into the
    script of a ``sh -c "..."`` command (once). None when ``text`` cannot be split (see
    :func:`segments`) or no command starts the server."""
    parts = segments(text)
    if parts is None:
        return None
    for segment in reversed(parts):
        body = _shell_body(segment)
        if body is not None and depth == 0:
            if body.quote == "" and not SAFE_WORD.match(body.value):
                return None
            inner_text = body.value
            inner = server_segment(inner_text, is_server, depth + 1)
            if inner is None:
                return None

            def wrap(new_inner: str, body: Word = body) -> Optional[str]:
                return text[:body.start] + body.quote + new_inner + body.quote + text[body.end:]

            return Found(inner.segment, inner.text, body.quote or "", wrap)
        if is_server(segment.argv):
            return Found(segment, text, "", lambda new: new)
    return None


def quote_for(word: str, context: str) -> Optional[str]:
    """``word`` written so that the shell reading it gets ``word`` back, inside ``context`` (``""``:
    the top level; ``'"'``/``"'"``: the inner script of ``sh -c`` written inside that quote, which
    the outer shell keeps as it is); None when it cannot be written there."""
    if SAFE_WORD.match(word):
        return word
    if context == "":
        return shlex.quote(word)
    if any(c in word for c in "'\"\\`$!\n"):
        return None
    return f'"{word}"' if context == "'" else f"'{word}'"


def splice(found: Found, new_argv: Sequence[str]) -> Optional[str]:
    """The whole outer text with the command of ``found`` replaced by ``new_argv``: words the old
    and new argv share at their start keep their text as written, the others are quoted for their
    place (:func:`quote_for`). None when a word cannot be written there."""
    words = found.segment.words
    keep = 0
    while keep < min(len(words), len(new_argv)) and words[keep].value == new_argv[keep]:
        keep += 1
    out = [found.text[w.start:w.end] for w in words[:keep]]
    for word in new_argv[keep:]:
        quoted = quote_for(word, found.context)
        if quoted is None:
            return None
        out.append(quoted)
    start, end = found.segment.span
    return found.wrap(found.text[:start] + " ".join(out) + found.text[end:])
