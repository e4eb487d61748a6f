"""``check --show-fixes PATH`` marks exactly what ``fix PATH`` then changes (issue 23).

``fix PATH`` edits only files under PATH, and the project's deployment files too with
``fix-deployment = true`` (``FixScope``); ``check`` with the same paths and configuration marks the
same findings (``Session.fix_scope``, read by ``fix_safety``). A deployment rewrite left out of the
scope is not marked, as ruff marks only what ``ruff check --fix`` with the same files would change.

Real project trees (the before/ trees of tests/fixes) in ``tmp_path``, run through the CLI in
process: for each tree, each path (the folder, each Python file) and both values of
``fix-deployment``, the marked findings (counted per code and file: lines move) are the ones that
``fix`` with the same path removes.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import List

import pytest

from flake8_flask_deploy import cli
from flake8_flask_deploy.fix_safety import mark_fixable
from flake8_flask_deploy.fixable import FixScope

CASES = Path(__file__).parent / "fixes"
#: Trees whose fixes reach other files: deployment rewrites (Dockerfile, compose, Procfile, and the
#: requirements/pyproject that install gunicorn), FDP009's import in the app's module, FDP011's
#: ProxyFix for an nginx site, and plain module fixes.
TREES = [
    "fdp004_dockerfile_python_unsafe", "fdp004_compose_flask_run_unsafe", "fdp004_procfile_flask_run_unsafe",
    "fdp004_pip_install_project_unsafe", "fdp005_gunicorn_bind_unsafe", "fdp009_package_init_unsafe",
    "fdp009_src_layout_unsafe", "fdp011_module_app_unsafe", "fdp001_routes_move_safe",
    "noop_fdp009_unsafe_needs_flag", "noop_fdp004_hashed_requirements", "fdp006_uncalled_factory_unsafe",
    "fdp006_one_app_unsafe", "fdp012_port_unsafe",
]


def _run(args: List[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        cli.main(args)
    return out.getvalue()


def _tree(case: str, where: Path, deployment: bool) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(CASES / case / "before", where)
    config = where / "pyproject.toml"
    text = config.read_text() if config.exists() else ""
    config.write_text(text + "\n[tool.flake8-flask-deploy]\nunsafe-fixes = true\n"
                      + ("fix-deployment = true\n" if deployment else ""))
    return where


def _findings(target: str) -> Counter:
    """``Counter`` of ``(code, path, fixable)`` of ``check --format json target`` (json marks fixable)."""
    data = json.loads(_run(["check", "--format", "json", target]) or '{"findings": []}')
    return Counter((f["code"], f["path"], f["fixable"]) for f in data["findings"])


@pytest.mark.parametrize("case", TREES)
def test_check_marks_what_fix_with_the_same_paths_changes(case: str, tmp_path: Path, monkeypatch) -> None:
    sample = _tree(case, tmp_path / "sample", False)
    targets = ["."] + sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.py"))
    for deployment in (False, True):
        for n, target in enumerate(targets):
            root = _tree(case, tmp_path / f"{int(deployment)}-{n}", deployment)
            monkeypatch.chdir(root)
            before = _findings(target)
            marked = Counter({(code, path): k for (code, path, fixable), k in before.items() if fixable})
            _run(["fix", target])
            after = Counter({(code, path): k for (code, path, _), k in _findings(target).items()})
            removed = Counter({(code, path): k for (code, path, _), k in before.items()}) - after
            assert marked == removed, (target, deployment)


def test_a_deployment_rewrite_outside_the_paths_is_not_marked(tmp_path: Path, monkeypatch) -> None:
    """``check app.py``: the Dockerfile's ``python app.py`` -> gunicorn rewrite edits Dockerfile and
    requirements.txt, outside the path; it is marked only with ``fix-deployment = true`` (and for an
    explicit scope with ``deployment``), like ``fix app.py``."""
    root = _tree("fdp004_dockerfile_python_unsafe", tmp_path / "p", False)
    monkeypatch.chdir(root)
    marked = {(c, p) for (c, p, fixable) in _findings("app.py") if fixable}
    assert ("FDP004", "app.py") not in marked and ("FDP004", "Dockerfile") not in marked
    assert ("FDP005", "app.py") in marked  # app.run(host=...) is in app.py: fix app.py does it
    # one problem, one finding: the Dockerfile line is the app.py finding's related location
    assert {(c, p) for (c, p, fixable) in _findings(".") if fixable} >= {("FDP004", "app.py")}

    findings = cli.check_paths([str(root / "app.py")]).findings
    narrow = mark_fixable(findings, [str(root / "app.py")], scope=FixScope.of([str(root / "app.py")]))
    wide = mark_fixable(findings, [str(root / "app.py")], scope=FixScope.of([str(root / "app.py")], True))
    assert [f.code for f in narrow if f.fixable and f.code == "FDP004"] == []
    assert {f.path for f in wide if f.fixable and f.code == "FDP004"} == {str(root / "app.py")}
