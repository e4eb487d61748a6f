"""The project walk kept on disk (``walk.json``): trusted only while every folder it listed keeps its
mtime (or, when the mtime moved or is too close to the walk, lists the same names again) and its
nested-project and symlink tests answer the same (issue 25: cached results are checked against the
files they came from, files added or removed included). Real files on disk, a fresh session per run
(as a fresh ``flake8`` process), the full walk's answer as the reference."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from flake8_flask_deploy import sources
from flake8_flask_deploy.session import new_session

OLD = time.time_ns() - 3600 * 10**9  # an hour ago: far from any walk's racy window


def run(root: Path, cached: bool = True):
    """One run's project walk of ``root`` (a new session, the on-disk cache on or off)."""
    session = new_session()
    session.disk_cache = cached
    return sources._project_walk(str(root))


def fresh(root: Path):
    return run(root, cached=False)


def age(root: Path) -> None:
    """Every folder of ``root`` last changed an hour ago (the cache folder included)."""
    for folder, _dirs, _files in os.walk(root):
        os.utime(folder, ns=(OLD, OLD))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for rel, text in {"pyproject.toml": "[project]\nname='p'\n", "app/__init__.py": "", "app/views.py": "x = 1\n",
                      "Dockerfile": "FROM python:3.12\n", "app/static/site.css": ""}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / ".git").mkdir()
    run(root)  # creates the cache folder (the root's listing changes once)
    age(root)
    run(root)  # the walk stored with old mtimes
    return root


def no_full_walk(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the stored walk should have been used")
    monkeypatch.setattr(sources, "_walk", refuse)


def test_unchanged_project_reuses_the_stored_walk(project: Path, monkeypatch) -> None:
    expected = fresh(project)
    no_full_walk(monkeypatch)
    assert run(project) == expected


def test_save_through_a_temporary_file_reuses_it(project: Path, monkeypatch) -> None:
    expected = fresh(project)
    tmp = project / "app" / ".views.py.tmp"
    tmp.write_text("x = 2\n")
    os.replace(tmp, project / "app" / "views.py")  # the folder's mtime moves, its names do not
    no_full_walk(monkeypatch)
    assert run(project) == expected


@pytest.mark.parametrize("change", ["add file", "remove file", "rename file", "add folder", "remove folder",
                                    "add marker", "add venv"])
def test_a_change_of_names_is_seen(project: Path, change: str) -> None:
    app = project / "app"
    if change == "add file":
        (app / "models.py").write_text("")
    elif change == "remove file":
        (app / "views.py").unlink()
    elif change == "rename file":
        (app / "views.py").rename(app / "pages.py")
    elif change == "add folder":
        (app / "api").mkdir()
        (app / "api" / "v1.py").write_text("")
    elif change == "remove folder":
        (app / "static" / "site.css").unlink()
        (app / "static").rmdir()
    elif change == "add marker":
        (app / "setup.py").write_text("")  # app/ becomes a project of its own
    elif change == "add venv":
        for rel in ("app/pyvenv.cfg", "app/bin/python", "app/lib/x.py"):
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text("")
    expected = fresh(project)
    assert run(project) == expected
    assert run(project) == expected  # and the walk stored again is right


def test_a_change_in_the_racy_window_is_seen(tmp_path: Path) -> None:
    """A folder changed in the same tick as the walk keeps its mtime on a coarse file system: a folder
    whose mtime is that close to the walk is listed again."""
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "app" / "a.py").write_text("")
    run(root)
    run(root)
    before = os.stat(root / "app").st_mtime_ns
    (root / "app" / "b.py").write_text("")
    os.utime(root / "app", ns=(before, before))  # as if the clock had not moved
    assert ("b.py" in dict(run(root))[str(root / "app")]) is True


def test_a_launch_above_the_root_is_asked_again(tmp_path: Path) -> None:
    """Whether a marker folder is a project of its own depends on deployment files up to the
    repository's root, above the project: those are asked again, not read from the listing."""
    repo = tmp_path / "repo"
    root = repo / "proj"
    (root / "sub").mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / "pyproject.toml").write_text("")
    (root / "pyproject.toml").write_text("")
    (root / "sub" / "pyproject.toml").write_text("")
    (root / "sub" / "mod.py").write_text("")
    run(root)
    age(root)
    run(root)
    assert str(root / "sub") not in dict(run(root))  # a project of its own
    (repo / "Dockerfile").write_text("FROM python:3.12\n")  # now the repository's launch covers it
    expected = fresh(root)
    assert str(root / "sub") in dict(expected)
    assert run(root) == expected


def test_a_retargeted_symlink_is_asked_again(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("")
    link = project / "app" / "linked.py"
    link.symlink_to(project / "app" / "views.py")
    run(project)
    age(project)
    run(project)
    assert "linked.py" in dict(run(project))[str(project / "app")]
    before = os.stat(project / "app").st_mtime_ns
    link.unlink()
    link.symlink_to(outside)  # points out of the project now: left out
    os.utime(project / "app", ns=(before, before))
    expected = fresh(project)
    assert "linked.py" not in dict(expected)[str(project / "app")]
    assert run(project) == expected


def test_no_cache_never_reads_or_writes_it(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    run(root, cached=False)
    assert not (root / sources.CACHE_DIR / "walk.json").exists()
