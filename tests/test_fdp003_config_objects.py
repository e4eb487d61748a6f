"""FDP003 through ``config.from_object``: a project config class or module that sets ``DEBUG = True``,
loaded unconditionally where production imports the app (open-event-server's factory loaded
``config.LocalPSQLConfig`` for its Heroku app)."""
from __future__ import annotations

from pathlib import Path

import pytest

from issue8_helpers import findings, project


CONFIGS = '''\
class Config:
    TESTING = False


class LocalConfig(Config):
    DEBUG = True


class ProductionConfig(Config):
    DEBUG = False


CONFIGS = {"local": LocalConfig, "production": ProductionConfig}
'''


@pytest.mark.parametrize("load, flagged", [
    ("app.config.from_object('settings.LocalConfig')", True),  # open-event-server's factory did this
    ("app.config.from_object(settings.LocalConfig)", True),
    ("app.config.from_object(settings.ProductionConfig)", False),
    ("app.config.from_object(settings.CONFIGS[os.environ['ENV']])", False),  # the key chooses
    ("app.config.from_object(settings.LocalConfig)\napp.config.from_envvar('APP_SETTINGS')", False),
])
def test_fdp003_debug_config_loaded_by_from_object(load: str, flagged: bool, tmp_path: Path) -> None:
    """``from_object`` of a project config class that sets ``DEBUG = True``, unconditionally at import
    of the served module, is debug mode in production; a class chosen by key, or a later load that
    may override it, is not judged."""
    app = f"import os\nfrom flask import Flask\nimport settings\napp = Flask(__name__)\n{load}\n"
    root = project(tmp_path, {"settings.py": CONFIGS, "app.py": app, "Procfile": "web: gunicorn app:app\n"})
    found = [(Path(f.path).name, f.line) for f in findings(root, "FDP003")]
    assert found == ([("app.py", 5)] if flagged else [])


def test_fdp003_config_module_without_debug_is_not_parsed(tmp_path: Path, monkeypatch) -> None:
    """A config module whose text has no name ``DEBUG`` cannot set ``DEBUG = True`` (the module's
    constant or a class's own): FDP003 does not parse it to know (28 example apps of the
    Flask-AppBuilder sdist load such a ``config``); when an edit adds it, the next run sees it, also
    from the on-disk cache's stored word answers."""
    import flake8_flask_deploy.index as index_module

    parsed = []
    scan_file, scan_tree = index_module.scan_file, index_module.scan_tree
    monkeypatch.setattr(index_module, "scan_file", lambda path: parsed.append(Path(path).name) or scan_file(path))
    monkeypatch.setattr(index_module, "scan_tree",
                        lambda tree, path, *a: parsed.append(Path(path).name) or scan_tree(tree, path, *a))
    app = "from flask import Flask\napp = Flask(__name__)\napp.config.from_object('config')\n"
    root = project(tmp_path, {"config.py": "TESTING = False  # no debug here\n", "app.py": app,
                              "Procfile": "web: gunicorn app:app\n"})
    assert findings(root, "FDP003") == []
    assert parsed == []  # nor the app's module: a string names the targets without its scan
    (root / "config.py").write_text("TESTING = False\nDEBUG = True\n")
    found = [(Path(f.path).name, f.line) for f in findings(root, "FDP003")]
    assert found == [("app.py", 3)]
    assert "config.py" in parsed
