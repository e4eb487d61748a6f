"""``fix PATH...`` edits only files under the paths given (issue 23), unless ``--deployment`` (or
``fix-deployment = true``) lets the deployment rewrites edit the project's deployment files; the
report says, in one line, what was left out and what to run. Real project trees in ``tmp_path``."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict

from flake8_flask_deploy.fix_run import fix_paths

APP = ('from flask import Flask\n\napp = Flask(__name__)\napp.debug = True\n\n'
       'if __name__ == "__main__":\n    app.run(port=8000)\n')
DOCKERFILE = 'FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n'
ROUTES = 'from app import app\n\n\n@app.route("/about")\ndef about():\n    return "about"\n'


def tree(root: Path) -> Dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def make(tmp_path: Path, files: Dict[str, str]) -> Path:
    root = tmp_path / "proj"
    for name, text in {"pyproject.toml": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_one_python_file_edits_nothing_else(tmp_path):
    """The pre-commit fix hook passes the staged files: given app.py, only app.py changes."""
    root = make(tmp_path, {"app.py": APP, "Dockerfile": DOCKERFILE, "requirements.txt": "flask\n"})
    before = tree(root)
    result = cli("fix", "--unsafe-fixes", "app.py", cwd=root)
    assert result.returncode == 1, result.stderr
    after = tree(root)
    assert {name for name in before if before[name] != after[name]} == {"app.py"}
    assert ("1 fix not applied: it edits Dockerfile, requirements.txt, outside the paths given; to apply: "
            "flake8-flask-deploy fix --unsafe-fixes --deployment app.py") in result.stdout
    # idempotent: a second run changes nothing and says the same
    again = cli("fix", "--unsafe-fixes", "app.py", cwd=root)
    assert again.returncode == 0 and tree(root) == after
    assert "--deployment app.py" in again.stdout


def test_safe_fixes_of_one_file_say_nothing_about_deployment(tmp_path):
    root = make(tmp_path, {"app.py": APP, "Dockerfile": DOCKERFILE, "requirements.txt": "flask\n"})
    result = cli("fix", "app.py", cwd=root)
    assert result.returncode == 1
    assert "not applied" not in result.stdout and "with --unsafe-fixes" in result.stdout
    assert (root / "Dockerfile").read_text() == DOCKERFILE


def test_deployment_flag_and_option_allow_the_deployment_files(tmp_path):
    root = make(tmp_path, {"app.py": APP, "Dockerfile": DOCKERFILE, "requirements.txt": "flask\n"})
    result = cli("fix", "--unsafe-fixes", "--deployment", "app.py", cwd=root)
    assert result.returncode == 1, result.stderr
    assert 'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]' in (root / "Dockerfile").read_text()
    assert (root / "requirements.txt").read_text() == "flask\ngunicorn\n"
    assert "not applied" not in result.stdout

    other = make(tmp_path / "b", {"app.py": APP, "Dockerfile": DOCKERFILE, "requirements.txt": "flask\n"})
    (other / "pyproject.toml").write_text("[tool.flake8-flask-deploy]\nunsafe-fixes = true\nfix-deployment = true\n")
    assert cli("fix", "app.py", cwd=other).returncode == 1
    assert (other / "requirements.txt").read_text() == "flask\ngunicorn\n"
    assert cli("fix", "app.py", cwd=other).returncode == 0  # idempotent


def test_the_project_folder_holds_its_deployment_files(tmp_path):
    root = make(tmp_path, {"app.py": APP, "Dockerfile": DOCKERFILE, "requirements.txt": "flask\n"})
    report = fix_paths([str(root)], unsafe=True)
    assert not report.outside
    assert {Path(p).name for p in report.changed} == {"app.py", "Dockerfile", "requirements.txt"}


def test_the_dockerfile_alone_does_not_reach_its_requirements(tmp_path):
    """``fix Dockerfile``: the Dockerfile is in scope, the requirements file it installs is not; the
    rewrite needs both (gunicorn in the CMD without gunicorn installed would not start), so it is
    left out whole."""
    root = make(tmp_path, {"app.py": APP, "Dockerfile": DOCKERFILE, "requirements.txt": "flask\n"})
    before = tree(root)
    report = fix_paths([str(root / "Dockerfile")], unsafe=True)
    assert tree(root) == before
    assert [(Path(p).name, code, tuple(Path(f).name for f in files)) for p, _, code, files in report.outside] == [
        ("Dockerfile", "FDP004", ("requirements.txt",))]


def test_fdp009_import_into_another_module_needs_that_module_in_scope(tmp_path):
    root = make(tmp_path, {"app.py": 'from flask import Flask\n\napp = Flask(__name__)\n', "routes.py": ROUTES})
    result = cli("fix", "--unsafe-fixes", "routes.py", cwd=root)
    assert result.returncode == 0
    assert (root / "app.py").read_text() == 'from flask import Flask\n\napp = Flask(__name__)\n'
    assert ("1 fix not applied: it edits app.py, outside the paths given; to apply: "
            "flake8-flask-deploy fix --unsafe-fixes routes.py app.py") in result.stdout
    result = cli("fix", "--unsafe-fixes", "routes.py", "app.py", cwd=root)
    assert result.returncode == 1
    assert "import routes" in (root / "app.py").read_text()
    assert "not applied" not in result.stdout
