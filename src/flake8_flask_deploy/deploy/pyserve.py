"""WSGI servers started from Python code: a script run with ``python wsgi.py`` that calls
``waitress.serve(app, host=..., port=...)`` (or ``listen="HOST:PORT"``) serves with waitress, not
with the Werkzeug development server. https://docs.pylonsproject.org/projects/waitress/en/stable/usage.html
(waitress's defaults: ``0.0.0.0:8080``, https://docs.pylonsproject.org/projects/waitress/en/stable/arguments.html ).

The script is parsed with :mod:`ast` (never executed), once per session (a cache dropped with the
deployment contexts, when files change).
"""
from __future__ import annotations

import ast
from typing import List, Optional, Tuple

from ..model import Bind
from ..session import PROJECT, current
from .commands import parse_bind


def waitress_serve(path: str) -> Optional[Tuple[Tuple[Bind, ...], int]]:
    """The binds of the first ``serve(...)`` call imported from waitress in the file ``path``.

    Returns:
        ``(binds, line)``, or None when the file has no such call (or cannot be parsed). A bind whose
        value is not a literal has host or port ``"?"``.
    """
    store = current().cache("deploy.waitress_serve", PROJECT)
    if path not in store:
        store[path] = _waitress_serve(path)
    return store[path]


def _waitress_serve(path: str) -> Optional[Tuple[Tuple[Bind, ...], int]]:
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names = {"waitress.serve"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "waitress":
            for alias in node.names:
                if alias.name == "serve":
                    names.add(alias.asname or "serve")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "waitress" and alias.asname:
                    names.add(f"{alias.asname}.serve")
    if names == {"waitress.serve"} and "waitress" not in {getattr(n, "id", None) for n in ast.walk(tree)}:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _dotted(node.func) in names:
            return _binds(node), node.lineno
    return None


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _binds(call: ast.Call) -> Tuple[Bind, ...]:
    kwargs = {k.arg: k.value for k in call.keywords if k.arg}
    if any(k.arg is None for k in call.keywords):
        return (Bind("?", "?"),)
    listen = kwargs.get("listen")
    if listen is not None:
        value = _const(listen)
        if value is None:
            return (Bind("?", "?"),)
        return tuple(parse_bind(v) for v in value.split())
    host = kwargs.get("host")
    port = kwargs.get("port")
    out: List[Bind] = [Bind(_const(host) or "?" if host is not None else "0.0.0.0",
                            (_const(port) or "?") if port is not None else "8080")]
    return tuple(out)


def _const(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return str(node.value)
    return None
