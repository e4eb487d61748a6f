"""The text test before any parse or walk (``engine.might_matter``) must never hide a finding.

Every Python file of the test projects, fix pairs and examples is analysed without the text test;
whenever the engine finds something there, the text test must have let the file through, and the
rule that found it must have declared what let it through (its own ``prefilter`` words or
``prefilter_triggers``), unless a deployment file runs or serves the file. The ``str`` and ``bytes``
forms (the CLI tests raw bytes before parsing), the documented ``PREFILTER`` pattern, and the text
test used before the rules declared it (:data:`PREVIOUS`) must give the same answer.
"""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from flake8_flask_deploy import engine, prefilter, session
from flake8_flask_deploy.rules import TRIGGERS, all_rules, get_rule

#: The text test as it was written by hand in engine.py before the rules declared it (ec1494a), with the
#: runs passed or on `self` of issue 22 (methods a launch reaches, `Thread(target=app.run)`), and
#: without the set-up words (`register_blueprint`, `init_app`, hooks, `wsgi_app`) since issue 25: the
#: two rules that read set-up fire only with the guard (FDP001) or an app created in the module
#: (FDP002), both tested besides. The rules' declarations must add up to exactly this.
PREVIOUS = re.compile(
    r"Flask(?:\s*[(),]|\s+as\b)|(?<![\w.])(?!(?:subprocess|asyncio|self|cls)\b)\w+\s*\.run\(|__main__|\.debug\s*="
    r"|self\.\w+\s*\.run\(|\.run\s*[,)]"
    r"|[\"']DEBUG[\"']|\bDEBUG\s*=|SECRET_KEY|secret_key|Blueprint|\.route\("
    r"|@\s*[\w.]+\.(?:get|post|put|delete|patch)\("
    r"|add_url_rule|create_app|make_app"
)
#: Its literal words and (as the rules name them) its structured patterns.
PREVIOUS_WORDS = {
    "__main__", "SECRET_KEY", "secret_key", "Blueprint", ".route(", "add_url_rule", "create_app", "make_app",
}
PREVIOUS_TRIGGERS = {"app-creation", "run-call", "debug-setting", "route-decorator"}


TESTS = Path(__file__).parent
TREES = [TESTS / "cases", TESTS / "fixes", TESTS / "projects_issue8", TESTS.parent / "examples"]


def _projects():
    for top in TREES:
        for child in sorted(p for p in top.iterdir() if p.is_dir()):
            yield child


@pytest.mark.parametrize("source_root", list(_projects()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_text_test_lets_every_finding_through(source_root: Path, tmp_path: Path) -> None:
    root = tmp_path / source_root.name
    shutil.copytree(source_root, root)
    checked = 0
    for path in sorted(root.rglob("*.py")):
        data = path.read_bytes()
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        text = data.decode("utf-8", "replace")
        engine.clear_caches()
        findings = engine.analyze_module(tree, str(path))
        by_text = engine.might_matter(text)
        assert engine.might_matter(data) == by_text, path
        assert (engine.PREFILTER.search(text) is not None) == by_text, path
        assert (PREVIOUS.search(text) is not None) == by_text, path
        if any(not f.from_deployment for f in findings):
            assert by_text, (path, [f.text for f in findings])
        if findings:
            assert engine.might_matter(text, str(path)), (path, [f.text for f in findings])
        served = None
        for finding in findings:
            if finding.from_deployment or engine.TextTest([get_rule(finding.code)])(text):
                continue
            if served is None:
                served = engine.might_matter(b"", str(path))  # a launch target: let through by path
            assert served, (path, finding.text, "not declared in the rule's prefilter")
        checked += 1
    assert checked or not list(root.rglob("*.py"))


@pytest.mark.parametrize("source, expected", [
    ("import subprocess\nsubprocess.run(['ls'])\n", False),
    ("import asyncio\nasyncio.run(main())\n", False),
    ("def f(self):\n    self.run()\n", False),
    ("x = build().run()\n", False),
    ("from flask_appbuilder import ModelView\nclass V(ModelView): pass\n", False),
    ("from flask_wtf import FlaskForm\nclass LoginForm(FlaskForm):\n    pass\n", False),
    ("from blog import app\napp.run(debug=True)\n", True),
    ("from blog import server\nserver.run()\n", True),
    ("from flask import Flask\napp = Flask(__name__)\n", True),
    ("import flask\napp = flask.Flask(__name__)\n", True),
    ("from flask import Flask as F\napp = F(__name__)\n", True),
    ("class App(Flask):\n    pass\n", True),
    ("from blog import app\napp.debug = True\n", True),
    ("from blog import app\napp.config['DEBUG'] = True\n", True),
    ("DEBUG = True\n", True),
    ("MY_DEBUG = True\n", False),
    ("from blog import bp\n@bp.get('/')\ndef home(): ...\n", True),
    ("if __name__ == '__main__':\n    main()\n", True),
    # found by hand on the corpus re-run: spacing and names the first text test missed
    ("from flask import Flask\nfrom blog import app\napp = Flask (__name__)\n", True),
    ("from server import app\n(app\n .run(debug=True))\n", True),
    ("from server import caf\u00e9\ncaf\u00e9.run(debug=True)\n", True),
    ("import subprocess\n(subprocess\n .run(['ls']))\n", False),
    # set-up on an app neither created nor guarded here: no rule reads it (issue 25)
    ("from blog import app, db\ndb.init_app(app)\napp.register_blueprint(bp)\n", False),
    ("class Ext:\n    def init_app(self, app):\n        app.before_request(self.load)\n", False),
])
def test_text_test_on_snippets(source: str, expected: bool) -> None:
    assert engine.might_matter(source) is expected
    assert engine.might_matter(source.encode()) is expected
    assert (engine.PREFILTER.search(source) is not None) is expected
    assert (PREVIOUS.search(source) is not None) is expected


def test_the_rules_declare_the_text_test_used_before() -> None:
    words = [w for rule in all_rules() for w in rule.prefilter]
    triggers = [t for rule in all_rules() for t in rule.prefilter_triggers]
    assert set(words) == PREVIOUS_WORDS
    assert set(triggers) == PREVIOUS_TRIGGERS == set(TRIGGERS)
    assert set(engine.TEXT_TEST.words) == PREVIOUS_WORDS and len(engine.TEXT_TEST.words) == len(PREVIOUS_WORDS)
    assert engine.TEXT_TEST.triggers == TRIGGERS


def test_a_text_test_of_no_rule_lets_nothing_through() -> None:
    empty = engine.TextTest([])
    assert not empty("from flask import Flask\napp = Flask(__name__)\n") and empty.pattern.search("x") is None


@pytest.mark.parametrize("code, files", [
    # found only through the app's creation or its factory: no debug word in the module
    ("FDP003", {"app.py": "from flask import Flask\napp = Flask(__name__)\napp.config.from_object('config.DevConfig')\n",
                "config.py": "class DevConfig:\n    DEBUG = True\n"}),
    ("FDP003", {"app.py": "from blog import create_app\napp = create_app()\napp.config.from_object('config.DevConfig')\n",
                "config.py": "class DevConfig:\n    DEBUG = True\n"}),
    # the attribute spelling only
    ("FDP007", {"app.py": "from flask import Flask\napp = Flask(__name__)\napp.secret_key = 'k3y-l1teral-value'\n"}),
], ids=["fdp003-created-app", "fdp003-factory-app", "fdp007-secret-key-attribute"])
def test_rule_declares_what_lets_its_finding_through(code: str, files: dict, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "app.py"
    text = path.read_text()
    findings = engine.analyze_module(ast.parse(text), str(path))
    assert [f.code for f in findings] == [code]
    assert engine.TextTest([get_rule(code)])(text)


LAUNCH_TREES = TREES + [TESTS / "deploy_samples"]


@pytest.mark.parametrize("source_root", [p for top in LAUNCH_TREES if top.is_dir()
                                         for p in sorted(c for c in top.iterdir() if c.is_dir())] or [TESTS],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_raw_text_test_never_hides_a_launch_target(source_root: Path, tmp_path: Path) -> None:
    """``engine.may_be_launched``, the raw-text test on the deployment files before any context is
    built, is True for every module a production launch of the project runs or serves."""
    root = tmp_path / source_root.name
    shutil.copytree(source_root, root)
    for path in sorted(root.rglob("*.py")):
        engine.clear_caches()
        context = engine.context_of_file(str(path))
        if context.launches_for(str(path.resolve())):
            engine.clear_caches()
            assert engine.may_be_launched(str(path)), path


def _project(tmp_path: Path, files: dict) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


PLAIN = "import blog\n\nserver = blog.build()\n"  # no word of the text test


def test_a_module_no_deployment_file_names_costs_no_context(tmp_path: Path, monkeypatch) -> None:
    root = _project(tmp_path, {"Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "-b", "0.0.0.0:80", "web:app"]\n',
                               "util/helpers.py": PLAIN})

    def no_build(_root):
        raise AssertionError("the deployment context was built for a module nothing names")

    monkeypatch.setattr(engine, "get_context", no_build)
    assert not engine.might_matter(PLAIN, str(root / "util" / "helpers.py"))


@pytest.mark.parametrize("files, module", [
    # named through a start script that only the Dockerfile names (``run`` is no deployment file name)
    ({"Dockerfile": 'FROM python:3.12\nCOPY . /srv\nWORKDIR /srv\nCMD ["./run"]\n',
      "run": "#!/bin/sh\nexec gunicorn -b 0.0.0.0:8000 web:server\n", "web.py": PLAIN}, "web.py"),
    # a package served by its folder's name
    ({"Procfile": "web: gunicorn shop:server\n", "shop/__init__.py": PLAIN}, "shop/__init__.py"),
    # flask run with no FLASK_APP serves app.py
    ({"Procfile": "web: flask run --host 0.0.0.0\n", "app.py": PLAIN}, "app.py"),
], ids=["followed-script", "package", "flask-run-default"])
def test_a_module_a_deployment_file_names_is_a_target(files: dict, module: str, tmp_path: Path) -> None:
    root = _project(tmp_path, files)
    path = str(root / module)
    assert engine.may_be_launched(path)
    assert engine.context_of_file(path).launches_for(str(Path(path).resolve()))
    assert engine.might_matter(PLAIN, path)


TEST_APP = 'from flask import Flask\n\napp = Flask(__name__)\napp.config["DEBUG"] = True\n'
TEST_RUN = TEST_APP + '\nif __name__ == "__main__":\n    app.run(debug=True)\n'


@pytest.mark.parametrize("name, text, expected", [
    ("app.py", TEST_APP, True),  # every rule may report in it
    ("tests/conftest.py", TEST_APP, False),  # an app made for the tests: only rules that skip tests read it
    ("tests/test_views.py", TEST_APP, False),
    ("pkg/test_app.py", TEST_APP, False),
    ("tests/test_views.py", TEST_RUN, True),  # the guard (FDP001) and a run call (FDP005) count in tests
    ("testsuite/app.py", TEST_APP, True),  # no test module
])
def test_a_test_module_passes_the_text_test_of_the_rules_that_report_there(
        name: str, text: str, expected: bool, tmp_path: Path) -> None:
    """The rules that never report in a test module (``reports_in_tests = False``) do not let one
    through: most test modules create an app, turn debug on or register routes, and cost a walk."""
    root = _project(tmp_path / "proj", {name: text})
    path = str(root / name)
    assert engine.might_matter(text, path) is expected
    assert engine.might_matter(text.encode(), path) is expected
    session.new_session()
    assert prefilter.verdict(text, path, "auto") is expected
    assert engine.might_matter(text) is True  # without a path: every rule's test


def test_a_project_inside_a_tests_folder_is_no_test_module(tmp_path: Path) -> None:
    """A module is a test module by its path inside its project (as ``ModuleFacts.is_test_file``)."""
    root = _project(tmp_path / "tests" / "proj", {"app.py": TEST_APP})
    assert engine.might_matter(TEST_APP, str(root / "app.py")) is True
    findings = engine.analyze_module(ast.parse(TEST_APP), str(root / "app.py"))
    assert [f.code for f in findings] == ["FDP003"]


def test_the_engine_runs_no_rule_in_a_test_module_that_skips_tests(tmp_path: Path) -> None:
    """A test module the text test lets through (its guard) gets the findings of the rules that report
    there only: the same module outside the tests gets FDP003 and FDP004 besides."""
    files = {"Procfile": "web: python tests/run.py\nworker: python run.py\n", "tests/run.py": TEST_RUN, "run.py": TEST_RUN}
    root = _project(tmp_path, files)
    in_tests = {f.code for f in engine.analyze_module(ast.parse(TEST_RUN), str(root / "tests" / "run.py"))}
    engine.clear_caches()
    outside = {f.code for f in engine.analyze_module(ast.parse(TEST_RUN), str(root / "run.py"))}
    assert {"FDP003", "FDP004"} <= outside
    assert in_tests and not in_tests & {r.code for r in all_rules() if not r.reports_in_tests}
