"""The plugin's pre-filter without the engine (issue 25): the rules' text test and the words of the
deployment files kept in the on-disk cache (``prefilter.json``) give the answers the engine gives,
whatever changed on disk between runs, and a skipped module imports neither the engine nor the rules."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_deploy_helpers import bump

from flake8_flask_deploy import engine, prefilter, rules, sources
from flake8_flask_deploy.session import new_session

PLAIN = "import os\n\n\ndef helper(x):\n    return os.path.join(x, 'y')\n"
FLASKY = "from flask import Flask\n\napp = Flask(__name__)\n"


def verdict(path: Path, text: str, cached: bool = True):
    """The plugin's answer (``prefilter.verdict``, then the engine's when it cannot tell), as a bool."""
    session = new_session()
    session.disk_cache = cached
    found = prefilter.verdict(text, str(path), "auto")
    return engine.might_matter(text, str(path)) if found is None else found


def same_as_engine(path: Path, text: str = PLAIN) -> bool:
    got = verdict(path, text)
    new_session().disk_cache = False
    assert got == engine.might_matter(text, str(path)), path
    assert verdict(path, text) == got  # read back from the cache
    return got


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app.py").write_text(FLASKY)
    (tmp_path / "jobs.py").write_text(PLAIN)
    (tmp_path / "Dockerfile").write_text('FROM python:3.12\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n')
    return tmp_path


def test_the_triggers_are_the_rules_triggers() -> None:
    assert prefilter.TRIGGERS == rules.TRIGGERS
    assert (prefilter.APP_CREATION, prefilter.RUN_CALL, prefilter.DEBUG_SETTING, prefilter.ROUTE_DECORATOR) == (
        rules.APP_CREATION, rules.RUN_CALL, rules.DEBUG_SETTING, rules.ROUTE_DECORATOR)


def test_the_cached_text_test_is_the_rules_text_test(project: Path) -> None:
    assert verdict(project / "jobs.py", PLAIN) is False
    data = json.loads((project / sources.CACHE_DIR / "prefilter.json").read_text())
    assert [tuple(d) for d in data["value"]["rules"]] == [
        (r.code, list(r.prefilter), list(r.prefilter_triggers), r.reports_in_tests) for r in rules.all_rules()]
    new_session().disk_cache = True
    cached = prefilter._entry(str(project))  # noqa: SLF001 - the entry read back from the disk
    assert cached.text_test.words == engine.TEXT_TEST.words
    assert cached.text_test.triggers == engine.TEXT_TEST.triggers
    assert cached.text_test.pattern.pattern == engine.PREFILTER.pattern
    assert cached.text_test.in_tests.words == engine.TEXT_TEST.in_tests.words != engine.TEXT_TEST.words
    assert cached.text_test.in_tests.triggers == engine.TEXT_TEST.in_tests.triggers
    assert "jobs" not in cached.words and "app" in cached.words


def test_a_deployment_edit_that_names_a_module_is_seen(project: Path) -> None:
    assert same_as_engine(project / "jobs.py") is False
    bump(project / "Dockerfile", 'FROM python:3.12\nCOPY . /app\nCMD ["python", "jobs.py"]\n')
    assert same_as_engine(project / "jobs.py") is True
    bump(project / "Dockerfile", 'FROM python:3.12\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n')
    assert same_as_engine(project / "jobs.py") is False


def test_a_start_script_and_added_and_deleted_files_are_seen(project: Path) -> None:
    bump(project / "Dockerfile", 'FROM python:3.12\nCOPY . /app\nCMD ["./boot.sh"]\n')
    assert same_as_engine(project / "jobs.py") is False  # boot.sh does not exist yet
    (project / "boot.sh").write_text("#!/bin/sh\nexec python jobs.py\n")  # added: the walk changed
    assert same_as_engine(project / "jobs.py") is True
    bump(project / "boot.sh", "#!/bin/sh\nexec gunicorn app:app\n")  # edited
    assert same_as_engine(project / "jobs.py") is False
    (project / "Procfile").write_text("worker: python jobs.py\n")  # a new deployment file
    assert same_as_engine(project / "jobs.py") is True
    (project / "Procfile").unlink()
    assert same_as_engine(project / "jobs.py") is False


def test_an_edited_rule_declaration_is_another_tool(project: Path, monkeypatch) -> None:
    assert same_as_engine(project / "jobs.py") is False
    new_session().disk_cache = True
    assert sources.load_cached(str(project), "prefilter") is not None
    monkeypatch.setattr(sources, "__version__", "99.0")
    new_session().disk_cache = True
    assert sources.load_cached(str(project), "prefilter") is None


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1}', b"[1, 2]"])
def test_a_damaged_entry_is_computed_again(project: Path, damage: bytes) -> None:
    assert same_as_engine(project / "jobs.py") is False
    (project / sources.CACHE_DIR / "prefilter.json").write_bytes(damage)
    assert same_as_engine(project / "jobs.py") is False
    assert same_as_engine(project / "app.py", FLASKY) is True


def test_a_named_module_that_no_launch_serves_is_told_by_the_cached_context(project: Path) -> None:
    named = 'FROM python:3.12\nCOPY app.py jobs.py /app/\nCMD ["gunicorn", "app:app"]\n'
    bump(project / "Dockerfile", named)
    assert same_as_engine(project / "jobs.py") is False  # the engine built the context and stored it
    new_session().disk_cache = True
    assert prefilter.verdict(PLAIN, str(project / "jobs.py"), "auto") is False  # told without the engine
    bump(project / "Dockerfile", named.replace("gunicorn\", \"app:app", "python\", \"jobs.py"))
    new_session().disk_cache = True
    assert prefilter.verdict(PLAIN, str(project / "jobs.py"), "auto") is None  # the context is stale
    assert same_as_engine(project / "jobs.py") is True
    new_session().disk_cache = True
    assert prefilter.verdict(PLAIN, str(project / "jobs.py"), "auto") is None  # a target: the engine decides


def test_a_file_outside_any_project_writes_no_cache(tmp_path: Path) -> None:
    (tmp_path / "loose.py").write_text(PLAIN)
    assert same_as_engine(tmp_path / "loose.py") is False
    assert not (tmp_path / sources.CACHE_DIR).exists()


RUN = """\
import runpy, sys
sys.argv = ["flake8", "--isolated", "--select", "FDP", sys.argv[1]]
try:
    runpy.run_module("flake8", run_name="__main__")
except SystemExit:
    pass
print(sorted(m.rsplit(".", 1)[-1] for m in sys.modules
             if m.startswith("flake8_flask_deploy.") and m.count(".") == 1))
"""


def test_a_skipped_module_imports_no_engine_once_the_cache_is_written(project: Path) -> None:
    def loaded(name: str) -> list:
        out = subprocess.run([sys.executable, "-c", RUN, name], cwd=project, capture_output=True, text=True,
                             timeout=120)
        assert "Traceback" not in out.stderr, out.stderr
        return eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 - our own subprocess's list

    first = loaded("jobs.py")  # cold: the rules and readers are imported to fill the cache
    assert "rules" in first and "engine" not in first
    warm = loaded("jobs.py")
    assert not {"engine", "rules", "deploy", "index", "facts", "project"} & set(warm), warm
    assert "engine" in loaded("app.py")
    (project / "Dockerfile").write_text('FROM python:3.12\nCOPY jobs.py /app/\nCMD ["gunicorn", "app:app"]\n')
    assert "engine" in loaded("jobs.py")  # named: the context is built (and stored)
    assert "engine" not in loaded("jobs.py")  # the stored context says no launch runs it


def test_roots_are_the_same_whatever_order_folders_are_asked_in(tmp_path: Path) -> None:
    """``find_root`` reuses the answers of ancestors asked before (and fills in the folders it passes):
    every folder gets the answer a search of its own gives."""
    for folder in ("repo/.git", "repo/pkg/sub/deep", "repo/backend/api", "repo/lib/inner/x", "loose/a/b"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "repo" / "Dockerfile").write_text("FROM python\n")
    (tmp_path / "repo" / "backend" / "pyproject.toml").write_text("")  # launched by the repository's Dockerfile
    (tmp_path / "repo" / "lib" / "setup.py").write_text("")
    (tmp_path / "repo" / "lib" / "inner" / "Procfile").write_text("web: python x.py\n")
    (tmp_path / "repo" / "lib" / "inner" / "setup.cfg").write_text("")
    folders = sorted(str(p) for p in tmp_path.rglob("*") if p.is_dir() and ".git" not in p.parts)
    alone = {}
    for folder in folders:
        new_session()
        alone[folder] = sources.find_root(folder)
    for order in (folders, folders[::-1], folders[1::2] + folders[::2]):
        new_session()
        assert {f: sources.find_root(f) for f in order} == alone
    assert alone[str(tmp_path / "repo" / "pkg" / "sub" / "deep")] == str(tmp_path / "repo")
    assert alone[str(tmp_path / "loose" / "a" / "b")] == str(tmp_path / "loose" / "a" / "b")


def test_stale_words_keep_the_stored_rules_test(project: Path, monkeypatch) -> None:
    """A named script saved makes the stored deployment words stale: they are read again, and the rules'
    text test (which depends on the tool alone) comes from the same file, without importing the rules;
    a prefilter.json another tool wrote gives none."""
    (project / "run.py").write_text(PLAIN)
    bump(project / "Dockerfile", 'FROM python:3.12\nCOPY . /app\nCMD ["python", "run.py"]\n')
    assert same_as_engine(project / "jobs.py") is False
    bump(project / "run.py", "import jobs\n" + PLAIN)  # the script now names jobs
    new_session().disk_cache = True
    assert prefilter._stored_entry(str(project)) is None  # noqa: SLF001 - stale
    kept = prefilter._stored_rules_test(str(project))  # noqa: SLF001
    assert kept is not None and kept.words == engine.TEXT_TEST.words and kept.triggers == engine.TEXT_TEST.triggers

    def refuse():
        raise AssertionError("the rules' text test should come from prefilter.json")
    monkeypatch.setattr(prefilter, "text_test_of_rules", refuse)
    new_session().disk_cache = True
    assert "jobs" in prefilter.deployment_words(str(project))  # the words read again
    monkeypatch.undo()
    assert same_as_engine(project / "jobs.py") == engine.might_matter(PLAIN, str(project / "jobs.py"))
    stored = project / sources.CACHE_DIR / "prefilter.json"
    data = json.loads(stored.read_text())
    stored.write_text(json.dumps(dict(data, tool="another tool")))
    new_session().disk_cache = True
    assert prefilter._stored_rules_test(str(project)) is None  # noqa: SLF001
