"""Real flake8 runs (files, stdin as editors do, options from the command line and from config)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"


def flake8(cwd: Path, *args: str, stdin: str | None = None) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "FDP", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout.splitlines()


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(CASES / "script_only_deploy", root)
    return root


EXPECTED = [
    "app.py:9:5: FDP004 `app.run()` serves production with the Werkzeug development server, which is not built "
    "for security or load; serve the app with a WSGI server such as gunicorn (Dockerfile:8 runs this file with python)",
    "app.py:9:5: FDP005 `app.run()` binds 127.0.0.1 (Flask's default), which is unreachable from outside the "
    "container: clients get \"connection refused\" (Dockerfile:8 runs this file with python)",
    "app.py:9:24: FDP003 `debug=True` serves the interactive Werkzeug debugger in production (remote code "
    "execution) (Dockerfile:8 runs this file with python)",
]


def test_file_run_gives_exact_lines(project: Path) -> None:
    assert flake8(project, "app.py") == EXPECTED


def test_stdin_with_display_name_finds_the_same_context(project: Path) -> None:
    source = (project / "app.py").read_text()
    assert flake8(project, "-", "--stdin-display-name", "app.py", stdin=source) == EXPECTED


def test_stdin_from_another_working_directory(project: Path) -> None:
    source = (project / "app.py").read_text()
    lines = flake8(project.parent, "-", "--stdin-display-name", str(project / "app.py"), stdin=source)
    assert [line.split(": ", 1)[1] for line in lines] == [line.split(": ", 1)[1] for line in EXPECTED]


# Without the Dockerfile the module is assumed to be served by a WSGI server: the guard is dev-only,
# so the route under it is hidden (FDP001) and the guarded dev server is fine.
NO_CONTEXT = [
    "app.py:8:5: FDP001 1 app setup call (add_url_rule) run only under `if __name__ == \"__main__\":`; "
    "a WSGI server imports this module and skips them, so their URLs answer 404",
]


def test_context_off_ignores_deployment_files(project: Path) -> None:
    assert flake8(project, "--flask-deploy-context=off", "app.py") == NO_CONTEXT


def test_context_option_read_from_config(project: Path) -> None:
    (project / "setup.cfg").write_text("[flake8]\nflask-deploy-context = off\n")
    assert flake8(project, "app.py") == NO_CONTEXT


def test_noqa_is_honoured_by_flake8(project: Path) -> None:
    app = project / "app.py"
    app.write_text(app.read_text().replace("# expect: FDP003, FDP004, FDP005", "# noqa: FDP003,FDP004"))
    lines = flake8(project, "app.py")
    assert [line.split()[1] for line in lines] == ["FDP005"]


def test_plugin_is_registered_with_flake8() -> None:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "flake8-flask-deploy" in proc.stdout


def test_seed_004_through_flake8(tmp_path: Path) -> None:
    root = tmp_path / "seed004"
    shutil.copytree(CASES / "seed004_run", root)
    lines = flake8(root, ".")
    assert lines == [
        "./run.py:14:9: FDP001 2 app setup calls (add_url_rule) run only under `if __name__ == \"__main__\":`; "
        "a WSGI server imports this module and skips them, so their URLs answer 404"
    ]


def test_a_tests_folder_above_the_project_does_not_make_it_a_test_module(tmp_path: Path) -> None:
    root = tmp_path / "tests" / "proj"
    root.mkdir(parents=True)
    (root / "setup.cfg").write_text("")
    (root / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.debug = True\n")
    lines = flake8(tmp_path, str(root / "app.py"))
    assert [line.split()[1] for line in lines] == ["FDP003"]


def test_check_piped_into_head_does_not_trace(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "broken_blog", root)
    proc = subprocess.run(
        f"'{sys.executable}' -m flake8_flask_deploy.cli check . | head -1",
        shell=True, cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert len(proc.stdout.splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_check_on_a_folder_of_projects_checks_each_project(tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(CASES / "script_only_deploy", tmp_path / "mono" / name)
    proc = subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", "mono"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    for name in ("a", "b"):
        # each project judged with its own Dockerfile
        assert f"mono/{name}/app.py:9:5: FDP004" in proc.stdout
        assert f"mono/{name}/app.py:9:5: FDP004 " in proc.stdout and "(Dockerfile:8 runs this file with python)" in \
            proc.stdout.split(f"mono/{name}/app.py:9:5: FDP004 ")[1].splitlines()[0]
