"""``check`` reports a file that does not parse or decode (``FDP000``) whatever it holds (issue 24's
strict contract), including a module the rules' text test rules out (no Flask word: never analysed),
with the on-disk cache cold, warm and off, in one process and with ``-j``. Real CLI runs on real
trees; flake8 keeps its own ``E999`` (the plugin reports no ``FDP000``)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List

from flake8_flask_deploy import syntax
from test_deploy_helpers import bump, write_files

CACHE = ".flake8-flask-deploy-cache"
#: A module with no word any rule looks for: ``check`` does not analyse it.
PLAIN = "import os\n\n\ndef size(path):\n    return os.path.getsize(path)\n"
BROKEN = "import os\n\n\ndef size(path:\n    return os.path.getsize(path)\n"
BROKEN_LINE = "util.py:4:9: FDP000 SyntaxError: '(' was never closed; not analysed"


def tree(tmp_path: Path, files: dict) -> Path:
    """A project (``pyproject.toml``) holding ``files`` (name -> str or bytes)."""
    return write_files(tmp_path, files)


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``flake8-flask-deploy check <args> .`` in ``root``."""
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", *args, "."],
                          cwd=root, capture_output=True, text=True, timeout=120)


def fdp000(proc: subprocess.CompletedProcess) -> List[str]:
    assert "Traceback" not in proc.stderr, proc.stderr
    return [line for line in proc.stdout.splitlines() if ": FDP000 " in line]


def sound_in_cache(root: Path) -> List[str]:
    """The files the on-disk cache holds as parsing (``syntax.json``), relative to ``root``."""
    data = json.loads((root / CACHE / "syntax.json").read_text())
    return sorted(str(Path(p).relative_to(root)) for p in data["entries"])


def test_unanalysed_module_with_a_syntax_error_counts(tmp_path):
    root = tree(tmp_path, {"util.py": BROKEN, "ok.py": PLAIN})
    proc = check(root)
    assert fdp000(proc) == [BROKEN_LINE]
    assert proc.returncode == 1
    assert "Found 1 finding." in proc.stdout
    assert sound_in_cache(root) == ["ok.py"]  # the broken file is never recorded as sound
    warm = check(root)  # the cache warm: the same answer
    assert (fdp000(warm), warm.returncode) == ([BROKEN_LINE], 1)
    bump(root / "util.py", PLAIN)  # fixed: the finding goes, the file is now known sound
    fixed = check(root)
    assert (fdp000(fixed), fixed.returncode) == ([], 0)
    assert sound_in_cache(root) == ["ok.py", "util.py"]
    bump(root / "util.py", BROKEN)  # broken again: the cached verdict of the old text is not used
    again = check(root)
    assert (fdp000(again), again.returncode) == ([BROKEN_LINE], 1)


def test_undecodable_module_counts(tmp_path):
    root = tree(tmp_path, {"latin.py": b"NAME = 'caf\xe9'\n", "cookie.py": b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n"})
    for args in ((), (), ("--no-cache",)):
        proc = check(root, *args)
        [line] = fdp000(proc)
        assert line.startswith("latin.py:1:") and "cannot be decoded ('utf-8' codec can't decode byte 0xe9" in line
        assert proc.returncode == 1
    assert sound_in_cache(root) == ["cookie.py"]  # a coding cookie is honoured


def test_no_cache_neither_reads_nor_writes_it(tmp_path):
    root = tree(tmp_path, {"util.py": BROKEN, "ok.py": PLAIN})
    proc = check(root, "--no-cache")
    assert (fdp000(proc), proc.returncode) == ([BROKEN_LINE], 1)
    assert not (root / CACHE).exists()
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.flake8-flask-deploy]\ncache = false\n")
    proc = check(root)
    assert (fdp000(proc), proc.returncode) == ([BROKEN_LINE], 1)
    assert not (root / CACHE).exists()


def test_cache_key_is_the_file_stamp_and_the_python(tmp_path):
    """An entry stands for its file's size and mtime as found sound by this interpreter: one recorded
    by another Python version (whose grammar differs) is not used."""
    root = tree(tmp_path, {"util.py": BROKEN, "ok.py": PLAIN})
    assert check(root).returncode == 1
    path = root / CACHE / "syntax.json"
    data = json.loads(path.read_text())
    stat = (root / "util.py").stat()
    for python, reported in (("cpython-2.7.18", [BROKEN_LINE]), (syntax.PYTHON, [])):
        data["entries"][str(root / "util.py")] = [[stat.st_size, stat.st_mtime_ns], python]
        path.write_text(json.dumps(data))
        assert fdp000(check(root)) == reported


def test_jobs_report_and_cache_the_same(tmp_path):
    files = {f"pkg/m{i}.py": PLAIN for i in range(6)}
    files.update({"pkg/__init__.py": "", "util.py": BROKEN,
                  "app.py": "from flask import Flask\n\napp = Flask(__name__)\napp.run(debug=True)\n"})
    root = tree(tmp_path, files)
    one = check(root, "-j1", "--no-cache")
    two = check(root, "-j2")
    assert fdp000(one) == fdp000(two) == [BROKEN_LINE]
    assert one.stdout == two.stdout and one.returncode == two.returncode == 1
    # the workers' verdicts reach the cache the parent writes
    assert set(sound_in_cache(root)) >= {f"pkg/m{i}.py" for i in range(6)}
    assert check(root, "-j2").stdout == one.stdout


def test_only_what_python_cannot_parse(tmp_path):
    """What ``ast.parse`` accepts (flake8 reports no ``E999``) is not reported, though the compiler
    refuses it: ``nonlocal`` at module level, a duplicate argument, ``return`` outside a function."""
    root = tree(tmp_path, {"a.py": "nonlocal x\n", "b.py": "def f(a, a):\n    pass\n", "c.py": "return 1\n",
                           "d.py": "def f():\n    from os import *\n"})
    proc = check(root)
    assert (fdp000(proc), proc.returncode) == ([], 0)


def test_nested_too_deeply_for_the_parser(tmp_path):
    """CPython's parser gives up on 100,000 unary minus signs (a MemoryError): a finding, no traceback."""
    root = tree(tmp_path, {"deep.py": "x = " + "-" * 100_000 + "1\n"})
    proc = check(root)
    assert fdp000(proc) == ["deep.py:1:1: FDP000 is nested too deeply for Python's parser; not analysed"]
    assert proc.returncode == 1


def test_flake8_keeps_its_own_e999(tmp_path):
    root = tree(tmp_path, {"util.py": BROKEN})
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "FDP,E9", "."],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert "FDP000" not in proc.stdout
    assert proc.stdout.startswith("./util.py:4:") and "E999 SyntaxError: '(' was never closed" in proc.stdout
