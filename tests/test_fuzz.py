"""Fuzzing: no generated program makes the plugin, the engine or the fixer raise.

Two sources of programs, both with a fixed seed (``derandomize=True``) so CI is reproducible:

* hypothesmith's grammar-driven programs (arbitrary valid Python, mostly not Flask at all), run
  through the flake8 plugin class, :func:`engine.analyze_module` and (when it exists) the fixer;
* :func:`flask_modules`, a strategy of our own that writes Flask-shaped modules (imports, apps,
  factories, routes, guards, ``app.run`` with random arguments, debug switches, shadowing apps)
  next to a random deployment file, so the rules' real decision paths are exercised; a test checks
  that every rule fires somewhere in the budget.

Budget: ``FDP_FUZZ_EXAMPLES`` (default 30 per test; ``tox -e fuzz`` sets 1000).
"""
from __future__ import annotations

import ast
import importlib.util
import io
import logging
import sys
import os
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from typing import Dict, Iterator, List, Tuple

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flake8_flask_deploy import engine  # noqa: E402
from flake8_flask_deploy.plugin import FlaskDeployChecker  # noqa: E402
from flake8_flask_deploy.rules import all_rules  # noqa: E402

EXAMPLES = int(os.environ.get("FDP_FUZZ_EXAMPLES", "30"))


def budget(examples: int) -> settings:
    """Reproducible hypothesis settings: fixed seed, no deadline, no example database."""
    return settings(
        derandomize=True,
        max_examples=max(examples, 1),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


FUZZ = budget(EXAMPLES)
#: from_node() programs are slow to generate (~0.4 s each): a fifth of the budget.
NODE_FUZZ = budget(EXAMPLES // 5)
#: Flask-shaped modules are cheap (~15 ms each) and need volume to reach every rule.
FLASK_FUZZ = budget(EXAMPLES * 4)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from sweep import verify_fix_steps  # noqa: E402

HAS_FIX = importlib.util.find_spec("flake8_flask_deploy.fix") is not None
PRELUDE = "from flask import Flask\napp = Flask(__name__)\n"


class _Collect(logging.Handler):
    """Collects ERROR records: the plugin logs an internal error instead of raising into flake8."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_internal_errors() -> Iterator[None]:
    """Fail when anything under ``flake8_flask_deploy`` logs an error (a swallowed exception)."""
    handler = _Collect()
    logger = logging.getLogger("flake8_flask_deploy")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not handler.records, [
        handler.format(r) if r.exc_info is None else logging.Formatter().formatException(r.exc_info)
        for r in handler.records
    ]


#: A pre-commit config that runs an F401 fixer everywhere (pycln --all), so FDP013 is exercised.
F401_FIXER = ("repos:\n  - repo: https://github.com/hadialqattan/pycln\n    rev: v2.4.0\n    hooks:\n"
              "      - id: pycln\n        args: [--all]\n")


@contextmanager
def project_dir(files: Dict[str, str]) -> Iterator[str]:
    """A fresh project folder holding ``files`` (with a ``pyproject.toml`` root marker)."""
    root = tempfile.mkdtemp(prefix="fdp-fuzz-")
    try:
        with open(os.path.join(root, "pyproject.toml"), "w") as handle:
            handle.write("[project]\nname = 'fuzz'\n")
        with open(os.path.join(root, ".pre-commit-config.yaml"), "w") as handle:
            handle.write(F401_FIXER)  # FDP013 speaks only where a tool would delete an unused import
        for name, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            with open(os.path.join(root, name), "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        engine.clear_caches()
        yield os.path.realpath(root)
    finally:
        engine.clear_caches()
        shutil.rmtree(root, ignore_errors=True)


def lint_everywhere(source: str, path: str) -> Tuple[list, list]:
    """Run the engine and the plugin class on ``source`` as file ``path``; check they agree.

    Returns:
        ``(engine findings, plugin tuples)``.
    """
    tree = ast.parse(source, filename=path)
    lines = source.splitlines(True)
    with no_internal_errors():
        try:
            findings = engine.analyze_module(tree, path)
        except RecursionError:  # documented: callers turn it into a skip
            findings = None
        plugin = list(FlaskDeployChecker(tree, path, lines).run())
    nlines = max(len(lines), 1)
    for line, col, text, kind in plugin:
        assert kind is FlaskDeployChecker
        assert text[:3] == "FDP" and text[3:6].isdigit(), text
        assert 1 <= line <= nlines and col >= 0, (line, col, text)
    if findings is not None:
        if engine.might_matter(source, path):
            assert sorted((f.line, f.col, f.text) for f in findings) == sorted((p[0], p[1], p[2]) for p in plugin)
        else:  # the text test must never hide a finding
            assert findings == [] and plugin == [], findings
    return findings or [], plugin


def fix_everywhere(root: str, path: str, stepwise: bool = True, through_cli: bool = True) -> bool:
    """Fix ``path``: first one fix at a time in-process (each step touches only the statements of
    the findings it had, compiles; see ``scripts/sweep.py:verify_fix_steps``), then the real
    ``fix --unsafe-fixes`` twice: no internal error, the output compiles, the second run changes nothing.

    Returns:
        True when the fix run changed the file.
    """
    from flake8_flask_deploy import cli

    def fix() -> bytes:
        engine.clear_caches()
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
            status = cli.main(["fix", "--unsafe-fixes", path])
        assert status in (0, 1), (status, err.getvalue())
        assert "internal error" not in err.getvalue(), err.getvalue()
        with open(path, "rb") as handle:
            return handle.read()

    with open(path, "rb") as handle:
        before = handle.read()
    if stepwise:
        engine.clear_caches()
        final, _, problem = verify_fix_steps(before.decode("utf-8"), path)
        assert problem is None, (problem, before.decode("utf-8"))
        if not through_cli:
            return final != before.decode("utf-8")
    once = fix()
    compile(once, path, "exec")
    assert fix() == once, "fix is not idempotent"
    return once != before


# ---- hypothesmith programs -------------------------------------------------------------------------
def _grammar_programs():
    hypothesmith = pytest.importorskip("hypothesmith")
    return hypothesmith.from_grammar()


def _node_programs():
    hypothesmith = pytest.importorskip("hypothesmith")
    return hypothesmith.from_node()


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory) -> Iterator[str]:
    """A project whose Dockerfile runs ``python app.py``: every launch-dependent path is live."""
    root = tmp_path_factory.mktemp("fuzzproj")
    (root / "pyproject.toml").write_text("[project]\nname = 'fuzz'\n")
    (root / "Dockerfile").write_text('FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n')
    (root / "app.py").write_text(PRELUDE)
    engine.clear_caches()
    yield str(root / "app.py")
    engine.clear_caches()


@pytest.mark.parametrize("prelude", ["", PRELUDE], ids=["bare", "flask-prelude"])
def test_hypothesmith_grammar_programs_never_raise(fuzz_project, prelude):
    @FUZZ
    @given(_grammar_programs())
    def inner(source: str) -> None:
        text = prelude + source
        try:
            ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return  # the prelude can make a grammar program invalid (``from __future__`` placement)
        lint_everywhere(text, fuzz_project)

    inner()


def test_hypothesmith_node_programs_never_raise(fuzz_project):
    @NODE_FUZZ
    @given(_node_programs())
    def inner(source: str) -> None:
        text = PRELUDE + source
        try:
            ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        lint_everywhere(text, fuzz_project)

    inner()


@pytest.mark.skipif(not HAS_FIX, reason="flake8_flask_deploy.fix does not exist yet")
def test_hypothesmith_programs_through_fixer():
    @FUZZ
    @given(_grammar_programs())
    def inner(source: str) -> None:
        text = PRELUDE + source + "\nif __name__ == '__main__':\n    app.run(debug=True)\n"
        try:
            compile(text, "app.py", "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        with project_dir({"app.py": text}) as root:
            fix_everywhere(root, os.path.join(root, "app.py"))

    inner()


# ---- Flask-shaped modules ---------------------------------------------------------------------------
IMPORTS = [
    ("from flask import Flask", "Flask"),
    ("import flask", "flask.Flask"),
    ("from flask import Flask as F", "F"),
    ("import flask as fl", "fl.Flask"),
]
HOSTS = ['"0.0.0.0"', '"127.0.0.1"', '"localhost"', '"::"', '"::1"', 'os.environ.get("HOST", "0.0.0.0")',
         'os.getenv("HOST")', "HOST", '""']
PORTS = ["5000", "8080", 'int(os.environ.get("PORT", 5000))', "PORT", '"5000"']
DEBUGS = ["True", "False", "1", "0", 'os.environ.get("FLASK_DEBUG") == "1"', "DEBUG", "None"]
DEPLOYMENTS = {
    "none": {},
    "docker-python": {"Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nEXPOSE 5000\n'
                                    'CMD ["python", "app.py"]\n'},
    "docker-gunicorn": {"Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\n'
                                      'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'},
    "docker-flask-run": {"Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nENV FLASK_APP=app.py\n'
                                       'CMD flask run\n'},
    "procfile-gunicorn": {"Procfile": "web: gunicorn app:app\n"},
    "procfile-python": {"Procfile": "web: python app.py\n"},
    "compose-python": {"docker-compose.yml": "services:\n  web:\n    build: .\n    command: python app.py\n"
                                             "    ports: ['5000:5000']\n"},
    "systemd-nginx": {
        "deploy/app.service": "[Service]\nWorkingDirectory=/srv/app\nExecStart=/srv/app/venv/bin/gunicorn app:app "
                              "-b 127.0.0.1:8000\n",
        "deploy/nginx/app.conf": "server {\n  listen 80;\n  location / {\n    proxy_pass http://127.0.0.1:8000;\n"
                                 "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n  }\n}\n",
        # the app reads the client's address: what the proxy's address gets wrong (FDP011's evidence)
        "client.py": "from flask import request\n\n\ndef client_ip():\n    return request.remote_addr\n"},
    "nginx-wrong-port": {
        "deploy/app.service": "[Service]\nExecStart=/usr/bin/gunicorn app:app -b 127.0.0.1:8000\n",
        "deploy/nginx/app.conf": "server {\n  listen 80;\n  location / {\n    proxy_pass http://127.0.0.1:9999;\n"
                                 "  }\n}\n"},
    "compose-debug": {"docker-compose.yml": "services:\n  web:\n    build: .\n    command: flask run --host 0.0.0.0\n"
                                            "    environment:\n      FLASK_APP: app.py\n      FLASK_DEBUG: '1'\n"},
}


@st.composite
def run_call(draw, app: str) -> str:
    """``app.run(...)`` with a random subset of host/port/debug as keywords or positionals."""
    args: List[str] = []
    if draw(st.booleans()):  # positional form: run(host, port, debug)
        for pool in (HOSTS, PORTS, DEBUGS)[: draw(st.integers(0, 3))]:
            args.append(draw(st.sampled_from(pool)))
    else:
        for key, pool in (("host", HOSTS), ("port", PORTS), ("debug", DEBUGS),
                          ("use_reloader", ["True", "False"]), ("use_debugger", ["True", "False"]),
                          ("threaded", ["True"])):
            if draw(st.booleans()):
                args.append(f"{key}={draw(st.sampled_from(pool))}")
        if draw(st.integers(0, 9)) == 0:
            args.append("**options")
    return f"{app}.run({', '.join(args)})"


@st.composite
def setup_stmt(draw, app: str, counter: List[int]) -> str:
    """One statement that sets up or configures the app (a route, hook, config or debug switch)."""
    counter[0] += 1
    n = counter[0]
    kind = draw(st.sampled_from(["route", "route", "get", "hook", "errorhandler", "add_url_rule", "blueprint",
                                 "debug-attr", "config-item", "config-update", "run", "secret", "lost-blueprint",
                                 "duplicate-endpoint", "proxyfix"]))
    if kind == "route":
        return f'@{app}.route("/r{n}")\ndef view{n}():\n    return "r{n}"'
    if kind == "get":
        return f'@{app}.get("/g{n}")\ndef get{n}():\n    return "g{n}"'
    if kind == "hook":
        return f"@{app}.before_request\ndef hook{n}():\n    pass"
    if kind == "errorhandler":
        return f"@{app}.errorhandler(404)\ndef err{n}(e):\n    return 'nf', 404"
    if kind == "add_url_rule":
        return f'def rule{n}():\n    return "u"\n{app}.add_url_rule("/u{n}", view_func=rule{n})'
    if kind == "blueprint":
        return f'from flask import Blueprint\nbp{n} = Blueprint("bp{n}", __name__)\n{app}.register_blueprint(bp{n})'
    if kind == "debug-attr":
        return f"{app}.debug = {draw(st.sampled_from(DEBUGS))}"
    if kind == "config-item":
        key = draw(st.sampled_from(["DEBUG", "SECRET_KEY", "TESTING", "ENV"]))
        return f'{app}.config["{key}"] = {draw(st.sampled_from(DEBUGS))}'
    if kind == "config-update":
        return f"{app}.config.update(DEBUG={draw(st.sampled_from(DEBUGS))})"
    if kind == "secret":
        return f'{app}.secret_key = "dev"'
    if kind == "lost-blueprint":
        return f'from flask import Blueprint\nlost{n} = Blueprint("lost{n}", __name__)\n\n' \
               f'@lost{n}.route("/l{n}")\ndef lost_view{n}():\n    return "l"'
    if kind == "duplicate-endpoint":
        return "\n".join(f'@{app}.route("/d{n}_{k}")\ndef dup():\n    return "{k}"' for k in range(2))
    if kind == "proxyfix":
        return f"from werkzeug.middleware.proxy_fix import ProxyFix\n{app}.wsgi_app = ProxyFix({app}.wsgi_app, x_for=1)"
    return draw(run_call(app))


def _indent(text: str, by: str = "    ") -> str:
    return "\n".join(by + line if line else line for line in text.splitlines())


@st.composite
def flask_modules(draw) -> Tuple[str, Dict[str, str], str]:
    """A Flask-shaped ``app.py`` plus deployment files.

    Returns:
        ``(source, {file name: text}, deployment variant name)``.
    """
    imp, ctor = draw(st.sampled_from(IMPORTS))
    app = draw(st.sampled_from(["app", "app", "application", "server"]))
    counter = [0]
    parts = ["import os", imp]
    if draw(st.booleans()):
        parts.append('HOST = "0.0.0.0"\nPORT = 5000\nDEBUG = True')
    style = draw(st.sampled_from(["module", "module", "factory", "imported"]))
    if style == "factory":
        body = [f"{app} = {ctor}(__name__)"]
        body += [draw(setup_stmt(app, counter)) for _ in range(draw(st.integers(0, 3)))]
        body.append(f"return {app}")
        parts.append("def create_app():\n" + _indent("\n".join(body)))
        if draw(st.booleans()):
            parts.append(f"{app} = create_app()")
    elif style == "imported":
        parts.append(f"from mypkg import {app}")
    else:
        parts.append(f"{app} = {ctor}(__name__)")
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.sampled_from(["top", "top", "function", "if-env", "shadow"]))
        stmt = draw(setup_stmt(app, counter))
        if where == "function":
            counter[0] += 1
            parts.append(f"def setup{counter[0]}():\n" + _indent(stmt))
        elif where == "if-env":
            parts.append('if os.environ.get("X"):\n' + _indent(stmt))
        elif where == "shadow":
            parts.append(f"{app} = {ctor}(__name__)\n{stmt}")
        else:
            parts.append(stmt)
    if draw(st.booleans()):
        guard = draw(st.sampled_from(['if __name__ == "__main__":', "if __name__ == '__main__':",
                                      'if "__main__" == __name__:']))
        body = [draw(setup_stmt(app, counter)) for _ in range(draw(st.integers(0, 3)))]
        if draw(st.booleans()):
            body.append(draw(run_call(app)))
        parts.append(guard + "\n" + _indent("\n".join(body) or "pass"))
    source = "\n\n".join(parts) + "\n"
    if draw(st.booleans()):
        source = source.replace("\n", "\r\n")
    variant = draw(st.sampled_from(sorted(DEPLOYMENTS)))
    files = dict(DEPLOYMENTS[variant])
    if style != "imported" and draw(st.integers(0, 3)) == 0:
        # a module that adds routes to the app; imported from app.py, or (a bug) by nothing
        files["views.py"] = f'from app import {app}\n\n\n@{app}.route("/v")\ndef from_views():\n    return "v"\n'
        if draw(st.booleans()):
            # with the noqa that keeps F401 fixes away, or without it (FDP013)
            source += "\nimport views" + draw(st.sampled_from(["", "  # noqa: E402,F401"])) + "\n"
    return source, files, variant


#: Rules the Flask-shaped strategy is not built to reach yet (extend :func:`flask_modules` and
#: remove the code here when a new rule lands).
NOT_REACHED: frozenset = frozenset()


def _expected_codes() -> List[str]:
    return sorted(rule.code for rule in all_rules() if rule.code not in NOT_REACHED)


def test_flask_shaped_modules_reach_every_rule():
    """The strategy must exercise real rule paths: over the budget every rule fires, and clean
    modules occur too (a strategy that only ever fires, or never does, tests nothing)."""
    seen: Counter = Counter()
    clean = [0]
    fixed = [0]
    with_findings = [0]

    @FLASK_FUZZ
    @given(flask_modules())
    def inner(case) -> None:
        source, files, variant = case
        files = dict(files, **{"app.py": source})
        if source.count("from mypkg import") and draw_pkg(source):
            files["mypkg.py"] = "from flask import Flask\napp = Flask(__name__)\n"
        with project_dir(files) as root:
            path = os.path.join(root, "app.py")
            findings, _ = lint_everywhere(source, path)
            if "views.py" in files:
                views = os.path.join(root, "views.py")
                more, _ = lint_everywhere(files["views.py"], views)
                seen.update({f.code for f in more})
            codes = {f.code for f in findings}
            seen.update(codes)
            # the findings located in deployment files (FDP006, FDP012: one finding per problem,
            # flake8 does not show them on the module)
            deployed = engine.deployment_findings(engine.context_for(os.path.realpath(path)))
            seen.update(f.code for f in deployed)
            if not codes:
                clean[0] += 1
            if HAS_FIX and (findings or deployed):
                with_findings[0] += 1  # every 3rd one also through the real CLI (slower: writes files)
                fixed[0] += fix_everywhere(root, path, through_cli=with_findings[0] % 3 == 1)

    inner()
    if EXAMPLES >= 30:
        assert set(_expected_codes()) <= set(seen), f"rules never reached: {set(_expected_codes()) - set(seen)}"
        assert clean[0] > 0
        assert fixed[0] > 0 or not HAS_FIX


def draw_pkg(source: str) -> bool:
    """The imported app lives in the project half of the time (decided by the source, so replayable)."""
    return len(source) % 2 == 0


# ---- the checkers themselves must be able to fail -------------------------------------------------------
def test_untouched_region_check_catches_changes_outside_the_fixed_statements():
    from sweep import untouched_regions_identical

    before = "import sys\n\nx = 1\n\nif __name__ == '__main__':\n    app.run(debug=True)\n\ny = 2\n"
    # the guard statement (lines 5-6) holds the finding: rewriting it and adding an import is allowed
    ok = "import os\nimport sys\n\nx = 1\n\nif __name__ == '__main__':\n    app.run()\n\ny = 2\n"
    assert untouched_regions_identical(before, ok, [6]) is None
    # a change to `y` (line 8) or to `x` is not
    assert "lines 8-8" in untouched_regions_identical(before, before.replace("y = 2", "y = 3"), [6])
    assert untouched_regions_identical(before, before.replace("x = 1", "x = 1 "), [6]) is not None
    # a whitespace-only change outside is caught too (byte-identical, not AST-equal)
    assert untouched_regions_identical(before, before.replace("y = 2\n", "y = 2\r\n"), [6]) is not None


@pytest.mark.skipif(not HAS_FIX, reason="flake8_flask_deploy.fix does not exist yet")
def test_verify_fix_steps_reports_a_fix_that_touches_other_lines(monkeypatch, tmp_path):
    from flake8_flask_deploy import fix

    path = str(tmp_path / "app.py")
    text = "from flask import Flask\napp = Flask(__name__)\nother = 1\napp.run(debug=True)\n"
    (tmp_path / "app.py").write_text(text)
    engine.clear_caches()
    real = fix.fix_text

    def sloppy(text, *args, **kwargs):
        new, applied, unsafe, problems = real(text, *args, **kwargs)
        return new.replace("other = 1", "other = 2"), applied, unsafe, problems

    monkeypatch.setattr(fix, "fix_text", sloppy)
    _, _, problem = verify_fix_steps(text, path)
    assert problem is not None and "other = 1" in problem, problem
    monkeypatch.setattr(fix, "fix_text", real)
    _, steps, problem = verify_fix_steps(text, path)
    assert problem is None and steps >= 1


def test_untouched_region_check_allows_moving_code_out_of_the_guard():
    """FDP001's fix moves setup from the guard to just before it, across the blank line."""
    from sweep import untouched_regions_identical

    before = "app = Flask(__name__)\n\nif __name__ == '__main__':\n    @app.route('/')\n    def index():\n" \
             "        return 'x'\n    app.run()\n"
    after = "app = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'x'\n\nif __name__ == '__main__':\n" \
            "    app.run()\n"
    assert untouched_regions_identical(before, after, [4]) is None
    assert untouched_regions_identical(before, "x = 1\n" + after, [4]) is not None
