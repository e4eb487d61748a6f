"""The command's strict contract as CI relies on it (the adoption issue): a typo in a path or a code
fails the stage with exit 2 and a one-line error, instead of passing silently."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "broken_blog"


def run(*args: str):
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_missing_path_is_an_error(command: str, tmp_path: Path) -> None:
    proc = run(command, str(tmp_path / "no" / "such" / "path"))
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("no such file or directory") and proc.stdout == ""


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("value", ["FDP999", "XYZ", "FDP001,FDP09"])
def test_an_unknown_code_or_prefix_is_an_error(option: str, value: str) -> None:
    for command in ("check", "fix"):
        proc = run(command, option, value, "--diff" if command == "fix" else "--format=text", str(EXAMPLE))
        assert proc.returncode == 2, (command, proc.stderr)
        assert "unknown code or prefix" in proc.stderr.splitlines()[-1]


def test_codes_and_prefixes_of_the_rules_are_accepted() -> None:
    assert run("check", "--select", "FDP00", str(EXAMPLE)).returncode == 1  # findings
    assert run("check", "--select", "fdp003", str(EXAMPLE)).returncode == 1  # any case
    assert run("check", "--ignore", "FDP", str(EXAMPLE)).returncode == 0  # everything ignored: clean
