"""The pre-commit hooks, run by real pre-commit (``pre-commit try-repo``) on a temporary git repository.

pre-commit installs this repository's hooks with pip into an environment of its own (dependencies
come from PyPI): slow, so there are exactly two ``try-repo`` runs sharing one ``PRE_COMMIT_HOME``.
It runs only when ``FDP_NETWORK_TESTS=1`` is set (``.ci/run`` sets it); it is skipped too when
pre-commit or git is missing or this checkout is not a git repository.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / ".pre-commit-hooks.yaml"

BROKEN = '''\
from flask import Flask

app = Flask(__name__)
app.debug = True


@app.route("/")
def index():
    return "hello"
'''

FIXED = BROKEN.replace("app.debug = True\n", "")


def test_manifest_declares_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}
    assert set(hooks) == {"flask-deploy", "flask-deploy-fix"}
    assert hooks["flask-deploy"]["entry"] == "flake8-flask-deploy check"
    assert hooks["flask-deploy"]["pass_filenames"] is False  # the whole project: findings need its context
    assert hooks["flask-deploy-fix"]["entry"] == "flake8-flask-deploy fix"
    assert hooks["flask-deploy-fix"]["types"] == ["python"]
    import re

    pattern = re.compile(hooks["flask-deploy"]["files"])
    for name in ("app.py", "web/Dockerfile", "Dockerfile.prod", "docker-compose.yml", "compose.yaml", "Procfile",
                 "setup.cfg", "pyproject.toml"):
        assert pattern.search(name), name
    for name in ("README.md", "static/app.js", "requirements.txt", ".github/workflows/ci.yml", "docs/index.md"):
        assert not pattern.search(name), name


def test_hook_runs_when_any_deployment_file_changes() -> None:
    """Every file name the deployment readers read (one sample per glob) triggers the check hook."""
    import fnmatch
    import re

    from flake8_flask_deploy import deploy

    build = getattr(deploy, "build", None)
    globs = [g for g, _ in getattr(build, "FILE_KINDS", ())] or [g for g, _ in getattr(deploy, "READERS", ())]
    assert globs
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}
    pattern = re.compile(hooks["flask-deploy"]["files"])
    for glob in globs:
        sample = glob.replace("*", "prod")
        assert fnmatch.fnmatchcase(sample, glob)
        for path in (sample, f"deploy/{sample}"):
            assert pattern.search(path), (glob, path)
    for folder in getattr(build, "NGINX_DIRS", ()):
        assert pattern.search(f"etc/{folder}/mysite"), folder


def test_manifest_is_valid_for_pre_commit() -> None:
    pytest.importorskip("pre_commit")
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


network = pytest.mark.skipif(os.environ.get("FDP_NETWORK_TESTS") != "1",
                             reason="installs from PyPI; set FDP_NETWORK_TESTS=1 to run")


@network
def test_try_repo_fails_fixes_and_passes(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of this repository")
    work = tmp_path / "broken"
    work.mkdir()
    (work / "app.py").write_text(BROKEN)
    (work / "requirements.txt").write_text("flask\n")
    git(work, "init", "-q")
    git(work, "add", ".")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    env.pop("PRE_COMMIT", None)

    # a clone of the committed state: try-repo would otherwise mix in uncommitted edits of tracked files
    # without the untracked ones
    hooks_repo = tmp_path / "hooks-repo"
    subprocess.run(["git", "clone", "-q", str(REPO), str(hooks_repo)], check=True, capture_output=True)

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), "--all-files",
                               "--verbose"], cwd=work, env=env, capture_output=True, text=True, timeout=900)

    first = try_repo()
    out = first.stdout
    assert first.returncode == 1, out + first.stderr
    # the check hook fails and reports the finding; the fix hook fails because it changed app.py
    check_part = out.split("flask-deploy-fix (apply safe fixes)", 1)[0]
    assert "flask-deploy (Flask bugs that show when deployed)" in check_part and "Failed" in check_part, out
    assert "app.py:4:1: FDP003" in check_part, out
    assert "files were modified by this hook" in out, out
    assert (work / "app.py").read_text() == FIXED

    git(work, "add", ".")
    second = try_repo()
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("Passed") == 2, second.stdout
