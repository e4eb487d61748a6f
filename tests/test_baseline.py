"""``check --write-baseline FILE`` / ``check --baseline FILE`` (the adoption issue): findings are keyed
by code, path and a fingerprint of their line's text, not by line number. Real CLI runs on projects
written to ``tmp_path``."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flake8_flask_deploy.baseline import fingerprint
from test_cli_contract import APP, project  # the same project writer


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", *args], cwd=root,
                          capture_output=True, text=True, timeout=120)


def codes(proc: subprocess.CompletedProcess) -> list:
    return [line.split(": ", 1)[0] + " " + line.split(": ", 1)[1].split()[0]
            for line in proc.stdout.splitlines() if ": FDP" in line]


def test_write_then_check_against_the_baseline(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": APP})
    proc = check(root, "--write-baseline", "fdp-baseline.json", ".")
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr.strip() == "Wrote 2 findings to fdp-baseline.json."
    data = json.loads((root / "fdp-baseline.json").read_text())
    assert data["tool"] == "flake8-flask-deploy" and data["version"] == 1
    recorded = [(f["code"], f["path"], f["line"]) for f in data["findings"]]
    assert recorded == [("FDP007", "app.py", 4), ("FDP004", "app.py", 5)]
    assert data["findings"][1]["fingerprint"] == fingerprint("app.run()")
    proc = check(root, "--baseline", "fdp-baseline.json", ".")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""


def test_lines_added_above_keep_a_finding_silenced_and_an_edited_line_brings_it_back(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": APP})
    assert check(root, "--write-baseline", "b.json", ".").returncode == 0
    moved = APP.replace("from flask import Flask\n", "import os\nimport sys\n\nfrom flask import Flask\n")
    moved = moved.replace("app.config[\"SECRET_KEY\"] = ", "app.config[\"SECRET_KEY\"]   =\t")  # whitespace runs are one space
    (root / "app.py").write_text(moved)
    assert check(root, "--baseline", "b.json", ".").returncode == 0
    # a new finding elsewhere is reported, the baselined ones are counted in the summary
    (root / "app.py").write_text(moved + "app.run(port=8000)\n")
    proc = check(root, "--baseline", "b.json", ".")
    assert proc.returncode == 1 and codes(proc) == ["app.py:9:1 FDP004"]
    assert proc.stdout.splitlines()[-1].endswith("; 2 more in the baseline.")
    # the baselined line itself changes: its finding comes back
    (root / "app.py").write_text(moved.replace('"not-a-secret"', '"another-secret"'))
    proc = check(root, "--baseline", "b.json", ".")
    assert proc.returncode == 1 and codes(proc) == ["app.py:7:30 FDP007"]


def test_identical_lines_are_counted(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": APP})
    check(root, "--write-baseline", "b.json", ".")
    (root / "app.py").write_text(APP.replace("app.run()\n", "app.run()\napp.run()\n"))
    proc = check(root, "--baseline", "b.json", ".")
    assert codes(proc) == ["app.py:6:1 FDP004"]  # one app.run() was recorded, the second is new


def test_paths_are_relative_to_the_baseline_file(tmp_path: Path) -> None:
    root = project(tmp_path, {"web/app.py": APP})
    check(root, "--write-baseline", "b.json", "web")
    entries = json.loads((root / "b.json").read_text())["findings"]
    assert {e["path"] for e in entries} == {"web/app.py"}
    # the same baseline from another directory
    proc = subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", "--baseline", "../b.json", "."],
                          cwd=root / "web", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout


def test_a_bad_baseline_is_an_error(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": APP, "notjson.json": "{", "other.json": '{"findings": []}'})
    for name, message in [("missing.json", "cannot be read (No such file or directory)"),
                          ("notjson.json", "is not JSON"),
                          ("other.json", "is not a flake8-flask-deploy baseline")]:
        proc = check(root, "--baseline", name, ".")
        assert proc.returncode == 2 and proc.stdout == ""
        [line] = proc.stderr.splitlines()
        assert line.startswith(f"error: {name}: {message}"), line
