"""The command's strict contract as CI relies on it (the adoption issue): a typo in a path or a code
fails the stage with exit 2 and a one-line error, instead of passing silently."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from test_deploy_helpers import write_files

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


# ---- configuration: an unknown key or a bad value is an error, not a silent default --------------
APP = '''\
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "not-a-secret"
app.run()
'''


def project(root: Path, files: dict) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root`` (a project: it has ``.git``)."""
    return write_files(root, files, marker=None)


def run_in(root: Path, *args: str, env: dict = None):
    import os

    full = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", *args], cwd=root, capture_output=True,
                          text=True, env=full)


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("files, expected", [
    ({"pyproject.toml": '[tool.flake8-flask-deploy]\ncontxt = "off"\n'},
     "error: pyproject.toml: unknown key 'contxt' in [tool.flake8-flask-deploy] (did you mean 'context'?)"),
    ({"pyproject.toml": '[tool.flake8-flask-deploy]\nextend_ignor = ["FDP004"]\n'},
     "error: pyproject.toml: unknown key 'extend_ignor' in [tool.flake8-flask-deploy] (did you mean 'extend-ignore'?)"),
    ({"pyproject.toml": '[tool.flake8-flask-deploy]\ncontext = "of"\n'},
     "error: pyproject.toml: bad value of 'context' in [tool.flake8-flask-deploy]: must be 'auto' or 'off', got 'of'"),
    ({"pyproject.toml": '[tool.flake8-flask-deploy]\nassume-production = "sometimes"\n'},
     "error: pyproject.toml: bad value of 'assume-production' in [tool.flake8-flask-deploy]: must be true or false, "
     "got 'sometimes'"),
    ({"pyproject.toml": '[tool.flake8-flask-deploy]\nignore = ["FDP04"]\n'},
     "error: pyproject.toml: bad value of 'ignore' in [tool.flake8-flask-deploy]: unknown code or prefix FDP04"),
    ({"setup.cfg": "[flake8]\nflask-deploy-app-name = server\n"},
     "error: setup.cfg: unknown key 'flask-deploy-app-name' in [flake8] (did you mean 'flask-deploy-app-names'?)"),
    ({"tox.ini": "[flake8]\nflask-deploy-context = of\n"},
     "error: tox.ini: bad value of 'flask-deploy-context' in [flake8]: must be 'auto' or 'off', got 'of'"),
    ({".flake8": "[flake8]\nper-file-ignores = app.py FDP004\n"},
     "error: .flake8: bad value of 'per-file-ignores' in [flake8]: Expected `per-file-ignores` to be a mapping "
     "from file exclude patterns to ignore codes."),
])
def test_a_configuration_error_exits_2_with_one_line(tmp_path: Path, command: str, files: dict, expected: str) -> None:
    root = project(tmp_path, {"app.py": APP, **files})
    proc = run_in(root, command, ".")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [expected] and proc.stdout == ""
    assert (root / "app.py").read_text() == APP  # fix changed nothing


def test_other_tools_keys_of_the_flake8_section_are_not_ours_to_judge(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": APP, "setup.cfg": "[flake8]\nmax-line-lenght = 100\nselect = E,W,F,XYZ1\n"})
    proc = run_in(root, "check", ".")
    assert proc.returncode == 1 and proc.stderr == ""


def test_exit_status_zero_one_and_exit_zero(tmp_path: Path) -> None:
    clean = project(tmp_path / "clean", {"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"})
    assert run_in(clean, "check", ".").returncode == 0
    dirty = project(tmp_path / "dirty", {"app.py": APP})
    proc = run_in(dirty, "check", ".")
    assert proc.returncode == 1 and "Found 2 findings" in proc.stdout
    proc = run_in(dirty, "check", "--exit-zero", ".")
    assert proc.returncode == 0 and "Found 2 findings" in proc.stdout
    assert run_in(dirty, "check", "--exit-zero", "--select", "FDP999", ".").returncode == 2  # errors still fail


# ---- files that cannot be parsed: FDP000, a finding like flake8's E999 ----------------------------
@pytest.mark.parametrize("name, content, where, text", [
    ("broken.py", "from flask import Flask\napp = Flask(__name__)\ndef (:\n", "broken.py:3:5:",
     "FDP000 SyntaxError: invalid syntax; not analysed"),
    ("latin.py", b"from flask import Flask\napp = Flask('caf\xe9')\n", "latin.py:2:",
     "FDP000 cannot be decoded ('utf-8' codec can't decode byte 0xe9"),
    ("nul.py", b"from flask import Flask\x00\napp = Flask(__name__)\n", "nul.py:1:",
     "null bytes"),  # a SyntaxError or a ValueError, depending on the Python version
])
def test_an_unparsable_file_is_a_finding(tmp_path: Path, name: str, content, where: str, text: str) -> None:
    root = project(tmp_path, {name: content, "ok.py": "from flask import Flask\n\napp = Flask(__name__)\n"})
    proc = run_in(root, "check", ".")
    assert proc.returncode == 1, proc.stderr
    [line, summary] = proc.stdout.splitlines()
    assert line.startswith(where) and text in line, line
    assert summary == "Found 1 finding." and proc.stderr == ""
    # select names rules: the file was still not analysed, so it is still reported (as ruff's syntax errors)
    assert run_in(root, "check", "--select", "FDP003", ".").returncode == 1
    assert run_in(root, "check", "--ignore", "FDP", ".").returncode == 1
    assert run_in(root, "check", "--ignore", "FDP000", ".").returncode == 0


def test_unparsable_file_counts_with_other_findings_and_in_json(tmp_path: Path) -> None:
    import json

    root = project(tmp_path, {"app.py": APP, "broken.py": "from flask import Flask\ndef (:\n    app = Flask(__name__)\n",
                              # no rule can fire on this module's text: not analysed, its syntax error counts
                              "plain.py": "def (:\n"})
    proc = run_in(root, "check", "--statistics", ".")
    assert proc.stdout.splitlines()[-4:] == [
        "2     FDP000 unparsable-file", "1     FDP004 dev-server-in-production", "1     FDP007 hardcoded-secret-key",
        "Found 4 findings (`--show-fixes` marks the ones `flake8-flask-deploy fix` rewrites)."]
    data = json.loads(run_in(root, "check", "--format", "json", ".").stdout)
    parses = [f for f in data["findings"] if f["code"] == "FDP000"]
    assert [(f["name"], f["path"], f["line"]) for f in parses] == [("unparsable-file", "broken.py", 2),
                                                                   ("unparsable-file", "plain.py", 1)]


# ---- output: quiet, statistics, colour ------------------------------------------------------------
def test_quiet_prints_only_the_summary_and_nothing_on_success(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": APP, "Dockerfile": b"\x00\x01binary"})
    proc = run_in(root, "check", "--quiet", ".")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["Found 2 findings (`--show-fixes` marks the ones `flake8-flask-deploy fix` "
                                        "rewrites)."]
    assert proc.stderr == ""  # the binary Dockerfile's warning too
    proc = run_in(root, "check", "-q", "--statistics", ".")
    assert proc.stdout.splitlines()[:2] == ["1     FDP004 dev-server-in-production", "1     FDP007 hardcoded-secret-key"]
    proc = run_in(root, "check", "-q", "--select", "FDP001", ".")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""


def test_colour_is_off_in_a_pipe_and_on_when_asked(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": APP})
    assert "\x1b[" not in run_in(root, "check", ".").stdout  # not a terminal
    coloured = run_in(root, "check", "--color", "always", ".").stdout
    assert coloured.splitlines()[0] == ("\x1b[1mapp.py\x1b[m\x1b[36m:\x1b[m4\x1b[36m:\x1b[m28\x1b[36m:\x1b[m "
                                        "\x1b[1m\x1b[31mFDP007\x1b[m `SECRET_KEY` is a string literal: anyone who "
                                        "can read the code can forge session cookies; read it from the environment "
                                        "(os.environ[\"SECRET_KEY\"])")
    assert "\x1b[" not in run_in(root, "check", "--color", "never", ".").stdout


def test_colour_auto_follows_the_terminal_and_no_color(monkeypatch) -> None:
    from flake8_flask_deploy.cli import use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color("auto") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto") is False and use_color("always") is True
    monkeypatch.setenv("NO_COLOR", "")  # present but empty: no effect (https://no-color.org)
    assert use_color("auto") is True
    assert use_color("never") is False
