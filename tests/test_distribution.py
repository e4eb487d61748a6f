"""The wheel users install: built from this repository's files by pip (offline, from the configured package
index), it holds the rules with their pages, so ``flake8-flask-deploy rule FDP003`` run from an install of
the wheel (no ``docs/`` anywhere) prints the full page, not the stub built from metadata."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: What the build reads; copied to a temporary folder so that no build/ or *.egg-info left in the
#: checkout can leak into the wheel, and the checkout is not written to.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "setup.cfg", "src")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip wheel --no-deps`` builds from a copy of the repository's build inputs."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copyfile(ROOT / name, source / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
                           str(source)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [built] = (tmp / "dist").glob("flake8_flask_deploy-*.whl")
    return built


def test_wheel_holds_every_module_and_the_entry_points(wheel: Path) -> None:
    from flake8_flask_deploy import __version__

    package = ROOT / "src" / "flake8_flask_deploy"
    modules = {f"flake8_flask_deploy/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = f"flake8_flask_deploy-{__version__}.dist-info"
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
        metadata = archive.read(f"{dist_info}/METADATA").decode()
    assert wheel.name == f"flake8_flask_deploy-{__version__}-py3-none-any.whl"
    assert modules - names == set()
    assert not [n for n in names if n.startswith("docs/") or "/docs/" in n]  # the pages live in the code
    assert re.search(r"^flake8-flask-deploy = flake8_flask_deploy\.cli:main$", entry_points, re.M), entry_points
    assert re.search(r"^FDP = flake8_flask_deploy\.plugin:FlaskDeployChecker$", entry_points, re.M), entry_points
    assert f"\nVersion: {__version__}\n" in metadata


def test_rule_page_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    """``flake8-flask-deploy rule FDP003``, the console script of the wheel installed with
    ``pip install --no-deps --target``, prints docs/rules/FDP003.md from the installed modules."""
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
                           str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the dependencies come from this interpreter; the package from the install (PYTHONPATH goes first)
    env = dict(os.environ, PYTHONPATH=str(site))
    where = subprocess.run([sys.executable, "-c", "import flake8_flask_deploy as p; print(p.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert where.stdout.strip() == str(site / "flake8_flask_deploy" / "__init__.py"), where.stdout + where.stderr
    script = site / "bin" / ("flake8-flask-deploy.exe" if os.name == "nt" else "flake8-flask-deploy")
    proc = subprocess.run([str(script), "rule", "FDP003"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    page = (DOCS / "rules" / "FDP003.md").read_text()
    what = page.split("## What it does\n", 1)[1].split("\n\n", 1)[0]
    assert len(what) > 40 and f"## What it does\n{what}\n" in proc.stdout
    assert "## Fix safety" in proc.stdout and "Full page:" not in proc.stdout  # not the metadata stub
    assert proc.stdout == page
