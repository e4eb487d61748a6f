"""``flake8-flask-deploy fix`` end to end, in temporary project trees, through a real subprocess."""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from test_deploy_helpers import write_files

REPO = Path(__file__).resolve().parent.parent

DEBUG_APP = 'from flask import Flask\n\napp = Flask(__name__)\napp.debug = True\n'
FIXED_DEBUG_APP = 'from flask import Flask\n\napp = Flask(__name__)\n'
RUN_APP = 'from flask import Flask\n\napp = Flask(__name__)\napp.run()\n'
WRAPPED_RUN_APP = 'from flask import Flask\n\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run()\n'


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def project(tmp_path: Path, files: dict) -> Path:
    (tmp_path / "proj").mkdir()
    return write_files(tmp_path / "proj", files, marker="")


def test_exit_0_when_nothing_to_fix(tmp_path):
    root = project(tmp_path, {"app.py": FIXED_DEBUG_APP})
    result = cli("fix", ".", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "app.py").read_text() == FIXED_DEBUG_APP


def test_exit_1_and_file_changed(tmp_path):
    root = project(tmp_path, {"app.py": DEBUG_APP})
    result = cli("fix", cwd=root)  # default path: .
    assert result.returncode == 1, result.stderr
    assert (root / "app.py").read_text() == FIXED_DEBUG_APP
    assert "app.py:4: FDP003 [safe]" in result.stdout
    assert "Fixed 1 finding in 1 file." in result.stdout
    assert cli("check", ".", cwd=root).returncode == 0
    assert not [p for p in root.iterdir() if p.name.endswith(".fdp-tmp")]


def test_diff_writes_nothing(tmp_path):
    root = project(tmp_path, {"app.py": DEBUG_APP})
    result = cli("fix", "--diff", ".", cwd=root)
    assert result.returncode == 1
    assert (root / "app.py").read_text() == DEBUG_APP
    assert result.stdout.splitlines() == [
        "--- a/app.py", "+++ b/app.py", "@@ -1,4 +1,3 @@", " from flask import Flask", " ",
        " app = Flask(__name__)", "-app.debug = True",
    ]
    assert "Would fix 1 finding in 1 file." in result.stderr


def test_unsafe_fixes_only_with_the_flag(tmp_path):
    route = '\n\n@app.route("/")\ndef index():\n    return "hi"\n'
    source = ('from flask import Flask\n\napp = Flask(__name__)\napp.register_blueprint(bp)\n'
              'app = Flask(__name__)\n' + route)
    root = project(tmp_path, {"app.py": source})
    result = cli("fix", ".", cwd=root)
    assert result.returncode == 0
    assert (root / "app.py").read_text() == source
    assert "1 more fix available with --unsafe-fixes." in result.stdout
    result = cli("fix", "--unsafe-fixes", ".", cwd=root)
    assert result.returncode == 1
    assert (root / "app.py").read_text() == source.replace("app = Flask(__name__)\n" + route, route)
    assert "FDP002 [unsafe]" in result.stdout


def test_select_and_ignore(tmp_path):
    source = DEBUG_APP + "app.run()\n"
    root = project(tmp_path, {"app.py": source})
    assert cli("fix", "--select", "FDP004", "--diff", ".", cwd=root).stdout.count("\n-") == 1
    result = cli("fix", "--ignore", "FDP003,FDP004", ".", cwd=root)
    assert result.returncode == 0 and (root / "app.py").read_text() == source
    result = cli("fix", "--select", "FDP00", "--ignore", "FDP004", ".", cwd=root)
    assert result.returncode == 1
    assert (root / "app.py").read_text() == FIXED_DEBUG_APP + "app.run()\n"


def test_noqa_is_neither_reported_nor_rewritten(tmp_path):
    source = ('from flask import Flask\n\napp = Flask(__name__)\napp.debug = True  # noqa: FDP003\n'
              'app.config["DEBUG"] = True  # noqa\napp.config.update(DEBUG=True)  # noqa: E501\n')
    root = project(tmp_path, {"app.py": source})
    check = cli("check", ".", cwd=root)
    assert [line.split(":")[1] for line in check.stdout.splitlines() if "FDP003" in line] == ["6"]
    assert cli("fix", ".", cwd=root).returncode == 1
    assert (root / "app.py").read_text() == source.replace("app.config.update(DEBUG=True)  # noqa: E501\n", "")


def test_crlf_newlines_are_kept(tmp_path):
    root = project(tmp_path, {"app.py": RUN_APP.replace("\n", "\r\n").encode()})
    assert cli("fix", ".", cwd=root).returncode == 1
    assert (root / "app.py").read_bytes() == WRAPPED_RUN_APP.replace("\n", "\r\n").encode()


def test_bom_and_non_ascii_columns(tmp_path):
    # the finding's column is after a non-ASCII character: ast counts bytes, libcst characters
    source = 'from flask import Flask\n\napp = Flask(__name__)\ntitle = "café"; app.debug = True\n'
    root = project(tmp_path, {"app.py": b"\xef\xbb\xbf" + source.encode("utf-8")})
    assert cli("fix", ".", cwd=root).returncode == 1
    expected = source.replace('; app.debug = True', '')
    assert (root / "app.py").read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_coding_cookie_is_kept(tmp_path):
    source = '# -*- coding: latin-1 -*-\nfrom flask import Flask\n\nname = "né"\napp = Flask(__name__)\napp.run()\n'
    root = project(tmp_path, {"app.py": source.encode("latin-1")})
    assert cli("fix", ".", cwd=root).returncode == 1
    data = (root / "app.py").read_bytes()
    assert data == source.replace("app.run()\n", 'if __name__ == "__main__":\n    app.run()\n').encode("latin-1")


def test_file_mode_is_kept(tmp_path):
    root = project(tmp_path, {"app.py": DEBUG_APP})
    os.chmod(root / "app.py", 0o640)
    assert cli("fix", ".", cwd=root).returncode == 1
    assert stat.S_IMODE(os.stat(root / "app.py").st_mode) == 0o640


def test_read_only_file_is_an_error_and_others_are_fixed(tmp_path):
    root = project(tmp_path, {"a.py": DEBUG_APP, "b.py": DEBUG_APP})
    os.chmod(root / "a.py", 0o444)
    result = cli("fix", ".", cwd=root)
    assert result.returncode == 2
    assert "error: a.py: cannot be written" in result.stderr
    assert (root / "a.py").read_text() == DEBUG_APP
    assert (root / "b.py").read_text() == FIXED_DEBUG_APP


def test_unparsable_and_undecodable_files_are_left_and_reported(tmp_path):
    broken = "from flask import Flask\napp = Flask(__name__)\napp.debug = True\ndef (:\n"
    latin = b"from flask import Flask\napp = Flask('caf\xe9')\napp.debug = True\n"
    # no rule can fire on these two (the text test on their bytes): ``fix`` does not even parse them
    # (nothing to fix there); ``check`` reports them (FDP000 in every file it checks)
    plain_broken, plain_latin = "def (:\n", b"name = 'caf\xe9'\n"
    root = project(tmp_path, {"broken.py": broken, "latin.py": latin, "ok.py": DEBUG_APP,
                              "plain_broken.py": plain_broken, "plain_latin.py": plain_latin})
    result = cli("fix", ".", cwd=root)
    assert result.returncode == 1
    assert "warning: broken.py: does not parse" in result.stderr
    assert "warning: latin.py: cannot be decoded" in result.stderr
    assert "plain_" not in result.stderr
    assert (root / "broken.py").read_text() == broken
    assert (root / "latin.py").read_bytes() == latin
    assert (root / "plain_broken.py").read_text() == plain_broken
    assert (root / "plain_latin.py").read_bytes() == plain_latin
    assert (root / "ok.py").read_text() == FIXED_DEBUG_APP
    check = cli("check", ".", cwd=root)
    assert "broken.py:4:5: FDP000 SyntaxError" in check.stdout
    assert "plain_broken.py:1:5: FDP000 SyntaxError: invalid syntax; not analysed" in check.stdout
    assert "plain_latin.py:1:14: FDP000 cannot be decoded ('utf-8' codec can't decode byte 0xe9" in check.stdout


def test_missing_path_is_an_error(tmp_path):
    root = project(tmp_path, {})
    assert cli("fix", "nope.py", cwd=root).returncode == 2


def test_options_from_setup_cfg_and_pyproject(tmp_path):
    route = '\n\n@app.route("/")\ndef index():\n    return "hi"\n'
    source = DEBUG_APP.replace("app.debug", "app.register_blueprint(bp)\napp = Flask(__name__)\napp.debug") + route
    root = project(tmp_path, {"app.py": source, "setup.cfg": "[flake8]\nextend-ignore = FDP003\n"})
    assert cli("check", ".", cwd=root).stdout.count("FDP003") == 0
    result = cli("fix", ".", cwd=root)
    assert result.returncode == 0 and (root / "app.py").read_text() == source
    (root / "pyproject.toml").write_text('[tool.flake8-flask-deploy]\nunsafe-fixes = true\n')
    assert cli("fix", ".", cwd=root).returncode == 1
    assert (root / "app.py").read_text() == source.replace("app = Flask(__name__)\napp.debug", "app.debug")
    # FDP002 (unsafe) fixed, FDP003 still ignored


def test_flake8_select_without_our_prefix_selects_nothing(tmp_path):
    # as in flake8, ``select = E,W`` turns every FDP code off (``F`` would select them: prefixes)
    root = project(tmp_path, {"app.py": DEBUG_APP, "tox.ini": "[flake8]\nselect = E,W\n"})
    assert cli("fix", ".", cwd=root).returncode == 0


def test_gunicorn_requirement_is_added_and_reported(tmp_path):
    app = 'from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run(port=8000)\n'
    dockerfile = 'FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n'
    root = project(tmp_path, {"app.py": app, "Dockerfile": dockerfile, "requirements.txt": "flask\n"})
    result = cli("fix", "--unsafe-fixes", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    assert (root / "Dockerfile").read_text().endswith('CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n')
    assert (root / "requirements.txt").read_text() == "flask\ngunicorn\n"
    assert "note: added gunicorn to requirements.txt" in result.stdout
    assert cli("check", ".", cwd=root).returncode == 0
    # issue 23: an image that installs nothing where gunicorn could go is not switched to gunicorn
    # (it would not start: "gunicorn: not found"); the report says what to do instead
    (root / "requirements.txt").unlink()
    (root / "Dockerfile").write_text('FROM python:3.12\nCOPY . .\nCMD python app.py\n')
    result = cli("fix", "--unsafe-fixes", ".", cwd=root)
    assert (root / "Dockerfile").read_text() == 'FROM python:3.12\nCOPY . .\nCMD python app.py\n'
    assert "note: Dockerfile:3: FDP004 not fixed: gunicorn would not be installed: Dockerfile installs no " \
           "packages where gunicorn could be added: install it in the image (`RUN pip install gunicorn`)" \
           in result.stdout, result.stdout


def test_fixed_host_is_quiet_in_ruff_and_bandit(tmp_path):
    """FDP005's fix writes 0.0.0.0 with both tools' suppressions on that line (and the reason, there or,
    when the line would be longer than 79, on the line above)."""
    app = ('from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n'
           '    app.run(port=5000)\n    app.run(\n        port=5001,\n    )\n')
    root = project(tmp_path, {"app.py": app, "Dockerfile": 'FROM python:3.12\nCOPY . .\nCMD ["python", "app.py"]\n'})
    assert cli("fix", "--unsafe-fixes", "--select", "FDP005", ".", cwd=root).returncode == 1
    fixed = (root / "app.py").read_text()
    assert fixed.count('host="0.0.0.0"') == 2
    assert cli("check", "--select", "FDP005", ".", cwd=root).returncode == 0
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--select", "S104",
                           "app.py"], cwd=root, capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout
    bandit = subprocess.run([sys.executable, "-m", "bandit", "-q", "app.py"], cwd=root, capture_output=True,
                            text=True)
    assert bandit.returncode == 0, bandit.stdout + bandit.stderr
    assert "B104" not in bandit.stdout
    # without the fix's comments both tools do flag the literal: the test above can fail
    stripped = re.sub(r"  (# container: listen on all interfaces  )?# noqa: S104  # nosec B104", "", fixed)
    assert stripped.count("S104") == 0
    (root / "app.py").write_text(stripped)
    assert subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--select", "S104",
                           "app.py"], cwd=root, capture_output=True).returncode == 1
    assert subprocess.run([sys.executable, "-m", "bandit", "-q", "app.py"], cwd=root,
                          capture_output=True).returncode == 1


def test_broken_blog_is_fixed_completely(tmp_path):
    source = REPO / "examples" / "broken_blog"
    if not source.is_dir():
        pytest.skip("examples/broken_blog is not there yet")
    root = tmp_path / "broken_blog"
    shutil.copytree(source, root)
    codes = [f"FDP00{i}" for i in range(1, 6)]
    before = cli("check", "--select", ",".join(codes), ".", cwd=root)
    assert before.returncode == 1
    result = cli("fix", "--unsafe-fixes", "--select", ",".join(codes), ".", cwd=root)
    assert result.returncode == 1, result.stderr
    after = cli("check", "--select", ",".join(codes), ".", cwd=root)
    assert after.returncode == 0, after.stdout
    again = cli("fix", "--unsafe-fixes", "--select", ",".join(codes), ".", cwd=root)
    assert again.returncode == 0, again.stdout  # fixing twice equals fixing once
    for path in root.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")
    # and the app still imports, with the routes that were hidden or shadowed now on the served app
    pytest.importorskip("flask")
    code = "import run; print(sorted(r.rule for r in run.app.url_map.iter_rules()))"
    probe = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert "'/'" in probe.stdout, probe.stdout
