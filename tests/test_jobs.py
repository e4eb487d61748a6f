"""flake8 ``--jobs 2`` reports exactly the findings of ``--jobs 1``.

flake8 runs plugins in worker processes when ``--jobs`` > 1; every per-process cache of ours
(project roots, module facts, deployment contexts) is rebuilt in each worker, so the findings must
not depend on which worker saw which file first. The project used mixes every kind of cross-file
fact: an app imported from another module, a Dockerfile and Procfile launching it, a blueprint
module, a module nothing imports, plus the repository's own examples.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_flask_deploy.session import current

REPO = Path(__file__).resolve().parent.parent
FILES = {
    "pyproject.toml": "[project]\nname = 'jobs'\n",
    "Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "web/app.py"]\n',
    "Procfile": "web: gunicorn web.wsgi:app\nworker: python tasks.py\n",
    "web/__init__.py": "",
    "web/app.py": "from flask import Flask\nfrom web.views import bp\n\napp = Flask(__name__)\n"
                  "app.secret_key = 'hardcoded'\n\nif __name__ == '__main__':\n"
                  "    app.register_blueprint(bp)\n    app.run(debug=True)\n",
    "web/wsgi.py": "from web.app import app\n\napp = Flask(__name__)\napp.run()\n",
    "web/views.py": "from flask import Blueprint\n\nbp = Blueprint('views', __name__)\n"
                    "lost = Blueprint('lost', __name__)\n\n\n"
                    "@bp.route('/')\ndef index():\n    return 'hi'\n\n\n@lost.route('/x')\ndef x():\n    return 'x'\n",
    "web/extra.py": "from web.app import app\n\n\n@app.route('/extra')\ndef extra():\n    return 'e'\n",
    "tasks.py": "from flask import Flask\napp = Flask(__name__)\napp.run(host='127.0.0.1', debug=True)\n",
}


def _flake8(root: Path, jobs: int) -> list:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "FDP", "--jobs", str(jobs), "."],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return sorted(proc.stdout.splitlines())


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    examples = REPO / "examples"
    if examples.is_dir():
        for example in sorted(examples.iterdir()):
            if example.is_dir():
                shutil.copytree(example, tmp_path / "examples" / example.name)
    return tmp_path


def test_jobs_two_equals_jobs_one(tree):
    one = _flake8(tree, 1)
    two = _flake8(tree, 2)
    assert one == two
    # the tree must actually produce cross-file findings, or the comparison proves nothing
    codes = {line.split(": ", 1)[1].split()[0] for line in one}
    assert len(one) >= 8 and {"FDP002", "FDP003", "FDP004"} <= codes, one
    assert any(line.startswith("./web/") for line in one) and any(line.startswith("./examples/") for line in one)


def test_check_jobs_two_equals_jobs_one(tree):
    """``check --jobs 2`` hands workers whole projects (six here): the same findings and warnings,
    in the same order, as one process."""
    from flake8_flask_deploy import engine
    from flake8_flask_deploy.cli import check_paths

    engine.clear_caches()
    one = check_paths([str(tree)], jobs=1)
    engine.clear_caches()
    two = check_paths([str(tree)], jobs=2)
    assert [(f.path, f.line, f.code, f.message) for f in one.findings] == \
           [(f.path, f.line, f.code, f.message) for f in two.findings]
    assert one.warnings == two.warnings and one.files == two.files
    # findings in at least three of the projects (web/ at the top, two examples), or this proves little
    assert len({f.path.split("/examples/")[-1].split("/")[0] for f in one.findings}) >= 3


def test_tasks_keep_projects_together_and_split_only_a_large_one():
    from flake8_flask_deploy.cli import _tasks

    roots = ["/a"] * 3 + ["/b"] * 10 + ["/c"] * 2 + ["/a"]
    tasks = _tasks(roots, 2)
    # /a and /c stay whole (in file order); /b has more than half of the 16 files: cut into pieces
    # of 16 // (2 x 4) = 2; the largest task first
    assert tasks == [[0, 1, 2, 15], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14]]
    # one project on two workers: pieces, as flake8 chunks its pool (9 // 8 = 1 file each)
    assert _tasks(["/a"] * 9, 2) == [[i] for i in range(9)]
    assert _tasks(["/a"] * 40, 4) == [list(range(i, i + 2)) for i in range(0, 40, 2)]


def _project(root: Path, name: str) -> Path:
    folder = root / name
    (folder / "pkg").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
    (folder / "pkg" / "__init__.py").write_text("from flask import Flask\napp = Flask(__name__)\nfrom pkg import views\n")
    (folder / "pkg" / "views.py").write_text("from pkg import app\n\n\n@app.route('/')\ndef home():\n    return ''\n")
    (folder / "pkg" / "lost.py").write_text(
        "from flask import Blueprint\nbp = Blueprint('lost', __name__)\n\n\n@bp.route('/x')\ndef x():\n    return ''\n")
    return folder


def test_a_process_keeps_the_caches_of_one_project_at_a_time(tmp_path: Path):
    """Moving on to another project drops the index, scans and facts of the one left; a project that
    comes back is rebuilt with the same findings, and from then on two projects are kept."""
    import ast

    from flake8_flask_deploy import engine

    engine.clear_caches()
    a, b = _project(tmp_path, "a"), _project(tmp_path, "b")

    def lint(path: Path) -> list:
        return [(f.code, f.line) for f in engine.analyze_module(ast.parse(path.read_text()), str(path))]

    first = lint(a / "pkg" / "lost.py")
    assert ("FDP008", 2) in first
    root_a, root_b = str(a.resolve()), str(b.resolve())
    assert root_a in current().cache("index.indexes", "project") and any(p.startswith(root_a + "/") for p in current().cache("index.scans", "file"))
    assert lint(b / "pkg" / "lost.py") == first
    assert root_a not in current().cache("index.indexes", "project") and root_b in current().cache("index.indexes", "project")
    for cache in (current().cache("index.scans", "file"), current().cache("index.imports", "file"), current().cache("project.facts", "file")):
        assert not any(p.startswith(root_a + "/") for p in cache)
    # back to a: rebuilt, same answer, and now both projects stay
    assert lint(a / "pkg" / "lost.py") == first
    assert lint(b / "pkg" / "views.py") == lint(b / "pkg" / "views.py")
    assert {root_a, root_b} <= set(current().cache("index.indexes", "project"))
    engine.clear_caches()


def test_a_nested_project_keeps_its_caches_when_the_outer_one_is_left(tmp_path: Path):
    import ast

    from flake8_flask_deploy import engine

    engine.clear_caches()
    outer = _project(tmp_path, "outer")
    inner = _project(outer, "inner")
    other = _project(tmp_path, "other")
    engine.enter_project(str(inner.resolve()))
    path = inner / "pkg" / "lost.py"
    engine.analyze_module(ast.parse(path.read_text()), str(path))
    inner_root = str(inner.resolve())
    assert inner_root in current().cache("index.indexes", "project")
    # forgetting the outer project while the inner one is kept leaves the inner one's caches
    current().projects_kept = 2
    engine.enter_project(str(outer.resolve()))
    engine.enter_project(str(other.resolve()))  # leaves inner (entered first): dropped
    assert inner_root not in current().cache("index.indexes", "project")
    engine.clear_caches()
    current().projects_kept = 2
    engine.enter_project(str(outer.resolve()))
    engine.analyze_module(ast.parse(path.read_text()), str(path))  # enters inner: outer and inner kept
    engine.enter_project(str(other.resolve()))  # leaves outer, keeps inner
    assert inner_root in current().cache("index.indexes", "project")
    assert any(p.startswith(inner_root + "/") for p in current().cache("index.scans", "file"))
    engine.clear_caches()
