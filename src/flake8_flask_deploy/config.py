"""Options from configuration files, shared by ``check`` and ``fix`` (the same ones the plugin reads).

Sources, nearest folder first from the linted path up to the project root (the first file that
has a section wins):

* the ``[flake8]`` section of ``setup.cfg``, ``tox.ini`` or ``.flake8`` (flake8 reads them with
  ``configparser``; ``select``, ``extend-select``, ``ignore``, ``extend-ignore`` and the plugin's
  ``flask-deploy-context``): https://flake8.pycqa.org/en/latest/user/configuration.html
* ``[tool.flake8-flask-deploy]`` in ``pyproject.toml`` (``select``, ``ignore``,
  ``flask-deploy-context``, ``unsafe-fixes``, ``fix-deployment``); its values override the flake8
  section's.
  https://packaging.python.org/en/latest/specifications/pyproject-toml/#arbitrary-tool-configuration-the-tool-table

Codes are kept only when they concern this plugin: ``select = E,F,W`` (no ``FDP``) selects nothing of
ours, as flake8 itself would do. Unreadable files become warnings; nothing here raises.
"""
from __future__ import annotations

import argparse
import configparser
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from . import sources

FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
from .engine import configure
from .rules import all_rules

PLUGIN_PREFIX = "FDP"


@dataclass
class Options:
    """Options read from configuration.

    Attributes:
        select: code prefixes to keep (empty: all); ignore: prefixes to drop.
        context: ``"auto"``/``"off"`` or None when not configured.
        unsafe_fixes: None when not configured.
        fix_deployment: ``fix`` may edit the project's deployment and dependency files outside the
            paths it is given (``fix --deployment``); None when not configured.
        app_names, entrypoints, assume_production: the plugin's ``flask-deploy-app-names``,
            ``flask-deploy-entrypoints`` and ``flask-deploy-assume-production`` (see
            :class:`flake8_flask_deploy.engine.Options`).
        sources: files the options came from; warnings: ``(path, message)``.
    """

    select: List[str] = field(default_factory=list)
    ignore: List[str] = field(default_factory=list)
    context: Optional[str] = None
    unsafe_fixes: Optional[bool] = None
    fix_deployment: Optional[bool] = None
    app_names: List[str] = field(default_factory=list)
    entrypoints: List[str] = field(default_factory=list)
    assume_production: bool = False
    sources: List[str] = field(default_factory=list)
    warnings: List[Tuple[str, str]] = field(default_factory=list)


def command_line_codes(value: str) -> List[str]:
    """``--select``/``--ignore`` of ``check`` and ``fix``: :func:`split_codes`, each a code or a prefix
    of a code of this tool (``FDP``, ``FDP00``, ``FDP003``).

    Raises:
        argparse.ArgumentTypeError: an unknown code or prefix (argparse prints it and exits 2: a typo
            must not make a CI stage pass silently).
    """
    codes = split_codes(value)
    known = [rule.code for rule in all_rules()]
    unknown = [c for c in codes if not any(k.startswith(c) for k in known)]
    if unknown:
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
    section = {k.replace("_", "-"): v for k, v in parser.items("flake8")}
    select = split_codes(section.get("select", "")) + split_codes(section.get("extend-select", ""))
    if "select" in section:
        # flake8: an explicit select without one of our prefixes turns our codes off
        options.select = _ours(select) or ["-none-"]
    elif select:
        options.select = _ours(select)
    options.ignore = _ours(split_codes(section.get("ignore", "")) + split_codes(section.get("extend-ignore", "")))
    context = section.get("flask-deploy-context")
    if context and context.strip() in ("auto", "off"):
        options.context = context.strip()
    _plugin_options(section, options)
    options.sources.append(path)
    return True


def _load_toml(path: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python < 3.11
        import tomli as tomllib
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _read_pyproject(path: str, options: Options) -> bool:
    try:
        data = _load_toml(path)
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        options.warnings.append((path, f"cannot be read as TOML ({exc}); ignored"))
        return False
    table = data.get("tool", {}).get("flake8-flask-deploy")
    if not isinstance(table, dict):
        return False
    table = {str(k).replace("_", "-"): v for k, v in table.items()}
    if "select" in table:
        options.select = split_codes(table["select"])
    if "ignore" in table:
        options.ignore = split_codes(table["ignore"])
    if table.get("flask-deploy-context") in ("auto", "off"):
        options.context = table["flask-deploy-context"]
    if isinstance(table.get("unsafe-fixes"), bool):
        options.unsafe_fixes = table["unsafe-fixes"]
    if isinstance(table.get("fix-deployment"), bool):
        options.fix_deployment = table["fix-deployment"]
    table = {(k if k.startswith("flask-deploy-") else "flask-deploy-" + k): v for k, v in table.items()}
    if table.get("flask-deploy-context") in ("auto", "off"):
        options.context = table["flask-deploy-context"]
    _plugin_options(table, options)
    options.sources.append(path)
    return True


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _names(value: Any) -> List[str]:
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value or ""))
    return [str(x).strip() for x in items if str(x).strip()]


def _plugin_options(section: Dict[str, Any], options: Options) -> None:
    if "flask-deploy-app-names" in section:
        options.app_names = _names(section["flask-deploy-app-names"])
    if "flask-deploy-entrypoints" in section:
        options.entrypoints = _names(section["flask-deploy-entrypoints"])
    if "flask-deploy-assume-production" in section:
        options.assume_production = _truthy(section["flask-deploy-assume-production"])


def configure_engine(options: Options) -> None:
    """Hand the plugin options (app names, entrypoints, assume-production) to the engine."""
    configure(options.app_names, options.entrypoints, options.assume_production)


def apply_to_check(args: Any) -> Options:
    """Fill ``check``'s ``select``/``ignore``/``flask_deploy_context`` from configuration where the
    command line left them empty (or at the default ``auto``) and configure the engine.

    Returns:
        the Options read (their ``warnings`` are for the caller to print).
    """
    paths = getattr(args, "paths", None) or ["."]
    options = load_options(paths[0])
    args.select = merge_codes(getattr(args, "select", None), options.select)
    args.ignore = merge_codes(getattr(args, "ignore", None), options.ignore)
    if getattr(args, "flask_deploy_context", "auto") in (None, "auto") and options.context:
        args.flask_deploy_context = options.context
    configure_engine(options)
    return options


def load_options(start: str) -> Options:
    """Read the options that apply to ``start`` (a file or folder).

    Args:
        start: a path given on the command line.
    Returns:
        Options: empty when no configuration applies; never raises.
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
    return options


def merge_codes(cli: Optional[List[str]], configured: List[str]) -> List[str]:
    """Codes given on the command line win over configured ones (None/empty: use configuration)."""
    return list(cli) if cli else list(configured)
