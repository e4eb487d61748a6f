"""The project index (index.py) and astroid inference (inference.py) on real trees on disk."""
from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flake8_flask_deploy import index as idx
from flake8_flask_deploy import inference
from flake8_flask_deploy.session import current

from issue8_helpers import actual, copy_project, expected, project as write

CODES = ("FDP007", "FDP008", "FDP009", "FDP010")


@pytest.mark.parametrize("name", ["factory_blueprints", "circular_blog", "cross_shadow", "src_layout"])
def test_project_findings_match_expect_comments(name: str, tmp_path: Path) -> None:
    root = copy_project(name, tmp_path)
    want = expected(root, CODES)
    got = actual(root, CODES)
    assert not (want - got) and not (got - want), f"missing {sorted(want - got)}\nunexpected {sorted(got - want)}"


def test_modules_and_dotted_names_with_src_layout(tmp_path: Path) -> None:
    root = copy_project("src_layout", tmp_path)
    index = idx.get_index(str(root))
    dotted = sorted(m.dotted for m in index.modules.values())
    assert "shop.__init__" in dotted and "shop.views" in dotted and "tests.test_shop" in dotted
    assert idx.get_index(str(root)) is index  # cached per process and root


def test_import_graph_follows_packages_submodules_and_function_imports(tmp_path: Path) -> None:
    root = copy_project("factory_blueprints", tmp_path)
    index = idx.get_index(str(root))
    init = str((root / "app" / "__init__.py").resolve())
    targets = {Path(t).relative_to(root.resolve()).as_posix() for t, _ in index.edges(init)}
    # ``from app.main import bp`` inside create_app, ``from app import shop`` (a submodule)
    assert {"app/config.py", "app/main/__init__.py", "app/auth.py", "app/api/__init__.py", "app/shop.py"} <= targets
    routes = str((root / "app" / "main" / "routes.py").resolve())
    importers = [Path(p).relative_to(root.resolve()).as_posix() for p, _ in index.importers(routes)]
    assert importers == ["app/main/__init__.py"]
    admin = str((root / "app" / "admin.py").resolve())
    assert index.importers(admin) == []


ALL_PROJECTS = sorted([p for p in (Path(__file__).parent / "projects_issue8").iterdir() if p.is_dir()]
                      + [p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir()]
                      + [p for p in (Path(__file__).parent.parent / "examples").iterdir() if p.is_dir()])


@pytest.mark.parametrize("project", ALL_PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_importers_are_the_modules_whose_edges_reach_the_module(project: Path) -> None:
    """``importers`` resolves only the imports that name a module; the answer is the one every
    candidate's whole import graph (``edges``) gives, in the same order, for every module."""
    from flake8_flask_deploy.session import new_session

    new_session().disk_cache = False
    roots = {idx.sources.find_root(str(p.parent.resolve())) for p in project.rglob("*.py")}
    for root in sorted(roots):
        index = idx.get_index(root)
        for path in index.modules:
            for tests in (False, True):
                want = [(other, ref) for other in index.near(path, "import")
                        if other != path and (tests or not index.is_test(other))
                        for target, ref in index.edges(other) if target == path]
                fresh = idx.ProjectIndex(root)
                assert fresh.importers(path, tests) == want, path


@pytest.mark.parametrize("project", ALL_PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_loads_is_what_the_whole_import_graph_says(project: Path) -> None:
    """``loads(other, path)`` (FDP003's callers of a factory) resolves only the imports of ``other`` that
    name ``path``; for every two modules, the answer is the one ``other``'s whole import graph gives."""
    from flake8_flask_deploy.session import new_session

    new_session().disk_cache = False
    roots = {idx.sources.find_root(str(p.parent.resolve())) for p in project.rglob("*.py")}
    for root in sorted(roots):
        fresh, index = idx.ProjectIndex(root), idx.get_index(root)
        got = {(other, path): fresh.loads(other, path) for path in fresh.modules for other in fresh.modules
               if other != path}
        assert not fresh._edges  # noqa: SLF001 - every answer above came from the imports naming the module
        assert got == {(other, path): any(target == path for target, _ref in index.edges(other)) for other, path in got}


def test_register_targets_loops_nested_and_module_attributes(tmp_path: Path) -> None:
    root = copy_project("factory_blueprints", tmp_path)
    index = idx.get_index(str(root))
    registered = set()
    for path in index.mentioning("register_blueprint"):
        scan = index.scan(path)
        for call in scan.registers:
            for target in idx.register_targets(index, path, call) or []:
                registered.add((Path(target[0]).relative_to(root.resolve()).as_posix(), target[1]))
    assert registered == {("app/main/__init__.py", "bp"), ("app/auth.py", "auth_bp"), ("app/api/__init__.py", "api_bp"),
                          ("app/shop.py", "bp"), ("app/api/v1.py", "v1")}


def test_prefilter_keeps_unrelated_modules_unscanned(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "util.py": "def add(a, b):\n    return a + b\n",
    })
    index = idx.get_index(str(root))
    by_name = {Path(p).name: m for p, m in index.modules.items()}
    assert by_name["app.py"].mentions_flask and not by_name["util.py"].mentions_flask
    assert current().cache("index.scans", "file") == {}  # building the index parses nothing


def test_index_keeps_no_module_bytes_and_reads_again_only_for_other_words(tmp_path: Path, monkeypatch) -> None:
    root = write(tmp_path, {
        "app.py": "from flask import Flask\nfrom views import bp\napp = Flask(__name__)\napp.register_blueprint(bp)\n",
        "views.py": "from flask import Blueprint\nbp = Blueprint('shop_views', __name__)\n",
        "util.py": "VIEWS = 1  # register_blueprints is another word\n",
    })
    index = idx.get_index(str(root))
    entry = next(iter(index.modules.values()))
    assert not hasattr(entry, "__dict__")  # slots only: path, dotted name and what the bytes told
    reads = []
    real = idx.module_bytes
    monkeypatch.setattr(idx, "module_bytes", lambda path: reads.append(path) or real(path))
    names = lambda paths: sorted(Path(p).name for p in paths)  # noqa: E731
    assert names(index.mentioning("register_blueprint")) == ["app.py"]  # a whole word, not a prefix
    assert names(index.mentioning("import")) == ["app.py", "views.py"]
    assert reads == []  # indexed words: answered from the entries
    assert names(index.mentioning("shop_views")) == ["views.py"]
    assert len(reads) == 3  # any other word: every module is read again, once
    assert names(index.mentioning("views", "import")) == ["app.py"]
    assert len(reads) == 3 + 2  # only the modules that have ``import`` are read for ``views``
    assert names(index.mentioning("VIEWS")) == ["util.py"]  # words are case-sensitive
    # the fixer's text stands for the file on disk in both kinds of answer
    views = str((root / "views.py").resolve())
    monkeypatch.setitem(current().overrides, views, "from flask import Blueprint\nbp = Blueprint('renamed', __name__)\n")
    assert names(index.mentioning("renamed")) == ["views.py"]


def test_engine_releases_the_linted_tree(tmp_path: Path) -> None:
    from flake8_flask_deploy.engine import analyze_module

    root = copy_project("factory_blueprints", tmp_path)
    path = root / "app" / "main" / "routes.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    analyze_module(tree, str(path))
    # the cross-module rules scanned this tree (the scan cache holds a copy naming only some nodes)...
    assert str(path.resolve()) in current().cache("index.scans", "file")
    # ...but the tree itself is not kept once the module is done
    assert all(held[0] is not tree for held in current().cache("index.tree_scan", "module").values())


def test_cross_module_shadowing(tmp_path: Path) -> None:
    root = copy_project("cross_shadow", tmp_path)
    index = idx.get_index(str(root))
    found = idx.cross_module_shadowing(index, str((root / "blog" / "routes.py").resolve()))
    assert [(f.name, f.node.lineno, Path(f.other_path).name, f.other_line, f.import_line) for f in found] == [
        ("app", 3, "__init__.py", 3, 7)]
    # the package itself is fine, and so is the seed-000 layout that imports the one app
    assert idx.cross_module_shadowing(index, str((root / "blog" / "__init__.py").resolve())) == []
    seed = copy_project("circular_blog", tmp_path / "seed")
    seed_index = idx.get_index(str(seed))
    assert idx.cross_module_shadowing(seed_index, str((seed / "blog" / "routes.py").resolve())) == []


def test_cross_module_shadowing_not_for_a_script_or_an_app_import(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "blog/__init__.py": "from flask import Flask\napp = Flask(__name__)\nfrom blog.routes import app as app2\n",
        "blog/routes.py": "from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef home():\n    return ''\n",
        "tool/__init__.py": "from flask import Flask\napp = Flask(__name__)\nfrom tool import cli\n",
        "tool/cli.py": ("from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef home():\n    return ''\n"
                        "if __name__ == '__main__':\n    app.run()\n"),
    })
    index = idx.get_index(str(root))
    assert idx.cross_module_shadowing(index, str((root / "blog" / "routes.py").resolve())) == []
    assert idx.cross_module_shadowing(index, str((root / "tool" / "cli.py").resolve())) == []


def test_stdin_buffer_that_differs_from_disk_is_not_judged_by_the_index(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "views.py": ("from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef a():\n    return ''\n"
                     "@app.route('/b')\ndef a():\n    return ''\n"),
    })
    buffer = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef a():\n    return ''\n"
    out = subprocess.run(
        [sys.executable, "-m", "flake8", "--select=FDP", "--stdin-display-name", str(root / "views.py"), "-"],
        input=buffer, capture_output=True, text=True, cwd=root)
    assert "FDP010" not in out.stdout, out.stdout
    out = subprocess.run([sys.executable, "-m", "flake8", "--select=FDP", str(root / "views.py")],
                         capture_output=True, text=True, cwd=root)
    assert "views.py:6:2: FDP010" in out.stdout, out.stdout + out.stderr


def test_inference_follows_a_factory_in_another_module(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(inference, "QUESTION_BUDGET", 60.0)  # a loaded CI machine must not decide
    root = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/factory.py": ("from flask import Flask\n\ndef build_application():\n    app = Flask(__name__)\n"
                           "    return app\n"),
        "pkg/main.py": ("from pkg.factory import build_application\napplication = build_application()\n"
                        "application.config['SECRET_KEY'] = 'abc'\nother = object()\nother.secret_key = 'x'\n"),
    })
    inference.reset_budget()
    main = str((root / "pkg" / "main.py").resolve())
    assert inference.infer_kind(main, 3, 0, str(root), "pkg.main") == "Flask"
    assert inference.infer_kind(main, 5, 0, str(root), "pkg.main") is None
    assert "astroid" in sys.modules


def test_inference_budget_exhausted_answers_none(tmp_path: Path, monkeypatch) -> None:
    root = write(tmp_path, {"app.py": "import flask\napp = flask.Flask(__name__)\napp.secret_key = 'k'\n"})
    inference.reset_budget()
    monkeypatch.setattr(inference, "TIME_BUDGET", 0.0)
    assert inference.infer_kind(str(root / "app.py"), 3, 0, str(root)) is None
    monkeypatch.setattr(inference, "TIME_BUDGET", 5.0)
    monkeypatch.setattr(inference, "QUESTION_BUDGET", 60.0)
    inference.reset_budget()
    assert inference.infer_kind(str(root / "app.py"), 3, 0, str(root)) == "Flask"


def test_flake8_run_without_cross_module_needs_imports_neither_astroid_nor_index(tmp_path: Path) -> None:
    root = write(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n\n\n@app.route('/')\n"
                                      "def home():\n    return 'hi'\n"})
    code = ("import sys, ast\nfrom flake8_flask_deploy.engine import analyze_module\n"
            f"p = {str(root / 'app.py')!r}\nanalyze_module(ast.parse(open(p).read()), p)\n"
            "print('astroid' in sys.modules, bool(__import__('flake8_flask_deploy.session').session.current().cache('index.indexes', 'project')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_index_is_built_once_for_many_files(tmp_path: Path) -> None:
    files = {f"pkg/mod{i}.py": f"from flask import Blueprint\nbp{i} = Blueprint('b{i}', __name__)\n"
             f"@bp{i}.route('/{i}')\ndef v{i}():\n    return ''\n" for i in range(30)}
    files["pkg/__init__.py"] = "from flask import Flask\napp = Flask(__name__)\n"
    root = write(tmp_path, files)
    start = time.perf_counter()
    got = actual(root, CODES)
    assert sum(1 for (_, _, code) in got if code == "FDP008") == 30
    assert len(current().cache("index.indexes", "project")) == 1
    assert time.perf_counter() - start < 20


def test_example_factory_blueprints_shows_each_rule(tmp_path: Path) -> None:
    import shutil

    example = Path(__file__).parent.parent / "examples" / "factory_blueprints"
    root = tmp_path / "factory_blueprints"
    shutil.copytree(example, root)
    got = sorted((rel, code) for (rel, _line, code) in actual(root, CODES))
    assert got == [("shop/admin/views.py", "FDP008"), ("shop/catalog/feeds.py", "FDP009"),
                   ("shop/catalog/views.py", "FDP010"), ("shop/settings.py", "FDP007")]


def test_config_class_keeps_its_line_not_its_body(tmp_path: Path) -> None:
    root = write(tmp_path, {"config.py": "class Config:\n    DEBUG = True\n    SECRET_KEY = 'dev'\n    def helper(self):\n"
                                         "        return [i for i in range(10)]\n"})
    scan = idx.scan_file(str((root / "config.py").resolve()))
    info = scan.classes["Config"]
    assert (info.line, info.debug, info.sets_secret, info.secret[1]) == (1, True, True, "dev")
    # the scan outlives the tree in the per-process cache: no field may keep the class body alive
    assert not any(isinstance(value, ast.ClassDef) for value in vars(info).values())


def _nodes_reachable(*roots) -> list:
    """Every ``ast`` node reachable from ``roots`` through object references (modules, classes and
    functions are not followed)."""
    import gc
    import types

    seen, out, stack = set(), [], list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (types.ModuleType, type, types.FunctionType)):
            continue
        seen.add(id(obj))
        if isinstance(obj, ast.AST):
            out.append(obj)
        stack.extend(gc.get_referents(obj))
    return out


BIG_MODULE = '''\
from flask import Flask, Blueprint
from blog.helpers import (one,
                          two)
import os.path

app = Flask(__name__)
bp = Blueprint("bp", __name__)


@app.route("/")
def home():
    values = [one(i) for i in range(10)]
    return str(values) + os.path.sep


@bp.route("/two")
def second():
    if two():
        return "a"
    return "b"


app.register_blueprint(bp)


def create_app():
    made = Flask(__name__)
    made.config["DEBUG"] = True
    return made


if __name__ == "__main__":
    app.add_url_rule("/late", "late", home)
    app.run(debug=True)
'''


def test_cached_scans_and_facts_keep_positions_not_bodies(tmp_path: Path) -> None:
    """The per-process caches outlive flake8's tree: imports and routes are kept as positions, and
    the facts kept for other modules' questions hold no function, guard or import statement."""
    from flake8_flask_deploy import project
    from flake8_flask_deploy.engine import analyze_module
    from flake8_flask_deploy.facts import collect, detached
    from flake8_flask_deploy.model import Spot

    root = write(tmp_path, {"blog/__init__.py": "", "blog/helpers.py": "def one(i):\n    return i\n\n\ndef two():\n"
                            "    return True\n", "blog/app.py": BIG_MODULE, "blog/wsgi.py": "from blog.app import app\n"})
    path = str((root / "blog" / "app.py").resolve())
    tree = ast.parse(BIG_MODULE)
    analyze_module(tree, path)
    scan = idx.scan_file(path)
    assert [(r.local, r.node.lineno, r.node.end_lineno) for r in scan.imports] == [
        ("Flask", 1, 1), ("Blueprint", 1, 1), ("one", 2, 3), ("two", 2, 3), ("os", 4, 4)]
    assert all(isinstance(r.node, Spot) for r in scan.imports + scan.routes)
    assert scan.imports[2].node is scan.imports[3].node  # one position per statement
    assert [(r.receiver, r.node.lineno, r.node.col_offset) for r in scan.routes] == [
        ("app", 10, 1), ("bp", 16, 1), ("app", 33, 4)]
    facts = project.facts_of_file(path)
    kept = [type(n).__name__ for n in _nodes_reachable(current().cache("index.scans", "file"), current().cache("project.facts", "file"))]
    for heavy in ("FunctionDef", "If", "Import", "ImportFrom", "ListComp", "Return"):
        assert heavy not in kept, (heavy, sorted(set(kept)))
    # the detached facts answer what other modules ask exactly as the full ones do
    full = collect(ast.parse(BIG_MODULE), path)
    assert facts is not None and detached(full).function_regions == full.function_regions
    assert [(b.name, b.kind, b.where.region) for b in facts.module_app_bindings()] == \
           [(b.name, b.kind, b.where.region) for b in full.module_app_bindings()]
    assert facts.receivers() == full.receivers() and facts.is_app("app", "") and full.is_app("app", "")
    assert [(r.receiver, facts.region_of(r.where), r.stmt.lineno) for r in facts.registrations] == \
           [(r.receiver, full.region_of(r.where), r.stmt.lineno) for r in full.registrations]
    assert [g.lineno for g in facts.guards] == [g.lineno for g in full.guards] == [32]
    assert [(r.node.lineno, r.host, facts.is_guarded(r.where)) for r in facts.runs] == [(34, None, True)]
    assert sorted(facts.functions) == sorted(full.functions) and all(
        isinstance(i.node, Spot) and i.node.lineno == full.functions[q].node.lineno for q, i in facts.functions.items())
    # and the linted module's own facts are untouched: the rules and fixes still walk real nodes
    assert isinstance(full.functions["home"].node, ast.FunctionDef)


def test_index_entries_share_their_word_sets(tmp_path: Path) -> None:
    root = write(tmp_path, {f"pkg/m{i}.py": "import os\nfrom flask import Flask\n" for i in range(5)})
    index = idx.get_index(str(root))
    words = [e.words for p, e in index.modules.items() if "/pkg/m" in p]
    assert len(words) == 5 and all(w == {b"import", b"Flask"} for w in words)
    assert len({id(w) for w in words}) == 1  # one object for one distinct set


def test_scan_for_without_a_tree_reads_the_file_only_when_it_is_the_parsed_one(tmp_path: Path) -> None:
    """The tree-less path (a ``ModuleContext`` built without flake8's tree) scans the file on disk,
    and refuses it when it differs from the text the facts came from (an unsaved editor buffer)."""
    from flake8_flask_deploy.facts import collect
    from flake8_flask_deploy.model import DeploymentContext
    from flake8_flask_deploy.rules import ModuleContext

    saved = ("from flask import Flask\napp = Flask(__name__)\n\n\n"
             "@app.route('/')\ndef index():\n    return 'hi'\n")
    buffer = ("from flask import Flask\napp = Flask(__name__)\n\n\n"
              "def helper():\n    pass\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n")
    path = tmp_path / "app.py"
    path.write_text(saved)
    context = DeploymentContext(root=str(tmp_path.resolve()))
    same = ModuleContext(str(path.resolve()), collect(ast.parse(saved), "app.py"), context)
    scan = idx.scan_for(same)
    assert scan is not None and [r.receiver for r in scan.routes] == ["app"]
    other = ModuleContext(str(path.resolve()), collect(ast.parse(buffer), "app.py"), context)
    assert idx.scan_for(other) is None
    path.write_text("def broken(:\n")
    assert not idx.consistent(str(path), collect(ast.parse(saved), "app.py"))


def test_scans_keep_bindings_of_the_scopes_questions_name() -> None:
    """A scan keeps the names bound at module level and in the scopes of its records (with their
    enclosing scopes), not those of every function: the cache holds scans of whole projects."""
    source = ("from flask import Blueprint, Flask\n"
              "bp = Blueprint('bp', __name__)\n"
              "def helper(a, b):\n    c = a + b\n    return c\n"
              "class Util:\n    def method(self, x):\n        return x\n"
              "def create_app():\n    app = Flask(__name__)\n"
              "    def inner():\n        from .views import bp as views_bp\n        app.register_blueprint(views_bp)\n"
              "    @app.route('/')\n    def index():\n        return 'hi'\n    return app\n")
    scan = idx.scan_tree(ast.parse(source), "/project/app.py")
    assert set(scan.bound) == {"", "create_app", "create_app.inner"}
    assert {"bp", "helper", "Util", "create_app"} <= scan.bound[""]
    assert {"app", "inner", "index"} <= scan.bound["create_app"]
    assert scan.blueprint_in("bp", "create_app") == ("", "bp")
