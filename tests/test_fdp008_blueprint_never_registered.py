"""FDP008 blueprint-never-registered: registration through every path the index follows, and the
cases it deliberately leaves alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from issue8_helpers import findings, project

BP = "from flask import Blueprint\n\nbp = Blueprint('b', __name__)\n\n\n@bp.route('/')\ndef index():\n    return ''\n"


def flagged(root: Path):
    return sorted((Path(f.path).relative_to(root.resolve()).as_posix(), f.line) for f in findings(root, "FDP008"))


APP = "from flask import Flask\napp = Flask(__name__)\n"

REGISTERED = {
    "direct": "from views import bp\napp.register_blueprint(bp)\n",
    "alias": "from views import bp as views_bp\napp.register_blueprint(views_bp, url_prefix='/v')\n",
    "module-attribute": "import views\napp.register_blueprint(views.bp)\n",
    "keyword": "import views\napp.register_blueprint(blueprint=views.bp)\n",
    "loop-literal": "from views import bp\nfor b in [bp]:\n    app.register_blueprint(b)\n",
    "loop-constant": "from views import bp\nBLUEPRINTS = [bp]\nfor b in BLUEPRINTS:\n    app.register_blueprint(b)\n",
    "loop-enumerate-tuples": ("from views import bp\nfor i, (b, p) in enumerate([(bp, '/x')]):\n"
                              "    app.register_blueprint(b, url_prefix=p)\n"),
    "loop-modules": "import views\nfor m in (views,):\n    app.register_blueprint(m.bp)\n",
    "nested": ("from flask import Blueprint\nfrom views import bp\nparent = Blueprint('p', __name__)\n"
               "parent.register_blueprint(bp)\napp.register_blueprint(parent)\n"),
    "in-factory": ("def create_app():\n    from flask import Flask\n    a = Flask(__name__)\n"
                   "    from views import bp\n    a.register_blueprint(bp)\n    return a\n"),
    # we cannot follow a helper's parameter, and the blueprint is passed to it: assume registered
    "helper-parameter": ("from views import bp\ndef register(app, blueprints):\n    for b in blueprints:\n"
                         "        app.register_blueprint(b)\nregister(app, [bp])\n"),
}


@pytest.mark.parametrize("case", sorted(REGISTERED))
def test_registered(case: str, tmp_path: Path) -> None:
    root = project(tmp_path, {"views.py": BP, "app.py": APP + REGISTERED[case]})
    assert flagged(root) == []


def test_never_registered(tmp_path: Path) -> None:
    root = project(tmp_path, {"views.py": BP, "other.py": BP.replace("'b'", "'o'"),
                              "app.py": APP + "from other import bp\napp.register_blueprint(bp)\n"})
    assert flagged(root) == [("views.py", 3)]


def test_routes_added_from_another_module(tmp_path: Path) -> None:
    # the Flask Mega-Tutorial layout: bp in main/__init__.py, routes in main/routes.py
    root = project(tmp_path, {
        "main/__init__.py": "from flask import Blueprint\nbp = Blueprint('main', __name__)\nfrom main import routes\n",
        "main/routes.py": "from main import bp\n@bp.route('/')\ndef index():\n    return ''\n",
        "app.py": APP,
    })
    assert flagged(root) == [("main/__init__.py", 2)]


NOT_FLAGGED = {
    "no-routes": {"views.py": "from flask import Blueprint\nbp = Blueprint('static', __name__, static_folder='s')\n",
                  "app.py": APP},
    "library-without-app": {"views.py": BP},
    "test-file": {"tests/test_views.py": BP, "app.py": APP},
    "loaded-by-name": {"views.py": BP, "app.py": APP + "from werkzeug.utils import import_string\n"
                       "app.register_blueprint(import_string('views:bp'))\n"},
    "conditional-blueprint": {"views.py": "import os\nfrom flask import Blueprint\nif os.environ.get('X'):\n"
                              "    bp = Blueprint('b', __name__)\n    @bp.route('/')\n    def i():\n        return ''\n",
                              "app.py": APP},
}


@pytest.mark.parametrize("case", sorted(NOT_FLAGGED))
def test_not_flagged(case: str, tmp_path: Path) -> None:
    root = project(tmp_path, NOT_FLAGGED[case])
    assert flagged(root) == []


def test_star_import_counts_as_a_use(tmp_path: Path) -> None:
    root = project(tmp_path, {"views.py": BP, "app.py": APP + "from views import *  # noqa\n"
                              "def setup(a, b):\n    a.register_blueprint(b)\nsetup(app, globals()['bp'])\n"})
    assert flagged(root) == []


def test_registered_by_name_with_getattr(tmp_path: Path) -> None:
    root = project(tmp_path, {"views.py": BP, "app.py": APP + "import views\nfor name in ('bp',):\n"
                              "    app.register_blueprint(getattr(views, name))\n"})
    assert flagged(root) == []


def test_a_registration_commented_out_is_switched_off_on_purpose(tmp_path: Path) -> None:
    """``# app.register_blueprint(webhook)``: the author turned the blueprint off, it is not forgotten
    (urlwatch-proxies' flaskapp.py:48-51 comments out the import and the registration together);
    another blueprint of the module without such a comment is still reported."""
    app = ("from flask import Flask\n\napp = Flask(__name__)\n\n# from webhook import webhook\n"
           "#    app.register_blueprint(webhook, url_prefix='/hook')\n")
    views = ("from flask import Blueprint\n\nwebhook = Blueprint('webhook', __name__)\n"
             "other = Blueprint('other', __name__)\n\n\n@webhook.route('/')\ndef hook():\n    return ''\n\n\n"
             "@other.route('/o')\ndef o():\n    return ''\n")
    root = project(tmp_path, {"app.py": app, "webhook.py": views})
    assert [(f.line, f.message.split("`")[1]) for f in findings(root, "FDP008")] == [(4, "other")]
