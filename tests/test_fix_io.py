"""The fixer's file handling and configuration, in process: atomic writes, encodings, options."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from flake8_flask_deploy import config, fix, fix_run


def test_atomic_write_failure_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "app.py"
    target.write_bytes(b"old\n")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fix.os, "replace", boom)
    with pytest.raises(OSError):
        fix.write_atomic(str(target), b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]


def test_atomic_write_follows_a_symlink_and_keeps_mode(tmp_path):
    real = tmp_path / "real.py"
    real.write_bytes(b"old\n")
    os.chmod(real, 0o751)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    fix.write_atomic(str(link), b"new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o751


def test_read_only_file_is_refused(tmp_path):
    target = tmp_path / "app.py"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o444)
    with pytest.raises(PermissionError):
        fix.write_atomic(str(target), b"new\n")
    assert target.read_bytes() == b"old\n"


@pytest.mark.parametrize("data, encoding", [
    (b"x = 1\n", "utf-8"),
    (b"\xef\xbb\xbfx = '\xc3\xa9'\n", "utf-8-sig"),
    (b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "iso-8859-1"),
])
def test_decode_encode_round_trip(data, encoding):
    source = fix.decode(data)
    assert source.encoding == encoding
    assert fix.encode(source, source.text) == data


def test_mixed_and_cr_newlines_survive_a_fix(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    data = b"from flask import Flask\r\napp = Flask(__name__)\rapp.debug = True\nx = 1\r\n"
    (tmp_path / "app.py").write_bytes(data)
    report = fix_run.fix_paths([str(tmp_path)])
    assert report.applied and not report.errors
    assert (tmp_path / "app.py").read_bytes() == b"from flask import Flask\r\napp = Flask(__name__)\rx = 1\r\n"


def _write(root: Path, files: dict) -> Path:
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_config_from_flake8_section(tmp_path):
    _write(tmp_path, {"pyproject.toml": "", ".flake8": "[flake8]\nselect = E,FDP001\nextend-ignore =\n  FDP003, E501\n"
                      "flask-deploy-context = off\nflask-deploy-app-names = server, web_app\n"})
    options = config.load_options(str(tmp_path))
    assert options.select == ["FDP001"] and options.ignore == ["FDP003"]
    assert options.context == "off" and options.app_names == ["server", "web_app"]


def test_pyproject_overrides_flake8_section(tmp_path):
    _write(tmp_path, {"setup.cfg": "[flake8]\nignore = FDP003\n",
                      "pyproject.toml": '[tool.flake8-flask-deploy]\nignore = ["FDP005"]\nunsafe-fixes = true\n'
                                        'assume-production = true\nentrypoints = ["run.py"]\n'})
    options = config.load_options(str(tmp_path / "sub" / "x.py"))
    assert options.ignore == ["FDP005"] and options.unsafe_fixes is True
    assert options.assume_production is True and options.entrypoints == ["run.py"]


def test_nearest_flake8_file_wins_and_bad_files_warn(tmp_path):
    sub = tmp_path / "pkg"
    sub.mkdir()
    _write(tmp_path, {"pyproject.toml": "[tool.flake8-flask-deploy\n", "tox.ini": "[flake8]\nignore = FDP001\n"})
    _write(sub, {".flake8": "[flake8]\nignore = FDP002\n"})
    options = config.load_options(str(sub / "app.py"))
    assert options.ignore == ["FDP002"]
    assert any("cannot be read as TOML" in message for _, message in options.warnings)
    _write(sub, {".flake8": "not an ini file\n"})
    options = config.load_options(str(sub / "app.py"))
    assert any("cannot be read as configuration" in message for _, message in options.warnings)
    assert options.ignore == ["FDP001"]  # the next file up still applies


def test_a_failing_fix_does_not_stop_the_others(tmp_path, monkeypatch):
    from flake8_flask_deploy.fixes import fdp003

    (tmp_path / "pyproject.toml").write_text("")
    source = "from flask import Flask\n\napp = Flask(__name__)\napp.debug = True\napp.run()\n"
    (tmp_path / "a.py").write_text(source)
    (tmp_path / "b.py").write_text(source)

    def broken(ctx):
        raise KeyError("bug")

    monkeypatch.setattr(fdp003, "fix", broken)
    report = fix_run.fix_paths([str(tmp_path)])
    assert sorted(os.path.basename(p) for p in report.changed) == ["a.py", "b.py"]
    assert all("internal error in the FDP003 fix" in m for _, m in report.warnings)
    wrapped = source.replace("app.run()\n", 'if __name__ == "__main__":\n    app.run()\n')
    assert (tmp_path / "a.py").read_text() == wrapped


def test_libcst_is_imported_only_when_fixing(tmp_path):
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.debug = True\n")
    code = ("import sys; from flake8_flask_deploy import cli; "
            "status = cli.main(['check', '.']); print(status, 'libcst' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.stdout.split()[-2:] == ["1", "False"], out.stdout + out.stderr


def test_a_pyproject_that_does_not_name_the_table_is_not_parsed(tmp_path):
    """Only a ``pyproject.toml`` whose text names ``flake8-flask-deploy`` is parsed as TOML (every editor
    run reads it): a broken one of another tool is not ours to warn about, one naming the table is."""
    _write(tmp_path, {"pyproject.toml": "[tool.black\nline-length = 99\n"})
    options = config.load_options(str(tmp_path / "app.py"))
    assert options.warnings == [] and options.errors == [] and options.sources == []
    _write(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 99\n[tool.flake8-flask-deploy]\nignore = [\"FDP005\"]\n"})
    assert config.load_options(str(tmp_path / "app.py")).ignore == ["FDP005"]
