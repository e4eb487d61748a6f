"""flake8 options of the plugin, on the command line and in setup.cfg / tox.ini / .flake8: each one
changes what real flake8 runs report."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GUARDED = '''\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    app.run(debug=True)
'''

CUSTOM_NAME = '''\
from platform_kit import server

server.run(debug=True)
'''

SERVED = '''\
from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    @app.route("/")
    def index():
        return "hi"

    app.run()
'''


def flake8(cwd: Path, *args: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "FDP", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.splitlines()


def codes(lines: list[str]) -> list[tuple[str, str, str]]:
    """``(path, line, code)`` of each flake8 output line."""
    out = []
    for line in lines:
        place, rest = line.split(": ", 1)
        path, row, _col = place.rsplit(":", 2)
        out.append((path.replace("./", ""), row, rest.split()[0]))
    return sorted(out)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "app.py").write_text(GUARDED)
    (root / "worker.py").write_text(CUSTOM_NAME)
    return root


def test_defaults_report_nothing_here(project: Path) -> None:
    # guarded debug/dev server is dev-only without deployment files; `server` is not known as an app
    assert flake8(project, ".") == []


@pytest.mark.parametrize("config_file", ["setup.cfg", "tox.ini", ".flake8"])
def test_assume_production_from_each_config_file(project: Path, config_file: str) -> None:
    (project / config_file).write_text("[flake8]\nflask-deploy-assume-production = true\n")
    lines = flake8(project, ".")
    assert codes(lines) == [("app.py", "12", "FDP003"), ("app.py", "12", "FDP004")]
    assert all("(flask-deploy-assume-production runs this file with python)" in line for line in lines)


def test_assume_production_on_the_command_line(project: Path) -> None:
    assert codes(flake8(project, "--flask-deploy-assume-production", "app.py")) == [
        ("app.py", "12", "FDP003"), ("app.py", "12", "FDP004")]


def test_assume_production_keeps_routes_under_guard_finding(tmp_path: Path) -> None:
    # the guard runs in production *too*; a WSGI server importing the module still misses the route
    (tmp_path / "app.py").write_text(SERVED)
    assert codes(flake8(tmp_path, "app.py")) == [("app.py", "6", "FDP001")]
    assert codes(flake8(tmp_path, "--flask-deploy-assume-production", "app.py")) == [
        ("app.py", "10", "FDP004"), ("app.py", "6", "FDP001")]


def test_app_names(project: Path) -> None:
    assert flake8(project, "worker.py") == []
    (project / "setup.cfg").write_text("[flake8]\nflask-deploy-app-names = server, api\n")
    assert codes(flake8(project, "worker.py")) == [("worker.py", "3", "FDP004")]


def test_app_names_for_module_level_call(tmp_path: Path) -> None:
    (tmp_path / "svc.py").write_text("from kit import build\n\nserver = build()\nserver.debug = True\n")
    assert flake8(tmp_path, "svc.py") == []
    assert codes(flake8(tmp_path, "--flask-deploy-app-names=server", "svc.py")) == [("svc.py", "4", "FDP003")]


def test_entrypoint_script_runs_the_guard_in_production(project: Path) -> None:
    (project / "tox.ini").write_text("[flake8]\nflask-deploy-entrypoints = app.py\n")
    lines = flake8(project, "app.py")
    assert codes(lines) == [("app.py", "12", "FDP003"), ("app.py", "12", "FDP004")]
    assert "(flask-deploy-entrypoints runs this file with python)" in lines[0]


def test_entrypoint_module_served_by_wsgi_server(tmp_path: Path) -> None:
    # a launcher script beside the served module: with the served module declared, starting the dev
    # server at import in run.py is a side launcher production never uses
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    (tmp_path / "web.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (tmp_path / "run.py").write_text("from web import app\n\napp.run(debug=True)\n")
    assert codes(flake8(tmp_path, "run.py")) == [("run.py", "3", "FDP004")]
    assert flake8(tmp_path, "--flask-deploy-entrypoints=web:app", "run.py") == []


def test_options_reach_parallel_workers(project: Path) -> None:
    (project / "setup.cfg").write_text("[flake8]\nflask-deploy-assume-production = true\n"
                                       "flask-deploy-app-names = server\n")
    for n in range(4):
        (project / f"extra{n}.py").write_text("x = 1\n")
    assert codes(flake8(project, "-j", "2", ".")) == [
        ("app.py", "12", "FDP003"), ("app.py", "12", "FDP004"),
        ("worker.py", "3", "FDP004")]


def test_select_ignore_per_file_ignores_and_noqa_behave_as_in_flake8(project: Path) -> None:
    (project / "setup.cfg").write_text(
        "[flake8]\nflask-deploy-assume-production = true\nflask-deploy-app-names = server\n"
        "per-file-ignores =\n    worker.py: FDP004\n")
    # an import-time run() is one finding (FDP004), which per-file-ignores silences for worker.py
    assert codes(flake8(project, ".")) == [("app.py", "12", "FDP003"), ("app.py", "12", "FDP004")]
    assert codes(flake8(project, "--extend-ignore", "FDP003", ".")) == [("app.py", "12", "FDP004")]
    (project / "app.py").write_text(GUARDED.replace("app.run(debug=True)", "app.run(debug=True)  # noqa: FDP003"))
    assert codes(flake8(project, "app.py")) == [("app.py", "12", "FDP004")]


def test_help_lists_the_options() -> None:
    out = subprocess.run([sys.executable, "-m", "flake8", "--help"], capture_output=True, text=True).stdout
    for option in ("--flask-deploy-context", "--flask-deploy-app-names", "--flask-deploy-entrypoints",
                   "--flask-deploy-assume-production"):
        assert option in out


def test_check_select_runs_only_the_selected_rules(tmp_path: Path, monkeypatch) -> None:
    """``check --select``/``--ignore`` do not run the rules they leave out (the cross-module rules
    build the project index: a run that does not report them should not pay for them), and report
    exactly what the full run reports for the selected codes."""
    from flake8_flask_deploy import engine
    from flake8_flask_deploy.cli import check_paths
    from flake8_flask_deploy.rules import get_rule

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.secret_key = 'x1'\n"
                                     "app.run(debug=True)\n")
    engine.clear_caches()
    full = [(f.code, f.line) for f in check_paths([str(tmp_path)], jobs=1).findings]
    assert {"FDP004", "FDP007"} <= {code for code, _ in full}

    def boom(self, module):
        raise AssertionError("a rule left out by --select ran")

    monkeypatch.setattr(type(get_rule("FDP007")), "check", boom)
    engine.clear_caches()
    selected = [(f.code, f.line) for f in check_paths([str(tmp_path)], select=["FDP00"], ignore=["FDP007"],
                                                      jobs=1).findings]
    assert selected == [(code, line) for code, line in full if code != "FDP007"]
    assert engine.active_rules() == engine.all_rules()  # the filter ends with the run


@pytest.mark.parametrize("line, code, silenced", [
    ("app.run(debug=True)  # noqa", "FDP003", True),
    ("app.run(debug=True)  # noqa: FDP003", "FDP003", True),
    ("app.run(debug=True)  # noqa: FDP", "FDP003", True),         # no code list: a bare noqa, as in flake8
    ("app.run(debug=True)  # noqa: E501,FDP003", "FDP003", True),
    ("app.run(debug=True)  # noqa: RUF100", "FDP003", False),     # codes of several letters are codes
    ("app.run(debug=True)  # noqa: E501", "FDP003", False),
    ("app.run(debug=True)", "FDP003", False),
])
def test_noqa_reads_codes_as_flake8_does(line: str, code: str, silenced: bool) -> None:
    from flake8_flask_deploy.cli import is_noqa

    assert is_noqa(line, code) is silenced


APP_NAMES_GUARDED = '''\
from flask import Blueprint
from factory import build

server = build()
bp = Blueprint("bp", __name__)

if __name__ == "__main__":
    server.register_blueprint(bp)
    server.run()
'''


def test_app_names_check_and_fix_agree(tmp_path: Path, capsys) -> None:
    """With ``flask-deploy-app-names = server``, what ``check`` calls fixable is what ``fix`` fixes:
    both take their facts from one place (the option applied), not only the engine."""
    import json

    from flake8_flask_deploy.cli import main

    (tmp_path / "setup.cfg").write_text("[flake8]\nflask-deploy-app-names = server\n")
    (tmp_path / "Procfile").write_text("web: gunicorn main:server\n")
    (tmp_path / "factory.py").write_text("from flask import Flask\n\n\ndef build():\n    return Flask(__name__)\n")
    (tmp_path / "main.py").write_text(APP_NAMES_GUARDED)
    main(["check", "--format", "json", "--show-fixes", str(tmp_path)])
    found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["path"].endswith("main.py")]
    assert [(f["code"], f["line"], f["fixable"]) for f in found] == [("FDP001", 8, True)]
    assert main(["fix", "--unsafe-fixes", str(tmp_path)]) in (0, 1)
    capsys.readouterr()
    fixed = (tmp_path / "main.py").read_text()
    assert "server = build()\nbp = Blueprint(\"bp\", __name__)\n\nserver.register_blueprint(bp)\n" in fixed
    assert main(["check", str(tmp_path)]) == 0
