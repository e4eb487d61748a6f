"""``from <project module> import *``: the names it binds are that module's public names, or those of
its ``__all__`` (https://docs.python.org/3/reference/simple_stmts.html#the-import-statement); an app
among them is an app of the importing module (scorelab/Bassa's ``Main.py`` gets ``server`` and
``socketio`` from ``from REST import *``). Real files on disk, real ``check`` runs."""
from __future__ import annotations

from pathlib import Path

import pytest

from issue8_helpers import findings, project

DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install flask\nEXPOSE 5000\nCMD [\"python\", \"main.py\"]\n"
APP = "from flask import Flask\n\napp = Flask(__name__)\n"
MAIN = "from web import *\n\nif __name__ == '__main__':\n    app.run()\n"


def fdp005(root: Path):
    return [(Path(f.path).name, f.line) for f in findings(root, "FDP005")]


@pytest.mark.parametrize("web", [
    APP,                                                     # a public name, no __all__
    APP + "__all__ = ['app']\n",                             # named in __all__
    APP + "__all__ = ['helper']\n__all__ += ['app']\n",       # added to __all__
    "from core import *\n",                                  # through a second star import
    "from core import app\n",                                # re-exported by name
])
def test_app_through_a_star_import(tmp_path: Path, web: str) -> None:
    root = project(tmp_path, {"Dockerfile": DOCKERFILE, "main.py": MAIN, "web.py": web, "core.py": APP})
    assert fdp005(root) == [("main.py", 4)]


@pytest.mark.parametrize("web, main", [
    (APP + "__all__ = ['helper']\n", MAIN),                  # __all__ leaves the app out
    (APP + "__all__ = names()\n", MAIN),                     # __all__ not a literal: unknown
    (APP.replace("app", "_app"), MAIN.replace("app.run", "_app.run")),  # a private name is not bound by *
    (APP, MAIN.replace("from web import *\n", "from web import *\napp = make()\n")),  # rebound here
    ("x = 1\n", MAIN),                                       # the module has no app
])
def test_no_app_through_a_star_import(tmp_path: Path, web: str, main: str) -> None:
    root = project(tmp_path, {"Dockerfile": DOCKERFILE, "main.py": main, "web.py": web})
    assert fdp005(root) == []


def test_star_import_cycle_ends(tmp_path: Path) -> None:
    root = project(tmp_path, {"Dockerfile": DOCKERFILE, "main.py": MAIN, "web.py": "from core import *\n",
                              "core.py": "from web import *\n"})
    assert fdp005(root) == []
