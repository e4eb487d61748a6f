"""Output formats of the CLI: flake8-style text and JSON (more formats register here)."""
from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Callable, Dict

if TYPE_CHECKING:  # pragma: no cover
    from .cli import Report


def _relative(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def format_text(report: "Report", show_fixes: bool = False) -> str:
    """flake8-style lines ``path:line:col: CODE message`` (``[*]`` marks fixable ones)."""
    lines = []
    for f in report.findings:
        mark = "[*] " if show_fixes and f.fixable else ""
        lines.append(f"{_relative(f.path)}:{f.line}:{f.col + 1}: {f.code} {mark}{f.message}")
    fixable = sum(1 for f in report.findings if f.fixable)
    if report.findings:
        tail = f"Found {len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}"
        if show_fixes or fixable:
            tail += f" ({fixable} fixable with `flake8-flask-deploy fix`)"
        lines.append(tail + ".")
    return "\n".join(lines)


def format_json(report: "Report", show_fixes: bool = False) -> str:
    """A JSON object with ``findings`` and ``warnings`` (stable keys, for tools)."""
    from .rules import get_rule

    items = []
    for f in report.findings:
        rule = get_rule(f.code)
        items.append({
            "code": f.code, "name": rule.name if rule else None, "message": f.message,
            "path": _relative(f.path), "line": f.line, "column": f.col + 1,
            "end_line": f.end_line, "end_column": f.end_col + 1 if f.end_col is not None else None,
            "related": {"path": _relative(f.related.path), "line": f.related.line} if f.related else None,
            "fixable": f.fixable, "url": rule.docs_url if rule else None,
        })
    warnings = [{"path": _relative(p), "message": m} for p, m in report.warnings]
    return json.dumps({"findings": items, "warnings": warnings, "files": report.files}, indent=2)


#: ``--format`` name -> formatter(report, show_fixes) -> text.
FORMATS: Dict[str, Callable[..., str]] = {"text": format_text, "json": format_json}
