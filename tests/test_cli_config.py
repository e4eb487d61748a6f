"""``check`` and the flake8 plugin read one configuration: flake8's ``exclude``, ``extend-exclude`` and
``per-file-ignores`` (the adoption issue), ``[tool.flake8-flask-deploy]`` in ``pyproject.toml`` for both
front ends, and flake8's prefix matching of our codes. Every test runs the real command and real flake8
on a project written to ``tmp_path``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

APP = '''\
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "not-a-secret"
app.run()
'''

CUSTOM_NAME = '''\
from platform_kit import server

server.run(debug=True)
'''


def project(root: Path, files: Dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", *args], cwd=root,
                          capture_output=True, text=True, env=env, timeout=120)


def flake8(root: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "flake8", *args], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def found(output: str) -> Set[Tuple[str, str, str]]:
    """``(path, line, code)`` of each FDP finding line of ``check`` or flake8 output."""
    out = set()
    for line in output.splitlines():
        if ": FDP" not in line:
            continue
        place, rest = line.split(": ", 1)
        path, row, _col = place.rsplit(":", 2)
        out.add((os.path.normpath(path), row, rest.split()[0]))
    return out


def files_of(output: str) -> List[str]:
    return sorted({path for path, _, _ in found(output)})


# ---- exclusions -----------------------------------------------------------------------------------
@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    return project(tmp_path / "proj", {"app.py": APP, "scripts/tool.py": APP, "CVS/old.py": APP,
                                       "vendor.egg/lib.py": APP, "legacy/one.py": APP})


def test_flake8s_default_exclude_list(tree: Path) -> None:
    assert files_of(check(tree, ".").stdout) == ["app.py", "legacy/one.py", "scripts/tool.py"]
    assert files_of(flake8(tree, "--select", "FDP", ".").stdout) == ["app.py", "legacy/one.py", "scripts/tool.py"]


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(tree: Path) -> None:
    assert files_of(check(tree, "--exclude", "scripts", ".").stdout) == [
        "CVS/old.py", "app.py", "legacy/one.py", "vendor.egg/lib.py"]
    assert files_of(check(tree, "--extend-exclude", "scripts,legacy", ".").stdout) == ["app.py"]


@pytest.mark.parametrize("pattern, excluded", [
    ("tool.py", True), ("t*.py", True), ("scripts", True), ("./scripts", True), ("*cripts", True),
    # a pattern with a "/" is made absolute against the current directory (flake8's normalize_path):
    # "*/scripts/*" becomes "<cwd>/*/scripts/*", which ./scripts/tool.py does not match
    ("*/scripts/*", False),
])
def test_patterns_match_the_base_name_or_the_path_as_in_flake8(tree: Path, pattern: str, excluded: bool) -> None:
    ours = files_of(check(tree, "--extend-exclude", pattern, ".").stdout)
    theirs = files_of(flake8(tree, "--select", "FDP", "--extend-exclude", pattern, ".").stdout)
    assert ours == theirs
    assert ("scripts/tool.py" not in ours) is excluded


def test_a_path_given_is_excluded_too(tree: Path) -> None:
    proc = check(tree, "--extend-exclude", "tool.py", "scripts/tool.py")
    assert proc.returncode == 0 and proc.stdout == ""


@pytest.mark.parametrize("config_file", ["setup.cfg", "tox.ini", ".flake8"])
def test_check_honours_flake8s_exclude_and_per_file_ignores(tree: Path, config_file: str) -> None:
    (tree / config_file).write_text("[flake8]\nextend-exclude = legacy\nper-file-ignores =\n"
                                    "    scripts/*.py: FDP004\n    app.py: FDP007,E501\n")
    ours = found(check(tree, ".").stdout)
    assert ours == {("app.py", "5", "FDP004"), ("scripts/tool.py", "4", "FDP007")}
    assert ours == found(flake8(tree, "--select", "FDP", ".").stdout)


def test_exclude_in_the_flake8_section_replaces_the_defaults(tree: Path) -> None:
    (tree / "setup.cfg").write_text("[flake8]\nexclude = legacy,scripts\n")
    assert files_of(check(tree, ".").stdout) == files_of(flake8(tree, "--select", "FDP", ".").stdout) == [
        "CVS/old.py", "app.py", "vendor.egg/lib.py"]


# ---- one loader: [tool.flake8-flask-deploy] for both front ends ------------------------------------
PYPROJECT = '''\
[tool.flake8-flask-deploy]
extend-ignore = ["FDP007"]
app-names = ["server"]
extend-exclude = ["legacy"]
per-file-ignores = { "scripts/*.py" = ["FDP004"] }
'''


def test_both_front_ends_apply_the_pyproject_table_alike(tree: Path) -> None:
    (tree / "worker.py").write_text(CUSTOM_NAME)
    (tree / "pyproject.toml").write_text(PYPROJECT)
    ours = found(check(tree, ".").stdout)
    assert ours == {("app.py", "5", "FDP004"), ("worker.py", "3", "FDP004"), ("worker.py", "3", "FDP003")} \
        or ours == {("app.py", "5", "FDP004"), ("worker.py", "3", "FDP004")}
    assert any(path == "worker.py" for path, _, _ in ours)  # app-names reached the engine
    assert found(flake8(tree, "--select", "FDP", ".").stdout) == ours


def test_the_flake8_command_line_wins_over_the_table(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.flake8-flask-deploy]\ncontext = "off"\n')
    (tree / "setup.cfg").write_text("[flake8]\nflask-deploy-context = auto\n")
    (tree / "Dockerfile").write_text('FROM python:3.12\nCOPY . .\nCMD ["python", "app.py"]\n')
    off = found(flake8(tree, "--select", "FDP", "app.py").stdout)
    assert off == found(check(tree, "app.py").stdout)  # the table wins over [flake8] in both
    auto = found(flake8(tree, "--select", "FDP", "--flask-deploy-context", "auto", "app.py").stdout)
    # the command lines agree too; with the context read, app.py is what the Dockerfile runs
    assert auto == {f for f in found(check(tree, "--flask-deploy-context", "auto", "app.py").stdout)
                    if f[0].endswith(".py")}


def test_a_bad_table_is_logged_by_the_plugin_never_raised(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.flake8-flask-deploy]\ncontxt = "off"\nignore = ["FDP007"]\n')
    proc = flake8(tree, "--select", "FDP", "app.py")
    assert proc.returncode == 1
    assert "unknown key 'contxt' in [tool.flake8-flask-deploy] (did you mean 'context'?); ignored" in proc.stderr
    assert found(proc.stdout) == {("app.py", "5", "FDP004")}  # the rest of the table applies
    assert check(tree, "app.py").returncode == 2


# ---- flake8's prefix matching and our codes --------------------------------------------------------
@pytest.mark.parametrize("setting, reported", [
    ("extend-ignore = F", False),   # F is a prefix of FDP: pyflakes' codes and ours go together
    ("select = E,W,F", True),       # ... and so F selects ours
    ("select = E,W", False),        # an explicit select without F or FDP turns ours off
    ("select = E,W\nextend-select = FDP004", True),
    ("ignore = FDP0", False),
    ("extend-ignore = F\nextend-select = FDP", True),  # both explicit: the longer entry wins
    ("select = FDP004\nignore = FDP", True),
    ("select = FDP\nignore = FDP0", False),
])
def test_flake8_prefix_matching_is_what_check_does(tmp_path: Path, setting: str, reported: bool) -> None:
    root = project(tmp_path, {"app.py": APP, "setup.cfg": f"[flake8]\n{setting}\n"})
    theirs = found(flake8(root, ".").stdout)
    assert bool(theirs) is reported, theirs
    ours = found(check(root, ".").stdout)
    assert ours == theirs
