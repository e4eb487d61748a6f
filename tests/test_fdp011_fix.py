"""FDP011's unsafe fix (``fixes/fdp011.py``) beyond the before/after pairs of ``tests/fixes/``: how
``check`` marks it, that the rule sees the text being fixed (one run converges), the ProxyFix counts,
and the patterns it leaves alone."""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from flake8_flask_deploy.cli import check_paths, main
from flake8_flask_deploy.engine import clear_caches, context_for
from flake8_flask_deploy.fix import fix_text, fixable_findings
from flake8_flask_deploy.fix_run import fix_paths
from flake8_flask_deploy.rules import all_rules
from flake8_flask_deploy.session import current

SERVICE = ("[Service]\nWorkingDirectory=/srv/blog\n"
           "ExecStart=/srv/blog/venv/bin/gunicorn --workers 2 --bind 127.0.0.1:4444 {target}\n")
NGINX = ("server {{\n    listen 80;\n    location / {{\n        proxy_pass http://localhost:4444;\n"
         "{headers}    }}\n}}\n")
FORWARDED = ("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
             "        proxy_set_header X-Forwarded-Proto $scheme;\n")
APP = "from flask import Flask\n\napp = Flask(__name__)\n"
#: A module that reads the client's address: what makes the proxy's address a bug (FDP011's evidence).
READER = "from flask import request\n\n\ndef client_ip():\n    return request.remote_addr\n"


@pytest.fixture
def rule():
    """The rule's module. The registry is loaded first: ``all_rules`` imports the rule modules only
    while the registry is empty, so a rule module imported on its own would stay the only rule."""
    all_rules()
    return importlib.import_module("flake8_flask_deploy.rules.fdp011_proxy_without_proxyfix")


def make(tmp_path: Path, files: dict, target: str = "wsgi:app", headers: str = FORWARDED) -> Path:
    root = tmp_path / "proj"
    files = {"pyproject.toml": "", "deploy/blog.service": SERVICE.format(target=target),
             "deploy/nginx/blog.conf": NGINX.format(headers=headers), "client.py": READER, **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    clear_caches()
    return root


def run_check(root: Path, capsys, *args: str) -> str:
    clear_caches()
    main(["check", *args, str(root)])
    return capsys.readouterr().out


# ---- check marks both places of the finding as an unsafe fix --------------------------------------
def test_show_fixes_counts_the_one_finding_as_an_unsafe_fix(tmp_path, capsys):
    """Found in the nginx file, fixed in Python: one finding, at the app definition (issue 24)."""
    root = make(tmp_path, {"wsgi.py": APP})
    out = run_check(root, capsys, "--show-fixes")
    assert out.count("FDP011") == 1 and "[*]" not in out
    assert "0 fixable with `flake8-flask-deploy fix`, 1 more with `--unsafe-fixes`" in out
    (root / "pyproject.toml").write_text("[tool.flake8-flask-deploy]\nunsafe-fixes = true\n")
    marked = [line for line in run_check(root, capsys, "--show-fixes").splitlines() if "FDP011" in line]
    assert len(marked) == 1 and "wsgi.py:3:1: FDP011 [*] " in marked[0], marked


def test_json_marks_the_finding_at_the_module_with_the_nginx_line_related(tmp_path, capsys):
    root = make(tmp_path, {"pyproject.toml": "[tool.flake8-flask-deploy]\nunsafe-fixes = true\n", "wsgi.py": APP})
    found = json.loads(run_check(root, capsys, "--format", "json"))["findings"]
    assert [(Path(f["path"]).name, f["fixable"]) for f in found] == [("wsgi.py", True)]
    assert [Path(r["path"]).name for r in found[0]["related"]] == ["blog.conf"]


def test_only_x_real_ip_is_not_marked(tmp_path, capsys):
    root = make(tmp_path, {"wsgi.py": APP}, headers="        proxy_set_header X-Real-IP $remote_addr;\n")
    out = run_check(root, capsys, "--show-fixes")
    assert out.count("FDP011") == 1 and "0 fixable with `flake8-flask-deploy fix`)." in out


# ---- the rule sees the text being fixed -----------------------------------------------------------
def test_one_pass_converges_in_memory(tmp_path):
    root = make(tmp_path, {"wsgi.py": APP})
    path = str(root / "wsgi.py")
    assert "FDP011" in {f.code for f in check_paths([str(root)]).findings}  # the per-process caches are warm
    assert [f.code for f in fixable_findings(APP, path)] == ["FDP011"]
    new, applied, _, problems = fix_text(APP, path, unsafe=True)
    assert [a.code for a in applied] == ["FDP011"] and not problems
    # the file on disk still lacks ProxyFix: the rule must judge the new text, not the cached search
    assert fixable_findings(new, path) == []
    assert fix_text(new, path, unsafe=True)[0] == new


def test_overridden_text_replaces_the_file_on_disk(tmp_path, rule):
    wrapped = APP + "from werkzeug.middleware.proxy_fix import ProxyFix\napp.wsgi_app = ProxyFix(app.wsgi_app)\n"
    root = make(tmp_path, {"wsgi.py": wrapped})
    context = context_for(str(root / "wsgi.py"))
    path = str((root / "wsgi.py").resolve())
    assert rule.project_handles_forwarding(context) is True
    current().overrides[path] = APP  # the only file that handles it, being rewritten without it
    try:
        assert rule.project_handles_forwarding(context) is False
    finally:
        del current().overrides[path]
    assert rule.project_handles_forwarding(context) is True


def test_fix_run_twice_changes_nothing_the_second_time(tmp_path):
    root = make(tmp_path, {"wsgi.py": APP})
    first = fix_paths([str(root)], unsafe=True)
    assert [a.code for a in first.applied] == ["FDP011"]
    assert (root / "wsgi.py").read_text().count("ProxyFix(") == 1
    again = fix_paths([str(root)], unsafe=True)
    assert not again.applied and not again.changed


# ---- counts -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers, counts", [
    (("x-forwarded-for", "x-forwarded-proto"), {"x_for": 1, "x_proto": 1}),
    (("x-forwarded-for",), {"x_for": 1, "x_proto": 0}),
    (("x-forwarded-proto", "x-real-ip"), {"x_for": 0, "x_proto": 1}),
    (("x-forwarded-port", "x-forwarded-prefix", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-for"),
     {"x_for": 1, "x_proto": 1, "x_host": 1, "x_port": 1, "x_prefix": 1}),
    (("x-real-ip",), {}),
    (("forwarded", "x-real-ip"), {}),
    (("x-forwarded-ssl",), {}),
])
def test_proxyfix_counts(rule, headers, counts):
    assert rule.proxyfix_counts(headers) == counts
    assert list(rule.proxyfix_counts(headers)) == list(counts)  # ProxyFix's own argument order


def fixed(root: Path, rel: str) -> str:
    fix_paths([str(root)], unsafe=True, select=["FDP011"])
    return (root / rel).read_text()


def test_x_forwarded_host_and_port(tmp_path):
    headers = FORWARDED + ("        proxy_set_header X-Forwarded-Host $host;\n"
                           "        proxy_set_header X-Forwarded-Port $server_port;\n")
    root = make(tmp_path, {"wsgi.py": APP}, headers=headers)
    assert "app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)\n" in fixed(root, "wsgi.py")


def test_real_variable_name_and_import_alias(tmp_path):
    text = "import flask as fl\n\nserver = fl.Flask(__name__)\n"
    root = make(tmp_path, {"wsgi.py": text}, target="wsgi:server")
    assert fixed(root, "wsgi.py") == ("import flask as fl\nfrom werkzeug.middleware.proxy_fix import ProxyFix\n\n"
                                      "server = fl.Flask(__name__)\n"
                                      "server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1)\n")


def test_proxies_that_disagree_get_no_fix(tmp_path):
    other = NGINX.format(headers="        proxy_set_header X-Forwarded-For $remote_addr;\n")
    root = make(tmp_path, {"wsgi.py": APP, "deploy/nginx/admin.conf": other.replace("listen 80", "listen 8080")})
    assert fixed(root, "wsgi.py") == APP


# ---- left alone -------------------------------------------------------------------------------------
FACTORY = ("from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__){comment}\n"
           "    app.config.from_prefixed_env()\n    return app\n")


def test_factory_app_line_with_noqa_is_not_touched(tmp_path):
    text = FACTORY.format(comment="  # noqa: FDP011")
    root = make(tmp_path, {"blog.py": text}, target="'blog:create_app()'")
    assert fixed(root, "blog.py") == text
    plain = FACTORY.format(comment="")
    root = make(tmp_path / "plain", {"blog.py": plain}, target="'blog:create_app()'")
    assert "    app = Flask(__name__)\n    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)\n" \
        in fixed(root, "blog.py")


@pytest.mark.parametrize("text", [
    # ProxyFix already in the module (here only in a comment the rule ignores): never a second wrapper
    APP + "# TODO: ProxyFix once we know how many proxies there are\n",
    # bound twice at module level: which binding is served?
    "from flask import Flask\n\ntry:\n    from local_app import app\nexcept ImportError:\n    app = Flask(__name__)\n",
    # rebound to something else later
    APP + "app = wrap(app)\n",
    # a factory whose app is built inside a with block
    "from flask import Flask\n\n\ndef create_app():\n    with open('x'):\n        app = Flask(__name__)\n    return app\n",
])
def test_no_unambiguous_insertion_point(tmp_path, text):
    target = "'wsgi:create_app()'" if "create_app" in text else "wsgi:app"
    root = make(tmp_path, {"wsgi.py": text}, target=target)
    assert "FDP011" in {f.code for f in fixable_findings(text, str(root / "wsgi.py"))}
    assert fixed(root, "wsgi.py") == text


def test_example_readme_shows_the_fix_it_makes(tmp_path):
    """examples/systemd_nginx_blog/README.md shows the diff of FDP011's fix once the ProxyFix lines go."""
    import re
    import shutil

    from flake8_flask_deploy.fix_cli import unified_diff

    example = Path(__file__).resolve().parent.parent / "examples" / "systemd_nginx_blog"
    shown = re.search(r"```diff\n(.*?)```", (example / "README.md").read_text(), re.S).group(1).splitlines()
    root = tmp_path / "blog"
    shutil.copytree(example, root)
    app = root / "server" / "app.py"
    app.write_text("".join(line for line in app.read_text().splitlines(keepends=True)
                           if "ProxyFix" not in line and "X-Forwarded-For" not in line))
    clear_caches()
    report = fix_paths([str(root)], unsafe=True, write=False)
    assert [(Path(a.path).name, a.code) for a in report.applied] == [("run.py", "FDP011")]
    (path, (old, new)), = report.changed.items()
    diff = unified_diff(path, old, new).splitlines()
    start = diff.index(shown[0])
    assert diff[start:start + len(shown)] == shown


def test_not_reported_when_the_app_reads_no_client_information(tmp_path, capsys):
    """The proxy's address harms only an app that reads the client's address or scheme."""
    root = make(tmp_path, {"wsgi.py": APP, "client.py": "def client_ip():\n    return None\n"})
    assert "FDP011" not in run_check(root, capsys)
    (root / "client.py").write_text("from flask import url_for\n\n\ndef link():\n"
                                    "    return url_for('index', _external=True)\n")
    assert "FDP011" not in run_check(root, capsys)  # gunicorn itself trusts X-Forwarded-Proto from localhost


@pytest.mark.parametrize("width, limit, expected", [
    (0, 79, "app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)\n"),
    (4, 79, "app.wsgi_app = ProxyFix(\n    app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1\n)\n"),
    (4, 120, "app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)\n"),
    (24, 79, "app.wsgi_app = ProxyFix(\n    app.wsgi_app,\n    x_for=1,\n    x_proto=1,\n    x_host=1,\n"
             "    x_prefix=1,\n)\n"),
])
def test_wrapper_statement_keeps_to_the_line_length(width, limit, expected):
    """The ProxyFix line is split as black would when it is longer than flake8's max-line-length
    (``width``: the indentation of the block it goes in)."""
    fdp011 = importlib.import_module("flake8_flask_deploy.fixes.fdp011")
    counts = {"x_for": 1, "x_proto": 1, "x_host": 1, "x_prefix": 1}
    text = fdp011.wrapper_statement("app", counts, width, limit)
    assert text == expected
