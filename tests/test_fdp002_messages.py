"""FDP002's message says which app is served (the precision issue's class 11: "never served" only when
it is so): in a module that is itself the entry point, the new app is served and the imported one,
with everything registered on it, is not."""
from __future__ import annotations

import shutil
from pathlib import Path

from flake8_flask_deploy import engine
from flake8_flask_deploy.cli import check_paths

CASES = Path(__file__).parent / "cases"


def messages(root: Path) -> dict:
    engine.clear_caches()
    return {(Path(f.path).name, f.line): f.message for f in check_paths([str(root)]).findings if f.code == "FDP002"}


def test_entry_point_serves_the_new_app(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(CASES / "shadow_entry_point", root)
    got = messages(root)
    assert got[("wsgi.py", 6)] == (
        "`app = Flask(...)` replaces the app imported on line 4; Procfile:1 serves this new app, not the "
        "imported one: what was registered on that answers 404")
    assert got[("run.py", 6)] == (
        "`app = Flask(...)` replaces the app imported on line 4; `app.run()` on line 9 serves this new app, "
        "not the imported one: what was registered on that answers 404")


def test_imported_module_keeps_the_never_served_message(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(CASES / "seed000_blog", root)
    imported = [m for m in messages(root).values() if "replaces the app imported" in m]
    assert imported, "seed 000's routes.py shadows the package's app"
    assert all(m.endswith("go to an app that is never served (404)") for m in imported), imported
