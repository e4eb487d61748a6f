"""Readers of server configuration files: gunicorn config (Python, read with :mod:`ast`, never
executed), uWSGI ``.ini`` (:mod:`configparser`) and ``.flaskenv``/``.env`` (python-dotenv's parser).

Each reader takes the file's text (read once by the caller) and returns a plain description; a file
that does not parse raises :class:`~flake8_flask_deploy.deploy.readers.DeployFileError`, which the
caller turns into a warning.

Sources of the facts encoded here:

* gunicorn settings ``bind``, ``workers``, ``wsgi_app``, ``reload``, ``raw_env``, ``chdir``; the config
  file is ``./gunicorn.conf.py`` unless ``-c`` names one; precedence is config file <
  ``GUNICORN_CMD_ARGS`` < command line: https://docs.gunicorn.org/en/stable/configure.html and
  https://docs.gunicorn.org/en/stable/settings.html
* uWSGI options ``http``, ``http-socket``, ``socket``, ``module``, ``callable`` (default
  ``application``), ``wsgi-file``, ``chdir``, ``env``, ``py-autoreload``:
  https://uwsgi-docs.readthedocs.io/en/latest/Options.html ,
  https://uwsgi-docs.readthedocs.io/en/latest/Configuration.html#ini-files
* ``.flaskenv``/``.env`` are loaded by ``flask run`` and ``app.run()`` (not by WSGI servers), and
  never override variables already set:
  https://flask.palletsprojects.com/en/stable/cli/#environment-variables-from-dotenv
"""
from __future__ import annotations

import ast
import configparser
import io
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .readers import DeployFileError
from ..records import FROM_FACTORY, Record


# ---- gunicorn config -----------------------------------------------------------------------------
@dataclass(init=False, repr=False, eq=False)
class GunicornConfig(Record):
    """Settings read from a gunicorn config file (only unconditional module-level assignments).

    Attributes:
        binds: the ``bind`` value(s) as written (``"$NAME"`` parts for values read from the environment).
        wsgi_app: ``"module:attr"`` or None. reload: True/False/None (not set or not a literal).
        workers: literal value as a string, or None. raw_env: ``KEY=VALUE`` entries. chdir: or None.
        lines: setting name -> line of its assignment.
    """

    binds: List[str] = field(default_factory=list)
    wsgi_app: Optional[str] = None
    reload: Optional[bool] = None
    workers: Optional[str] = None
    raw_env: List[str] = field(default_factory=list)
    chdir: Optional[str] = None
    lines: Dict[str, int] = field(default_factory=dict)

    def __init__(self, binds: List[str] = FROM_FACTORY, wsgi_app: Optional[str] = None,
                 reload: Optional[bool] = None, workers: Optional[str] = None, raw_env: List[str] = FROM_FACTORY,
                 chdir: Optional[str] = None, lines: Dict[str, int] = FROM_FACTORY) -> None:
        self.binds = [] if binds is FROM_FACTORY else binds
        self.wsgi_app = wsgi_app
        self.reload = reload
        self.workers = workers
        self.raw_env = [] if raw_env is FROM_FACTORY else raw_env
        self.chdir = chdir
        self.lines = {} if lines is FROM_FACTORY else lines


def read_gunicorn_config(text: str, path: str) -> GunicornConfig:
    """Read a gunicorn config file with :mod:`ast` (the file is never executed).

    Values may be literals, f-strings and ``+`` concatenations of literals, module constants, and
    ``os.environ.get("X", default)``/``os.getenv``/``os.environ["X"]`` (read as ``"$X"``).

    Raises:
        DeployFileError: the file is not valid Python.
    """
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise DeployFileError(f"is not valid Python{f' (line {line})' if line else ''}") from exc
    consts: Dict[str, ast.expr] = {}
    config = GunicornConfig()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            name, value = stmt.target.id, stmt.value
        else:
            continue
        consts[name] = value
        if name == "bind":
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            binds = [_text(item, consts) for item in items]
            config.binds = [b for b in binds if b is not None] if all(b is not None for b in binds) else ["$?"]
            config.lines[name] = stmt.lineno
        elif name == "wsgi_app":
            config.wsgi_app = _text(value, consts)
            config.lines[name] = stmt.lineno
        elif name == "reload":
            literal = _literal(value, consts)
            config.reload = literal if isinstance(literal, bool) else None
            config.lines[name] = stmt.lineno
        elif name == "workers":
            literal = _literal(value, consts)
            config.workers = str(literal) if isinstance(literal, int) and not isinstance(literal, bool) else None
            config.lines[name] = stmt.lineno
        elif name == "raw_env" and isinstance(value, (ast.List, ast.Tuple)):
            config.raw_env = [t for t in (_text(item, consts) for item in value.elts) if t]
            config.lines[name] = stmt.lineno
        elif name == "chdir":
            config.chdir = _text(value, consts)
            config.lines[name] = stmt.lineno
    return config


def _literal(node: ast.expr, consts: Dict[str, ast.expr], depth: int = 0):
    if isinstance(node, ast.Name) and node.id in consts and depth < 5:
        return _literal(consts[node.id], consts, depth + 1)
    if isinstance(node, ast.Constant):
        return node.value
    return None


def _number(node: ast.expr, consts: Dict[str, ast.expr], depth: int = 0) -> Optional[int]:
    """The integer an arithmetic config expression (``4000 + 444``, ``PORT * 2`` with a literal
    ``PORT``, ``int(5000)``) evaluates to; None for anything else (strings, environment reads)."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        return _number(consts[node.id], consts, depth + 1) if node.id in consts else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "int" \
            and len(node.args) == 1 and not node.keywords:
        return _number(node.args[0], consts, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _number(node.left, consts, depth + 1), _number(node.right, consts, depth + 1)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else left - right if isinstance(node.op, ast.Sub) \
            else left * right
    return None


def _text(node: ast.expr, consts: Dict[str, ast.expr], depth: int = 0) -> Optional[str]:
    """The string a config expression evaluates to, with ``$NAME`` for environment reads; None when
    it cannot be known."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return str(node.value)
    if isinstance(node, ast.Name):
        return _text(consts[node.id], consts, depth + 1) if node.id in consts else None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                part = _text(value.value, consts, depth + 1)
            else:
                part = _text(value, consts, depth + 1)
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        number = _number(node, consts)
        if number is not None:
            return str(number)  # ``4000 + 444`` is 4444, not "4000444"
        if not isinstance(node.op, ast.Add) or _number(node.left, consts) is not None \
                or _number(node.right, consts) is not None:
            return None  # ``"127.0.0.1:" + 4444`` raises TypeError in Python: unknown
        left, right = _text(node.left, consts, depth + 1), _text(node.right, consts, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Call):
        func = node.func
        dotted = ast.unparse(func) if hasattr(ast, "unparse") else ""
        if dotted in ("int", "str") and len(node.args) == 1:
            return _text(node.args[0], consts, depth + 1)
        if dotted in ("os.environ.get", "os.getenv", "environ.get", "getenv") and node.args:
            key = node.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return f"${key.value}"
    if isinstance(node, ast.Subscript):
        base = ast.unparse(node.value) if hasattr(ast, "unparse") else ""
        key = node.slice
        if base in ("os.environ", "environ") and isinstance(key, ast.Constant) and isinstance(key.value, str):
            return f"${key.value}"
    return None


# ---- uWSGI ini -----------------------------------------------------------------------------------
class _MultiDict(dict):
    """A dict for configparser that keeps every value of a repeated key (``env = A=1`` twice)."""

    def __setitem__(self, key, value):
        if isinstance(value, list) and key in self and isinstance(self[key], list):
            super().__setitem__(key, self[key] + value)
        else:
            super().__setitem__(key, value)


def lenient_parser(multi: bool = False) -> configparser.ConfigParser:
    """A :class:`configparser.ConfigParser` for systemd/uWSGI/supervisor syntax: duplicate sections and
    keys allowed, no ``%`` interpolation, ``key`` without value allowed, case kept; with ``multi``
    a repeated key keeps all its values, one per line."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, allow_no_value=True,
                                       delimiters=("=",), comment_prefixes=("#", ";"),
                                       inline_comment_prefixes=None, empty_lines_in_values=False,
                                       dict_type=_MultiDict if multi else dict)  # type: ignore[arg-type]
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    return parser


def parse_ini(text: str, multi: bool = False) -> configparser.ConfigParser:
    """Parse ini text leniently (see :func:`lenient_parser`).

    Raises:
        DeployFileError: a syntax error (with its line).
    """
    parser = lenient_parser(multi)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        raise DeployFileError(f"is not a valid ini file{f' (line {line})' if line else ''}") from exc
    except (AttributeError, TypeError) as exc:  # configparser's own bug: an indented line under a key without value
        raise DeployFileError("is not a valid ini file (a continuation line under a key without value)") from exc
    return parser


def key_lines(text: str) -> Dict[Tuple[str, str], List[int]]:
    """``{(section, key): [lines]}`` of an ini text, for positions configparser does not keep."""
    out: Dict[Tuple[str, str], List[int]] = {}
    section = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("[") and "]" in line:
            section = line[1:line.index("]")].strip()
        elif line and not line.startswith(("#", ";")) and not raw[:1].isspace():
            key = line.split("=", 1)[0].strip()
            out.setdefault((section, key), []).append(number)
    return out


@dataclass(init=False, repr=False, eq=False)
class UwsgiConfig(Record):
    """The ``[uwsgi]`` section of an ini file (values as written; ``lines`` maps option -> line)."""

    options: Dict[str, List[str]] = field(default_factory=dict)
    lines: Dict[str, int] = field(default_factory=dict)
    line: int = 1

    def __init__(self, options: Dict[str, List[str]] = FROM_FACTORY, lines: Dict[str, int] = FROM_FACTORY,
                 line: int = 1) -> None:
        self.options = {} if options is FROM_FACTORY else options
        self.lines = {} if lines is FROM_FACTORY else lines
        self.line = line

    def get(self, *keys: str) -> Optional[str]:
        """The last value of the first of ``keys`` present."""
        for key in keys:
            values = self.options.get(key)
            if values:
                return values[-1]
        return None


def read_uwsgi_ini(text: str, path: str) -> Optional[UwsgiConfig]:
    """Read the ``[uwsgi]`` section of an ini file; None when there is none.

    Raises:
        DeployFileError: not a valid ini file.
    """
    parser = parse_ini(text, multi=True)
    if not parser.has_section("uwsgi"):
        return None
    positions = key_lines(text)
    config = UwsgiConfig()
    for key in parser.options("uwsgi"):
        value = parser.get("uwsgi", key, raw=True)
        values = [v.strip() for v in (value or "true").split("\n") if v.strip()]
        norm = key.replace("_", "-").strip()
        config.options[norm] = values
        config.lines[norm] = (positions.get(("uwsgi", key)) or [1])[-1]
    header = next((n for n, raw in enumerate(text.splitlines(), 1) if raw.strip().startswith("[uwsgi")), 1)
    config.line = header
    return config


def uwsgi_argv(config: UwsgiConfig) -> List[str]:
    """The ``[uwsgi]`` options as the equivalent ``uwsgi --key value`` command line."""
    argv = ["uwsgi"]
    for key, values in config.options.items():
        for value in values:
            argv += [f"--{key}", value]
    return argv


# ---- .flaskenv / .env ----------------------------------------------------------------------------
def read_dotenv(text: str, path: str) -> Tuple[Dict[str, str], Dict[str, int], List[str]]:
    """Parse a dotenv file with python-dotenv's parser.

    Returns:
        ``(values, lines, errors)``: variables set (a key without value is skipped), the line of each,
        and one message per line that does not parse.
    """
    values: Dict[str, str] = {}
    lines: Dict[str, int] = {}
    errors: List[str] = []
    try:
        from dotenv.parser import parse_stream
    except ImportError:  # pragma: no cover - python-dotenv is a dependency
        from dotenv import dotenv_values

        parsed = dotenv_values(stream=io.StringIO(text))
        return {k: v for k, v in parsed.items() if v is not None}, {}, []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            errors.append(f"line {binding.original.line} does not parse as KEY=VALUE")
            continue
        if binding.key is None or binding.value is None:
            continue
        values[binding.key] = binding.value
        lines[binding.key] = binding.original.line + _leading_newlines(binding.original.string)
    return values, lines, errors


def _leading_newlines(chunk: str) -> int:
    stripped = chunk.lstrip("\n\r \t")
    return chunk[: len(chunk) - len(stripped)].count("\n")
