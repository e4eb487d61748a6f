"""Every folder under tests/cases is a small project: expected findings are written beside the code.

In Python files an ``# expect: FDP00x[, FDP00y]`` comment names the findings on its own line. In
deployment files (Dockerfile, Procfile, compose) a comment line ``# expect: ...`` names the findings
of the next line. A file without such comments must have no findings. Each project is copied to a
temporary folder (so paths like ``tests/`` do not leak into the judgement) and checked with the CLI
engine, which reports both module and deployment-file findings.

Each problem is one finding, at the line its fix changes (issue 24); the other places of the same
problem are its related locations. ``# related: FDP00x`` (same placement rules) says that some
finding of that code names this line as a related location: the Dockerfile line that runs a Python
finding's module, or the app definition a deployment-file finding concerns. Those markers must all
be met (a finding may have related locations no marker names).
"""
from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from flake8_flask_deploy import engine
from flake8_flask_deploy.cli import check_paths

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
RELATED = re.compile(r"#\s*related:\s*([A-Z0-9, ]+)")
PYTHON_SUFFIXES = {".py"}


def expected_findings(root: Path, marker: "re.Pattern[str]" = EXPECT) -> Counter:
    """``(relative path, line, code) -> count`` of the ``marker`` comments of the project ``root``."""
    expected: Counter = Counter()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            match = marker.search(line)
            if not match:
                continue
            codes = [c.strip() for c in match.group(1).split(",") if c.strip()]
            target = number if path.suffix in PYTHON_SUFFIXES else number + 1
            for code in codes:
                expected[(rel, target, code)] += 1
    return expected


def actual_findings(root: Path, related: bool = False) -> Counter:
    """``(relative path, line, code) -> count`` of the findings ``check`` reports on ``root`` (with
    ``related``: of their related locations instead)."""
    engine.clear_caches()
    report = check_paths([str(root)])
    actual: Counter = Counter()
    for finding in report.findings:
        places = finding.related_locations if related else [finding]
        for place in places:
            rel = Path(place.path).resolve().relative_to(root.resolve()).as_posix()
            actual[(rel, place.line, finding.code)] += 1
    return actual


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case(case: str, tmp_path: Path) -> None:
    root = tmp_path / case
    shutil.copytree(CASES / case, root)
    expected = expected_findings(root)
    actual = actual_findings(root)
    missing = sorted(expected - actual)
    unexpected = sorted(actual - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"
    unmet = sorted(expected_findings(root, RELATED) - actual_findings(root, related=True))
    assert not unmet, f"no finding has these related locations: {unmet}"


def test_every_rule_has_a_case() -> None:
    from flake8_flask_deploy.rules import all_rules

    covered = {code for case in CASES.iterdir() for (_, _, code) in expected_findings(case)}
    missing = [rule.code for rule in all_rules() if rule.code not in covered]
    assert missing == [], f"rules with no expected finding in tests/cases: {missing}"
