"""``# noqa`` in deployment files: for each format, on real project trees, which comment silences a
finding located in the file, through ``check``; a ``noqa`` for another code, or a comment the format
does not read as one, silences nothing. Each problem is one finding (issue 24 "one problem, one
finding"): flake8 shows no copy on the Python module, and a ``# noqa`` on the Python line it names
does not silence it. docs/suppression.md states the same table."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from flake8_flask_deploy import cli
from flake8_flask_deploy.suppress import FORMATS, format_of
from test_deploy_helpers import FLASK_APP, make_project, sample

PROXYFIX_APP = (FLASK_APP + "\nfrom werkzeug.middleware.proxy_fix import ProxyFix\n\n"
                "app.wsgi_app = ProxyFix(app.wsgi_app)\n")
DOCKER_SCRIPT = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["./start.sh"]\n'


@dataclass
class Case:
    """A project whose file ``deploy`` holds a ``code`` finding at ``line`` (``{above}`` and
    ``{inline}`` in its text mark where the comments go); ``module`` is the module it serves (the
    finding's related location).

    ``above``/``inline``: how a comment line above and a comment after the content are written
    (``{noqa}`` stands for ``noqa`` or ``noqa: CODES``); ``inline_silences``: whether the format reads
    the inline one as a comment (False: it is part of the file's content); ``above_silences``:
    whether a comment line above applies (not in Python, where flake8 reads the reported line only)."""

    files: Dict[str, str]
    deploy: str
    code: str
    line: int
    module: str
    above: str
    inline: str
    inline_silences: bool
    above_silences: bool = True


CASES = {
    "dockerfile": Case({"app.py": FLASK_APP,
                        "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n{above}CMD ["flask", "run", '
                                      '"--host", "0.0.0.0"]{inline}\n'},
                       "Dockerfile", "FDP004", 4, "app.py", "# {noqa}\n", "  # {noqa}", False),
    "compose": Case({"app.py": FLASK_APP,
                     "docker-compose.yml": "services:\n  web:\n    build: .\n{above}    command: flask run --host "
                                           "0.0.0.0{inline}\n"},
                    "docker-compose.yml", "FDP004", 4, "app.py", "    # {noqa}\n", "  # {noqa}", True),
    "procfile": Case({"app.py": FLASK_APP, "requirements.txt": "flask\n",
                      "Procfile": "{above}web: flask run --host 0.0.0.0 --port $PORT{inline}\n"},
                     "Procfile", "FDP004", 1, "app.py", "# {noqa}\n", "  # {noqa}", True),
    "shell": Case({"app.py": FLASK_APP, "Dockerfile": DOCKER_SCRIPT,
                   "start.sh": "#!/bin/sh\nflask db upgrade\n{above}exec flask run --host 0.0.0.0{inline}\n"},
                  "start.sh", "FDP004", 3, "app.py", "# {noqa}\n", "  # {noqa}", True),
    "flaskenv": Case({"app.py": FLASK_APP, "Procfile": "web: flask run --host 0.0.0.0 --port $PORT\n",
                      ".flaskenv": "FLASK_APP=app\n{above}FLASK_DEBUG=1{inline}\n"},
                     ".flaskenv", "FDP003", 2, "app.py", "# {noqa}\n", "  # {noqa}", True),
    "nginx": Case({"wsgi.py": PROXYFIX_APP,
                   "deploy/app.service": "[Service]\nExecStart=/srv/venv/bin/gunicorn --bind 127.0.0.1:8000 wsgi:app\n",
                   "deploy/nginx/app.conf": "server {\n    listen 80;\n    location / {\n{above}        proxy_pass "
                                            "http://127.0.0.1:5000;{inline}\n    }\n}\n"},
                  "deploy/nginx/app.conf", "FDP012", 4, "wsgi.py", "        # {noqa}\n", "  # {noqa}", True),
    "uwsgi": Case({"wsgi.py": FLASK_APP, "uwsgi.ini": "[uwsgi]\nsocket = /tmp/app.sock\n{above}module = "
                                                      "wsgi:application{inline}\n"},
                  "uwsgi.ini", "FDP006", 3, "wsgi.py", "; {noqa}\n", " ; {noqa}", False),
    "uwsgi-hash": Case({"wsgi.py": FLASK_APP, "uwsgi.ini": "[uwsgi]\nsocket = /tmp/app.sock\n{above}module = "
                                                           "wsgi:application{inline}\n"},
                       "uwsgi.ini", "FDP006", 3, "wsgi.py", "# {noqa}\n", "  # {noqa}", False),
    "systemd": Case({"app.py": FLASK_APP,
                     "deploy/app.service": "[Service]\nWorkingDirectory=/srv/app\n{above}ExecStart=/srv/venv/bin/"
                                           "flask run --host 0.0.0.0{inline}\n"},
                    "deploy/app.service", "FDP004", 3, "app.py", "# {noqa}\n", "  # {noqa}", False),
    "supervisor": Case({"wsgi.py": FLASK_APP,
                        "supervisord.conf": sample("supervisord.conf").replace(
                            "command=/usr/local/bin/gunicorn --workers 2 --bind 127.0.0.1:8000 wsgi:app",
                            "{above}command=/usr/local/bin/gunicorn --workers 2 --bind 127.0.0.1:8000 wsgi:app{inline}"),
                        "Dockerfile": 'FROM python:3.12\nCOPY . /app\nCMD ["supervisord", "-c", "/app/supervisord.conf"]\n'},
                       "supervisord.conf", "FDP005", 10, "wsgi.py", "; {noqa}\n", "  # {noqa}", False),
    "gunicorn-config": Case({"app.py": FLASK_APP,
                             "gunicorn.conf.py": 'bind = "0.0.0.0:8000"\n\n{above}wsgi_app = "app:application"{inline}\n'},
                            "gunicorn.conf.py", "FDP006", 3, "app.py", "# {noqa}\n", "  # {noqa}", True, False),
}
OTHER = {"FDP003": "FDP004", "FDP004": "FDP003", "FDP005": "FDP004", "FDP006": "FDP005", "FDP012": "FDP011"}


def build(tmp_path: Path, case: Case, above: str = "", inline: str = "") -> Path:
    """The case's project with the comments ``above`` and ``inline`` (already spelled out)."""
    files = {rel: text.replace("{above}", above).replace("{inline}", inline) if rel == case.deploy else text
             for rel, text in case.files.items()}
    return Path(make_project(tmp_path, {rel: "\n" + text if text.startswith("[") else text
                                        for rel, text in files.items()}))


def spell(template: str, codes: Optional[str]) -> str:
    return template.replace("{noqa}", f"noqa: {codes}" if codes else "noqa")


def check(root: Path, monkeypatch, capsys) -> List[str]:
    """``flake8-flask-deploy check .`` in ``root``: ``"path:line CODE"`` of every finding."""
    monkeypatch.chdir(root)
    capsys.readouterr()
    status = cli.main(["check", ".", "--jobs", "1"])
    out = capsys.readouterr().out.splitlines()
    assert status in (0, 1)
    return [":".join(line.split(":")[:2]) + " " + line.split()[1] for line in out if line.count(":") >= 3]


def flake8(root: Path, module: str) -> List[str]:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "FDP", module], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.splitlines()


def variants(case: Case) -> List[tuple]:
    """``(name, above, inline, line of the finding, silenced)`` for one case."""
    other = OTHER[case.code]
    return [
        ("none", "", "", case.line, False),
        ("above-code", spell(case.above, f"{other},{case.code}"), "", case.line + 1, case.above_silences),
        ("above-bare", spell(case.above, None), "", case.line + 1, case.above_silences),
        ("above-prefix", spell(case.above, case.code[:5]), "", case.line + 1, case.above_silences),
        ("above-other-code", spell(case.above, other), "", case.line + 1, False),
        ("inline-code", "", spell(case.inline, case.code), case.line, case.inline_silences),
        ("inline-other-code", "", spell(case.inline, other), case.line, False),
    ]


@pytest.mark.parametrize("name,variant", [(n, v) for n, c in CASES.items() for v in variants(c)],
                         ids=[f"{n}-{v[0]}" for n, c in CASES.items() for v in variants(c)])
def test_check_honours_the_format_comments(name, variant, tmp_path, monkeypatch, capsys):
    case = CASES[name]
    _, above, inline, line, silenced = variant
    root = build(tmp_path, case, above, inline)
    found = check(root, monkeypatch, capsys)
    where = f"{case.deploy}:{line} {case.code}"
    assert (where not in found) is silenced, (where, found)
    copies = [f for f in found if f.startswith(case.module + ":") and f.endswith(case.code)]
    assert not copies, found  # one problem, one finding: never repeated on the module


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_python_noqa_does_not_silence_a_deployment_finding(name, tmp_path, monkeypatch, capsys):
    """The deployment finding names the module's app definition as related, but a ``# noqa`` there
    silences nothing: the finding is located in the deployment file, and only that file's comment
    silences it (docs/suppression.md). flake8 shows it nowhere (its primary location is not Python)."""
    case = CASES[name]
    files = dict(case.files)
    files[case.module] = files[case.module].replace("= Flask(__name__)\n", f"= Flask(__name__)  # noqa: {case.code}\n")
    assert f"# noqa: {case.code}" in files[case.module]
    fields = ("deploy", "code", "line", "module", "above", "inline", "inline_silences", "above_silences")
    root = build(tmp_path, Case(files, *[getattr(case, name) for name in fields]))
    assert f"{case.deploy}:{case.line} {case.code}" in check(root, monkeypatch, capsys)
    assert not any(f" {case.code} " in line for line in flake8(root, case.module))


def test_inline_noqa_after_a_dockerfile_instruction_is_reported_with_a_warning(tmp_path, monkeypatch, capsys):
    """``CMD [...]  # noqa`` is part of the instruction for Docker: it silences nothing, the command
    is read as meant (its findings stay) and a warning says what Docker does with the line."""
    case = CASES["dockerfile"]
    root = build(tmp_path, case, "", "  # noqa: FDP004")
    monkeypatch.chdir(root)
    capsys.readouterr()
    assert cli.main(["check", ".", "--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    assert "Dockerfile:4:1: FDP004" in out
    assert "warning: Dockerfile: line 4: `# noqa: FDP004` after CMD silences nothing" in err
    assert "the JSON array no longer parses" in err and "on its own line directly above" in err


def test_inline_noqa_after_a_shell_form_instruction_is_reported_with_a_warning(tmp_path, monkeypatch, capsys):
    root = Path(make_project(tmp_path, {"app.py": FLASK_APP,
                                        "Dockerfile": "FROM python:3.12\nCOPY . .\nCMD flask run --host 0.0.0.0  # noqa\n"}))
    monkeypatch.chdir(root)
    capsys.readouterr()
    cli.main(["check", ".", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert "Dockerfile:3:1: FDP004" in out
    assert "line 3: `# noqa` after CMD silences nothing (Docker reads it as part of the instruction" in err


def test_a_hash_inside_a_yaml_string_is_no_comment(tmp_path, monkeypatch, capsys):
    """``command: "flask run # noqa"`` is a string: compose hands the ``#`` to the command."""
    root = Path(make_project(tmp_path, {"app.py": FLASK_APP, "docker-compose.yml":
                                        'services:\n  web:\n    build: .\n    command: "flask run --host 0.0.0.0 '
                                        '# noqa"\n'}))
    assert "docker-compose.yml:4 FDP004" in check(root, monkeypatch, capsys)


def test_a_quoted_hash_in_a_start_script_is_no_comment(tmp_path, monkeypatch, capsys):
    root = Path(make_project(tmp_path, {"app.py": FLASK_APP, "Dockerfile": DOCKER_SCRIPT,
                                        "start.sh": '#!/bin/sh\nexec flask run --host 0.0.0.0 "# noqa"\n'}))
    assert "start.sh:2 FDP004" in check(root, monkeypatch, capsys)


def test_a_comment_two_lines_above_does_not_apply(tmp_path, monkeypatch, capsys):
    case = CASES["dockerfile"]
    root = build(tmp_path, case, "# noqa: FDP004\nEXPOSE 5000\n")
    assert "Dockerfile:6 FDP004" in check(root, monkeypatch, capsys)


def test_inline_semicolon_in_uwsgi_ini_is_part_of_the_value(tmp_path, monkeypatch, capsys):
    """uWSGI has no inline comments: ``module = wsgi:app ; noqa`` serves the callable ``app ; noqa``,
    which does not exist even though ``app`` does (FDP006 says so instead of skipping the value)."""
    root = Path(make_project(tmp_path, {"wsgi.py": FLASK_APP,
                                        "uwsgi.ini": "\n[uwsgi]\nsocket = /tmp/app.sock\nmodule = wsgi:app ; noqa\n"}))
    monkeypatch.chdir(root)
    capsys.readouterr()
    cli.main(["check", ".", "--jobs", "1"])
    out = capsys.readouterr().out
    assert "uwsgi.ini:3:1: FDP006 `wsgi:app ; noqa`: uWSGI reads the whole value" in out


@pytest.mark.parametrize("path,text,expected", [
    ("Dockerfile", "FROM x\n", "dockerfile"),
    ("deploy/Dockerfile.prod", "FROM x\n", "dockerfile"),
    ("docker-compose.yml", "services: {}\n", "yaml"),
    ("Procfile", "web: x\n", "shell"),
    ("bin/start.sh", "exec x\n", "shell"),
    ("bin/web", "#!/bin/sh\nexec x\n", "shell"),
    (".flaskenv", "A=1\n", "dotenv"),
    ("deploy/nginx/site.conf", "server { listen 80; }\n", "nginx"),
    ("supervisord.conf", "[program:web]\ncommand=x\n", "ini"),
    ("uwsgi.ini", "[uwsgi]\n", "ini"),
    ("app.service", "[Service]\n", "ini"),
    ("gunicorn.conf.py", "bind = 'x'\n", "python"),
    ("etc/app.env", "A=1\n", "ini"),
])
def test_format_of(path, text, expected):
    assert format_of(path, text) is FORMATS[expected]


def test_the_comment_at_the_end_of_the_previous_line_does_not_apply(tmp_path, monkeypatch, capsys):
    root = Path(make_project(tmp_path, {"app.py": FLASK_APP, "docker-compose.yml":
                                        "services:\n  web:\n    build: .  # noqa: FDP004\n    command: flask run "
                                        "--host 0.0.0.0\n"}))
    assert "docker-compose.yml:4 FDP004" in check(root, monkeypatch, capsys)


def test_fix_does_not_rewrite_a_silenced_deployment_line(tmp_path, monkeypatch, capsys):
    case = CASES["procfile"]
    for codes, rewritten in (("FDP004", False), ("FDP003", True)):
        root = build(tmp_path / codes, case, "", spell(case.inline, codes))
        monkeypatch.chdir(root)
        capsys.readouterr()
        cli.main(["fix", "--unsafe-fixes", "--diff", "."])
        out = capsys.readouterr().out
        assert ("+++ b/Procfile" in out) is rewritten
        if rewritten:  # the comment that silences another code stays on the rewritten line
            assert "+web: gunicorn" in out and "  # noqa: FDP003" in out.split("+web: gunicorn")[1].splitlines()[0]


def test_a_python_finding_named_by_a_deployment_line_is_silenced_in_python(tmp_path, monkeypatch, capsys):
    """``app.run(debug=True)`` under the guard of a file the Dockerfile runs: one finding each, in
    app.py (the Dockerfile line is its related location, not a second finding). A comment above the
    CMD does not silence it; ``# noqa`` on the Python line does."""
    app = FLASK_APP + '\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", debug=True)\n'
    docker = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n# noqa: FDP003\nCMD ["python", "app.py"]\n'
    root = Path(make_project(tmp_path, {"app.py": app, "Dockerfile": docker}))
    found = check(root, monkeypatch, capsys)
    assert "app.py:11 FDP003" in found and "app.py:11 FDP004" in found
    assert not any(f.startswith("Dockerfile:") for f in found), found
    silenced = app.replace("debug=True)", "debug=True)  # noqa: FDP003")
    root = Path(make_project(tmp_path / "silenced", {"app.py": silenced, "Dockerfile": docker}))
    found = check(root, monkeypatch, capsys)
    assert "app.py:11 FDP003" not in found and "app.py:11 FDP004" in found


#: The first words of each row of docs/suppression.md's table -> the format it states.
DOC_ROWS = {"Dockerfile": "dockerfile", "compose file": "yaml", "Procfile": "shell", "shell start script": "shell",
            "`.flaskenv`": "dotenv", "nginx site": "nginx", "uWSGI": "ini", "supervisor": "ini",
            "systemd unit": "ini", "Nomad job": "shell", "gunicorn config": "python", "another file": "ini"}


def test_the_docs_table_states_what_the_formats_do():
    """docs/suppression.md: "no" in a column exactly where the format does not read that comment."""
    text = (Path(__file__).parent.parent / "docs" / "suppression.md").read_text(encoding="utf-8")
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == len(DOC_ROWS)
    for cells in rows:
        label = cells[0].lstrip("| ")
        fmt = FORMATS[next(v for k, v in DOC_ROWS.items() if label.startswith(k))]
        assert cells[1].startswith("no") is not fmt.inline, label
        assert cells[2].startswith("no") is not fmt.above, label
