"""The on-disk cache (``.flake8-flask-deploy-cache/`` at the project root, issue 25): each run gets
the findings a fresh, uncached run gets, whatever changed on disk between runs."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from test_deploy_helpers import bump

from flake8_flask_deploy import engine, sources
from flake8_flask_deploy.deploy import decode_context, encode_context, get_context
from flake8_flask_deploy.session import new_session

EXAMPLES = Path(__file__).parent.parent / "examples"
APP = ("from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n\n\n"
       "if __name__ == '__main__':\n    app.run(debug=True)\n")
PYTHON = 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n'
GUNICORN = 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'


def codes(root: Path, name: str = "app.py", cached: bool = True) -> list:
    session = new_session()
    session.disk_cache = cached
    path = root / name
    text = path.read_text()
    if not engine.might_matter(text, str(path)):
        return []
    return sorted(f.code for f in engine.analyze_module(ast.parse(text), str(path)))


def same_as_fresh(root: Path, name: str = "app.py") -> list:
    got = codes(root, name)
    assert got == codes(root, name, cached=False)
    return got


def python_project(root: Path) -> Path:
    """``app.py`` (a guarded ``app.run(debug=True)``) that the ``Dockerfile`` runs with python."""
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (root / "app.py").write_text(APP)
    (root / "Dockerfile").write_text(PYTHON)
    return root


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return python_project(tmp_path)


def test_the_cache_is_written_with_a_gitignore_and_read_back(project: Path) -> None:
    dev = ["FDP003", "FDP004", "FDP005"]
    assert same_as_fresh(project) == dev
    folder = project / sources.CACHE_DIR
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    data = json.loads((folder / "context.json").read_text())
    assert str(project / "Dockerfile") in data["files"]
    new_session().disk_cache = True
    assert sources.load_cached(str(project), "context") is not None  # fresh: read, not rebuilt
    assert codes(project) == dev


def test_an_edited_dockerfile_is_read_again(project: Path) -> None:
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]
    bump(project / "Dockerfile", GUNICORN)
    assert same_as_fresh(project) == []
    bump(project / "Dockerfile", PYTHON)
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]


def test_an_edited_start_script_is_read_again(project: Path) -> None:
    (project / "Dockerfile").write_text('FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["./boot.sh"]\n')
    (project / "boot.sh").write_text("#!/bin/sh\nexec python app.py\n")
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]
    bump(project / "boot.sh", "#!/bin/sh\nexec gunicorn -b 0.0.0.0:8000 app:app\n")
    assert same_as_fresh(project) == []


def test_an_added_or_deleted_deployment_file_is_seen(project: Path) -> None:
    (project / "Dockerfile").unlink()
    assert same_as_fresh(project) == []
    (project / "Procfile").write_text("web: python app.py\n")
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]
    (project / "Procfile").unlink()
    assert same_as_fresh(project) == []


def test_an_edited_served_module_and_an_added_module(project: Path) -> None:
    bump(project / "Dockerfile", 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "web:app"]\n')
    assert same_as_fresh(project) == []
    (project / "web.py").write_text("from app import app\n")  # the served module appears
    assert same_as_fresh(project, "web.py") == same_as_fresh(project)
    bump(project / "web.py", "from app import app\n\napp.run()\n")  # the served module edited
    assert same_as_fresh(project, "web.py") == ["FDP004"]
    (project / "web.py").unlink()  # and deleted: gunicorn serves a module that is not there
    assert same_as_fresh(project) == []


def test_an_edited_module_a_launched_script_reaches(project: Path) -> None:
    """The context holds what the script's calls reach (``Launch.calls``): an edit of the module
    they reach (its ``main()`` renamed away) is a change of the context."""
    bump(project / "Dockerfile", 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "launcher.py"]\n')
    (project / "launcher.py").write_text("from server import main\n\nmain()\n")
    server = "from app import app\n\n\ndef main():\n    app.run(host='0.0.0.0')\n"
    (project / "server.py").write_text(server)
    assert same_as_fresh(project, "server.py") == ["FDP004"]
    bump(project / "server.py", server.replace("def main", "def serve"))
    assert same_as_fresh(project, "server.py") == []
    bump(project / "server.py", server)
    assert same_as_fresh(project, "server.py") == ["FDP004"]
    data = json.loads((project / sources.CACHE_DIR / "context.json").read_text())
    assert str(project / "server.py") in data["value"]["scripts"]["files"]  # the scripts' part of the key


def test_a_saved_served_script_is_judged_without_the_builder(project: Path) -> None:
    """An editor's save of the script a launch runs (``python app.py``) re-derives that script's own
    fields of the cached context (``deploy.pyserve``), in a process that imports no builder or reader."""
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]
    bump(project / "app.py", APP.replace("def index", "def home"))  # saved: same run, same address
    code = ("import ast, sys\nfrom flake8_flask_deploy import engine\nfrom flake8_flask_deploy.session import new_session\n"
            "new_session().disk_cache = True\npath = sys.argv[1]\n"
            "found = engine.analyze_module(ast.parse(open(path).read()), path)\n"
            "print(sorted(f.code for f in found), sorted(m for m in sys.modules if '.deploy.' in m))")
    out = subprocess.run([sys.executable, "-c", code, str(project / "app.py")], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("['FDP003', 'FDP004', 'FDP005']"), out
    for module in ("build", "readers", "shell", "configs", "hostfiles"):
        assert f".deploy.{module}'" not in out, out
    assert ".deploy.pyserve'" in out, out  # the fields were derived again
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]


def test_the_forwarding_handler_search_follows_every_edit(tmp_path: Path, monkeypatch) -> None:
    """FDP011 on the served module (nginx sets ``X-Real-IP``, the app reads ``remote_addr``): the
    search for a file handling forwarded headers is kept in each module's ``index.json`` entry, the files it
    read; each edit (a handler added in a file read before, in a new file, removed again, the reading
    module edited) gives a fresh run's findings, and an unchanged project reads no file for it."""
    from test_deploy_helpers import make_project, sample

    from flake8_flask_deploy.rules import fdp011_proxy_without_proxyfix as fdp011

    root = Path(make_project(tmp_path, {
        "server/__init__.py": "", "server/app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "run.py": "from server.app import app\n",
        "server/client.py": "from flask import request\n\n\ndef client_ip():\n    return request.remote_addr\n",
        "deploy/blog.service": sample("blog.service"), "deploy/nginx/blog.conf": sample("blog-site.conf")}))
    fix = "\nfrom werkzeug.middleware.proxy_fix import ProxyFix\n\napp.wsgi_app = ProxyFix(app.wsgi_app)\n"
    searched = []
    file_answer = fdp011._file_answer
    monkeypatch.setattr(fdp011, "_file_answer", lambda path: searched.append(Path(path).name) or file_answer(path))
    assert same_as_fresh(root, "run.py") == ["FDP011"]
    searched.clear()
    assert codes(root, "run.py") == ["FDP011"]
    assert searched == []  # the stored answers
    stored = json.loads((root / sources.CACHE_DIR / "index.json").read_text())["entries"]
    assert stored[str(root / "server" / "client.py")][1]["forwarding"] == [False, {"address": 5}]
    bump(root / "server" / "app.py", (root / "server" / "app.py").read_text() + fix)
    searched.clear()
    assert codes(root, "run.py") == [] == codes(root, "run.py", cached=False)
    assert searched[:1] == ["app.py"] and searched.count("app.py") == 2  # the cached run read the edited file only
    searched.clear()
    assert codes(root, "run.py") == [] and searched == ["app.py"]  # the others stored; a saved one read again
    bump(root / "server" / "app.py", "from flask import Flask\n\napp = Flask(__name__)\n")
    assert same_as_fresh(root, "run.py") == ["FDP011"]
    (root / "server" / "proxy.py").write_text("from server.app import app\n" + fix)  # a new file handles them
    assert same_as_fresh(root, "run.py") == []
    (root / "server" / "proxy.py").unlink()
    assert same_as_fresh(root, "run.py") == ["FDP011"]
    bump(root / "server" / "client.py", "def client_ip():\n    return None\n")  # nothing reads the address
    assert same_as_fresh(root, "run.py") == []


def test_another_tool_version_rebuilds(project: Path, monkeypatch) -> None:
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]
    new_session().disk_cache = True
    assert sources.load_cached(str(project), "context") is not None
    monkeypatch.setattr(sources, "__version__", "99.0")
    new_session().disk_cache = True
    assert sources.load_cached(str(project), "context") is None


def test_an_edited_module_of_the_tool_is_another_tool(tmp_path: Path, monkeypatch) -> None:
    """A development install whose rule was edited writes no cache the old code reads: the tool's
    stamp holds every module's size and mtime (nested packages too), not its bytecode."""
    package = tmp_path / "flake8_flask_deploy"
    (package / "rules" / "__pycache__").mkdir(parents=True)
    for rel in ("__init__.py", "sources.py", "rules/__init__.py", "rules/fdp001.py"):
        (package / rel).write_text("# module\n")
    monkeypatch.setattr(sources, "__file__", str(package / "sources.py"))

    def stamp() -> str:
        new_session()
        return sources.tool_stamp()

    first = stamp()
    assert "rules/fdp001.py:" in first and first.startswith(sources.__version__)
    (package / "rules" / "__pycache__" / "fdp001.cpython-311.pyc").write_bytes(b"x")
    (package / "README.txt").write_text("not a module")
    assert stamp() == first
    bump(package / "rules" / "fdp001.py", "# module, edited\n")
    second = stamp()
    assert second != first
    (package / "rules" / "fdp099.py").write_text("# a new rule\n")
    assert stamp() not in (first, second)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1}', b"[1, 2]", b"\xff\xfe"])
def test_an_unreadable_cache_is_rebuilt_without_error(project: Path, damage: bytes) -> None:
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]
    (project / sources.CACHE_DIR / "context.json").write_bytes(damage)
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]
    json.loads((project / sources.CACHE_DIR / "context.json").read_text())  # written again, whole


def test_a_project_that_cannot_be_written_is_linted(project: Path) -> None:
    (project / sources.CACHE_DIR).write_text("a file where the folder goes")
    assert same_as_fresh(project) == ["FDP003", "FDP004", "FDP005"]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_contexts_round_trip_and_findings_are_the_same_with_the_cache(example: str, tmp_path: Path) -> None:
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root)
    new_session()
    context = get_context(str(root.resolve()))
    assert decode_context(json.loads(json.dumps(encode_context(context)))) == context
    runs = []
    for cached in (False, True, True):  # without, writing the cache, reading it
        out = subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", "--jobs", "1", "--format",
                              "json", "."] + ([] if cached else ["--no-cache"]), cwd=root, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode in (0, 1), out.stderr
        runs.append(out.stdout)
    assert runs[0] == runs[1] == runs[2]
    assert (root / sources.CACHE_DIR / "context.json").exists()


def test_the_cache_can_be_turned_off_in_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.flake8-flask-deploy]\ncache = false\n")
    out = subprocess.run([sys.executable, "-m", "flake8", "--select", "FDP", "app.py"], cwd=project,
                         capture_output=True, text=True, timeout=120)
    assert " FDP003 " in out.stdout, out.stderr
    assert not (project / sources.CACHE_DIR).exists()
    subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "FDP", "app.py"], cwd=project,
                   capture_output=True, text=True, timeout=120)
    assert not (project / sources.CACHE_DIR).exists()  # the pyproject table is read with --isolated too


# ---- the project index's entries (index.json): per module, checked against that module's stamp ----
APP_MODULE = ("from flask import Flask\n\nfrom views import bp\n\napp = Flask(__name__)\n"
              "app.register_blueprint(bp)\n")
VIEWS = 'from flask import Blueprint\n\nbp = Blueprint("v", __name__)\n\n\n@bp.route("/")\ndef index():\n    return "x"\n'
EXTRA = ('from flask import Blueprint\n\nextra = Blueprint("e", __name__)\n\n\n@extra.route("/e")\n'
         'def page():\n    return "e"\n')


def index_codes(root: Path, name: str, cached: bool = True) -> list:
    """The codes on ``name`` in a session that ends (and writes its index entries) when done."""
    got = codes(root, name, cached)
    new_session()  # closes the session above: what the index learnt is written
    return got


def index_same_as_fresh(root: Path, name: str) -> list:
    got = index_codes(root, name)
    assert got == index_codes(root, name, cached=False), name
    return got


@pytest.fixture()
def blueprints(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "Dockerfile").write_text(GUNICORN)
    (tmp_path / "app.py").write_text(APP_MODULE)
    (tmp_path / "views.py").write_text(VIEWS)
    (tmp_path / "extra.py").write_text(EXTRA)
    return tmp_path


def test_index_entries_are_written_and_read_back_without_reading_the_modules(blueprints: Path, monkeypatch) -> None:
    from flake8_flask_deploy import index

    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    data = json.loads((blueprints / sources.CACHE_DIR / "index.json").read_text())
    app = str(blueprints / "app.py")
    assert data["entries"][app][0] == sources.stat_key(app)
    assert "register_blueprint" in data["entries"][app][1]["entry"][0]
    read = []
    real = index._read_module  # noqa: SLF001 - counting the index's reads of module bytes
    monkeypatch.setattr(index, "_read_module", lambda path: read.append(path) or real(path))
    session = new_session()
    session.disk_cache = True
    built = index.get_index(str(blueprints))
    assert read == [] and set(built.modules) == {app, str(blueprints / "views.py"), str(blueprints / "extra.py")}
    from_disk = [described(ref) for ref in index.imports_of_file(app)]
    assert read == []
    new_session()
    assert from_disk == [described(ref) for ref in index.imports_of_file(app)] != []


def described(ref) -> tuple:
    spot, ctx = ref.node, ref.ctx
    return (ref.local, ref.module, ref.name, ref.level, ref.asname, spot.lineno, spot.col_offset, spot.end_lineno,
            spot.end_col_offset, ctx.scope, ctx.conditional, ctx.guard, ctx.in_class, ctx.loops)


def test_an_edited_importer_an_added_and_a_deleted_module_are_seen(blueprints: Path) -> None:
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    bump(blueprints / "app.py", APP_MODULE.replace("from views import bp\n", "from views import bp\nfrom extra import extra\n")
         + "app.register_blueprint(extra)\n")
    assert index_same_as_fresh(blueprints, "extra.py") == []
    (blueprints / "setup_bp.py").write_text("from app import app\nfrom extra import extra\n")  # added
    assert index_same_as_fresh(blueprints, "extra.py") == []
    bump(blueprints / "app.py", APP_MODULE)  # edited back: the registration is gone again
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    (blueprints / "views.py").unlink()  # deleted: app.py imports a module that is not there
    assert index_same_as_fresh(blueprints, "extra.py") == index_same_as_fresh(blueprints, "extra.py")
    bump(blueprints / "extra.py", EXTRA + "\n# edited\n")  # entries written again: the deleted one is left out
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    data = json.loads((blueprints / sources.CACHE_DIR / "index.json").read_text())
    assert str(blueprints / "views.py") not in data["entries"]


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1, "entries": 3}', b"[1]",
                                    b'{"format": 1, "tool": "", "root": "", "entries": {}}'])
def test_a_damaged_index_cache_is_ignored(blueprints: Path, damage: bytes) -> None:
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    (blueprints / sources.CACHE_DIR / "index.json").write_bytes(damage)
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]


def test_damaged_index_entries_are_computed_again(blueprints: Path) -> None:
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    path = blueprints / sources.CACHE_DIR / "index.json"
    data = json.loads(path.read_text())
    for n, key in enumerate(sorted(data["entries"])):
        stamp = data["entries"][key][0]
        data["entries"][key] = [[stamp, {"entry": "x", "imports": [[1]]}], [stamp, {"imports": 5}], [stamp, 7]][n % 3]
    path.write_text(json.dumps(data))
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]


def test_stored_word_answers_follow_an_edit_of_the_module(tmp_path: Path) -> None:
    """``mentioning`` answers (does this module have the word ``routes``?) are kept per module and
    stamp: the importer edited to import the routes module, then edited back."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "Dockerfile").write_text(GUNICORN)
    app = "from flask import Flask\n\napp = Flask(__name__)\n"
    (tmp_path / "app.py").write_text(app)
    (tmp_path / "routes.py").write_text("from app import app\n\n\n@app.route('/')\ndef index():\n    return 'x'\n")
    first = index_same_as_fresh(tmp_path, "routes.py")
    assert first == ["FDP009"]
    entries = json.loads((tmp_path / sources.CACHE_DIR / "index.json").read_text())["entries"]
    assert any("has" in entry[1] for entry in entries.values())
    assert index_same_as_fresh(tmp_path, "routes.py") == first  # answered from the stored words
    bump(tmp_path / "app.py", app + "\nimport routes  # noqa: E402,F401\n")
    assert index_same_as_fresh(tmp_path, "routes.py") == []
    bump(tmp_path / "app.py", app)
    assert index_same_as_fresh(tmp_path, "routes.py") == first


def test_a_failing_end_of_run_callback_fails_neither_the_next_run_nor_the_exit(caplog) -> None:
    session = new_session()
    written = []
    session.on_close(lambda: 1 / 0)
    session.on_close(lambda: written.append(True))
    new_session()  # closes the session above: the second callback still runs
    assert written == [True] and "cannot write" in caplog.text
    session.close()  # once each
    assert written == [True]


# ---- the calls of a factory (index.call_sites), kept per calling module ---------------------------
FACTORY = ('from flask import Flask\n\nimport config\n\nCONFIGS = {"dev": config.Dev, "prod": config.Prod}\n\n\n'
           'def create_app(name):\n    app = Flask(__name__)\n    app.config.from_object(CONFIGS[name])\n    return app\n')
CLI = "import application\nfrom helpers import create_app\n\nother = create_app()\n"


def factory_calls(root: Path, cached: bool = True) -> list:
    """``[(caller, line, col, scope, guard)]`` of ``application.create_app``, from a session that ends
    (and writes its index entries) when done."""
    from flake8_flask_deploy import index

    session = new_session()
    session.disk_cache = cached
    built = index.get_index(str(root))
    found = index.call_sites(built, str(root / "application" / "__init__.py"), "create_app")
    new_session()
    return [(Path(caller).relative_to(root).as_posix(), site.node.lineno, site.node.col_offset, site.ctx.scope,
             site.ctx.guard) for caller, site in found]


def calls_as_fresh(root: Path) -> list:
    got = factory_calls(root)
    assert got == factory_calls(root, cached=False)
    return got


def test_stored_call_sites_follow_the_caller_and_the_modules_it_imports(tmp_path: Path, monkeypatch) -> None:
    """A caller's calls named ``create_app`` are kept in its index entry (calls without arguments);
    which function they call is resolved again on every run: an edit of the re-exporting module
    (the caller unchanged), of the caller (under the guard, with an argument, shadowed), of the
    factory's own module, and the caller's deletion are all seen."""
    from flake8_flask_deploy import index

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "Procfile").write_text("web: gunicorn wsgi:app\n")
    (tmp_path / "config.py").write_text("class Dev:\n    DEBUG = True\n\n\nclass Prod:\n    DEBUG = False\n")
    (tmp_path / "application").mkdir()
    (tmp_path / "application" / "__init__.py").write_text(FACTORY)
    (tmp_path / "wsgi.py").write_text('import os\n\nfrom application import create_app\n\n'
                                      'app = create_app(os.getenv("APP_CONFIG", "dev"))\n')
    reexport = "from application import create_app  # noqa: F401\n"
    (tmp_path / "helpers.py").write_text(reexport)
    (tmp_path / "cli.py").write_text(CLI)
    both = [("cli.py", 4, 8, "", False), ("wsgi.py", 5, 6, "", False)]
    assert calls_as_fresh(tmp_path) == both
    parsed = []
    real = index._parsed_sites  # noqa: SLF001 - counting the parses of callers
    monkeypatch.setattr(index, "_parsed_sites", lambda path, func: parsed.append(Path(path).name) or real(path, func))
    assert factory_calls(tmp_path) == both and parsed == ["wsgi.py"]  # cli.py's call: from its entry
    bump(tmp_path / "helpers.py", "def create_app():\n    return None\n")  # cli.py unchanged, now calls another
    assert calls_as_fresh(tmp_path) == both[1:]
    bump(tmp_path / "helpers.py", reexport)
    assert calls_as_fresh(tmp_path) == both
    bump(tmp_path / "cli.py", CLI.replace("other = ", 'if __name__ == "__main__":\n    other = '))
    assert calls_as_fresh(tmp_path) == both[1:]  # under the guard
    bump(tmp_path / "cli.py", CLI.replace("create_app()", 'create_app("prod")'))
    assert calls_as_fresh(tmp_path) == both
    bump(tmp_path / "cli.py", CLI + "\n\ndef create_app():\n    return None\n\n\nagain = create_app()\n")
    assert calls_as_fresh(tmp_path) == [both[0], ("cli.py", 11, 8, "", False), both[1]]  # the index reads
    bump(tmp_path / "cli.py", "import application\n\n\ndef create_app():\n    return None\n\n\nother = create_app()\n")
    assert calls_as_fresh(tmp_path) == both[1:]  # the import gone: the local function (imports win, as before)
    bump(tmp_path / "cli.py", CLI)
    bump(tmp_path / "application" / "__init__.py", FACTORY + "\n\nfallback = create_app('dev')\n")
    assert calls_as_fresh(tmp_path) == [("application/__init__.py", 14, 11, "", False)] + both
    (tmp_path / "cli.py").unlink()
    assert calls_as_fresh(tmp_path) == [("application/__init__.py", 14, 11, "", False)] + both[1:]


# ---- what other modules bind and register (index.binding_kind, index.routes_at_import), kept per module ----
def messages(root: Path, name: str, code: str, cached: bool = True) -> list:
    """``[(line, message)]`` of ``code`` on ``name``, from a session that ends (and writes its index
    entries) when done."""
    session = new_session()
    session.disk_cache = cached
    path = root / name
    text = path.read_text()
    got = sorted((f.line, f.message) for f in engine.analyze_module(ast.parse(text), str(path)) if f.code == code)
    new_session()
    return got


def messages_as_fresh(root: Path, name: str, code: str) -> list:
    got = messages(root, name, code)
    assert got == messages(root, name, code, cached=False), (name, code)
    return got


def stored_fields(root: Path, name: str) -> dict:
    entries = json.loads((root / sources.CACHE_DIR / "index.json").read_text())["entries"]
    return entries[str(root / name)][1]


def counting_scans(monkeypatch) -> list:
    """The file names the index scans (a parse and a walk) from now on."""
    from flake8_flask_deploy import index

    scanned: list = []
    real = index.scan_and_collect
    monkeypatch.setattr(index, "scan_and_collect", lambda tree, path: scanned.append(Path(path).name) or real(tree, path))
    return scanned


INIT = "from flask import Flask\n\nfrom site.base import routes\n\napp = Flask(__name__)\napp.register_blueprint(routes)\n"
BASE = 'from flask import Blueprint\n\nroutes = Blueprint("site", __name__)\n'
PAGES = "from site import routes\n\n\n@routes.route('/')\ndef index():\n    return 'x'\n"
SEARCH = "from site import routes\n\n\n@routes.route('/search')\ndef index():\n    return 'x'\n"


@pytest.fixture()
def views(tmp_path: Path) -> Path:
    """``site/`` re-exports the blueprint of ``site/base.py``; ``pages`` and ``search`` add a view
    named ``index`` to it, both imported by ``site/__init__.py``."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "Procfile").write_text("web: gunicorn site:app\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "__init__.py").write_text(INIT + "\nfrom site import pages, search  # noqa: E402,F401\n")
    (tmp_path / "site" / "base.py").write_text(BASE)
    (tmp_path / "site" / "pages.py").write_text(PAGES)
    (tmp_path / "site" / "search.py").write_text(SEARCH)
    return tmp_path


def test_stored_routes_follow_the_other_module_and_the_modules_it_imports(views: Path, monkeypatch) -> None:
    """FDP010 across modules: the other module's routes are kept in its index entry, and where their
    receiver leads (through the re-exporting package) and what that is are resolved again on every
    run: an edit of the other module's route, endpoint or receiver, of the module it imports the
    blueprint through (the other module unchanged), of the blueprint's module, and the other
    module's deletion and addition are all seen."""
    page = "site/pages.py"
    found = [(4, "endpoint `index` of blueprint `routes` is also taken by `index` in site/search.py:4: when both "
                 "modules are imported Flask raises \"AssertionError: View function mapping is overwriting an "
                 "existing endpoint function\"")]
    assert messages_as_fresh(views, page, "FDP010") == found
    assert stored_fields(views, "site/search.py")["routes"][0][:2] == ["routes", "index"]
    assert stored_fields(views, "site/base.py")["kinds"] == {"routes": "blueprint"}
    scanned = counting_scans(monkeypatch)
    assert messages(views, page, "FDP010") == found and "search.py" not in scanned and "base.py" not in scanned
    bump(views / "site" / "search.py", "\n\n" + SEARCH)  # moved: the line in the message
    assert messages_as_fresh(views, page, "FDP010") == [(4, found[0][1].replace("search.py:4", "search.py:6"))]
    bump(views / "site" / "search.py", SEARCH.replace("def index", "def find"))  # another view name
    assert messages_as_fresh(views, page, "FDP010") == []
    bump(views / "site" / "search.py", SEARCH.replace("'/search'", "'/search', endpoint='index'")
         .replace("def index", "def find"))  # the same endpoint again, by endpoint=
    assert messages_as_fresh(views, page, "FDP010") == [(4, found[0][1].replace("by `index`", "by `find`"))]
    bump(views / "site" / "search.py", SEARCH)
    assert messages_as_fresh(views, page, "FDP010") == found
    (views / "site" / "other.py").write_text('from flask import Blueprint\n\nroutes = Blueprint("other", __name__)\n')
    bump(views / "site" / "__init__.py", INIT.replace("site.base", "site.other") + "\nfrom site import pages, search"
         "  # noqa: E402,F401\n")  # search.py unchanged: its receiver is now another blueprint; so is pages.py's
    assert messages_as_fresh(views, page, "FDP010") == found
    bump(views / "site" / "search.py", SEARCH.replace("from site import routes", "from site.base import routes"))
    assert messages_as_fresh(views, page, "FDP010") == []  # two blueprints
    bump(views / "site" / "search.py", SEARCH)
    bump(views / "site" / "other.py", "routes = None\n")  # no blueprint any more
    assert messages_as_fresh(views, page, "FDP010") == []
    bump(views / "site" / "__init__.py", INIT + "\nfrom site import pages, search  # noqa: E402,F401\n")
    assert messages_as_fresh(views, page, "FDP010") == found
    bump(views / "site" / "search.py", SEARCH.replace("from site import routes\n", 'from flask import Blueprint\n\n'
                                                      'routes = Blueprint("own", __name__)\n'))  # its own
    assert messages_as_fresh(views, page, "FDP010") == []
    bump(views / "site" / "search.py", SEARCH)
    assert messages_as_fresh(views, page, "FDP010") == found
    (views / "site" / "search.py").unlink()
    assert messages_as_fresh(views, page, "FDP010") == []
    (views / "site" / "query.py").write_text(SEARCH)  # added (search.py's import in site/__init__.py: gone)
    bump(views / "site" / "__init__.py", INIT + "\nfrom site import pages, query  # noqa: E402,F401\n")
    assert messages_as_fresh(views, page, "FDP010") == [(4, found[0][1].replace("search.py", "query.py"))]


def test_stored_binding_kinds_follow_the_defining_module_and_what_it_imports(tmp_path: Path, monkeypatch) -> None:
    """FDP009 (and FDP010's receivers): what the imported name is in the module that binds it
    (blueprint, app) is kept in that module's index entry, unless another module decides it (an
    app made by a factory imported from elsewhere): an edit of the binding module, of the module
    re-exporting it, and of the factory's module (the binding module unchanged) are all seen."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "Procfile").write_text("web: gunicorn core:app\n")
    core = "from flask import Flask\n\napp = Flask(__name__)\n"
    (tmp_path / "core.py").write_text(core)
    (tmp_path / "shared.py").write_text("from core import app  # noqa: F401\n")
    views = "from shared import app\n\n\n@app.route('/')\ndef index():\n    return 'x'\n"
    (tmp_path / "views.py").write_text(views)
    found = [(1, "1 route on the app `app` from core.py is added only when this module is imported, and no module "
                 "of the project imports it: its URLs answer 404")]
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == found
    assert stored_fields(tmp_path, "core.py")["kinds"] == {"app": "app"}
    scanned = counting_scans(monkeypatch)
    assert messages(tmp_path, "views.py", "FDP009") == found and scanned == []
    bump(tmp_path / "core.py", core.replace("Flask(__name__)", "Blueprint('b', __name__)").replace("Flask", "Blueprint"))
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == [(1, found[0][1].replace("the app", "the blueprint"))]
    bump(tmp_path / "core.py", "app = object()\n")
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == []
    bump(tmp_path / "core.py", "from factory import make\n\napp = make()\n\n\n@app.route('/up')\ndef up():\n"
                               "    return 'ok'\n")  # an app only by factory.py
    (tmp_path / "factory.py").write_text("from flask import Flask\n\n\ndef make():\n    app = Flask(__name__)\n"
                                         "    return app\n")
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == found
    assert "kinds" not in stored_fields(tmp_path, "core.py")
    bump(tmp_path / "factory.py", "def make():\n    return None\n")  # core.py unchanged
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == []
    bump(tmp_path / "core.py", core)
    bump(tmp_path / "shared.py", "from other import app  # noqa: F401\n")  # views.py and core.py unchanged
    (tmp_path / "other.py").write_text(core)
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == [(1, found[0][1].replace("core.py", "other.py"))]
    (tmp_path / "other.py").unlink()  # the import leads nowhere in the project
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == []
    bump(tmp_path / "shared.py", "from core import app  # noqa: F401\n")
    assert messages_as_fresh(tmp_path, "views.py", "FDP009") == found


def test_an_editors_buffer_is_read_for_its_module_and_never_stored(views: Path) -> None:
    """The linted module's scan is made of the text flake8 parsed (an editor's buffer, not the file):
    in that run, the questions about the module (what it binds, its routes, where its imports lead
    another module's name) read that scan, as :meth:`ProjectIndex.resolve_name` does; nothing learnt
    from it is stored under the file's stamp: the next runs read the file."""
    from flake8_flask_deploy import index

    (views / "site" / "other.py").write_text('from flask import Blueprint\n\nroutes = Blueprint("o", __name__)\n')
    bump(views / "site" / "search.py", SEARCH.replace("from site import routes", "from site.pages import routes"))
    path, search, base = str(views / "site" / "pages.py"), str(views / "site" / "search.py"), str(views / "site" / "base.py")
    for buffer, resolved in (('from flask import Blueprint\n\nroutes = Blueprint("p", __name__)\n', path),
                             (PAGES.replace("from site import", "from site.other import"), str(views / "site" / "other.py"))):
        session = new_session()
        session.disk_cache = True
        engine.analyze_module(ast.parse(buffer), path)
        built = index.get_index(str(views))
        kind = "blueprint" if resolved == path else None
        assert index.binding_kind(built, path, "routes") == kind
        assert built.resolve_name(search, "routes") == (resolved, "routes")
        new_session()
        assert "kinds" not in stored_fields(views, "site/pages.py")
        for cached in (True, False):
            session = new_session()
            session.disk_cache = cached
            built = index.get_index(str(views))
            assert index.binding_kind(built, path, "routes") is None
            assert [(r.receiver, how) for r, how in index.routes_at_import(built, path)] == [("routes", "import")]
            assert built.resolve_name(search, "routes") == (base, "routes")
            new_session()


def test_a_save_of_the_linted_module_alone_does_not_rewrite_the_index(blueprints: Path) -> None:
    """An editor's run after a save learns only the saved modules' words again (cheaper than writing
    every entry): index.json is left as it was, and the next runs get a fresh run's findings; a run
    that learns more (a module's imports and registrations) writes it."""
    (blueprints / "notes.py").write_text("NOTES = 1\n")
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    stored = blueprints / sources.CACHE_DIR / "index.json"
    before = stored.read_bytes()
    bump(blueprints / "extra.py", EXTRA + "\n# saved\n")
    assert index_codes(blueprints, "extra.py") == ["FDP008"]
    assert stored.read_bytes() == before
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    bump(blueprints / "notes.py", "NOTES = 2\n")  # another file saved in between: its words too
    bump(blueprints / "extra.py", EXTRA + "\n# saved again\n")
    assert index_codes(blueprints, "extra.py") == ["FDP008"]
    assert stored.read_bytes() == before
    bump(blueprints / "app.py", APP_MODULE + "\n# edited too\n")  # its imports and registrations: written
    assert index_same_as_fresh(blueprints, "extra.py") == ["FDP008"]
    assert stored.read_bytes() != before
    entry = json.loads(stored.read_text())["entries"][str(blueprints / "app.py")]
    assert entry[0][0] == len(APP_MODULE + "\n# edited too\n")


# ---- what a module's register_blueprint calls register (index.stored_registers), kept per module (FDP008) ----
SHOP_INIT = ("from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
             "    from shop.views import views\n    from shop.web import pages_bp\n\n"
             "    app.register_blueprint(views)\n    app.register_blueprint(pages_bp)\n    return app\n")


def blueprint_module(name: str, route: str = "/") -> str:
    return (f'from flask import Blueprint\n\n{name} = Blueprint("{name}", __name__)\n\n\n'
            f'@{name}.route("{route}")\ndef page():\n    return "x"\n')


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    """``shop/__init__.py``'s factory registers ``views`` (``shop/views.py``) and ``pages_bp``
    (``shop/web/main.py``, re-exported by ``shop/web/__init__.py``); ``shop/admin.py``'s ``admin``
    is registered by nothing."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "Procfile").write_text("web: gunicorn 'shop:create_app()'\n")
    (tmp_path / "shop" / "web").mkdir(parents=True)
    (tmp_path / "shop" / "__init__.py").write_text(SHOP_INIT)
    (tmp_path / "shop" / "views.py").write_text(blueprint_module("views"))
    (tmp_path / "shop" / "admin.py").write_text(blueprint_module("admin"))
    (tmp_path / "shop" / "web" / "__init__.py").write_text("from shop.web.main import pages_bp  # noqa: F401\n")
    (tmp_path / "shop" / "web" / "main.py").write_text(blueprint_module("pages_bp"))
    return tmp_path


def unregistered(name: str) -> tuple:
    return (3, f"blueprint `{name}` has 1 route but no `register_blueprint` in the project registers it: its URLs "
               "answer 404")


def registered_as_fresh(root: Path, name: str, monkeypatch, registered: Optional[bool] = None) -> list:
    """FDP008's messages on ``name``, as a run without the cache gives them; then once more with the
    cache (nothing changed since): the same, the stored registrations read (counted), and, when the
    blueprint is ``registered`` (default: when there is no message), no module that registers blueprints
    scanned (only a module asked what a name of it is, ``pkg.views.bp`` in ``pkg/__init__.py``); and no
    module parsed for its imports alone (those of a module scanned in the first run were kept then)."""
    from flake8_flask_deploy import index

    got = messages_as_fresh(root, name, "FDP008")
    registering = {str(p) for p in root.rglob("*.py") if "register_blueprint" in p.read_text()}
    read: list = []
    scanned: list = []
    with monkeypatch.context() as patch:
        real_stored, real_scan, real_imports = index.stored_registers, index.scan_and_collect, index.ImportsRecorder
        patch.setattr(index, "stored_registers", lambda built, path: read.append(path) or real_stored(built, path)
                      if real_stored(built, path) is not None else None)
        patch.setattr(index, "scan_and_collect", lambda tree, path: scanned.append(path) or real_scan(tree, path))
        patch.setattr(index, "ImportsRecorder", lambda: scanned.append("imports") or real_imports())
        assert messages(root, name, "FDP008") == got
    assert read and set(read) <= registering and "imports" not in scanned, (name, read, scanned)
    if (got == []) if registered is None else registered:
        assert got == [] and not registering & set(scanned), (name, scanned)
    return got


def test_stored_registrations_follow_the_registering_module_and_what_it_imports(shop: Path, monkeypatch) -> None:
    """FDP008: the ``register_blueprint`` calls of a module are kept in its index entry, and where their
    arguments lead (through a re-exporting package) is resolved again on every run: a registration
    removed, moved to another module, renamed; the blueprint renamed in its module and the re-exporting
    package edited (the registering module unchanged); a module deleted and added are all seen."""
    init, views, main = shop / "shop" / "__init__.py", "shop/views.py", "shop/web/main.py"
    assert registered_as_fresh(shop, views, monkeypatch) == []
    assert registered_as_fresh(shop, main, monkeypatch) == []
    assert registered_as_fresh(shop, "shop/admin.py", monkeypatch) == [unregistered("admin")]
    calls = stored_fields(shop, "shop/__init__.py")["registers"]["calls"]
    assert [words for words, _plan in calls] == [["views"], ["pages_bp"]]
    bump(init, SHOP_INIT.replace("    app.register_blueprint(views)\n", ""))  # removed
    assert registered_as_fresh(shop, views, monkeypatch) == [unregistered("views")]
    assert registered_as_fresh(shop, main, monkeypatch) == []
    (shop / "shop" / "blueprints.py").write_text("def register(app):\n    from shop.views import views\n\n"
                                                 "    app.register_blueprint(views)\n")  # moved to another module
    bump(init, SHOP_INIT.replace("    app.register_blueprint(views)\n", "    from shop.blueprints import register\n"
                                 "    register(app)\n"))
    assert registered_as_fresh(shop, views, monkeypatch) == []
    bump(shop / "shop" / "blueprints.py", "def register(app):\n    from shop.views import views as main_views\n\n"
         "    app.register_blueprint(main_views)\n")  # renamed where it is registered
    assert registered_as_fresh(shop, views, monkeypatch) == []
    bump(shop / "shop" / "views.py", blueprint_module("views").replace("views", "front"))  # renamed in its module
    assert registered_as_fresh(shop, views, monkeypatch) == [unregistered("front")]
    bump(shop / "shop" / "views.py", blueprint_module("views"))
    assert registered_as_fresh(shop, views, monkeypatch) == []
    (shop / "shop" / "web" / "other.py").write_text(blueprint_module("pages_bp", "/other"))
    bump(shop / "shop" / "web" / "__init__.py", "from shop.web.other import pages_bp  # noqa: F401\n")  # re-export
    assert registered_as_fresh(shop, main, monkeypatch) == [unregistered("pages_bp")]
    assert registered_as_fresh(shop, "shop/web/other.py", monkeypatch) == []
    (shop / "shop" / "web" / "other.py").unlink()  # deleted: the re-export leads nowhere in the project
    assert registered_as_fresh(shop, main, monkeypatch) == [unregistered("pages_bp")]
    bump(shop / "shop" / "web" / "__init__.py", "from shop.web.main import pages_bp  # noqa: F401\n")
    assert registered_as_fresh(shop, main, monkeypatch) == []
    (shop / "shop" / "blueprints.py").unlink()  # deleted: the registration with it
    assert registered_as_fresh(shop, views, monkeypatch) == [unregistered("views")]
    (shop / "shop" / "wiring.py").write_text("from shop.views import views\n\n\ndef register(app):\n"
                                             "    app.register_blueprint(views)\n")  # added
    assert registered_as_fresh(shop, views, monkeypatch) == []


#: Registering modules (``shop/__init__.py``) whose calls are kept and resolved again: loops over
#: literals and module constants, attributes of modules, aliases, nested scopes, keywords; and calls
#: that cannot be followed (a parameter, a local variable, a call among loop values, ``getattr``).
REGISTERING = {  # variant -> (the text of shop/__init__.py, the blueprints its calls register)
    "loop": (
        "from shop.views import views\nfrom shop.web import pages_bp\n\n\ndef create_app(app):\n"
        "    for bp in (views, pages_bp):\n        app.register_blueprint(bp)\n", {"views", "pages_bp"}),
    "constant": (
        "from shop.views import views\nfrom shop.web import pages_bp\n\nBLUEPRINTS = [views, pages_bp]\n\n\n"
        "def create_app(app):\n    for bp in BLUEPRINTS:\n        app.register_blueprint(bp)\n", {"views", "pages_bp"}),
    "pairs": (
        "from shop.views import views\n\n\ndef create_app(app):\n"
        "    for bp, prefix in [(views, '/v')]:\n        app.register_blueprint(bp, url_prefix=prefix)\n", {"views"}),
    "module loop": (
        "import shop.views as views_module\nfrom shop import web\n\n\ndef create_app(app):\n"
        "    for module in (views_module, web.main):\n        app.register_blueprint(module.views)\n", {"views"}),
    "attributes": (
        "import shop.views as module\nfrom shop import web\n\n\ndef create_app(app):\n"
        "    app.register_blueprint(module.views)\n    app.register_blueprint(web.main.pages_bp)\n"
        "    app.register_blueprint(web.pages_bp)\n", {"views", "pages_bp"}),
    "package": (
        "import shop.views\n\n\ndef create_app(app):\n    app.register_blueprint(shop.views.views)\n", {"views"}),
    "keyword, nested": (
        "def create_app(app):\n    from shop.views import views as v\n\n    def later():\n"
        "        app.register_blueprint(blueprint=v)\n    later()\n", {"views"}),
    "own": (
        "from flask import Blueprint\n\nown = Blueprint('own', __name__)\n\n\n@own.route('/own')\ndef page():\n"
        "    return 'x'\n\n\ndef create_app(app):\n    from shop.views import views\n\n"
        "    app.register_blueprint(own)\n    app.register_blueprint(views)\n", {"views"}),
    "unknown": (
        "from shop import views\n\n\ndef register(app, bp):\n    app.register_blueprint(bp)\n\n\n"
        "def create_app(app):\n    register(app, getattr(views, 'views'))\n", set()),
    "referenced": (
        "def create_app(app):\n    from shop.admin import admin\n\n    register = app.register_blueprint\n"
        "    register(admin)\n", set()),
    "local": (
        "from shop.views import views\n\n\ndef create_app(app):\n    views = None\n"
        "    app.register_blueprint(views)\n    app.register_blueprint(make())\n", set()),
    "call in loop": (
        "from shop.views import views\n\n\ndef create_app(app):\n"
        "    for bp in (views, make()):\n        app.register_blueprint(bp)\n", set()),
}


@pytest.mark.parametrize("variant", sorted(REGISTERING))
def test_stored_registrations_resolve_as_the_scan_does(shop: Path, variant: str, monkeypatch) -> None:
    """Each kind of ``register_blueprint`` argument: what the stored summary of the call resolves to is
    what the scan's call resolves to (:func:`index.register_targets`), for every call; the module's
    ``register_referenced`` and the identifier strings are kept; FDP008's findings on the blueprints'
    modules are those of a run without the cache."""
    from flake8_flask_deploy import index

    (shop / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (shop / "Procfile").write_text("web: gunicorn app:app\n")
    (shop / "shop" / "web" / "main.py").write_text(blueprint_module("pages_bp") + "\nviews = pages_bp\n")
    text, names = REGISTERING[variant]
    bump(shop / "shop" / "__init__.py", text)
    for name, blueprint in (("shop/views.py", "views"), ("shop/web/main.py", "pages_bp"), ("shop/admin.py", "admin")):
        registered_as_fresh(shop, name, monkeypatch, blueprint in names and variant != "package")
    init = str(shop / "shop" / "__init__.py")
    session = new_session()
    session.disk_cache = True
    built = index.get_index(str(shop))
    stored = index.stored_registers(built, init)
    scan = built.scan(init)
    assert stored is not None and scan is not None and len(stored.calls) == len(scan.registers)
    assert bool(scan.registers) == (variant != "referenced")
    assert [index.summary_targets(built, init, call) for call in stored.calls] == \
        [index.register_targets(built, init, call) for call in scan.registers]
    assert [call.words for call in stored.calls] == [index.register_words(call) for call in scan.registers]
    assert stored.referenced == scan.register_referenced
    assert stored.names == {x for x in scan.strings if x.isidentifier()}
    new_session()


@pytest.mark.parametrize("damage", [5, [1], {"calls": 5, "referenced": False, "names": []},
                                    {"calls": [[["views"], ["loop", []]]], "referenced": False, "names": []},
                                    {"calls": [[["views"], ["name", ["import", [1]], []]]], "referenced": False,
                                     "names": []},
                                    {"calls": [[["views"], ["name", ["self", "views"], [3]]]], "referenced": False,
                                     "names": []},
                                    {"calls": [], "referenced": 1, "names": []},
                                    {"calls": [], "referenced": False, "names": [None]},
                                    {"calls": [[["views"], {"own": "views"}]], "referenced": False, "names": []},
                                    {"calls": [[["views"], []]], "referenced": False, "names": []}])
def test_damaged_stored_registrations_are_computed_again(shop: Path, damage, monkeypatch) -> None:
    assert registered_as_fresh(shop, "shop/views.py", monkeypatch) == []
    path = shop / sources.CACHE_DIR / "index.json"
    data = json.loads(path.read_text())
    data["entries"][str(shop / "shop" / "__init__.py")][1]["registers"] = damage
    path.write_text(json.dumps(data))
    assert messages_as_fresh(shop, "shop/views.py", "FDP008") == []
    assert stored_fields(shop, "shop/__init__.py")["registers"] != damage  # written again
    assert registered_as_fresh(shop, "shop/views.py", monkeypatch) == []


def test_an_editors_buffer_of_a_registering_module_is_read_and_never_stored(shop: Path, monkeypatch) -> None:
    """A module with a blueprint of its own that registers ``admin``, linted from a buffer that does not (and
    the other way round): that run's findings are those of a run without the cache, nothing is stored
    from the buffer, and the next runs on ``admin``'s module read what the file registers."""
    registering = blueprint_module("own") + ("\n\ndef create_app(app):\n    from shop.admin import admin\n\n"
                                             "    app.register_blueprint(own)\n    app.register_blueprint(admin)\n")
    other = registering.replace("    app.register_blueprint(admin)\n", "")
    path = str(shop / "shop" / "own.py")
    for text, buffer in ((registering, other), (other, registering)):
        bump(shop / "shop" / "own.py", text)
        runs = []
        for cached in (True, False):
            session = new_session()
            session.disk_cache = cached
            runs.append(sorted((f.line, f.message) for f in engine.analyze_module(ast.parse(buffer), path)))
            new_session()
            stamp, fields = json.loads((shop / sources.CACHE_DIR / "index.json").read_text())["entries"][path]
            assert stamp != sources.stat_key(path) or "registers" not in fields
        assert runs[0] == runs[1]
        admin = registered_as_fresh(shop, "shop/admin.py", monkeypatch)
        assert admin == ([] if text == registering else [unregistered("admin")])
        assert "registers" in stored_fields(shop, "shop/own.py")


def lint_as_the_plugin(root: Path, name: str, buffer: Optional[str] = None) -> list:
    """A run of the plugin's kind on ``name``: the tree of ``buffer`` (default: the file's text) with
    that text as its source (flake8's lines), in a session that ends (and writes its entries)."""
    session = new_session()
    session.disk_cache = True
    path = root / name
    text = path.read_text() if buffer is None else buffer
    got = sorted((f.code, f.line) for f in engine.analyze_module(ast.parse(text), str(path), source=text))
    new_session()
    return got


def test_a_linted_module_keeps_what_other_runs_ask_of_it(shop: Path, monkeypatch) -> None:
    """An editor saves and lints ``shop/__init__.py``, then ``shop/views.py``: the first run keeps what
    runs asked of the module it lints before (its registrations and imports: FDP008 on ``views.py``
    read them), its text being the file's, so the second reads them and parses no module; what no run
    asked (``admin.py``'s imports) is not written; from a buffer that is not the saved file nothing is
    kept (what is kept then was read from the file), and the next run sees what the file registers."""
    init = shop / "shop" / "__init__.py"
    assert lint_as_the_plugin(shop, "shop/views.py") == []  # the cache made: __init__.py's calls read
    assert {"registers", "imports"} <= set(stored_fields(shop, "shop/__init__.py"))
    bump(init, SHOP_INIT + "\n\nfrom shop.web.main import pages_bp as again  # noqa: E402,F401\n")  # a save
    lint_as_the_plugin(shop, "shop/__init__.py")
    fields = stored_fields(shop, "shop/__init__.py")
    assert [words for words, _plan in fields["registers"]["calls"]] == [["views"], ["pages_bp"]]
    assert "again" in [ref[0] for ref in fields["imports"]]
    bump(shop / "shop" / "admin.py", blueprint_module("admin") + "\n")
    lint_as_the_plugin(shop, "shop/admin.py")
    assert not {"imports", "registers", "routes"} & set(stored_fields(shop, "shop/admin.py"))
    scanned = counting_scans(monkeypatch)
    assert lint_as_the_plugin(shop, "shop/views.py") == [] and scanned == []
    assert messages_as_fresh(shop, "shop/views.py", "FDP008") == []
    # a buffer that drops the registration of views: nothing kept from it; the file still registers views
    bump(init, SHOP_INIT)
    lint_as_the_plugin(shop, "shop/__init__.py", SHOP_INIT.replace("    app.register_blueprint(views)\n", ""))
    stamp, fields = json.loads((shop / sources.CACHE_DIR / "index.json").read_text())["entries"][str(init)]
    assert stamp != sources.stat_key(str(init)) or \
        [words for words, _plan in fields["registers"]["calls"]] == [["views"], ["pages_bp"]]  # the file's
    assert lint_as_the_plugin(shop, "shop/views.py") == []
    bump(init, SHOP_INIT.replace("    app.register_blueprint(views)\n", ""))  # saved: the file no longer does
    lint_as_the_plugin(shop, "shop/__init__.py")
    assert lint_as_the_plugin(shop, "shop/views.py") == [("FDP008", 3)]  # the finding's fix plan reads modules


@pytest.mark.parametrize("written, source, same", [
    (b"x = 1\n", "x = 1\n", True),
    (b"x = 1\n", "x = 2\n", False),  # an unsaved buffer
    (b"x = 1\r\n", "x = 1\n", False),  # flake8 reads stdin with universal newlines
    ("s = 'é'\n".encode("latin-1"), "s = 'é'\n", False),  # another encoding
    (b"x = 1\n", None, False),  # no text: taken for a buffer
    (b"x = 1\n", "x = 1\n\n", False),
])
def test_a_text_is_the_files_only_byte_for_byte(tmp_path: Path, written: bytes, source: Optional[str], same: bool) -> None:
    from flake8_flask_deploy import index

    path = tmp_path / "m.py"
    path.write_bytes(written)
    assert index.is_file_text(str(path), source, len(written)) is same
    assert index.is_file_text(str(tmp_path / "gone.py"), "x = 1\n", 6) is False
