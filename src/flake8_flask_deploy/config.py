"""Options from configuration files: the one loader of ``check``, ``fix`` and the flake8 plugin.

Sources, nearest folder first from the linted path up to the project root (the first file that
has a section wins):

* the ``[flake8]`` section of ``setup.cfg``, ``tox.ini`` or ``.flake8`` (flake8 reads them with
  ``configparser``; ``select``, ``extend-select``, ``ignore``, ``extend-ignore``, ``exclude``,
  ``extend-exclude``, ``per-file-ignores`` and the plugin's ``flask-deploy-*`` options):
  https://flake8.pycqa.org/en/latest/user/configuration.html ,
  https://flake8.pycqa.org/en/latest/user/options.html
* ``[tool.flake8-flask-deploy]`` in ``pyproject.toml`` (the keys of :data:`TABLE_KEYS`); its values
  override the flake8 section's.
  https://packaging.python.org/en/latest/specifications/pyproject-toml/#arbitrary-tool-configuration-the-tool-table

Codes of the flake8 section are kept only when they concern this plugin: ``select = E,F,W`` selects
every code of ours (``F`` is a prefix of ``FDP``, as flake8 matches it), ``select = E,W`` none.
Unreadable files become warnings. A key of ours that does not exist (``flask-deploy-contxt``, or any
unknown key of the pyproject table) and a value that cannot be right (``context = "of"``) become
errors: ``check`` and ``fix`` exit 2 on them, the plugin logs them and ignores the key. Nothing here
raises.
"""
from __future__ import annotations

import argparse
import configparser
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from flake8 import defaults as flake8_defaults
from flake8 import utils as flake8_utils

from . import sources
from .model import PARSE_ERROR
from .session import code_selected, configure
from .session import current as current_session
from .records import FROM_FACTORY, Record

FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
PLUGIN_PREFIX = "FDP"
#: flake8's default ``exclude`` (``flake8.defaults.EXCLUDE``: .svn, CVS, .bzr, .hg, .git,
#: __pycache__, .tox, .nox, .eggs, \\*.egg), which ``exclude`` replaces and ``extend-exclude`` extends.
DEFAULT_EXCLUDE: Tuple[str, ...] = tuple(flake8_defaults.EXCLUDE)
TABLE = "[tool.flake8-flask-deploy]"

#: The keys of ``[tool.flake8-flask-deploy]`` (``_`` may stand for ``-``; the four plugin options
#: may also be written with the ``flask-deploy-`` prefix of the flake8 section) -> the kind of value.
TABLE_KEYS: Dict[str, str] = {
    "select": "codes", "extend-select": "codes", "ignore": "codes", "extend-ignore": "codes",
    "context": "context", "app-names": "names", "entrypoints": "names", "assume-production": "bool",
    "unsafe-fixes": "bool", "fix-deployment": "bool", "exclude": "patterns", "extend-exclude": "patterns",
    "per-file-ignores": "mapping", "cache": "bool",
}
#: The plugin's options in the ``[flake8]`` section (``flask-deploy-<key>``) -> the kind of value.
PLUGIN_KEYS: Dict[str, str] = {"context": "context", "app-names": "names", "entrypoints": "names",
                               "assume-production": "bool"}
#: The other keys of the ``[flake8]`` section ``check`` reads -> the kind of value (flake8's syntax).
FLAKE8_KEYS: Dict[str, str] = {"select": "codes", "extend-select": "codes", "ignore": "codes",
                               "extend-ignore": "codes", "exclude": "patterns", "extend-exclude": "patterns",
                               "per-file-ignores": "mapping"}
#: What ``configparser``'s ``getboolean`` (and so flake8) accepts.
BOOLEANS = {"1": True, "yes": True, "true": True, "on": True, "0": False, "no": False, "false": False, "off": False}


@dataclass(init=False, repr=False, eq=False)
class Layer(Record):
    """The values one configuration source sets (None: not set there).

    Attributes:
        values: canonical key (of :data:`TABLE_KEYS`) -> parsed value: a list of upper-case codes,
            ``"auto"``/``"off"``, a list of names or patterns, a bool, or ``[(pattern, [codes])]``
            for ``per-file-ignores`` (patterns normalised as flake8 does, against ``folder``).
        path: the file read; folder: its folder.
    """

    values: Dict[str, Any] = field(default_factory=dict)
    path: str = ""
    folder: str = ""

    def __init__(self, values: Dict[str, Any] = FROM_FACTORY, path: str = "", folder: str = "") -> None:
        self.values = {} if values is FROM_FACTORY else values
        self.path = path
        self.folder = folder


@dataclass(init=False, repr=False, eq=False)
class Options(Record):
    """Options read from configuration (``[flake8]`` first, ``[tool.flake8-flask-deploy]`` over it).

    Attributes:
        select: code prefixes to keep (empty: all); ignore: prefixes to drop.
        context: ``"auto"``/``"off"`` or None when not configured.
        unsafe_fixes: None when not configured.
        fix_deployment: ``fix`` may edit the project's deployment and dependency files outside the
            paths it is given (``fix --deployment``); None when not configured.
        app_names, entrypoints, assume_production: the plugin's ``flask-deploy-app-names``,
            ``flask-deploy-entrypoints`` and ``flask-deploy-assume-production`` (see
            :class:`flake8_flask_deploy.session.Options`).
        exclude: patterns of paths not linted (flake8's default list unless configured), with
            ``extend-exclude`` added; per_file_ignores: ``[(pattern, [codes])]``.
        max_line_length: flake8's ``max-line-length`` of the ``[flake8]`` section (79, flake8's
            default, when not set or not a positive number: flake8's to report): the fixes keep the
            lines they write within it.
        flake8, pyproject: what each source set (:class:`Layer`; the plugin takes from ``pyproject``
            what flake8 cannot give it).
        sources: files the options came from; warnings, errors: ``(path, message)``.
    """

    select: List[str] = field(default_factory=list)
    ignore: List[str] = field(default_factory=list)
    context: Optional[str] = None
    unsafe_fixes: Optional[bool] = None
    fix_deployment: Optional[bool] = None
    app_names: List[str] = field(default_factory=list)
    entrypoints: List[str] = field(default_factory=list)
    assume_production: bool = False
    cache: Optional[bool] = None
    exclude: List[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    max_line_length: int = flake8_defaults.MAX_LINE_LENGTH
    per_file_ignores: List[Tuple[str, List[str]]] = field(default_factory=list)
    flake8: Layer = field(default_factory=Layer)
    pyproject: Layer = field(default_factory=Layer)
    sources: List[str] = field(default_factory=list)
    warnings: List[Tuple[str, str]] = field(default_factory=list)
    errors: List[Tuple[str, str]] = field(default_factory=list)

    def __init__(self, select: List[str] = FROM_FACTORY, ignore: List[str] = FROM_FACTORY,
                 context: Optional[str] = None,
                 unsafe_fixes: Optional[bool] = None, fix_deployment: Optional[bool] = None,
                 app_names: List[str] = FROM_FACTORY, entrypoints: List[str] = FROM_FACTORY,
                 assume_production: bool = False, cache: Optional[bool] = None, exclude: List[str] = FROM_FACTORY,
                 max_line_length: int = flake8_defaults.MAX_LINE_LENGTH,
                 per_file_ignores: List[Tuple[str, List[str]]] = FROM_FACTORY, flake8: Layer = FROM_FACTORY,
                 pyproject: Layer = FROM_FACTORY, sources: List[str] = FROM_FACTORY,
                 warnings: List[Tuple[str, str]] = FROM_FACTORY, errors: List[Tuple[str, str]] = FROM_FACTORY) -> None:
        self.select = [] if select is FROM_FACTORY else select
        self.ignore = [] if ignore is FROM_FACTORY else ignore
        self.context = context
        self.unsafe_fixes = unsafe_fixes
        self.fix_deployment = fix_deployment
        self.app_names = [] if app_names is FROM_FACTORY else app_names
        self.entrypoints = [] if entrypoints is FROM_FACTORY else entrypoints
        self.assume_production = assume_production
        self.cache = cache
        self.exclude = list(DEFAULT_EXCLUDE) if exclude is FROM_FACTORY else exclude
        self.max_line_length = max_line_length
        self.per_file_ignores = [] if per_file_ignores is FROM_FACTORY else per_file_ignores
        self.flake8 = Layer() if flake8 is FROM_FACTORY else flake8
        self.pyproject = Layer() if pyproject is FROM_FACTORY else pyproject
        self.sources = [] if sources is FROM_FACTORY else sources
        self.warnings = [] if warnings is FROM_FACTORY else warnings
        self.errors = [] if errors is FROM_FACTORY else errors


def known_codes() -> List[str]:
    """Every code this tool reports: :data:`~flake8_flask_deploy.model.PARSE_ERROR` and the rules'."""
    from .rules import all_rules  # deferred: the plugin's start-up imports no rule (tests/test_architecture.py)

    return [PARSE_ERROR] + [rule.code for rule in all_rules()]


def unknown_codes(codes: List[str]) -> List[str]:
    """The items of ``codes`` that are neither a code of this tool nor a prefix of one."""
    known = known_codes()
    return [c for c in codes if not any(k.startswith(c) for k in known)]


def command_line_codes(value: str) -> List[str]:
    """``--select``/``--ignore`` of ``check`` and ``fix``: :func:`split_codes`, each a code or a prefix
    of a code of this tool (``FDP``, ``FDP00``, ``FDP003``, ``FDP000``).

    Raises:
        argparse.ArgumentTypeError: an unknown code or prefix (argparse prints it and exits 2: a typo
            must not make a CI stage pass silently).
    """
    codes = split_codes(value)
    unknown = unknown_codes(codes)
    if unknown:
        known = known_codes()
        raise argparse.ArgumentTypeError(
            f"unknown code or prefix {', '.join(unknown)} (the codes are {known[0]}..{known[-1]})")
    return codes


def split_codes(value: Any) -> List[str]:
    """``"FDP001, E501\\n W"`` or a list -> ``["FDP001", "E501", "W"]`` (upper case)."""
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[,\s]+", str(value or ""))
    return [c.strip().upper() for c in items if c.strip() and not c.strip().startswith("#")]


def _ours(codes: List[str]) -> List[str]:
    """Codes that can match one of our codes: ``F``, ``FD``, ``FDP``, ``FDP00``, ``FDP001``."""
    return [c for c in codes if PLUGIN_PREFIX.startswith(c) or c.startswith(PLUGIN_PREFIX)]


def _names(value: Any) -> List[str]:
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value or ""))
    return [str(x).strip() for x in items if str(x).strip()]


def _closest(key: str, valid: List[str]) -> str:
    """`` (did you mean 'x'?)`` for the valid key nearest ``key`` (difflib), or the valid keys."""
    import difflib  # stdlib, but ~0.5 ms to import: only a misspelt key asks it

    near = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    if near:
        return f" (did you mean '{near[0]}'?)"
    return f" (valid keys: {', '.join(valid)})"


# ---- values ---------------------------------------------------------------------------------------
def _value(kind: str, value: Any, folder: str, strict_codes: bool) -> Tuple[Any, Optional[str]]:
    """Parse one configured value of ``kind`` (see :data:`TABLE_KEYS`).

    Args:
        folder: the configuration file's folder (patterns with a ``/`` are relative to it, as flake8
            reads them).
        strict_codes: True in the pyproject table (every code must be ours); False in ``[flake8]``
            (other plugins' codes are kept out with :func:`_ours`).
    Returns:
        ``(parsed, None)`` or ``(None, "what is wrong")``.
    """
    if kind == "context":
        text = str(value).strip() if isinstance(value, str) else None
        return (text, None) if text in ("auto", "off") else (None, f"must be 'auto' or 'off', got {value!r}")
    if kind == "bool":
        if isinstance(value, bool):
            return value, None
        parsed = BOOLEANS.get(str(value).strip().lower()) if isinstance(value, str) else None
        return (parsed, None) if parsed is not None else (None, f"must be true or false, got {value!r}")
    if not isinstance(value, (str, list, tuple)) and not (kind == "mapping" and isinstance(value, dict)) \
            or isinstance(value, (list, tuple)) and not all(isinstance(v, str) for v in value):
        return None, f"must be a string or a list of strings, got {value!r}"
    if kind == "codes":
        codes = split_codes(value)
        bad = unknown_codes(codes) if strict_codes else []
        if bad:
            return None, f"unknown code or prefix {', '.join(bad)}"
        return codes, None
    if kind == "patterns":
        return flake8_utils.normalize_paths(_names(value), folder), None
    if kind == "mapping":
        return _mapping(value, folder, strict_codes)
    return _names(value), None


def _line_length(text: str) -> Optional[int]:
    """flake8's ``max-line-length`` (an int option, https://flake8.pycqa.org/en/latest/user/options.html)
    from its configured text; None when it is not a positive integer (flake8 reports that, not us)."""
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if value > 0 else None


def _mapping(value: Any, folder: str, strict_codes: bool) -> Tuple[Any, Optional[str]]:
    """``per-file-ignores``: flake8's ``"pattern: codes ..."`` text (or a list of such lines), or in
    the pyproject table a TOML table ``{pattern = codes}``, -> ``[(normalised pattern, [codes])]``."""
    if isinstance(value, dict):
        pairs = []
        for pattern, codes in value.items():
            parsed, problem = _value("codes", codes, folder, strict_codes)
            if problem:
                return None, f"{pattern}: {problem}"
            pairs.append((str(pattern), parsed))
    else:
        try:
            pairs = flake8_utils.parse_files_to_codes_mapping(value)
        except Exception as exc:  # noqa: B902 - flake8's ExecutionError: the same message flake8 gives
            return None, str(exc).splitlines()[0]
    return [(flake8_utils.normalize_path(p, folder), [c.upper() for c in codes]) for p, codes in pairs], None


# ---- the sources ----------------------------------------------------------------------------------
def _read_flake8(path: str, options: Options) -> bool:
    parser = configparser.RawConfigParser()
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        options.warnings.append((path, f"cannot be read as configuration ({exc}); ignored"))
        return False
    if not parser.has_section("flake8"):
        return False
    layer = options.flake8 = Layer({}, path, os.path.dirname(path))
    for raw, text in parser.items("flake8"):
        key = raw.replace("_", "-")
        if key.startswith("flask-deploy-"):
            name = key[len("flask-deploy-"):]
            if name not in PLUGIN_KEYS:
                valid = ["flask-deploy-" + k for k in PLUGIN_KEYS]
                options.errors.append((path, f"unknown key '{raw}' in [flake8]{_closest(key, valid)}"))
                continue
            kind = PLUGIN_KEYS[name]
        elif key in FLAKE8_KEYS:
            name, kind = key, FLAKE8_KEYS[key]
        elif key == "max-line-length":
            layer.values[key] = _line_length(text)
            continue
        else:
            continue  # flake8's own options and other plugins' are theirs to check
        parsed, problem = _value(kind, text, layer.folder, strict_codes=False)
        if problem:
            options.errors.append((path, f"bad value of '{raw}' in [flake8]: {problem}"))
        else:
            layer.values[name] = parsed
    options.sources.append(path)
    return True


def _load_toml(path: str) -> Optional[Dict[str, Any]]:
    """The TOML document ``path``, or None when its bytes do not name the table (``flask-deploy``
    appears nowhere: the file is not parsed, and ``tomllib`` not imported, on every editor run).

    Raises:
        OSError: the file cannot be read; ValueError: it is not TOML (``tomllib.TOMLDecodeError``).
    """
    with open(path, "rb") as handle:
        raw = handle.read()
    if b"flask-deploy" not in raw:
        return None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python < 3.11
        import tomli as tomllib
    return tomllib.loads(raw.decode("utf-8"))


def _read_pyproject(path: str, options: Options) -> bool:
    try:
        data = _load_toml(path)
        if data is None:
            return False
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError and UnicodeDecodeError are ValueErrors
        options.warnings.append((path, f"cannot be read as TOML ({exc}); ignored"))
        return False
    tool = data.get("tool")
    table = tool.get("flake8-flask-deploy") if isinstance(tool, dict) else None
    if table is None:
        return False
    if not isinstance(table, dict):
        options.errors.append((path, f"{TABLE} must be a table"))
        return False
    layer = options.pyproject = Layer({}, path, os.path.dirname(path))
    for raw, value in table.items():
        key = str(raw).replace("_", "-")
        name = key[len("flask-deploy-"):] if key.startswith("flask-deploy-") else key
        if name not in TABLE_KEYS:
            options.errors.append((path, f"unknown key '{raw}' in {TABLE}{_closest(key, list(TABLE_KEYS))}"))
            continue
        parsed, problem = _value(TABLE_KEYS[name], value, layer.folder, strict_codes=True)
        if problem:
            options.errors.append((path, f"bad value of '{raw}' in {TABLE}: {problem}"))
        else:
            layer.values[name] = parsed
    options.sources.append(path)
    return True


# ---- merging --------------------------------------------------------------------------------------
def _flake8_codes(values: Dict[str, Any], options: Options) -> None:
    """``select``/``ignore`` of the ``[flake8]`` section, as flake8 applies them to our codes."""
    if "select" in values:
        # flake8: an explicit select without one of our prefixes turns our codes off
        options.select = _ours(values["select"] + values.get("extend-select", [])) or ["-none-"]
    elif _ours(values.get("extend-select", [])):
        # flake8's implicit selection ("") plus explicit entries, which beat a shorter ignore entry
        options.select = [""] + _ours(values["extend-select"])
    options.ignore = _ours(values.get("ignore", []) + values.get("extend-ignore", []))


def _table_codes(values: Dict[str, Any], options: Options) -> None:
    """``select``/``ignore`` (and their ``extend-``) of the pyproject table, over the flake8 section's."""
    if "select" in values:
        options.select = values["select"] + values.get("extend-select", [])
    elif "extend-select" in values:
        options.select = (options.select or [""]) + values["extend-select"]
    if "ignore" in values:
        options.ignore = list(values["ignore"])
    options.ignore = options.ignore + values.get("extend-ignore", [])


#: The keys whose value a later layer replaces -> the :class:`Options` attribute.
_SCALARS = {"context": "context", "app-names": "app_names", "entrypoints": "entrypoints",
            "assume-production": "assume_production", "unsafe-fixes": "unsafe_fixes",
            "fix-deployment": "fix_deployment", "cache": "cache"}


def _merge(options: Options) -> None:
    """Fill the merged attributes of ``options`` from its two layers (the pyproject table wins)."""
    _flake8_codes(options.flake8.values, options)
    _table_codes(options.pyproject.values, options)
    for layer in (options.flake8, options.pyproject):
        values = layer.values
        for key, attribute in _SCALARS.items():
            if key in values:
                setattr(options, attribute, values[key])
        if "exclude" in values:
            options.exclude = list(values["exclude"])
        options.exclude += values.get("extend-exclude", [])
        options.per_file_ignores += values.get("per-file-ignores", [])
    options.max_line_length = options.flake8.values.get("max-line-length") or options.max_line_length


def load_options(start: str) -> Options:
    """Read the options that apply to ``start`` (a file or folder).

    Args:
        start: a path given on the command line (the plugin: the folder flake8 runs in).
    Returns:
        Options: the defaults when no configuration applies; never raises (problems are in
        ``warnings`` and ``errors``).
    """
    options = Options()
    path = sources.normpath(start)
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    root = sources.find_root(folder)
    chain = []
    current = folder
    while True:
        chain.append(current)
        parent = os.path.dirname(current)
        if current == root or parent == current:
            break
        current = parent
    for where in chain:
        if any(_read_flake8(os.path.join(where, name), options)
               for name in FLAKE8_FILES if os.path.isfile(os.path.join(where, name))):
            break
    for where in chain:
        pyproject = os.path.join(where, "pyproject.toml")
        if os.path.isfile(pyproject) and _read_pyproject(pyproject, options):
            break
    _merge(options)
    return options


def merge_codes(cli: Optional[List[str]], configured: List[str]) -> List[str]:
    """Codes given on the command line win over configured ones (None/empty: use configuration)."""
    return list(cli) if cli else list(configured)


def configure_engine(options: Options) -> None:
    """Hand the plugin options (app names, entrypoints, assume-production) to the engine."""
    configure(options.app_names, options.entrypoints, options.assume_production)


def apply_to_check(args: Any) -> Options:
    """Fill ``check``'s ``select``/``ignore``/``flask_deploy_context`` from configuration where the
    command line left them empty (or at the default ``auto``), and ``exclude`` (``--exclude``
    replaces the configured list, ``--extend-exclude`` adds to it), then configure the engine, and
    record in the session the scope ``fix`` would have with the same paths and ``fix-deployment``
    (``Session.fix_scope``): ``--show-fixes`` marks only what that ``fix`` changes.

    Returns:
        the Options read (their ``warnings`` and ``errors`` are for the caller to print).
    """
    paths = getattr(args, "paths", None) or ["."]
    options = load_options(paths[0])
    args.select = merge_codes(getattr(args, "select", None), options.select)
    args.ignore = merge_codes(getattr(args, "ignore", None), options.ignore)
    if getattr(args, "flask_deploy_context", "auto") in (None, "auto") and options.context:
        args.flask_deploy_context = options.context
    cli_exclude = getattr(args, "exclude", None)
    exclude = flake8_utils.normalize_paths(cli_exclude) if cli_exclude is not None else options.exclude
    args.exclude = exclude + flake8_utils.normalize_paths(getattr(args, "extend_exclude", None) or [])
    configure_engine(options)
    current_session().fix_scope = (tuple(paths), bool(options.fix_deployment))
    return options


# ---- what the plugin takes ------------------------------------------------------------------------
def _given(flake8_value: Any, file_value: Any, default: Any) -> bool:
    """True when flake8's value of an option came from its command line: it is neither the default
    nor what the ``[flake8]`` section says (flake8 does not tell where a value came from)."""
    expected = default if file_value is None else file_value
    return flake8_value not in (None, "", []) and flake8_value != expected


def plugin_options(flake8_options: Any, start: str = ".") -> Options:
    """The options of a flake8 run: flake8's own (command line and ``[flake8]``, parsed by flake8)
    with ``[tool.flake8-flask-deploy]`` read by :func:`load_options` from ``start`` (the folder
    flake8 runs in, where flake8 looks for its configuration). A value of the pyproject table wins
    over the ``[flake8]`` section and loses to flake8's command line, as in ``check``.

    Args:
        flake8_options: flake8's option namespace (``flask_deploy_context``, ...).
    Returns:
        Options whose ``select``/``ignore``, ``exclude`` and ``per_file_ignores`` hold only what the
        pyproject table sets (flake8 applies its own); never raises.
    """
    options = load_options(start)
    table, section = options.pyproject.values, options.flake8.values
    names: List[Tuple[str, str, Any, Callable[[Any], Any]]] = [
        ("context", "flask_deploy_context", "auto", lambda v: v or "auto"),
        ("app-names", "flask_deploy_app_names", [], _names),
        ("entrypoints", "flask_deploy_entrypoints", [], _names),
        ("assume-production", "flask_deploy_assume_production", False, bool),
    ]
    merged: Dict[str, Any] = {}
    for key, attr, default, norm in names:
        value = norm(getattr(flake8_options, attr, default))
        if key in table and not _given(value, section.get(key), default):
            value = table[key]
        merged[key] = value
    options.context = merged["context"] if merged["context"] in ("auto", "off") else "auto"
    options.app_names, options.entrypoints = merged["app-names"], merged["entrypoints"]
    options.assume_production = bool(merged["assume-production"])
    only_table = Options(pyproject=options.pyproject)
    _table_codes(table, only_table)
    options.select, options.ignore = only_table.select, only_table.ignore
    options.exclude = list(table.get("exclude", [])) + list(table.get("extend-exclude", []))
    options.per_file_ignores = list(table.get("per-file-ignores", []))
    return options


# ---- paths ----------------------------------------------------------------------------------------
def is_excluded(path: str, patterns: List[str]) -> bool:
    """flake8's test (``flake8.utils.matches_filename``): a pattern matches the path's base name or
    its absolute path (``fnmatch``; patterns with a ``/`` were made absolute against their
    configuration file's folder, or the current directory on the command line)."""
    if not patterns:
        return False
    base = os.path.basename(path)
    if base not in (".", "..") and flake8_utils.fnmatch(base, patterns):
        return True
    return flake8_utils.fnmatch(os.path.abspath(path), patterns)


def excluded_below(path: str, patterns: List[str], top: str) -> bool:
    """:func:`is_excluded` for ``path`` or one of its folders below ``top`` (as flake8's walk from
    ``top`` would have left the file out with the folder): the plugin's test of a file flake8 hands it."""
    current = os.path.abspath(path)
    top = os.path.abspath(top)
    while current.startswith(top + os.sep):
        if is_excluded(current, patterns):
            return True
        current = os.path.dirname(current)
    return False


def reported_here(code: str, path: str, select: List[str], ignore: List[str],
                  per_file: List[Tuple[str, List[str]]]) -> bool:
    """True when ``code`` at ``path`` is reported: flake8's decision
    (:func:`flake8_flask_deploy.session.code_selected`) with the codes of every ``per-file-ignores``
    entry whose pattern matches ``path`` added to ``ignore``, as flake8 does.
    :data:`~flake8_flask_deploy.model.PARSE_ERROR` is not a rule: ``select`` never drops it, and
    only an entry that names it whole does (a file we could not read may hide findings: ``F`` or
    ``FDP`` does not silence it)."""
    ignored = list(ignore)
    for pattern, codes in per_file:
        if is_excluded(path, [pattern]):
            ignored += codes
    if code == PARSE_ERROR:
        return PARSE_ERROR not in ignored
    return code_selected(code, select, ignored)
