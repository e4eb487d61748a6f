"""FDP007 hardcoded-secret-key: positives and the deliberate non-findings, each with its reason."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from issue8_helpers import findings, project


def lines(root: Path, rel: str = "app.py"):
    return [(Path(f.path).name, f.line) for f in findings(root, "FDP007") if f.path.endswith(rel)]


FLAGGED = {
    "config-item": ("from flask import Flask\napp = Flask(__name__)\napp.config['SECRET_KEY'] = 'abc123'\n", 3),
    "secret_key-attribute": ("import flask as f\napp = f.Flask(__name__)\napp.secret_key = b'\\x01\\x02'\n", 3),
    "update-keyword": ("from flask import Flask\napp = Flask(__name__)\napp.config.update(SECRET_KEY='k', X=1)\n", 3),
    "update-dict": ("from flask import Flask\napp = Flask(__name__)\napp.config.update({'SECRET_KEY': 'k'})\n", 3),
    "update-dict-call": ("from flask import Flask\napp = Flask(__name__)\napp.config.update(dict(\n"
                         "    SECRET_KEY='k'))\n", 4),
    "in-factory": ("from flask import Flask\ndef create_app():\n    app = Flask(__name__)\n"
                   "    app.config['SECRET_KEY'] = 'k'\n    return app\n", 4),
    "module-constants-from-object-name": ("from flask import Flask\nSECRET_KEY = 'k'\napp = Flask(__name__)\n"
                                          "app.config.from_object(__name__)\n", 2),
}


@pytest.mark.parametrize("case", sorted(FLAGGED))
def test_flagged(case: str, tmp_path: Path) -> None:
    source, line = FLAGGED[case]
    root = project(tmp_path, {"app.py": source})
    assert lines(root) == [("app.py", line)]


NOT_FLAGGED = {
    # Flask's tutorial: a dev default that the instance config overrides
    "tutorial-dev-default": ("from flask import Flask\ndef create_app(test_config=None):\n"
                             "    app = Flask(__name__, instance_relative_config=True)\n"
                             "    app.config.from_mapping(SECRET_KEY='dev')\n    if test_config is None:\n"
                             "        app.config.from_pyfile('config.py', silent=True)\n    else:\n"
                             "        app.config.from_mapping(test_config)\n    return app\n"),
    "overridden-by-prefixed-env": ("from flask import Flask\napp = Flask(__name__)\napp.secret_key = 'dev'\n"
                                   "app.config.from_prefixed_env()\n"),
    "overridden-by-environment": ("import os\nfrom flask import Flask\napp = Flask(__name__)\n"
                                  "app.config['SECRET_KEY'] = 'dev'\n"
                                  "app.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n"),
    "environment-value": "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
                         "app.config['SECRET_KEY'] = os.environ.get('SECRET_KEY')\n",
    "testing-app": ("from flask import Flask\napp = Flask(__name__)\napp.config['TESTING'] = True\n"
                    "app.config['SECRET_KEY'] = 'test'\n"),
    "under-main-guard": ("from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n"
                         "    app.secret_key = 'dev'\n    app.run()\n"),
    "conditional": ("import os\nfrom flask import Flask\napp = Flask(__name__)\nif os.environ.get('DEV'):\n"
                    "    app.secret_key = 'dev'\n"),
    "empty-string": "from flask import Flask\napp = Flask(__name__)\napp.secret_key = ''\n",
    "not-an-app": "class Settings:\n    pass\nsettings = Settings()\nsettings.secret_key = 'x'\n",
    "module-constant-never-loaded": "SECRET_KEY = 'k'\nflask_app = None\n",
    "module-constant-then-envvar": ("from flask import Flask\nSECRET_KEY = 'development key'\napp = Flask(__name__)\n"
                                    "app.config.from_object(__name__)\n"
                                    "app.config.from_envvar('FLASKR_SETTINGS', silent=True)\n"),
}


@pytest.mark.parametrize("case", sorted(NOT_FLAGGED))
def test_not_flagged(case: str, tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": NOT_FLAGGED[case]})
    assert lines(root) == []


def test_test_files_are_not_judged(tmp_path: Path) -> None:
    src = "from flask import Flask\napp = Flask(__name__)\napp.secret_key = 'k'\n"
    root = project(tmp_path, {"tests/test_app.py": src, "conftest.py": src})
    assert findings(root, "FDP007") == []


CONFIG = '''\
"""Flask configuration."""


class Config:
    SECRET_KEY = "hard-coded"
    MAIL_SERVER = "localhost"


class ProductionConfig(Config):
    pass


class DevelopmentConfig(Config):
    DEBUG = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
'''


@pytest.mark.parametrize("load, flagged", [
    ("app.config.from_object('config.ProductionConfig')", True),
    ("app.config.from_object(ProductionConfig)", True),
    ("app.config.from_object(config.Config)", True),
    ("app.config.from_object('config.DevelopmentConfig')", False),  # a development config
    ("app.config.from_object('config.TestConfig')", False),  # a test config, and it sets its own key
    ("app.config.from_object('config.ProductionConfig')\napp.config.from_envvar('APP_SETTINGS')", False),
])
def test_config_class_loaded_with_from_object(load: str, flagged: bool, tmp_path: Path) -> None:
    app = ("from flask import Flask\nimport config\nfrom config import ProductionConfig\n"
           f"app = Flask(__name__)\n{load}\n")
    root = project(tmp_path, {"config.py": CONFIG, "app.py": app})
    got = [(Path(f.path).name, f.line) for f in findings(root, "FDP007")]
    assert got == ([("config.py", 5)] if flagged else [])


def test_unloaded_config_class_is_not_flagged(tmp_path: Path) -> None:
    root = project(tmp_path, {"config.py": CONFIG, "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    assert findings(root, "FDP007") == []


def test_inference_finds_an_app_from_a_custom_factory(tmp_path: Path, monkeypatch) -> None:
    from flake8_flask_deploy import inference

    monkeypatch.setattr(inference, "QUESTION_BUDGET", 60.0)  # a loaded CI machine must not decide
    inference.reset_budget()
    root = project(tmp_path, {
        "factory.py": "from flask import Flask\n\ndef build():\n    return Flask(__name__)\n",
        "app.py": "from factory import build\napplication = build()\napplication.secret_key = 'k'\n",
    })
    assert lines(root) == [("app.py", 3)]


def test_flake8_reports_it(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": FLAGGED["config-item"][0]})
    out = subprocess.run([sys.executable, "-m", "flake8", "--select=FDP007", "app.py"], capture_output=True,
                         text=True, cwd=root)
    assert out.stdout.startswith("app.py:3:28: FDP007 `SECRET_KEY` is a string literal"), out.stdout + out.stderr


SETTINGS = '''\
class Config:
    SQLALCHEMY_DATABASE_URI = "sqlite://"


class Secrets(Config):
    SECRET_KEY = None  # from the environment, set below


class Imported(Base):
    pass
'''


@pytest.mark.parametrize("load, flagged", [
    ("app.config.from_object(settings.Config)", True),  # loads no SECRET_KEY: the literal stays in force
    ("app.config.from_object('settings.Config')", True),
    ("app.config.from_object(settings.Secrets)", False),  # sets its own SECRET_KEY
    ("app.config.from_object(settings.Imported)", False),  # an unknown base may set it
    ("app.config.from_object(os.environ['APP_SETTINGS'])", False),  # cannot be told
    ("app.config.from_pyfile('instance.cfg')", False),
])
def test_a_later_from_object_overrides_only_when_it_may_set_the_key(load: str, flagged: bool, tmp_path: Path) -> None:
    """A literal key followed by ``from_object(X)`` is what production signs with unless X sets
    ``SECRET_KEY`` (the precision issue's class 8, barkshopgelina/Flask-Heroku-Deploy's app.py:16)."""
    app = ("import os\nfrom flask import Flask\nimport settings\napp = Flask(__name__)\n"
           f"app.config['SECRET_KEY'] = 'supersecretkey'\n{load}\n")
    root = project(tmp_path, {"settings.py": SETTINGS, "app.py": app})
    assert lines(root) == ([("app.py", 5)] if flagged else [])
