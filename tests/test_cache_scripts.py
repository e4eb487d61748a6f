"""The on-disk cache and the scripts of ``python script.py`` launches (issue 25): a save of a served
script keeps the cached context when what its text decides (``serve(app)``, a Flask-Script manager,
``app.run()``'s address, the functions it calls) is unchanged, and rebuilds it otherwise; each run
gets the findings a fresh, uncached run gets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_deploy_helpers import bump
from test_disk_cache import APP, codes, python_project, same_as_fresh

from flake8_flask_deploy import autofixers, sources
from flake8_flask_deploy.deploy import build, get_context
from flake8_flask_deploy.model import Bind
from flake8_flask_deploy.session import new_session

LOOPBACK = APP.replace("app.run(debug=True)", "app.run(host='127.0.0.1', port=8000)")
WAITRESS = APP.replace("app.run(debug=True)", "from waitress import serve\n    serve(app, host='0.0.0.0', port=8080)")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return python_project(tmp_path)


@pytest.fixture()
def builds(monkeypatch) -> list:
    """The roots whose context is built (the cache missed), in order."""
    made: list = []
    real = build.build_context_and_scripts

    def counted(root: str):
        made.append(root)
        return real(root)

    monkeypatch.setattr(build, "build_context_and_scripts", counted)
    return made


def test_the_scripts_part_is_stored_apart(project: Path) -> None:
    same_as_fresh(project)
    data = json.loads((project / sources.CACHE_DIR / "context.json").read_text())
    script = str(project / "app.py")
    assert script not in data["files"]
    assert list(data["value"]["scripts"]["files"]) == [script]
    [(index, _before, _after)] = data["value"]["scripts"]["launches"]
    assert data["value"]["launches"][index]["script"] == script


def test_a_saved_script_that_serves_the_same_way_keeps_the_context(project: Path, builds: list) -> None:
    dev = ["FDP003", "FDP004", "FDP005"]
    assert codes(project) == dev and len(builds) == 1
    bump(project / "app.py", APP.replace("'hi'", "'hello'"))
    assert codes(project) == dev and len(builds) == 1  # fields derived again, equal: no build
    assert codes(project) == dev and len(builds) == 1  # the entry holds the new stamp
    assert same_as_fresh(project) == dev


@pytest.mark.parametrize("text", [LOOPBACK, WAITRESS, APP.replace("app.run(debug=True)", "pass")])
def test_a_saved_script_that_serves_another_way_rebuilds(project: Path, builds: list, text: str) -> None:
    assert codes(project) == ["FDP003", "FDP004", "FDP005"] and len(builds) == 1
    bump(project / "app.py", text)
    fresh = codes(project, cached=False)
    assert codes(project) == fresh and len(builds) == 3  # the uncached run, then the cached one rebuilt
    bump(project / "app.py", APP)
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]


MANAGE = "from tasks import manager\n\nif __name__ == '__main__':\n    manager.run()\n"
TASKS = ("from flask import Flask\nfrom flask_script import Manager, Server\n\napp = Flask(__name__)\n"
         "manager = Manager(app)\nmanager.add_command('runserver', Server(host='{host}', port=8080))\n")


def test_a_module_read_for_the_script_is_checked_too(tmp_path: Path, builds: list) -> None:
    """The Flask-Script manager lives in a module the script imports: an edit of that module
    (its Server's host) is seen, by a whole build."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "manage.py").write_text(MANAGE)
    (tmp_path / "tasks.py").write_text(TASKS.format(host="0.0.0.0"))
    (tmp_path / "Dockerfile").write_text('FROM python:3.12\nCOPY . /app\nWORKDIR /app\n'
                                         'CMD ["python", "manage.py", "runserver"]\n')
    first = served(tmp_path)
    assert first[0][1] == (str(Bind("0.0.0.0", "8080")),)
    data = json.loads((tmp_path / sources.CACHE_DIR / "context.json").read_text())
    assert str(tmp_path / "tasks.py") in data["value"]["scripts"]["files"]
    bump(tmp_path / "tasks.py", TASKS.format(host="127.0.0.1"))
    assert served(tmp_path)[0][1] == (str(Bind("127.0.0.1", "8080")),)
    made = len(builds)
    bump(tmp_path / "manage.py", MANAGE + "# saved\n")  # the script alone, serving the same way
    assert served(tmp_path, both=False)[0][1] == (str(Bind("127.0.0.1", "8080")),) and len(builds) == made


def served(root: Path, both: bool = True) -> list:
    """The script-decided fields of the python-script launches, from a cached run (and the same from
    an uncached one, unless ``both`` is False)."""
    def fields(cached: bool) -> list:
        new_session().disk_cache = cached
        return [(x.serves_with, tuple(str(b) for b in x.binds), x.debug, x.host_given, x.calls)
                for x in get_context(str(root)).launches if x.script]

    got = fields(True)
    if both:
        assert got == fields(False)
    return got


# ---- FDP013's autofixers (autofixers.json) ---------------------------------------------------------
def fixers(root: Path, cached: bool = True) -> list:
    new_session().disk_cache = cached
    return [(f.tool, Path(f.path).name, f.line, f.in_init) for f in autofixers.f401_fixers(str(root))]


def fixers_as_fresh(root: Path) -> list:
    got = fixers(root)
    assert got == fixers(root, cached=False)
    return got


RUFF_HOOK = "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    hooks:\n      - id: ruff\n{args}"


def test_the_autofixers_answer_follows_the_files_it_comes_from(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert fixers_as_fresh(tmp_path) == []
    hook = tmp_path / ".pre-commit-config.yaml"
    hook.write_text(RUFF_HOOK.format(args="        args: [--fix]\n"))  # added
    assert fixers_as_fresh(tmp_path) == [("ruff", ".pre-commit-config.yaml", 4, False)]
    found: list = []
    real = autofixers._find
    monkeypatch.setattr(autofixers, "_find", lambda root: found.append(root) or real(root))
    assert fixers(tmp_path) == [("ruff", ".pre-commit-config.yaml", 4, False)] and found == []  # from the cache
    bump(hook, RUFF_HOOK.format(args=""))  # edited: no --fix
    assert fixers_as_fresh(tmp_path) == []
    bump(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n[tool.ruff]\nfix = true\n")  # the setting
    assert fixers_as_fresh(tmp_path) == [("ruff", ".pre-commit-config.yaml", 4, False)]
    hook.unlink()  # deleted
    assert fixers_as_fresh(tmp_path) == []


def test_a_workflow_added_edited_or_removed_is_seen(tmp_path: Path) -> None:
    """``.github`` is a hidden folder the project walk does not list: the workflows' listing is part
    of the key."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    assert fixers_as_fresh(tmp_path) == []
    lint = folder / "lint.yml"
    lint.write_text("jobs:\n  lint:\n    steps:\n      - run: autoflake --remove-all-unused-imports -r .\n")
    assert fixers_as_fresh(tmp_path) == [("autoflake", "lint.yml", 4, True)]
    bump(lint, "jobs:\n  lint:\n    steps:\n      - run: autoflake -r .\n")
    assert fixers_as_fresh(tmp_path) == []
    (folder / "ci.yaml").write_text("steps:\n  - run: pycln --all .\n")
    assert fixers_as_fresh(tmp_path) == [("pycln", "ci.yaml", 2, True)]
    (folder / "ci.yaml").unlink()
    assert fixers_as_fresh(tmp_path) == []
