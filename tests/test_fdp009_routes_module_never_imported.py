"""FDP009 routes-module-never-imported: the seed-000 layout and its variants on disk."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from issue8_helpers import findings, project

INIT = "from flask import Flask\n\napp = Flask(__name__)\n"
ROUTES = "from blog import app\n\n\n@app.route('/')\ndef home():\n    return 'home'\n"


def flagged(root: Path):
    return sorted((Path(f.path).relative_to(root.resolve()).as_posix(), f.line) for f in findings(root, "FDP009"))


def test_seed_000_without_the_import_at_the_end(tmp_path: Path) -> None:
    root = project(tmp_path, {"blog/__init__.py": INIT, "blog/routes.py": ROUTES,
                              "run.py": "from blog import app\n"})
    assert flagged(root) == [("blog/routes.py", 1)]
    message = findings(root, "FDP009")[0].message
    assert "1 route on the app `app` from blog/__init__.py" in message


IMPORTED = {
    "end-of-init": {"blog/__init__.py": INIT + "from blog import routes  # noqa: E402,F401\n"},
    "relative": {"blog/__init__.py": INIT + "from . import routes  # noqa\n"},
    "dotted": {"blog/__init__.py": INIT, "wsgi.py": "import blog.routes\nfrom blog import app\n"},
    "in-factory-module": {"blog/__init__.py": INIT + "def setup():\n    from blog import routes  # noqa\n"},
    "from-import-of-a-view": {"blog/__init__.py": INIT, "run.py": "from blog.routes import home\n"},
}


@pytest.mark.parametrize("case", sorted(IMPORTED))
def test_imported(case: str, tmp_path: Path) -> None:
    files = {"blog/routes.py": ROUTES, **IMPORTED[case]}
    root = project(tmp_path, files)
    assert flagged(root) == []


NOT_FLAGGED = {
    "script": {"blog/__init__.py": INIT, "blog/routes.py": ROUTES + "if __name__ == '__main__':\n    app.run()\n"},
    "entry-name": {"blog/__init__.py": INIT, "blog/wsgi.py": ROUTES},
    "served-by-procfile": {"blog/__init__.py": INIT, "blog/routes.py": ROUTES,
                           "Procfile": "web: gunicorn blog.routes:app\n"},
    "named-by-deployment": {"blog/__init__.py": INIT, "blog/routes.py": ROUTES, ".flaskenv": "FLASK_APP=blog.routes\n"},
    "loaded-by-name": {"blog/__init__.py": INIT + "import importlib\nimportlib.import_module('blog.routes')\n",
                       "blog/routes.py": ROUTES},
    "found-by-a-loader-in-the-package": {
        "blog/__init__.py": INIT + "from werkzeug.utils import find_modules, import_string\n"
                            "for name in find_modules(__name__):\n    import_string(name)\n",
        "blog/routes.py": ROUTES},
    "not-an-app": {"blog/__init__.py": "class Router:\n    def route(self, p):\n        return lambda f: f\n"
                   "app = Router()\n", "blog/routes.py": ROUTES},
    "blueprint-own-module": {"blog/__init__.py": INIT, "blog/routes.py": "from flask import Blueprint\n"
                             "bp = Blueprint('b', __name__)\n@bp.route('/')\ndef h():\n    return ''\n"},
    "test-file": {"blog/__init__.py": INIT, "tests/test_routes.py": ROUTES},
}


@pytest.mark.parametrize("case", sorted(NOT_FLAGGED))
def test_not_flagged(case: str, tmp_path: Path) -> None:
    root = project(tmp_path, NOT_FLAGGED[case])
    assert flagged(root) == []


def test_an_unrelated_importlib_use_does_not_silence_it(tmp_path: Path) -> None:
    root = project(tmp_path, {"blog/__init__.py": INIT, "blog/routes.py": ROUTES,
                              "version.py": "import importlib.metadata\nV = importlib.metadata.version('blog')\n",
                              "plugins/load.py": "import importlib\ndef load(n):\n    return importlib.import_module(n)\n"})
    assert flagged(root) == [("blog/routes.py", 1)]


def test_imported_only_by_tests_is_still_a_finding(tmp_path: Path) -> None:
    root = project(tmp_path, {"blog/__init__.py": INIT, "blog/routes.py": ROUTES,
                              "tests/test_routes.py": "import blog.routes\n"})
    assert flagged(root) == [("blog/routes.py", 1)]


def test_routes_on_an_imported_blueprint(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "app/__init__.py": "from flask import Flask\napp = Flask(__name__)\nfrom app.main import bp\n"
                           "app.register_blueprint(bp)\n",
        "app/main/__init__.py": "from flask import Blueprint\nbp = Blueprint('main', __name__)\n",
        "app/main/routes.py": "from app.main import bp\n@bp.route('/')\ndef index():\n    return ''\n",
    })
    assert flagged(root) == [("app/main/routes.py", 1)]
    assert "the blueprint `bp` from app/main/__init__.py" in findings(root, "FDP009")[0].message


def test_flake8_output(tmp_path: Path) -> None:
    root = project(tmp_path, {"blog/__init__.py": INIT, "blog/routes.py": ROUTES})
    out = subprocess.run([sys.executable, "-m", "flake8", "--select=FDP", "blog/routes.py"], capture_output=True,
                         text=True, cwd=root)
    assert out.stdout.startswith("blog/routes.py:1:1: FDP009 1 route on the app `app`"), out.stdout + out.stderr


def test_named_by_a_gunicorn_config_string(tmp_path: Path) -> None:
    root = project(tmp_path, {"blog/__init__.py": INIT, "blog/routes.py": ROUTES,
                              "gunicorn.conf.py": "wsgi_app = 'blog.routes:app'\nbind = '0.0.0.0:8000'\n"})
    assert flagged(root) == []
