"""Shared helpers of the issue-8 tests: copy a project of ``tests/projects_issue8`` to a temporary
folder, run the CLI engine over it, and compare with the ``# expect: FDP0xx`` comments."""
from __future__ import annotations

import re
import shutil
import textwrap
from collections import Counter
from pathlib import Path
from typing import Iterable

from flake8_flask_deploy import engine
from flake8_flask_deploy.cli import check_paths

PROJECTS = Path(__file__).parent / "projects_issue8"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def copy_project(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(PROJECTS / name, root)
    return root


def clear() -> None:
    engine.clear_caches()  # also forgets the project index and the inference budget


def project(root: Path, files: dict) -> Path:
    """Write ``files`` (relative path -> dedented source) and a ``pyproject.toml`` under ``root``."""
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '0'\n")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    clear()
    return root


def expected(root: Path, codes: Iterable[str]) -> Counter:
    codes = set(codes)
    out: Counter = Counter()
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                for code in (c.strip() for c in match.group(1).split(",")):
                    if code in codes:
                        out[(path.relative_to(root).as_posix(), number, code)] += 1
    return out


def actual(root: Path, codes: Iterable[str]) -> Counter:
    clear()
    report = check_paths([str(root)])
    codes = set(codes)
    out: Counter = Counter()
    for finding in report.findings:
        if finding.code in codes and finding.path.endswith(".py"):
            rel = Path(finding.path).resolve().relative_to(root.resolve()).as_posix()
            out[(rel, finding.line, finding.code)] += 1
    return out


def findings(root: Path, code: str):
    clear()
    return [f for f in check_paths([str(root)]).findings if f.code == code]
