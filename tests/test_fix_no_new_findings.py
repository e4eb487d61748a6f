"""A fix never creates a finding or a violation (issue 23), over every pair of ``tests/fixes/``.

After ``fix`` (with the case's options), on the project as the fix leaves it:

* ``check`` reports no ``(code, file)`` it did not report before (a fix of one rule must not turn
  into a finding of another: a moved statement, a new import, a rewritten command);
* ``flake8 --select E,W,F`` (pycodestyle and pyflakes, with the project's ``[flake8]`` section if
  it has one, their defaults otherwise) reports no code more often than before in the Python files
  (blank lines around moved code, E501 for a comment or a line the fix writes, E402 for an import
  that must stay below code: the fix writes ``# noqa: E402`` there).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, Tuple

import pytest

from flake8_flask_deploy.cli import check_paths
from flake8_flask_deploy.engine import clear_caches
from flake8_flask_deploy.fix_run import fix_paths

CASES = Path(__file__).parent / "fixes"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("noop_"))

#: Pairs whose fix still creates a finding or a violation (strict xfail: the entry goes when fixed).
KNOWN: Dict[str, str] = {}


def _meta(case: str) -> Dict[str, str]:
    meta = {}
    for line in (CASES / case / "case.txt").read_text().splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return meta


def _findings(root: Path) -> Counter:
    clear_caches()
    return Counter((f.code, Path(f.path).relative_to(root).as_posix()) for f in check_paths([str(root)]).findings)


def _flake8(root: Path) -> Counter:
    """``{(code, file): count}`` of ``flake8 --select E,W,F`` on the project's Python files, with the
    project's ``[flake8]`` section (its ``max-line-length``, which the fixes keep to) when it has one."""
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    if not files:
        return Counter()
    config = next((["--config", name] for name in ("setup.cfg", "tox.ini", ".flake8")
                   if (root / name).is_file() and "[flake8]" in (root / name).read_text()), ["--isolated"])
    proc = subprocess.run([sys.executable, "-m", "flake8", *config, "--select", "E,W,F",
                           "--format", "%(path)s\t%(code)s", *files], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    out: Counter = Counter()
    for line in proc.stdout.splitlines():
        path, _, code = line.partition("\t")
        if not code.startswith("FDP"):  # ``F`` selects this plugin's codes too: those are ``check``'s part
            out[(code, Path(path).as_posix().lstrip("./"))] += 1
    return out


def _more(before: Counter, after: Counter) -> Dict[Tuple[str, str], Tuple[int, int]]:
    return {key: (before[key], n) for key, n in after.items() if n > before[key]}


@pytest.mark.parametrize("case", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN[n]))
                                  if n in KNOWN else n for n in NAMES])
def test_fix_creates_no_finding_and_no_violation(case: str, tmp_path: Path) -> None:
    pytest.importorskip("flake8")
    meta = _meta(case)
    root = tmp_path / "project"
    shutil.copytree(CASES / case / "before", root)
    if not (root / "pyproject.toml").exists():
        (root / "pyproject.toml").write_text("")
    select = meta["select"].split() if meta.get("select") else []
    findings, violations = _findings(root), _flake8(root)
    fix_paths([str(root)], unsafe=meta.get("unsafe") == "yes", select=select)
    new_findings = {key for key in _findings(root) if key not in findings}
    assert not new_findings, f"the fix created findings: {sorted(new_findings)}"
    assert not _more(violations, _flake8(root)), "the fix added flake8 violations: (code, file): (before, after)"
