"""It lets nothing in: project code is never imported or executed, YAML is loaded safely, no
network connection is opened, and symlinks out of the project root are not followed.

Every test plants a trap that leaves a marker file (or raises) if it is ever executed, runs the real
CLI / flake8 / fixer on the project, and checks that the marker is absent *and* that the project
was really analysed (a finding or warning proves the trap file was read, not skipped).
"""
from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from flake8_flask_deploy import cli, engine


def _write(root: Path, files: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'trap'\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _trap(marker: Path) -> str:
    """Python code that, if executed, leaves ``marker`` and then raises."""
    return f"open({str(marker)!r}, 'w').write('executed')\nraise SystemExit('trap executed')\n"


RUNS = (["-m", "flake8_flask_deploy.cli", "check", "."], ["-m", "flake8", "--isolated", "--select", "FDP", "."],
        ["-m", "flake8_flask_deploy.cli", "fix", "--diff", "--unsafe-fixes", "."])


def _run(root: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *argv], cwd=root, capture_output=True, text=True, timeout=300)


def test_project_modules_are_never_imported(tmp_path):
    marker = tmp_path / "MARKER"
    root = _write(tmp_path / "proj", {
        # the linted module, a module it imports (resolved for cross-file facts), and a package init
        "app.py": _trap(marker) + "from flask import Flask\nfrom helpers import app\napp.run(debug=True)\n",
        "helpers.py": _trap(marker) + "from flask import Flask\napp = Flask(__name__)\n",
        "pkg/__init__.py": _trap(marker),
        "pkg/views.py": "from helpers import app\n\n\n@app.route('/')\ndef index():\n    return 'x'\n",
        "Dockerfile": 'FROM python\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "app:app"]\n',
    })
    outputs = []
    for argv in RUNS:
        proc = _run(root, *argv)
        outputs.append(proc)
        assert "Traceback" not in proc.stderr and "trap executed" not in proc.stderr, proc.stderr
        assert not marker.exists(), argv
    # the imported app was resolved by parsing helpers.py: the import-time run is reported
    proc = outputs[0]
    assert "app.py:" in proc.stdout and "FDP004" in proc.stdout, proc.stdout + proc.stderr


def test_gunicorn_config_is_read_not_executed(tmp_path):
    marker = tmp_path / "MARKER"
    config = _trap(marker).replace("raise SystemExit('trap executed')\n", "") + 'bind = "127.0.0.1:9123"\nworkers = 2\n'
    root = _write(tmp_path / "proj", {
        "gunicorn.conf.py": config,
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "Dockerfile": 'FROM python\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n',
    })
    outputs = []
    for argv in RUNS:
        proc = _run(root, *argv)
        outputs.append(proc)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert not marker.exists(), argv
    # the config was read (with ast): its loopback bind inside the container is reported
    proc = outputs[0]
    assert "FDP005" in proc.stdout and "127.0.0.1:9123" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system"])
def test_yaml_python_tags_do_not_execute(tmp_path, tag):
    marker = tmp_path / "MARKER"
    compose = f"services:\n  web:\n    build: .\n    command: {tag} [\"touch {marker}\"]\n"
    if tag.startswith("!!python/name"):
        compose = f"services:\n  web:\n    build: .\n    command: {tag} ''\n"
    root = _write(tmp_path / "proj", {"docker-compose.yml": compose,
                                      "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    proc = _run(root, "-m", "flake8_flask_deploy.cli", "check", ".")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert not marker.exists()
    # the unsafe tag is refused, and said so
    assert "warning: docker-compose.yml: " in proc.stderr, proc.stderr
    proc = _run(root, "-m", "flake8_flask_deploy.cli", "fix", "--unsafe-fixes", ".")
    assert "Traceback" not in proc.stderr and not marker.exists()


def test_no_network_during_check_and_fix(tmp_path, monkeypatch):
    """Run check and fix in-process with every way of opening a connection made to raise."""
    root = _write(tmp_path / "proj", {
        "app.py": "from flask import Flask\napp = Flask(__name__)\n\nif __name__ == '__main__':\n"
                  "    app.run(debug=True)\n",
        "Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n',
        "docker-compose.yml": "services:\n  web:\n    build: .\n    ports: ['5000:5000']\n",
        "Procfile": "web: flask run\n",
        "nginx.conf": "server {\n  listen 80;\n  location / { proxy_pass http://web:5000; }\n}\n",
    })
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse("socket", *args)

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    monkeypatch.chdir(root)
    engine.clear_caches()
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        check_status = cli.main(["check", "."])
        fix_status = cli.main(["fix", "--unsafe-fixes", "."])
    engine.clear_caches()
    assert attempts == []
    assert check_status == 1 and "FDP005" in out.getvalue(), out.getvalue()
    assert fix_status in (0, 1)


def _outside_project(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text('FROM python\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n')
    (outside / "docker-compose.yml").write_text("services:\n  web:\n    build: .\n    command: python app.py\n")
    return outside


# guarded app.run(): a finding only if a deployment file runs ``python app.py`` in a container
GUARDED = "from flask import Flask\napp = Flask(__name__)\n\nif __name__ == '__main__':\n    app.run()\n"


def test_symlinked_folder_out_of_the_root_is_not_followed(tmp_path):
    outside = _outside_project(tmp_path)
    root = _write(tmp_path / "proj", {"app.py": GUARDED})
    os.symlink(outside, root / "deploy")
    proc = _run(root, "-m", "flake8_flask_deploy.cli", "check", ".")
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr
    engine.clear_caches()
    context = engine.context_for(str(root / "app.py"))
    assert not any(str(outside) in p or "deploy" in p for p in context.files), context.files
    # control: the same Dockerfile copied inside the root is read and gives findings
    (root / "Dockerfile").write_text((outside / "Dockerfile").read_text())
    proc = _run(root, "-m", "flake8_flask_deploy.cli", "check", ".")
    assert "FDP005" in proc.stdout, proc.stdout + proc.stderr


def test_symlinked_file_out_of_the_root_is_not_read(tmp_path):
    outside = _outside_project(tmp_path)
    root = _write(tmp_path / "proj", {"app.py": GUARDED})
    os.symlink(outside / "Dockerfile", root / "Dockerfile")
    proc = _run(root, "-m", "flake8_flask_deploy.cli", "check", ".")
    assert "FDP005" not in proc.stdout, proc.stdout


def test_symlinked_python_folder_out_of_the_root_is_not_walked(tmp_path):
    marker_dir = tmp_path / "elsewhere"
    marker_dir.mkdir()
    (marker_dir / "bad.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")
    root = _write(tmp_path / "proj", {"app.py": GUARDED})
    os.symlink(marker_dir, root / "linked")
    proc = _run(root, "-m", "flake8_flask_deploy.cli", "check", ".")
    assert "bad.py" not in proc.stdout + proc.stderr, proc.stdout
