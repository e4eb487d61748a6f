"""What ``fix`` parses: only what ``check`` would, and not the whole project again per fixed file.

Counted, not timed (timings belong to ``benchmarks/``): the fixer once cleared every cache after
each fixed file, so the project index re-parsed every module of the project once per fix, and the
modules no rule can concern were parsed before the text test ran.
"""
from __future__ import annotations

import ast
import collections
import os
from pathlib import Path

import pytest

from flake8_flask_deploy import engine
from flake8_flask_deploy.fix_run import fix_paths
from issue8_helpers import project

DEBUG_APP = 'from flask import Flask\n\napp = Flask(__name__)\napp.debug = True\n'
FIXED_DEBUG_APP = 'from flask import Flask\n\napp = Flask(__name__)\n'
PACKAGE = {
    "blog/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n\nfrom blog import views, admin  # noqa: E402,F401\n",
    "blog/views.py": "from blog import app\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n",
    "blog/admin.py": "from blog import app\n\n\n@app.route('/admin')\ndef admin():\n    return 'admin'\n",
    "blog/models.py": "class Post:\n    title = ''\n",
    # an F401 fixer, so that FDP013 runs too (and with it the scan of each linted module's tree)
    ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/hadialqattan/pycln\n    rev: v2.4.0\n"
                               "    hooks:\n      - id: pycln\n        args: [--all]\n",
}


def make(tmp_path: Path, files: dict) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    return project(root, files)


@pytest.fixture
def parses(monkeypatch):
    """Count ``ast.parse`` calls per file name while the test runs."""
    counts: collections.Counter = collections.Counter()
    original = ast.parse

    def counting(source, filename="<unknown>", *args, **kwargs):
        counts[os.path.basename(str(filename)) if filename != "<unknown>" else filename] += 1
        return original(source, filename, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting)
    engine.clear_caches()
    yield counts
    engine.clear_caches()


@pytest.mark.parametrize("write", [True, False], ids=["write", "diff"])
def test_unfixed_modules_are_not_parsed_again_for_each_fixed_file(tmp_path, parses, write):
    fixed = {f"svc{i}.py": DEBUG_APP for i in range(4)}
    root = make(tmp_path, {**PACKAGE, **fixed})
    report = fix_paths([str(root)], write=write)
    assert sorted(os.path.basename(a.path) for a in report.applied) == sorted(fixed)
    if write:
        assert all((root / name).read_text() == FIXED_DEBUG_APP for name in fixed)
    # each route module is read by the index and linted: a few parses at most, not one per fix
    for name in ("views.py", "admin.py", "__init__.py"):
        assert 1 <= parses[name] <= 2, (name, parses)


def test_a_module_no_rule_can_concern_is_not_parsed(tmp_path, parses):
    root = make(tmp_path, {**PACKAGE, "svc.py": DEBUG_APP})
    report = fix_paths([str(root)], write=False)
    assert [os.path.basename(a.path) for a in report.applied] == ["svc.py"]
    assert parses["models.py"] == 0, parses
