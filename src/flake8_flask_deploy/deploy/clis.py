"""The project's own command-line programs that are Flask CLI groups.

A project may install a console script (``alertad = alerta.commands:cli`` in ``setup.py``'s
``entry_points``, ``setup.cfg``'s ``[options.entry_points]``, ``pyproject.toml``'s
``[project.scripts]`` or ``[tool.poetry.scripts]``) whose function is a ``click`` group of class
``flask.cli.FlaskGroup``. Such a program is the ``flask`` command of that app: ``alertad run --host
0.0.0.0`` is ``flask run``, the Werkzeug development server
(https://flask.palletsprojects.com/en/stable/cli/#custom-scripts). Its app is the one its
``create_app=`` names, else the one ``flask`` finds (``--app``, ``FLASK_APP``, then ``wsgi.py`` /
``app.py`` in the working directory).

Files are parsed (:mod:`ast`, :mod:`configparser`, :mod:`tomllib`), never executed; the result is kept
for the session (dropped with the deployment contexts when files change).
"""
from __future__ import annotations

import ast
import configparser
import os
from typing import Dict, List, Optional, Tuple

from .. import project, sources
from ..facts import called_name
from ..session import PROJECT, current


def flask_groups(root: str) -> Dict[str, Optional[str]]:
    """``{program name: app target}`` of the console scripts of the project at ``root`` whose
    function is a ``FlaskGroup``: the target is ``"module:factory()"`` when the group names its
    ``create_app``, else None (``flask``'s own discovery). ``{}`` when there are none; files that
    cannot be read or parsed count as having none."""
    store = current().cache("deploy.flask_groups", PROJECT)
    if root not in store:
        found: Dict[str, Optional[str]] = {}
        for name, target in _console_scripts(root):
            module, _, func = target.partition(":")
            path = project.dotted_to_file(root, module.strip())
            app = _flask_group(path, func.strip(), module.strip()) if path and func else False
            if app is not False:
                found[name] = app  # type: ignore[assignment]
        store[root] = found
    return store[root]


def installed_scripts(root: str) -> Dict[str, str]:
    """``{command name: script path relative to root}`` of the Python scripts the project installs as
    commands (setuptools' ``scripts=[...]`` in a ``setup*.py`` at ``root``, or ``scripts`` under
    ``[options]`` in ``setup.cfg``): ``pip install`` copies each such file into the environment's
    ``bin/`` under its own name, so running that name runs the file as ``__main__``
    (https://setuptools.pypa.io/en/latest/deprecated/distutils/setupscript.html#installing-scripts).
    Only files of the project whose first line names a Python interpreter (or that end in ``.py``)
    are kept. ``{}`` when there are none; files that cannot be read or parsed count as having none."""
    store = current().cache("deploy.installed_scripts", PROJECT)
    if root not in store:
        found: Dict[str, str] = {}
        for rel in _declared_scripts(root):
            path = os.path.join(root, rel)
            if _is_python_script(path):
                found.setdefault(os.path.basename(rel), sources.normpath(rel))
        store[root] = found
    return store[root]


def _declared_scripts(root: str) -> List[str]:
    """The ``scripts`` entries (paths relative to ``root``) of the setup files at ``root``."""
    out: List[str] = []
    try:
        names = sorted(n for n in os.listdir(root) if n.startswith("setup") and n.endswith(".py"))
    except OSError:
        names = []
    for name in names:
        tree = project.module_tree(os.path.join(root, name))
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Call) and called_name(node.func) == "setup":
                value = next((k.value for k in node.keywords if k.arg == "scripts"), None)
                if isinstance(value, (ast.List, ast.Tuple)):
                    out += [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    parser = configparser.ConfigParser()
    try:
        if parser.read(os.path.join(root, "setup.cfg"), encoding="utf-8"):
            out += parser.get("options", "scripts", fallback="").split()
    except (configparser.Error, UnicodeDecodeError):
        pass
    return out


def _is_python_script(path: str) -> bool:
    if path.endswith(".py"):
        return os.path.isfile(path)
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def _console_scripts(root: str) -> List[Tuple[str, str]]:
    """``(name, "module:function")`` of the console scripts declared at ``root``."""
    out: List[Tuple[str, str]] = []
    out += _from_setup_py(os.path.join(root, "setup.py"))
    out += _from_setup_cfg(os.path.join(root, "setup.cfg"))
    out += _from_pyproject(os.path.join(root, "pyproject.toml"))
    return out


def _entry(line: str) -> Optional[Tuple[str, str]]:
    name, sep, target = line.partition("=")
    if not sep or ":" not in target:
        return None
    return name.strip(), target.strip().split()[0]


def _from_setup_py(path: str) -> List[Tuple[str, str]]:
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out: List[Tuple[str, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == "console_scripts" \
                    and isinstance(value, (ast.List, ast.Tuple)):
                out += [e for e in (_entry(v.value) for v in value.elts
                                    if isinstance(v, ast.Constant) and isinstance(v.value, str)) if e]
    return out


def _from_setup_cfg(path: str) -> List[Tuple[str, str]]:
    parser = configparser.ConfigParser()
    try:
        if not parser.read(path, encoding="utf-8"):
            return []
        text = parser.get("options.entry_points", "console_scripts", fallback="")
    except (configparser.Error, UnicodeDecodeError):
        return []
    return [e for e in (_entry(line) for line in text.splitlines()) if e]


def _from_pyproject(path: str) -> List[Tuple[str, str]]:
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError):
        return []
    tables = [data.get("project", {}).get("scripts", {}), data.get("tool", {}).get("poetry", {}).get("scripts", {})]
    return [(name, target) for table in tables if isinstance(table, dict)
            for name, target in table.items() if isinstance(target, str) and ":" in target]


def _flask_group(path: str, func: str, module: str):
    """The app target of ``func`` in the module file ``path`` when it is a ``FlaskGroup``
    (``"module:factory()"`` or None, see :func:`flask_groups`); False when it is not one."""
    tree = project.module_tree(path)
    if tree is None:
        return False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == func:
            calls = [d for d in node.decorator_list if isinstance(d, ast.Call)]
            group = next((c for c in calls if _names_flask_group(c, "cls")), None)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == func for t in node.targets):
            value = node.value
            group = value if isinstance(value, ast.Call) and called_name(value.func) == "FlaskGroup" else None
        else:
            continue
        if group is None:
            return False
        factory = next((k.value for k in group.keywords if k.arg == "create_app"), None)
        return f"{module}:{factory.id}()" if isinstance(factory, ast.Name) else None
    return False


def _names_flask_group(call: ast.Call, keyword: str) -> bool:
    """``@click.group(cls=FlaskGroup, ...)`` (or ``flask.cli.FlaskGroup``)."""
    if called_name(call.func) not in ("group", "command"):
        return False
    value = next((k.value for k in call.keywords if k.arg == keyword), None)
    name = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else ""
    return name == "FlaskGroup"
