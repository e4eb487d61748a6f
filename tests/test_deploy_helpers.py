"""Helpers for tests/test_deploy_*.py (no tests here): small projects on disk built from realistic samples."""
from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path
from typing import Dict, List, Optional, Union

from flake8_flask_deploy import engine, sources
from flake8_flask_deploy.deploy import get_context
from flake8_flask_deploy.model import DeploymentContext, Finding

SAMPLES = Path(__file__).parent / "deploy_samples"


def sample(name: str) -> str:
    """The text of ``tests/deploy_samples/<name>.sample``."""
    return (SAMPLES / f"{name}.sample").read_text(encoding="utf-8")


def make_project(root: Path, files: Dict[str, str]) -> str:
    """Write ``files`` (relative path -> text, dedented) under ``root`` with a root marker; return the
    normalised root and forget every cache."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n") if not text.startswith("[") else text, encoding="utf-8")
    engine.clear_caches()
    return sources.normpath(str(root))


def write_files(root: Path, files: Dict[str, Union[str, bytes]], marker: Optional[str] = "[project]\nname = 'demo'\n") -> Path:
    """Write ``files`` (relative path -> text or bytes, as given) under ``root``, with a
    ``pyproject.toml`` holding ``marker`` as the project's root marker (``None``: a ``.git`` folder
    instead); return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    if marker is None:
        (root / ".git").mkdir(exist_ok=True)
    else:
        (root / "pyproject.toml").write_text(marker)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def context(root: str) -> DeploymentContext:
    engine.clear_caches()
    return get_context(root)


def deploy_findings(root: str) -> List[Finding]:
    """What the rules find in deployment files, at their deployment lines: the findings ``check``
    reports there (:func:`~flake8_flask_deploy.engine.deployment_findings`) and those it reports on
    the served module instead because their fix is there (FDP011: see :func:`module_findings`)."""
    ctx = context(root)
    moved = [f for f, launch in engine.launch_findings(ctx) if engine.reported_on_module(f, launch)]
    return sorted(engine.deployment_findings(ctx) + moved, key=lambda f: (f.path, f.line, f.code))


def module_findings(root: str, rel: str) -> List[Finding]:
    """What the flake8 plugin reports for one module of the project."""
    path = str(Path(root) / rel)
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    return engine.analyze_module(tree, path)


def codes(findings: List[Finding]) -> List[str]:
    return sorted(f.code for f in findings)


def rel_lines(findings: List[Finding], root: str) -> List[str]:
    """``"path:line CODE"`` for each finding, paths relative to ``root``."""
    return sorted(f"{Path(f.path).relative_to(root)}:{f.line} {f.code}" for f in findings)


FLASK_APP = """
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"
"""


def bump(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with an mtime other than the one before (a coarse clock may not
    move between two writes in a test): what a cache keyed by size and mtime_ns must notice."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))
