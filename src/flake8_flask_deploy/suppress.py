"""``# noqa`` in deployment files: which comments silence a finding located at a line of one.

A finding is silenced by a comment that the file's own format reads as a comment, never by text that
changes what the file does. Each format says which comments apply to a finding's line
(:data:`FORMATS`); the noqa syntax inside a comment is flake8's (bare ``# noqa`` silences every code,
``# noqa: FDP004,FDP005`` those codes or prefixes, :func:`~flake8_flask_deploy.sources.is_noqa`):

=====================================  ===================  ===================================
format (file)                          on the line          comment line directly above
=====================================  ===================  ===================================
Dockerfile                             no (see below)       ``# noqa``
compose YAML                           ``# noqa``           ``# noqa``
Procfile, shell script                 ``# noqa``           ``# noqa``
``.flaskenv`` / ``.env``               ``# noqa``           ``# noqa``
nginx                                  ``# noqa``           ``# noqa``
uWSGI ``.ini``, supervisor, systemd    no                   ``# noqa`` or ``; noqa``
Python (gunicorn config, modules)      ``# noqa``           no (flake8's rule)
=====================================  ===================  ===================================

Sources of the comment rules encoded here:

* Dockerfile: "Docker treats lines that begin with ``#`` as a comment ... A ``#`` marker anywhere
  else in a line is treated as an argument" (https://docs.docker.com/reference/dockerfile/#format):
  ``CMD ["flask", "run"]  # noqa`` is no comment; the JSON no longer parses, so Docker runs the
  whole text with ``/bin/sh -c`` and the container's command fails. hadolint reads its
  ``# hadolint ignore=DL3008`` on the line directly above the instruction, as this module does.
* YAML: a comment starts with ``#`` at the start of a line or after white space, outside a scalar
  (https://yaml.org/spec/1.2.2/#66-comments); the scalars are found with PyYAML's scanner.
* Shell (start scripts; a Procfile's command runs in a shell): ``#`` starting a word begins a comment
  (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_03).
* nginx: ``#`` at the start of a token, outside quotes, begins a comment to the end of the line
  (https://nginx.org/en/docs/beginners_guide.html#conf_structure).
* dotenv: python-dotenv (what Flask loads ``.flaskenv`` with) reads ``# ...`` after a value and
  whitespace as a comment (https://github.com/theskumar/python-dotenv#file-format).
* uWSGI ``.ini``: "Lines starting with a semicolon (``;``) or a hash/octothorpe (``#``) are ignored
  as comments" (https://uwsgi-docs.readthedocs.io/en/latest/Configuration.html#ini-files); inline
  comments "are not supported" (https://github.com/unbit/uwsgi/issues/2573): ``module = app:app ;
  noqa`` serves the module ``app:app ; noqa``.
* systemd: "Empty lines and lines starting with ``#`` or ``;`` are ignored"
  (https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html); nothing else is a
  comment. supervisor does read `` ;comment`` after a value, but our reader does not, so its files
  follow the INI rule (a comment line above).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from .deploy.kinds import kind_of
from .model import Finding, Location
from .session import current
from .sources import is_noqa
from .records import FrozenRecord

#: A comment of a file: ``(its text from the marker on, True when nothing but blanks precede it)``.
Comment = Tuple[str, bool]
#: Comments of a file's text by 1-based line.
Comments = Dict[int, Comment]


@dataclass(init=False, repr=False, eq=False)
class Format(FrozenRecord):
    """How one kind of deployment file writes comments, and which of them apply to a line.

    Attributes:
        name: shown in docs and tests (``"dockerfile"``, ``"yaml"``, ...).
        comments: ``text -> {line: (comment, whole line)}``, the comments as the format reads them.
        inline: a comment after the content of the finding's line applies.
        above: a comment line directly above the finding's line applies.
    """

    name: str
    comments: Callable[[str], Comments]
    inline: bool
    above: bool

    def __init__(self, name: str, comments: Callable[[str], Comments], inline: bool, above: bool) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "comments", comments)
        object.__setattr__(self, "inline", inline)
        object.__setattr__(self, "above", above)

    def applicable(self, comments: Comments, line: int) -> List[str]:
        """The comments of ``comments`` that apply to a finding at ``line`` (1-based)."""
        out = []
        if self.inline and line in comments and not comments[line][1]:
            out.append(comments[line][0])
        above = comments.get(line - 1)
        if self.above and above is not None and above[1]:
            out.append(above[0])
        return out


def _word_comments(text: str, starts: str, quotes: str = "'\"", escape: bool = True) -> Comments:
    """Comments that start with ``#`` at the start of a line or of a word: after white space or one of
    ``starts``, outside quotes (each line on its own; ``\\`` escapes outside single quotes when
    ``escape``). Shell, nginx and dotenv read them so."""
    out: Comments = {}
    for number, line in enumerate(text.splitlines(), 1):
        quote = ""
        previous = " "
        i = 0
        while i < len(line):
            char = line[i]
            if quote:
                if char == quote:
                    quote = ""
                elif escape and char == "\\" and quote != "'":
                    i += 1
            elif escape and char == "\\":
                i += 1
            elif char in quotes:
                quote = char
            elif char == "#" and (previous.isspace() or previous in starts):
                out[number] = (line[i:], not line[:i].strip())
                break
            previous = line[i] if i < len(line) else " "
            i += 1
    return out


def _line_comments(markers: str) -> Callable[[str], Comments]:
    """Comments that are whole lines starting (after blanks) with one of ``markers``; text after
    anything else is part of it (Dockerfile, INI, systemd)."""
    def comments(text: str) -> Comments:
        return {number: (line.strip(), True) for number, line in enumerate(text.splitlines(), 1)
                if line.lstrip()[:1] in tuple(markers) and line.strip()}
    return comments


def _yaml_comments(text: str) -> Comments:
    """YAML comments: ``#`` at the start of a line or after white space, outside every token PyYAML's
    scanner finds (so a ``#`` inside a quoted or block scalar is content). A file that does not scan
    has none (the compose reader reports it)."""
    import yaml

    lines = text.splitlines()
    covered: Dict[int, int] = {}  # 0-based line -> column before which tokens cover it
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            start, end = token.start_mark, token.end_mark
            for row in range(start.line, end.line + 1):
                upto = end.column if row == end.line else len(lines[row]) if row < len(lines) else 0
                covered[row] = max(covered.get(row, 0), upto)
    except yaml.YAMLError:
        return {}
    out: Comments = {}
    for row, line in enumerate(lines):
        for match in re.finditer("#", line):
            col = match.start()
            if col >= covered.get(row, 0) and (col == 0 or line[col - 1] in " \t"):
                out[row + 1] = (line[col:], not line[:col].strip())
                break
    return out


def _python_comments(text: str) -> Comments:
    """Python: flake8 reads ``# noqa`` anywhere on the reported line (the whole line is handed to
    :func:`~flake8_flask_deploy.sources.is_noqa`)."""
    return {number: (line, False) for number, line in enumerate(text.splitlines(), 1) if "#" in line}


SHELL_STARTS = ";&|("
NGINX_STARTS = ";{}"

#: Every format, by name.
FORMATS: Dict[str, Format] = {
    "dockerfile": Format("dockerfile", _line_comments("#"), inline=False, above=True),
    "yaml": Format("yaml", _yaml_comments, inline=True, above=True),
    "shell": Format("shell", lambda text: _word_comments(text, SHELL_STARTS, "'\"`"), inline=True, above=True),
    "dotenv": Format("dotenv", lambda text: _word_comments(text, "", "'\"", escape=False), inline=True, above=True),
    "nginx": Format("nginx", lambda text: _word_comments(text, NGINX_STARTS), inline=True, above=True),
    "ini": Format("ini", _line_comments("#;"), inline=False, above=True),
    "python": Format("python", _python_comments, inline=True, above=False),
}
#: The format of each kind of deployment file (:func:`~flake8_flask_deploy.deploy.kind_of`).
KIND_FORMATS = {"dockerfile": "dockerfile", "compose": "yaml", "procfile": "shell", "shell": "shell",
                "dotenv": "dotenv", "nginx": "nginx", "systemd": "ini", "ini": "ini",
                "gunicorn-config": "python", "nomad": "shell", "hcl": "shell"}


def format_of(path: str, text: str) -> Format:
    """The :class:`Format` of the file ``path`` whose text is ``text``.

    A ``.py`` file is Python; a ``*.conf`` is nginx when it looks like nginx, else INI (supervisor);
    a file of no known kind (a start script a command names, a systemd ``EnvironmentFile``) is a
    shell script when it starts with ``#!``, else only comment lines above count (``#`` or ``;``,
    the INI rule, which every such format reads as a comment line).
    """
    name = os.path.basename(path)
    if name.endswith(".py"):
        return FORMATS["python"]
    kind = kind_of(name, os.path.dirname(path))
    if kind == "conf":
        from .deploy.nginx import looks_like_nginx  # deferred: only a *.conf is asked

        return FORMATS["nginx" if looks_like_nginx(text) else "ini"]
    if kind in KIND_FORMATS:
        return FORMATS[KIND_FORMATS[kind]]
    return FORMATS["shell" if text.startswith("#!") else "ini"]


def _noqa_covers(comment: str, code: str) -> bool:
    """True when ``comment`` is a ``noqa`` for ``code`` (an INI ``;`` marker read as ``#``)."""
    return is_noqa("#" + comment[1:] if comment.startswith(";") else comment, code)


class Suppressions:
    """Answers "is the finding at this line silenced?" for any file, reading each file once.

    Files are read as the deployment readers read them (the fixer's unwritten texts first:
    ``Session.overrides`` for Python files, ``Session.deploy_texts`` for deployment files); a file
    that cannot be read silences nothing.
    """

    def __init__(self) -> None:
        self._files: Dict[str, Optional[Tuple[Format, Comments]]] = {}

    def _comments(self, path: str) -> Optional[Tuple[Format, Comments]]:
        if path not in self._files:
            text = current().overrides.get(path)
            if text is None:
                from .deploy.readers import DeployFileError, read_text  # deferred: read only for a finding

                try:
                    text = read_text(path)
                except DeployFileError:
                    text = None
            fmt = format_of(path, text) if text is not None else None
            self._files[path] = (fmt, fmt.comments(text)) if fmt is not None and text is not None else None
        return self._files[path]

    def silences(self, where: Location, code: str) -> bool:
        """True when a comment that applies to ``where`` (its file's format decides which) is a
        ``noqa`` for ``code``."""
        held = self._comments(where.path)
        if held is None:
            return False
        fmt, comments = held
        return any(_noqa_covers(comment, code) for comment in fmt.applicable(comments, where.line))

    def silenced(self, finding: Finding) -> bool:
        """True when ``finding`` is silenced at its own line or, for a finding a rule found in a
        deployment file but reports on the Python module (``from_deployment``: FDP011), at the
        deployment line it comes from."""
        if self.silences(Location(finding.path, finding.line), finding.code):
            return True
        return finding.from_deployment and finding.related is not None and self.silences(finding.related, finding.code)


def unsuppressed(findings: Iterable[Finding]) -> List[Finding]:
    """``findings`` without those a comment silences (see :meth:`Suppressions.silenced`)."""
    suppressions = Suppressions()
    return [finding for finding in findings if not suppressions.silenced(finding)]


__all__ = ["FORMATS", "Format", "Suppressions", "format_of", "unsuppressed"]
