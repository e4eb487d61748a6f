"""FDP010 duplicate-endpoint: the three ways two views end up under one endpoint, and the noops."""
from __future__ import annotations

from pathlib import Path

import pytest

from issue8_helpers import findings, project

HEAD = "import functools\nfrom flask import Flask, Blueprint\napp = Flask(__name__)\nbp = Blueprint('b', __name__)\n"


def lines(root: Path):
    return [(Path(f.path).name, f.line) for f in findings(root, "FDP010")]


DECO = ("def plain(f):\n    def wrapper(*a, **k):\n        return f(*a, **k)\n    return wrapper\n"
        "def wrapped(f):\n    @functools.wraps(f)\n    def wrapper(*a, **k):\n        return f(*a, **k)\n"
        "    return wrapper\n"
        "def factory(role):\n    def decorator(f):\n        def inner(*a, **k):\n            return f(*a, **k)\n"
        "        return inner\n    return decorator\n")

FLAGGED = {
    "same-name": "@app.route('/a')\ndef v():\n    pass\n@app.route('/b')\ndef v():\n    pass\n",
    "same-endpoint": ("@app.route('/a', endpoint='x')\ndef v():\n    pass\n@app.route('/b', endpoint='x')\n"
                      "def w():\n    pass\n"),
    "wrapper-without-wraps": "@app.route('/a')\n@plain\ndef v():\n    pass\n@app.route('/b')\n@plain\ndef w():\n    pass\n",
    "decorator-factory": ("@bp.route('/a')\n@factory('x')\ndef v():\n    pass\n@bp.route('/b')\n@factory('y')\n"
                          "def w():\n    pass\n"),
    "add-url-rule": "def v():\n    pass\ndef w():\n    pass\napp.add_url_rule('/a', 'x', v)\napp.add_url_rule('/b', 'x', w)\n",
    "blueprint": "@bp.get('/a')\ndef v():\n    pass\n@bp.post('/b')\ndef v():\n    pass\n",
}


@pytest.mark.parametrize("case", sorted(FLAGGED))
def test_flagged(case: str, tmp_path: Path) -> None:
    source = HEAD + DECO + FLAGGED[case]
    root = project(tmp_path, {"app.py": source})
    got = lines(root)
    assert len(got) == 1, got
    line = source.splitlines()[got[0][1] - 1]
    assert line.lstrip().startswith(("@app.", "@bp.", "app.add_url_rule", "bp.add_url_rule")), line


NOT_FLAGGED = {
    "stacked-routes": "@app.route('/a')\n@app.route('/b')\ndef v():\n    pass\n",
    "wraps": "@app.route('/a')\n@wrapped\ndef v():\n    pass\n@app.route('/b')\n@wrapped\ndef w():\n    pass\n",
    "different-objects": "@app.route('/a')\ndef v():\n    pass\n@bp.route('/b')\ndef v():\n    pass\n",
    "endpoint-disambiguates": "@app.route('/a')\ndef v():\n    pass\n@app.route('/b', endpoint='v2')\ndef v():\n    pass\n",
    "one-view-twice": "def v():\n    pass\napp.add_url_rule('/a', view_func=v)\napp.add_url_rule('/b', view_func=v)\n",
    "alternatives": ("import os\nif os.environ.get('X'):\n    @app.route('/a')\n    def v():\n        pass\nelse:\n"
                     "    @app.route('/a')\n    def v():\n        pass\n"),
    "separate-factories": ("def one():\n    a = Flask(__name__)\n    @a.route('/')\n    def v():\n        pass\n"
                           "def two():\n    a = Flask(__name__)\n    @a.route('/')\n    def v():\n        pass\n"),
    "unknown-decorator": ("from somewhere import deco\n@app.route('/a')\n@deco\ndef v():\n    pass\n"
                          "@app.route('/b')\n@deco\ndef w():\n    pass\n"),
    "options": "@app.route('/a', **opts)\ndef v():\n    pass\n@app.route('/b', **opts)\ndef v():\n    pass\n",
    "not-flask": "@router.get('/a')\ndef v():\n    pass\n@router.get('/b')\ndef v():\n    pass\n",
}


@pytest.mark.parametrize("case", sorted(NOT_FLAGGED))
def test_not_flagged(case: str, tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": HEAD + DECO + NOT_FLAGGED[case]})
    assert lines(root) == []


def test_test_files_are_not_judged(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/test_app.py": HEAD + FLAGGED["same-name"]})
    assert findings(root, "FDP010") == []


def test_same_app_imported_in_a_views_module(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "blog/__init__.py": "from flask import Flask\napp = Flask(__name__)\nfrom blog import views\n",
        "blog/views.py": "from blog import app\n@app.route('/')\ndef home():\n    pass\n@app.route('/h')\ndef home():\n"
                         "    pass\n",
    })
    assert lines(root) == [("views.py", 5)]


def test_two_views_modules_on_one_blueprint(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "from flask import Flask\napp = Flask(__name__)\nfrom app.main import bp\n"
                           "app.register_blueprint(bp)\n",
        "app/main/__init__.py": "from flask import Blueprint\nbp = Blueprint('main', __name__)\n"
                                "from app.main import pages, search  # noqa\n",
        "app/main/pages.py": "from app.main import bp\n@bp.route('/')\ndef index():\n    pass\n",
        "app/main/search.py": "from app.main import bp\n\n@bp.route('/search')\ndef index():\n    pass\n",
    }
    root = project(tmp_path, files)
    got = findings(root, "FDP010")
    assert [(Path(f.path).name, f.line) for f in got] == [("pages.py", 2)]
    assert "also taken by `index` in app/main/search.py:3" in got[0].message
    # when one of the two modules is never imported, Flask never sees the second view
    files["app/main/__init__.py"] = files["app/main/__init__.py"].replace("pages, search", "pages")
    root = project(tmp_path, files)
    assert findings(root, "FDP010") == []


def test_views_module_and_the_package_that_defines_the_app(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "blog/__init__.py": "from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef home():\n    pass\n"
                            "from blog import views  # noqa\n",
        "blog/views.py": "from blog import app\n@app.route('/home')\ndef home():\n    pass\n",
    })
    assert [(Path(f.path).name, f.line) for f in findings(root, "FDP010")] == [("views.py", 2)]
