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
