"""Bad-input matrix: every kind of broken file gets a clear warning (or flake8's own E9xx) and
nothing else breaks.

Each test writes a small project in ``tmp_path`` holding the bad file *and* ``good.py`` (an
import-time ``app.run(debug=True)``: FDP004 at 3:1), runs the real CLI
(``python -m flake8_flask_deploy.cli check``) and/or real flake8 in a subprocess, and asserts the
message the user sees, the exit status, and that ``good.py`` is still reported.

Tests marked by ``FDP_SLOW`` (10 MB inputs) run only when that variable is set (``tox -e fuzz``).
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from test_deploy_helpers import write_files

from flake8_flask_deploy import engine
from flake8_flask_deploy.plugin import FlaskDeployChecker

GOOD = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"
GOOD_FINDING = "good.py:3:1: FDP004"
SLOW = pytest.mark.skipif(not os.environ.get("FDP_SLOW"), reason="10 MB inputs: set FDP_SLOW=1 (tox -e fuzz)")
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def project(tmp_path: Path, files: dict) -> Path:
    """Write ``files`` (name -> str or bytes) plus ``good.py`` and a root marker under ``tmp_path``."""
    return write_files(tmp_path, {"good.py": GOOD, **files})


def cli(root: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """``flake8-flask-deploy check <args>`` in ``root``."""
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", *(args or ["."])],
                          cwd=root, capture_output=True, text=True, timeout=timeout)


def flake8(root: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """``flake8 --isolated --select FDP,E9 <args>`` in ``root`` (E9: flake8's own read/parse errors)."""
    return subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "FDP,E9", *(args or ["."])],
                          cwd=root, capture_output=True, text=True, timeout=timeout)


def warnings_of(proc: subprocess.CompletedProcess) -> List[str]:
    """The ``warning:`` lines the CLI printed on stderr."""
    return [line for line in proc.stderr.splitlines() if line.startswith("warning:")]


def not_parsed(proc: subprocess.CompletedProcess) -> List[str]:
    """The ``FDP000`` lines (a file that does not parse or decode) the CLI printed on stdout."""
    return [line for line in proc.stdout.splitlines() if ": FDP000 " in line]


def assert_clean_run(proc: subprocess.CompletedProcess, expect_good: bool = True) -> None:
    """No traceback, a documented exit status, and ``good.py`` still reported."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr)
    if expect_good:
        assert GOOD_FINDING in proc.stdout, proc.stdout + proc.stderr
        assert proc.returncode == 1


# ---- Python files --------------------------------------------------------------------------------
def test_syntax_error(tmp_path):
    root = project(tmp_path, {"bad.py": "from flask import Flask\napp = Flask(__name__)\ndef (:\n"})
    proc = cli(root)
    assert_clean_run(proc)
    assert warnings_of(proc) == []
    assert not_parsed(proc) == ["bad.py:3:5: FDP000 SyntaxError: invalid syntax; not analysed"]
    proc = flake8(root)
    assert_clean_run(proc)
    assert "bad.py:3:" in proc.stdout and "E999 SyntaxError" in proc.stdout


def test_null_bytes(tmp_path):
    root = project(tmp_path, {"nul.py": b"from flask import Flask\x00\napp = Flask(__name__)\n"})
    proc = cli(root)
    assert_clean_run(proc)
    [warning] = not_parsed(proc)
    assert warning.startswith("nul.py:1:") and "null bytes" in warning and warning.endswith("not analysed")
    proc = flake8(root)
    assert_clean_run(proc)
    assert "nul.py:" in proc.stdout and ("E999" in proc.stdout or "E902" in proc.stdout)


def test_null_bytes_warning_has_no_line_none(tmp_path):
    root = project(tmp_path, {"nul.py": b"app = Flask(__name__)\x00\n"})
    [warning] = not_parsed(cli(root))
    assert "None" not in warning, warning


def test_latin1_with_coding_cookie(tmp_path):
    source = "# -*- coding: latin-1 -*-\nfrom flask import Flask\napp = Flask(__name__)\nname = 'caf\xe9'\n" \
             "app.run(debug=True)\n"
    root = project(tmp_path, {"lat.py": source.encode("latin-1")})
    proc = cli(root)
    assert_clean_run(proc)
    assert warnings_of(proc) == []
    assert "lat.py:5:1: FDP004" in proc.stdout
    proc = flake8(root)
    assert_clean_run(proc)
    assert "lat.py:5:1: FDP004" in proc.stdout and "E9" not in proc.stdout


def test_invalid_utf8(tmp_path):
    root = project(tmp_path, {"bad.py": b"from flask import Flask\napp = Flask(__name__)\nx = '\xff\xfe'\n"})
    proc = cli(root)
    assert_clean_run(proc)
    [warning] = not_parsed(proc)
    assert warning.startswith("bad.py:") and "utf-8" in warning.lower() and warning.endswith("not analysed")
    proc = flake8(root)  # flake8 falls back to latin-1 and lints it: no crash, no finding for it
    assert_clean_run(proc)
    assert "bad.py:" not in proc.stdout.replace("E902", "") or "E902" in proc.stdout


def test_utf8_bom(tmp_path):
    # the finding is on line 1, where a BOM would shift byte columns if it were counted
    source = "import flask; app = flask.Flask(__name__); app.run(debug=True)\n"
    root = project(tmp_path, {"bom.py": b"\xef\xbb\xbf" + source.encode()})
    expected_col = source.index("app.run") + 1
    proc = cli(root)
    assert_clean_run(proc)
    assert warnings_of(proc) == []
    assert f"bom.py:1:{expected_col}: FDP004" in proc.stdout, proc.stdout
    proc = flake8(root)
    assert_clean_run(proc)
    assert f"bom.py:1:{expected_col}: FDP004" in proc.stdout, proc.stdout


@pytest.mark.parametrize("newline", ["\r\n", "mixed", "\r"], ids=["crlf", "mixed", "cr"])
def test_crlf_and_mixed_newlines(tmp_path, newline):
    lines = ["from flask import Flask", "app = Flask(__name__)", "", "@app.route('/')", "def index():",
             "    return 'hi'", "", "app.run(debug=True)", ""]
    if newline == "mixed":
        text = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines))
    else:
        text = newline.join(lines)
    root = project(tmp_path, {"nl.py": text.encode()})
    for proc in (cli(root), flake8(root)):
        assert_clean_run(proc)
        assert "nl.py:8:1: FDP004" in proc.stdout, proc.stdout


def _big_module(size: int) -> str:
    chunk = "".join(f"def f{i}(a, b):\n    return a + b * {i}\n\n" for i in range(1000))
    return "from flask import Flask\napp = Flask(__name__)\n\n" + chunk * (size // len(chunk) + 1) + \
        "app.run(debug=True)\n"


def _check_big(tmp_path: Path, size: int) -> None:
    text = _big_module(size)
    last = text.count("\n")
    root = project(tmp_path, {"big.py": text})
    proc = cli(root, timeout=900)
    assert_clean_run(proc)
    assert f"big.py:{last}:1: FDP004" in proc.stdout
    proc = flake8(root, "--select", "FDP", "big.py", "good.py", timeout=900)
    assert_clean_run(proc)
    assert f"big.py:{last}:1: FDP004" in proc.stdout


def test_large_module(tmp_path):
    """300 kB (about 26,000 lines): the finding on the last line is found by the CLI; flake8 runs
    pycodestyle and pyflakes over it too, so it gets the 10 MB test only (FDP_SLOW)."""
    text = _big_module(300_000)
    last = text.count("\n")
    root = project(tmp_path, {"big.py": text})
    proc = cli(root)
    assert_clean_run(proc)
    assert f"big.py:{last}:1: FDP004" in proc.stdout


@SLOW
def test_ten_megabyte_module(tmp_path):
    _check_big(tmp_path, 10_000_000)


def test_deep_expression_that_python_cannot_parse(tmp_path):
    """A chain of 5000 ``+`` overflows CPython's parser: the CLI skips it with a warning. (flake8
    itself dies on such a file before any plugin runs, see docs/reliability.md.)"""
    deep = "from flask import Flask\napp = Flask(__name__)\nx = " + "+".join(["1"] * 5000) + "\n"
    root = project(tmp_path, {"deep.py": deep})
    proc = cli(root)
    assert_clean_run(proc)
    assert not_parsed(proc) == ["deep.py:1:1: FDP000 is nested too deeply for Python's parser; not analysed"]


def test_deep_expression_that_parses(tmp_path):
    """900 nested BinOps: our analysis copes; pyflakes does not (flake8 stops the whole run with
    ``"pyflakes[F]" failed during execution due to RecursionError``), so flake8 gets 300."""
    deep = "from flask import Flask\napp = Flask(__name__)\nx = " + "+".join(["1"] * 900) + "\napp.run(debug=True)\n"
    root = project(tmp_path, {"deep.py": deep})
    proc = cli(root)
    assert_clean_run(proc)
    assert "deep.py:4:1: FDP004" in proc.stdout
    (root / "deep.py").write_text(deep.replace("+".join(["1"] * 900), "+".join(["1"] * 300)))
    for proc in (flake8(root),):
        assert_clean_run(proc)
        assert "deep.py:4:1: FDP004" in proc.stdout


def _deep_if_tree(depth: int) -> ast.Module:
    """``if x:`` nested ``depth`` times around ``app.run(debug=True)``: a tree source cannot spell
    (CPython stops at 100 indentation levels) but another tool could hand to the plugin."""
    body: list = [ast.parse("\n\napp.run(debug=True)").body[0]]
    for _ in range(depth):  # locations set by hand: ast.fix_missing_locations itself recurses
        test = ast.Name("x", ast.Load(), lineno=3, col_offset=0, end_lineno=3, end_col_offset=1)
        body = [ast.If(test=test, body=body, orelse=[], lineno=3, col_offset=0, end_lineno=3, end_col_offset=1)]
    head = ast.parse("from flask import Flask\napp = Flask(__name__)\n").body
    return ast.Module(body=head + body, type_ignores=[])


def test_recursion_error_in_analysis_is_a_clean_skip(tmp_path, caplog):
    """The plugin turns a RecursionError into a logged skip: flake8's run goes on."""
    path = str(project(tmp_path, {}) / "deep.py")
    tree = _deep_if_tree(sys.getrecursionlimit() + 100)
    engine.clear_caches()
    with pytest.raises(RecursionError):
        engine.analyze_module(tree, path)
    with caplog.at_level("WARNING", logger="flake8_flask_deploy"):
        assert list(FlaskDeployChecker(tree, path, ["app = Flask(__name__)\n"]).run()) == []
    assert any("nested too deeply" in r.getMessage() for r in caplog.records)
    # and a shallow version of the same tree is analysed normally
    assert isinstance(engine.analyze_module(_deep_if_tree(30), path), list)


@pytest.mark.skipif(ROOT, reason="running as root: chmod 000 does not stop root reading the file "
                                 "(test_dangling_symlink covers an unreadable path)")
def test_unreadable_file(tmp_path):
    root = project(tmp_path, {"secret.py": GOOD})
    os.chmod(root / "secret.py", 0)
    try:
        proc = cli(root)
        assert_clean_run(proc)
        assert warnings_of(proc) == ["warning: secret.py: cannot be read (Permission denied); skipped"]
        proc = flake8(root)
        assert_clean_run(proc)
        assert "secret.py:" in proc.stdout and "E902" in proc.stdout
    finally:
        os.chmod(root / "secret.py", 0o644)


def test_dangling_symlink(tmp_path):
    root = project(tmp_path, {})
    os.symlink(root / "missing.py", root / "gone.py")
    proc = cli(root)
    assert_clean_run(proc)
    assert warnings_of(proc) == ["warning: gone.py: cannot be read (No such file or directory); skipped"]
    proc = flake8(root)
    assert_clean_run(proc)


def test_symlink_loop(tmp_path):
    root = project(tmp_path, {})
    os.symlink(root / "loop_b.py", root / "loop_a.py")
    os.symlink(root / "loop_a.py", root / "loop_b.py")
    os.symlink(root, root / "self_dir")  # a folder loop as well: the walk must not follow it
    proc = cli(root)
    assert_clean_run(proc)
    assert sorted(warnings_of(proc)) == [
        "warning: loop_a.py: cannot be read (Too many levels of symbolic links); skipped",
        "warning: loop_b.py: cannot be read (Too many levels of symbolic links); skipped",
    ]
    assert proc.stdout.count("FDP004") == 1  # good.py once, not again through self_dir
    proc = flake8(root)
    assert_clean_run(proc)
    assert "loop_a.py:" in proc.stdout and "E902" in proc.stdout


def test_empty_file(tmp_path):
    root = project(tmp_path, {"empty.py": "", "__init__.py": b""})
    proc = cli(root)
    assert_clean_run(proc)
    assert warnings_of(proc) == []
    assert "empty.py" not in proc.stdout
    proc = cli(root, "empty.py")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    proc = flake8(root, "empty.py")
    assert proc.returncode == 0 and proc.stdout == ""


# ---- deployment files ----------------------------------------------------------------------------
APP_DOCKER = {
    "app.py": "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'hi'\n\n"
              "if __name__ == '__main__':\n    app.run()\n",
}
#: what a readable ``CMD ["python", "app.py"]`` Dockerfile makes of app.py: loopback bind in a container
APP_DOCKER_FINDING = "app.py:9:5: FDP005"


def test_binary_dockerfile(tmp_path):
    root = project(tmp_path, {"Dockerfile": b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256))})
    proc = cli(root)
    assert_clean_run(proc)
    assert warnings_of(proc) == ["warning: Dockerfile: is binary, skipped"]
    assert_clean_run(flake8(root))


def test_non_utf8_dockerfile(tmp_path):
    root = project(tmp_path, {"Dockerfile": b"FROM python\nLABEL x=\xff\xfe\nCMD python good.py\n"})
    proc = cli(root)
    assert_clean_run(proc)
    [warning] = warnings_of(proc)
    assert warning.startswith("warning: Dockerfile: is not UTF-8") and warning.endswith("skipped")


def test_invalid_yaml_compose(tmp_path):
    root = project(tmp_path, {"docker-compose.yml": "services:\n  web:\n    command: [python, app.py\n  db: {\n"})
    proc = cli(root)
    assert_clean_run(proc)
    [warning] = warnings_of(proc)
    assert warning.startswith("warning: docker-compose.yml: is not valid YAML at line "), warning
    assert_clean_run(flake8(root))


@pytest.mark.parametrize("text", ["- just\n- a list\n", "42\n", "services: 7\n", "services:\n  web: [1, 2]\n",
                                  "services:\n  web:\n    command: {a: 1}\n    environment: 5\n    build: [x]\n"],
                         ids=["list", "scalar", "services-scalar", "service-list", "odd-types"])
def test_compose_of_unexpected_shape(tmp_path, text):
    root = project(tmp_path, {"docker-compose.yml": text})
    proc = cli(root)
    assert_clean_run(proc)
    assert not any("could not be read (" in w for w in warnings_of(proc)), proc.stderr  # no internal error


def test_dockerfile_with_unknown_instructions(tmp_path):
    dockerfile = "FROM python:3.12\nFROOBLE everything\nCOPY . /app\nWORKDIR /app\nMAINTAINER someone\n" \
                 "ONBUILD RUN nothing\nBOGUS\nCMD [\"python\", \"app.py\"]\n"
    root = project(tmp_path, dict(APP_DOCKER, Dockerfile=dockerfile))
    proc = cli(root)
    assert_clean_run(proc, expect_good=False)
    assert not any("could not be read (" in w for w in warnings_of(proc)), proc.stderr
    assert APP_DOCKER_FINDING in proc.stdout, proc.stdout  # the rest of the file is still used
    unknown = [w for w in warnings_of(proc) if "unknown instruction" in w]
    tail = "(docker build rejects it); the rest of the file is read"
    assert unknown == [f"warning: Dockerfile: line 2: unknown instruction FROOBLE {tail}",
                       f"warning: Dockerfile: line 7: unknown instruction BOGUS {tail}"]


def test_dockerfile_here_documents_are_no_instructions(tmp_path):
    """BuildKit here-documents (RUN <<EOF ... EOF, COPY <<-"A" /x): their bodies are neither warned
    about as unknown instructions nor read as instructions (an ENV or CMD line inside stays text)."""
    dockerfile = ("# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN <<EOF\nset -e\nif true; then\n  pip install flask\n"
                  "fi\nEOF\nCOPY <<-\"CONF\" /etc/app.conf\n\tCMD [\"gunicorn\", \"app:app\"]\n\tENV FLASK_DEBUG=1\n\tCONF\n"
                  "COPY . /app\nWORKDIR /app\nCMD [\"python\", \"app.py\"]\n")
    root = project(tmp_path, dict(APP_DOCKER, Dockerfile=dockerfile))
    proc = cli(root)
    assert_clean_run(proc, expect_good=False)
    assert [w for w in warnings_of(proc) if "unknown instruction" in w] == []
    assert APP_DOCKER_FINDING in proc.stdout, proc.stdout  # the CMD after the here-documents is the command
    assert "FDP003" not in proc.stdout  # ENV FLASK_DEBUG=1 is the body of a file, not an instruction


def test_dockerfile_that_breaks_the_parser(tmp_path):
    dockerfile = 'FROM python\nENV A="unterminated\nCMD ["python", "app.py"\nENTRYPOINT [\nWORKDIR\n\\\n'
    root = project(tmp_path, dict(APP_DOCKER, Dockerfile=dockerfile))
    proc = cli(root)
    assert_clean_run(proc, expect_good=False)
    assert not any("could not be read (" in w for w in warnings_of(proc)), proc.stderr


def test_large_compose_file_is_skipped_with_a_warning(tmp_path):
    service = "  svc{n}:\n    image: python:3.12\n    command: gunicorn app:app\n    environment:\n      A: '{n}'\n"
    text = "services:\n" + "".join(service.format(n=n) for n in range(110_000))
    assert len(text) > 10_000_000
    root = project(tmp_path, {"docker-compose.yml": text})
    proc = cli(root)
    assert_clean_run(proc)
    [warning] = warnings_of(proc)
    assert warning.startswith("warning: docker-compose.yml: larger than ") and warning.endswith("skipped")
    assert_clean_run(flake8(root))


def _has_reader(kind: str) -> bool:
    from flake8_flask_deploy import deploy

    names = {"systemd": ("app.service", "flask.service"), "nginx": ("nginx.conf",)}[kind]
    return any(deploy.reader_for(name) is not None for name in names)


@pytest.mark.xfail(not _has_reader("systemd"), strict=False, reason="systemd unit reader not written yet")
def test_systemd_unit_with_duplicate_keys(tmp_path):
    unit = "[Unit]\nDescription=app\n\n[Service]\nWorkingDirectory=/srv/app\nExecStart=/usr/bin/python app.py\n" \
           "ExecStart=/usr/bin/python app.py\nEnvironment=A=1\nEnvironment=B=2\n\n[Service]\nUser=www\n\n" \
           "[Install]\nWantedBy=multi-user.target\n"
    root = project(tmp_path, dict(APP_DOCKER, **{"app.service": unit}))
    proc = cli(root)
    assert_clean_run(proc, expect_good=False)
    assert not any("could not be read (" in w for w in warnings_of(proc)), proc.stderr
    # the unit is read despite the duplicates: its launch is seen (a finding or a warning names it)
    assert "app.service" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.mark.xfail(not _has_reader("systemd"), strict=False, reason="systemd unit reader not written yet")
def test_binary_systemd_unit(tmp_path):
    root = project(tmp_path, {"app.service": b"\x00\x01\x02[Service]\nExecStart=\xff\n"})
    proc = cli(root)
    assert_clean_run(proc)
    assert [w for w in warnings_of(proc) if "app.service" in w], proc.stderr


@pytest.mark.xfail(not _has_reader("nginx"), strict=False, reason="nginx reader not written yet")
def test_nginx_file_that_does_not_parse(tmp_path):
    conf = "server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:5000;\n    \n"
    root = project(tmp_path, dict(APP_DOCKER, **{"nginx.conf": conf}))
    proc = cli(root)
    assert_clean_run(proc, expect_good=False)
    [warning] = [w for w in warnings_of(proc) if "nginx.conf" in w]
    assert warning.startswith("warning: nginx.conf: ") and "nginx" in warning.split(":", 2)[2], warning
    assert not any("could not be read (" in w for w in warnings_of(proc)), proc.stderr
    assert GOOD_FINDING in proc.stdout  # the rest of the project is still judged


def test_many_bad_files_at_once(tmp_path):
    """All of the above in one tree: one warning or FDP000 each, the good module still reported."""
    files = {
        "bad.py": "app = Flask(\ndef (:\n", "nul.py": b"app = Flask(__name__)\x00", "utf.py": b"app = Flask(__name__)\nx = '\xff'\n",
        "empty.py": "", "plain_py2.py": "print 'no Flask app here'\n",
        "Dockerfile": b"\x00\x00", "docker-compose.yml": "a: [\n", "Procfile": b"web: \xff\n",
        "sub/Dockerfile": "FROOBLE\nCMD [\n",
    }
    root = project(tmp_path, files)
    os.symlink(root / "loop.py", root / "loop.py")
    proc = cli(root)
    assert_clean_run(proc)
    warned = {w.split(":")[1].strip() for w in warnings_of(proc)}
    assert {"loop.py", "Dockerfile", "docker-compose.yml", "Procfile"} <= warned, warned
    # a module no rule can concern is not analysed, but its syntax error is reported all the same
    assert {line.split(":")[0] for line in not_parsed(proc)} == {"bad.py", "nul.py", "utf.py", "plain_py2.py"}
    assert "plain_py2.py" not in warned, warned
    assert_clean_run(flake8(root))


# ---- the fixer never loses a line ------------------------------------------------------------------
FIXABLE = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n\n\n" \
          "app.run(debug=True)\n"


def _fix(root: Path, *paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "fix", "--unsafe-fixes", *(paths or ["."])],
                          cwd=root, capture_output=True, text=True, timeout=300)


def test_fix_write_failing_half_way_keeps_the_original(tmp_path, monkeypatch, capsys):
    """The disk fills up half-way through writing the fixed file: the original is intact, no
    temporary file is left behind, and the run says so with exit status 2."""
    fix = pytest.importorskip("flake8_flask_deploy.fix")
    from flake8_flask_deploy import cli

    root = project(tmp_path, {"app.py": FIXABLE})
    original = (root / "app.py").read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()
            return False

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(fix.os, "fdopen", lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k)))
    monkeypatch.chdir(root)
    engine.clear_caches()
    status = cli.main(["fix", "--unsafe-fixes", "app.py"])
    err = capsys.readouterr().err
    engine.clear_caches()
    assert (root / "app.py").read_bytes() == original
    assert sorted(p.name for p in root.iterdir()) == ["app.py", "good.py", "pyproject.toml"]
    assert status == 2 and "app.py" in err and "No space left on device" in err, (status, err)


def test_fix_keeps_encoding_newlines_and_mode(tmp_path):
    pytest.importorskip("flake8_flask_deploy.fix")
    source = "# -*- coding: latin-1 -*-\r\n" + FIXABLE.replace("'hi'", "'caf\xe9'").replace("\n", "\r\n")
    root = project(tmp_path, {"app.py": source.encode("latin-1")})
    os.chmod(root / "app.py", 0o640)
    proc = _fix(root, "app.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = (root / "app.py").read_bytes()
    assert data != source.encode("latin-1")
    assert b"caf\xe9" in data and data.count(b"\r\n") == data.count(b"\n")  # latin-1 kept, every newline CRLF
    assert oct(os.stat(root / "app.py").st_mode & 0o777) == oct(0o640)
    compile(data, "app.py", "exec")


def test_two_concurrent_fix_runs_leave_each_file_original_or_fully_fixed(tmp_path):
    pytest.importorskip("flake8_flask_deploy.fix")
    files = {f"mod{i}.py": FIXABLE.replace("'/'", f"'/{i}'") for i in range(6)}
    reference = project(tmp_path / "reference", dict(files))
    assert _fix(reference).returncode == 1
    files["good.py"] = GOOD
    fixed = {name: (reference / name).read_bytes() for name in files}
    assert all(fixed[name] != files[name].encode() for name in files)
    for attempt in range(2):
        root = project(tmp_path / f"race{attempt}", {k: v for k, v in files.items() if k != "good.py"})
        cmd = [sys.executable, "-m", "flake8_flask_deploy.cli", "fix", "--unsafe-fixes", "."]
        procs = [subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode in (0, 1, 2) and "Traceback" not in err, err
        for name in files:
            data = (root / name).read_bytes()
            assert data in (files[name].encode(), fixed[name]), (name, data.decode())
        leftovers = [p.name for p in root.iterdir() if p.name.endswith(".fdp-tmp")]
        assert leftovers == []


def test_a_bug_in_a_rule_is_a_warning_not_a_crash_of_check(tmp_path, monkeypatch, capsys):
    """A rule that raises (a bug of ours) costs that file's findings, with a warning that says so;
    ``check`` goes on with the other files and the deployment files."""
    from flake8_flask_deploy import cli
    from flake8_flask_deploy.rules import fdp002_shadowed_flask_app as fdp002

    def boom(self, module):
        raise AttributeError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(fdp002.ShadowedFlaskApp, "check", boom)
    root = project(tmp_path, {"app.py": "from flask import Flask\n\napp = Flask(__name__)\napp.run(debug=True)\n",
                              "Dockerfile": 'FROM python:3.12\nCOPY . .\nCMD ["flask", "run"]\n'})
    status = cli.main(["check", "--jobs", "1", str(root)])
    out, err = capsys.readouterr()
    assert "internal error while checking it (AttributeError: boom)" in err
    assert "FDP004" in out  # the deployment file's findings are still reported
    assert status == 2  # an internal error: findings are missing, a CI stage must not pass


def test_normpath_is_realpath_with_links_anywhere(tmp_path, monkeypatch) -> None:
    """``sources.normpath`` joins a folder's answer with a name that is no link: the same as
    ``os.path.realpath`` for linked folders, linked files, dangling links, ``..`` and missing paths."""
    from flake8_flask_deploy import sources
    from flake8_flask_deploy.session import new_session

    (tmp_path / "real" / "pkg").mkdir(parents=True)
    (tmp_path / "real" / "pkg" / "mod.py").write_text("x = 1\n")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "pkg" / "alias.py").symlink_to(tmp_path / "real" / "pkg" / "mod.py")
    (tmp_path / "real" / "pkg" / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real" / "loop")
    monkeypatch.chdir(tmp_path / "linked" / "pkg")
    paths = ["linked/pkg/mod.py", "linked/pkg/alias.py", "linked/pkg/dangling.py", "linked/pkg/../pkg/mod.py",
             "real/loop/x.py", "linked/missing/x.py", "linked", "real/pkg", "/", "."]
    new_session()
    for rel in paths:
        path = rel if rel.startswith("/") or rel == "." else str(tmp_path / rel)
        assert sources.normpath(path) == os.path.realpath(os.path.abspath(path)), rel
    assert sources.normpath("mod.py") == os.path.realpath("mod.py")  # relative to the working folder
