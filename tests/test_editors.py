"""flake8 called the way editors call it: the same findings whatever the working directory.

* VS Code's flake8 extension (microsoft/vscode-flake8) runs ``python -m flake8`` with
  ``--format=%(row)d,%(col)d,%(code).1s,%(code)s:%(text)s`` on the file's absolute path, or on stdin
  with ``--stdin-display-name <absolute path> -``, from ``flake8.cwd`` (default: the workspace folder,
  which may be a parent of the project).
* Vim's ALE, Emacs' flymake/flycheck and python-lsp-server pipe the unsaved buffer to
  ``flake8 --stdin-display-name <path> -`` from the file's folder or the editor's.

The deployment context must come from the linted file's path, not from the working directory.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

VSCODE_FORMAT = "--format=%(row)d,%(col)d,%(code).1s,%(code)s:%(text)s"
# the extension's own pattern for reading flake8 output
DIAGNOSTIC_RE = re.compile(r"(?P<line>\d+),(?P<column>-?\d+),(?P<type>\w+),(?P<code>\w+\d+):(?P<message>[^\r\n]*)")

APP = '''\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    app.run(port=8080, debug=True)
'''

DOCKERFILE = '''\
FROM python:3.12-slim
WORKDIR /srv
COPY . .
EXPOSE 8080
CMD ["python", "web/app.py"]
'''

EXPECTED = [("12", "5", "FDP004"), ("12", "5", "FDP005"), ("12", "24", "FDP003")]


def run(cwd: Path, *args: str, stdin: str | None = None) -> str:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "FDP", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def vscode_diagnostics(output: str) -> list[tuple[str, str, str]]:
    out = []
    for line in output.splitlines():
        line = line.strip("'")  # the extension passes the format quoted and strips the quotes
        match = DIAGNOSTIC_RE.match(line)
        assert match, line
        assert match["type"] == "F"  # first letter of the code: VS Code maps it to a severity
        out.append((match["line"], match["column"], match["code"]))
    return out


def default_rows(output: str) -> list[tuple[str, str, str]]:
    out = []
    for line in output.splitlines():
        place, rest = line.split(": ", 1)
        _path, row, col = place.rsplit(":", 2)
        out.append((row, col, rest.split()[0]))
    return out


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A workspace folder holding a project (``proj``) whose app lives in ``proj/web``."""
    proj = tmp_path / "workspace" / "proj"
    (proj / "web").mkdir(parents=True)
    (proj / "setup.cfg").write_text("[metadata]\nname = proj\n")
    (proj / "Dockerfile").write_text(DOCKERFILE)
    (proj / "web" / "app.py").write_text(APP)
    return tmp_path / "workspace"


def test_reference_run_from_project_root(workspace: Path) -> None:
    assert default_rows(run(workspace / "proj", "web/app.py")) == EXPECTED


def test_vscode_absolute_path_from_workspace_folder(workspace: Path) -> None:
    app = workspace / "proj" / "web" / "app.py"
    assert vscode_diagnostics(run(workspace, VSCODE_FORMAT, str(app))) == EXPECTED


def test_vscode_stdin_with_absolute_display_name_from_elsewhere(workspace: Path, tmp_path: Path) -> None:
    app = workspace / "proj" / "web" / "app.py"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run(elsewhere, VSCODE_FORMAT, "--stdin-display-name", str(app), "-", stdin=app.read_text())
    assert vscode_diagnostics(out) == EXPECTED


def test_unsaved_buffer_is_linted_not_the_file_on_disk(workspace: Path) -> None:
    app = workspace / "proj" / "web" / "app.py"
    buffer = APP.replace("app.run(port=8080, debug=True)", "app.run(host=\"0.0.0.0\", port=8080)")
    out = run(workspace, VSCODE_FORMAT, "--stdin-display-name", str(app), "-", stdin=buffer)
    assert vscode_diagnostics(out) == [("12", "5", "FDP004")]


def test_stdin_from_the_files_folder_with_relative_display_name(workspace: Path) -> None:
    # ALE / flymake style: cwd is the file's folder, display name relative to it
    web = workspace / "proj" / "web"
    out = run(web, "--stdin-display-name", "app.py", "-", stdin=(web / "app.py").read_text())
    assert default_rows(out) == EXPECTED
    assert out.startswith("app.py:12:")


def test_config_is_found_from_the_files_folder(workspace: Path) -> None:
    # flake8 looks for its config from the working directory upwards: an editor running it from the
    # file's folder (VS Code: "flake8.cwd": "${fileDirname}") gets the project's [flake8] options
    proj = workspace / "proj"
    (proj / "setup.cfg").write_text("[metadata]\nname = proj\n\n[flake8]\nflask-deploy-context = off\n")
    web = proj / "web"
    out = run(web, VSCODE_FORMAT, str(web / "app.py"))
    assert vscode_diagnostics(out) == []  # context off: the guarded dev server is dev-only
    # from the workspace folder (a parent of the project) flake8 does not see proj/setup.cfg
    assert vscode_diagnostics(run(workspace, VSCODE_FORMAT, str(web / "app.py"))) == EXPECTED


def test_file_outside_any_project_still_linted(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch.py"
    scratch.write_text("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")
    out = run(tmp_path, VSCODE_FORMAT, "--stdin-display-name", str(scratch), "-", stdin=scratch.read_text())
    assert sorted(code for _, _, code in vscode_diagnostics(out)) == ["FDP004"]  # an import-time run() is one finding


def flake8_in_process(argv: list, capsys) -> list:
    """Run flake8 with ``argv`` inside this process, as VS Code's extension does (``runpy``), and
    return the sorted FDP codes it printed."""
    import runpy
    import sys

    saved = sys.argv
    sys.argv = ["flake8", *argv]
    try:
        runpy.run_module("flake8", run_name="__main__")
    except SystemExit:
        pass
    finally:
        sys.argv = saved
    return sorted(line.split()[1] for line in capsys.readouterr().out.splitlines() if " FDP" in line)


def test_in_process_runs_see_every_edit_of_the_deployment(tmp_path: Path, capsys) -> None:
    """flake8 run again and again inside one long-lived process (as VS Code's flake8 extension runs
    it, with runpy): each run opens a new session, so an edit of the Dockerfile between runs changes
    the findings as a fresh process would (the editors issue's reproduction)."""
    app = tmp_path / "app.py"
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    app.write_text("from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n"
                   "    return 'hi'\n\n\nif __name__ == '__main__':\n    app.run(debug=True)\n")
    dockerfile = tmp_path / "Dockerfile"

    def run() -> list:
        return flake8_in_process(["--isolated", "--select", "FDP", "--jobs", "1", str(app)], capsys)

    dockerfile.write_text('FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n')
    assert run() == ["FDP003", "FDP004", "FDP005"]
    dockerfile.write_text('FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n')
    assert run() == []
    dockerfile.write_text('FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n')
    assert run() == ["FDP003", "FDP004", "FDP005"]


def test_in_process_runs_match_a_fresh_process_after_each_edit(tmp_path: Path, capsys) -> None:
    """The editors issue's acceptance test: flake8 in one long-lived process (runpy, as VS Code runs
    it) after edits to a Dockerfile, a Procfile, the served module and a module it imports, each time
    reporting what a fresh ``flake8`` process reports on the same files."""
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    served = tmp_path / "app.py"
    blog = tmp_path / "blog"
    blog.mkdir()
    argv = ["--isolated", "--select", "FDP", "--jobs", "1", str(served)]

    def in_process() -> list:
        return flake8_in_process(argv, capsys)

    def fresh() -> list:
        out = subprocess.run([sys.executable, "-m", "flake8", *argv], capture_output=True, text=True).stdout
        return sorted(line.split()[1] for line in out.splitlines() if " FDP" in line)

    steps = [
        # the served module imports its app from the package; the Dockerfile runs it with python
        (blog / "__init__.py", "from flask import Flask\n\nserver = Flask(__name__)\n"),
        (served, "from blog import server\n\nif __name__ == '__main__':\n    server.run(debug=True)\n"),
        (tmp_path / "Dockerfile", 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n'),
        # the Dockerfile goes, a Procfile serves the app with gunicorn: the guard never runs
        (tmp_path / "Dockerfile", None),
        (tmp_path / "Procfile", "web: gunicorn app:server\n"),
        # the Procfile runs the file again
        (tmp_path / "Procfile", "web: python app.py\n"),
        # the imported module no longer binds a Flask app under that name
        (blog / "__init__.py", "class Server:\n    def run(self, **options):\n        pass\n\n\nserver = Server()\n"),
        # the served module binds its own app again
        (served, "from flask import Flask\n\nserver = Flask(__name__)\n\nif __name__ == '__main__':\n"
                 "    server.run(debug=True)\n"),
    ]
    seen = []
    for path, text in steps:
        if text is None:
            path.unlink()
        else:
            path.write_text(text)
        if path == blog / "__init__.py" and not served.exists():
            continue
        got = in_process()
        assert got == fresh(), (path.name, text)
        seen.append(tuple(got))
    dev = ("FDP003", "FDP004", "FDP005")  # debug, dev server and loopback bind, when python runs the file
    assert seen == [(), dev, (), (), dev, (), dev]  # each edit changed what is reported


PARSERS = ("yaml", "bashlex", "crossplane", "dotenv", "dockerfile_parse", "hcl2")
IMPORTED = ("import ast, sys\nfrom flake8_flask_deploy.engine import analyze_module, might_matter\n"
            "path = sys.argv[1]\ntext = open(path).read()\n"
            "if might_matter(text, path):\n    analyze_module(ast.parse(text), path)\n"
            "print(' '.join(m for m in " + repr(PARSERS) + " if m in sys.modules))\n")


@pytest.mark.parametrize("files, allowed", [
    ({"Procfile": "web: gunicorn app:app\n"}, ""),
    ({"Procfile": "web: ./boot.sh\n", "boot.sh": "#!/bin/sh\nexec gunicorn -b 0.0.0.0:80 app:app\n"}, "bashlex"),
    ({"compose.yaml": "services:\n  web:\n    build: .\n    command: gunicorn -b 0.0.0.0:80 app:app\n"}, "yaml"),
], ids=["procfile", "shell", "compose"])
def test_a_run_imports_only_the_parsers_of_the_files_the_project_has(
        files: dict, allowed: str, tmp_path: Path) -> None:
    """No YAML, shell, nginx, dotenv or Dockerfile parser is imported when the project has no file of
    that kind (importing bashlex alone builds its parser tables; a simple start script needs none)."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app.py").write_text(APP)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    proc = subprocess.run([sys.executable, "-c", IMPORTED, str(tmp_path / "app.py")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert set(proc.stdout.split()) <= set(allowed.split()), proc.stdout
